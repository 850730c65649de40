/**
 * `npm run eval:similar`: how well each way of finding similar papers ranks
 * the graded set of bench/similar-sets.ts — NDCG@20 (linear gains 1–3),
 * the measure the issue reports (TF-IDF cosine 0.569, fused with LSA 0.588,
 * the old similar() 0.438 on an expert-graded CS set).
 *
 *   npm run eval:similar                     # test half (what the README shows)
 *   npm run eval:similar -- --split dev      # the half weights were chosen on
 *   npm run eval:similar -- --sample 600 --data DIR
 *
 * Methods: the old similar() (an OR query of a paper's 12 most telling words,
 * title words ×3, BM25 order); exact TF-IDF cosine over every paper (sublinear
 * tf, the whole abstract) on folded words (the issue's peer), on Porter
 * stems, and as similar() builds it (words, stems' idf, the document-frequency
 * cap); the corpus LSA model's cosine;
 * their fusion at several weights; and similar() as served (candidates from
 * the engine and the vector index, re-ranked), without and with vectors.
 * Non-goals: latency (bench/search-bench.ts), other engines (the service's
 * similar() is one implementation; test/search/search-layer.test.ts checks
 * engines agree).
 */
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { tokenize } from '../src/domain/tokenize.js';
import type { ParsedQuery } from '../src/domain/query-parser.js';
import { paperText } from '../src/search/embed/embedder.js';
import { dfCap, similarPapers, DfCounter, VECTOR_WEIGHT } from '../src/search/similar.js';
import { realDataDir } from './corpus.js';
import { dataDirExists, loadDailyPapers, scoreRanking, type Split } from './eval-sets.js';
import { openEvalSearch } from './eval-search.js';
import { similarSets, type SimilarQuery } from './similar-sets.js';
import type { LexicalEngine } from '../src/store/lexical-engine.js';

const K = 20;

type SparseVec = Map<string, number>;

/** Sublinear TF-IDF vectors of every paper's whole abstract: dimensions words or stems, idf by word or by stem, stems over `cap` papers dropped. */
function sparseTfidf(docs: { id: string; title: string; abstract: string }[], o: { dim: 'word' | 'stem'; idf: 'word' | 'stem'; cap?: number }): Map<string, SparseVec> {
  const counts = docs.map((d) => {
    const c = new Map<string, { tf: number; key: string }>();
    for (const t of tokenize(d.abstract.trim() ? d.abstract : d.title)) {
      if (t.stem.length < 2 || /^\d+$/.test(t.stem)) continue;
      const w = o.dim === 'stem' ? t.stem : t.folded;
      const e = c.get(w);
      if (e) e.tf++;
      else c.set(w, { tf: 1, key: o.idf === 'stem' ? t.stem : t.folded });
    }
    return c;
  });
  const df = new Map<string, number>();
  for (const c of counts) for (const k of new Set([...c.values()].map((e) => e.key))) df.set(k, (df.get(k) ?? 0) + 1);
  const n = docs.length;
  const out = new Map<string, SparseVec>();
  docs.forEach((d, i) => {
    const v: SparseVec = new Map();
    let norm = 0;
    for (const [w, { tf, key }] of counts[i]) {
      const f = df.get(key)!;
      if (f > (o.cap ?? Infinity)) continue;
      const x = (1 + Math.log(tf)) * Math.log((n + 1) / f);
      v.set(w, x);
      norm += x * x;
    }
    for (const [w, x] of v) v.set(w, x / Math.sqrt(norm || 1));
    out.set(d.id, v);
  });
  return out;
}

/** Cosine of `id` with every paper through an inverted index: id → score (self excluded). */
function allCosines(vecs: Map<string, SparseVec>, postings: Map<string, [string, number][]>, id: string): Map<string, number> {
  const scores = new Map<string, number>();
  for (const [w, x] of vecs.get(id)!) for (const [other, y] of postings.get(w) ?? []) if (other !== id) scores.set(other, (scores.get(other) ?? 0) + x * y);
  return scores;
}

function invert(vecs: Map<string, SparseVec>): Map<string, [string, number][]> {
  const p = new Map<string, [string, number][]>();
  for (const [id, v] of vecs) for (const [w, x] of v) (p.get(w) ?? p.set(w, []).get(w)!).push([id, x]);
  return p;
}

const top = (scores: Map<string, number>, k: number) => [...scores].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, k).map(([id]) => id);

/** The old similar(): the 12 most telling words (title ×3, in-paper weight × idf) as one OR query, BM25 order. */
async function oldSimilar(engine: LexicalEngine, idOf: (k: number) => string | undefined, docs: number, p: { id: string; title: string; abstract: string }, k: number): Promise<string[]> {
  const tf = new Map<string, { surface: string; weight: number }>();
  const add = (text: string, w: number) => {
    for (const t of tokenize(text)) {
      if (t.stem.length < 3 || /^\d+$/.test(t.stem)) continue;
      const e = tf.get(t.stem);
      if (e) e.weight += w;
      else tf.set(t.stem, { surface: t.folded, weight: w });
    }
  };
  add(p.title, 3);
  add(p.abstract, 1);
  const maxDf = Math.min(5000, Math.max(50, Math.floor(docs * 0.05)));
  const cands = [...tf.values()].sort((a, b) => b.weight - a.weight || a.surface.localeCompare(b.surface)).slice(0, 24);
  const { df } = await engine.documentFrequencies(cands.map((c) => c.surface), maxDf + 1);
  const picked = cands.map((c, i) => ({ c, d: df[i] })).filter((x) => x.d > 1 && x.d <= maxDf)
    .map((x) => ({ surface: x.c.surface, score: x.c.weight * Math.log(docs / x.d) }))
    .sort((a, b) => b.score - a.score || a.surface.localeCompare(b.surface)).slice(0, 12);
  if (picked.length === 0) return [];
  const query: ParsedQuery = { include: picked.map((x) => ({ kind: 'term', tokens: [x.surface], prefix: false })), exclude: [], authors: [], categories: [], organizations: [] };
  const res = await engine.search({ query, mode: 'any', filters: { categories: [], organizations: [] }, sort: 'relevance', limit: k + 1, offset: 0, countCap: 0 });
  return res.hits.flatMap((h) => idOf(h.key) ?? []).filter((id) => id !== p.id).slice(0, k);
}

function flag(args: string[], name: string, def: string): string {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : def;
}

async function main(args: string[]): Promise<void> {
  const split = flag(args, '--split', 'test') as Split;
  const sample = Number(flag(args, '--sample', '600'));
  const seed = Number(flag(args, '--seed', '17'));
  const dir = flag(args, '--data', realDataDir());
  if (!dataDirExists(dir)) {
    process.stdout.write(`no Daily Papers data at ${dir} (pass --data DIR): nothing to evaluate\n`);
    return;
  }
  const started = performance.now();
  const corpus = loadDailyPapers(dir);
  const queries = similarSets(corpus, sample, seed).filter((q) => q.split === split);
  const papers = corpus.records.map((r) => ({ id: r.paper.id, title: r.paper.title, abstract: r.paper.abstract }));
  const byId = new Map(papers.map((p) => [p.id, p]));
  process.stderr.write(`[similar] ${papers.length} papers, ${queries.length} ${split} queries; importing…\n`);
  const { backend, opened, idOf } = await openEvalSearch(corpus.records);
  const rows: { method: string; ndcg: number; ms: number }[] = [];
  const run = async (method: string, rank: (q: SimilarQuery) => Promise<string[]> | string[]) => {
    let s = 0;
    const t0 = performance.now();
    for (const q of queries) s += scoreRanking(await rank(q), q.relevant, K).ndcg;
    rows.push({ method, ndcg: s / Math.max(1, queries.length), ms: (performance.now() - t0) / Math.max(1, queries.length) });
  };
  try {
    const docs = papers.length;
    await run('old similar(): OR of 12 telling words, BM25', (q) => oldSimilar(opened.engine, idOf, docs, byId.get(q.id)!, K));
    const peer = sparseTfidf(papers, { dim: 'word', idf: 'word' });
    const peerIdx = invert(peer);
    await run('TF-IDF cosine, sublinear tf, words of the whole abstract (the peer)', (q) => top(allCosines(peer, peerIdx, q.id), K));
    const stemmed = sparseTfidf(papers, { dim: 'stem', idf: 'stem' });
    const stemIdx = invert(stemmed);
    await run('TF-IDF cosine, stemmed', (q) => top(allCosines(stemmed, stemIdx, q.id), K));
    const capped = sparseTfidf(papers, { dim: 'word', idf: 'stem', cap: dfCap(docs) });
    const cappedIdx = invert(capped);
    await run(`TF-IDF cosine, words, stems' idf, df ≤ ${dfCap(docs)} (similar()'s vectors, exact)`, (q) => top(allCosines(capped, cappedIdx, q.id), K));

    // The corpus model: every paper's vector once, exact cosines.
    const vectors = opened.vectors!;
    const emb = new Map<string, Float32Array>();
    const all = await vectors.embedder.embed(papers.map(paperText), 'document');
    papers.forEach((p, i) => emb.set(p.id, all[i]));
    const cos = (a: Float32Array, b: Float32Array) => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i] * b[i]; return s; };
    const lsa = (id: string) => { const v = emb.get(id)!; const m = new Map<string, number>(); for (const [o, u] of emb) if (o !== id) m.set(o, cos(v, u)); return m; };
    await run('LSA vectors (corpus model) alone', (q) => top(lsa(q.id), K));
    for (const w of [0.25, 0.5]) {
      await run(`similar()'s TF-IDF + ${w} · LSA (exact)`, (q) => {
        const t = allCosines(capped, cappedIdx, q.id);
        const l = lsa(q.id);
        const f = new Map<string, number>();
        for (const [o, x] of l) f.set(o, (t.get(o) ?? 0) + w * Math.max(0, x));
        return top(f, K);
      });
    }
    const deps = { store: backend.store, engine: opened.engine, vectors: opened.vectors, df: new DfCounter(opened.engine) };
    await run('similar() as served, no vector index', async (q) => (await similarPapers({ ...deps, vectors: null }, q.id, K)).map((d) => d.paper.id));
    for (const w of [...new Set([0.25, VECTOR_WEIGHT])]) {
      await run(`similar() as served, with LSA vectors (weight ${w})`, async (q) => (await similarPapers(deps, q.id, K, { vectorWeight: w })).map((d) => d.paper.id));
    }
  } finally {
    await opened.close();
    await backend.close();
  }
  const lines = ['| method | NDCG@20 | ms/query |', '| --- | --- | --- |'];
  for (const r of rows) lines.push(`| ${r.method} | ${r.ndcg.toFixed(3)} | ${r.ms.toFixed(1)} |`);
  const graded = queries.reduce((s, q) => s + q.relevant.size, 0) / Math.max(1, queries.length);
  process.stdout.write(`${lines.join('\n')}\n\nsplit: ${split}; ${queries.length} query papers (${graded.toFixed(1)} graded papers each) of ${papers.length} Daily Papers, seed ${seed}; ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main(process.argv.slice(2));
}
