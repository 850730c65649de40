/**
 * Similar papers: the papers most like one paper, for the paper page's
 * sidebar and `GET /api/papers/{id}/similar`, from one implementation above
 * every engine and backend.
 *
 * A paper is a sublinear TF-IDF vector over the words of its whole abstract
 * ((1 + ln tf) · ln(N / df), df of the word's Porter stem, unit length); papers are
 * ranked by the cosine of their vectors, plus — when a vector index is
 * configured (the corpus model, or a neural model) — VECTOR_WEIGHT times the
 * cosine of their stored embeddings. Candidates come from the lexical
 * engine (an OR query of the paper's most telling words, as MoreLikeThis
 * does) and from the vector index's nearest papers; only the candidates are
 * scored, so the cost does not grow with the corpus.
 *
 * Measured on a graded set built from the Daily Papers data (bench/
 * eval-similar.ts; NDCG@20, see the constants below): the OR query's own
 * BM25 order — what similar() returned before — ranks well below exact
 * cosine, which re-ranking its candidates recovers.
 *
 * Document frequencies are counted up to a cap (DfCounter): a word in more
 * papers than that says nothing about a topic and gets no weight, which
 * keeps the count cheap on engines that walk postings to count (FTS5).
 *
 * Non-goals: personalization, citations, ranking inside an engine.
 */
import type { PaperDetail, Store } from '../store/store.js';
import type { LexicalEngine } from '../store/lexical-engine.js';
import type { ParsedQuery } from '../domain/query-parser.js';
import { tokenize } from '../domain/tokenize.js';
import type { VectorEngine } from './vectors/vector-engine.js';
import { paperText } from './embed/embedder.js';

/**
 * Words in more than this share of the papers carry no weight ("model",
 * "results", "we"): the TF-IDF vectors and the OR query skip them.
 * NDCG@20 of exact stemmed cosine on the dev half of bench/eval-similar.ts
 * (5,841 Daily Papers) by cap: 0.05 → 0.132, 0.1 → 0.147, 0.2 → 0.154,
 * 0.3 → 0.154, 0.5 → 0.156, no cap → 0.156. A narrow corpus (AI papers)
 * has topic words in a tenth of its papers ("video", "diffusion"), so the
 * cap sits high. Default 0.25; sane range 0.2–0.5.
 */
export const MAX_DF_SHARE = 0.25;
/**
 * And never more than this many papers, so counting a word's papers reads at
 * most this many postings on engines that count by walking them (FTS5; the
 * counts are remembered, DfCounter), at any corpus size. Default 100,000.
 */
export const MAX_DF = 100_000;
/** In a small corpus (under 1,000 papers) the share rule would leave few words; allow up to 50 papers. */
const MIN_DF_CAP = 50;
/**
 * Telling words in the OR query that finds lexical candidates, and how many
 * of its best matches are scored. More words and more candidates find more
 * of the papers exact cosine would rank first, at the cost of posting walks
 * and one batched load of the candidates. With 24 and 150 (and 60 vector
 * neighbours) the served ranking scores what exact cosine over every paper
 * scores on the dev half of bench/eval-similar.ts (0.169 / 0.169 without
 * vectors, 0.171 / 0.171 with). Sane ranges 12–40 and 50–300.
 */
export const QUERY_TERMS = 24;
export const LEXICAL_CANDIDATES = 150;
/** The vector index's nearest papers added to the candidates, when there is one. Default 60. */
export const VECTOR_CANDIDATES = 60;
/**
 * Weight of the embeddings' cosine beside the TF-IDF cosine, when a vector
 * index is configured. NDCG@20 on the dev half of bench/eval-similar.ts
 * with the corpus LSA model: TF-IDF alone 0.169, + 0.25 · LSA 0.171, + 0.5 ·
 * LSA 0.167 (LSA alone 0.143: a weak model helps only a little). Chosen for
 * the built-in model; a neural model's cosines carry more and may deserve
 * more weight, not measured here (no model can be downloaded). Sane range 0–1.
 */
export const VECTOR_WEIGHT = 0.25;
/** Hits fetched past a cut so that equal BM25 scores are cut in key order on every engine. */
const TIE_SLACK = 20;

/** The document-frequency cap for a corpus of `docs` papers (see MAX_DF_SHARE). */
export function dfCap(docs: number): number {
  return Math.min(MAX_DF, Math.max(MIN_DF_CAP, Math.floor(docs * MAX_DF_SHARE)));
}

/**
 * Document frequencies of stems from the lexical engine, remembered: the
 * papers near one paper share most of their words with the papers near the
 * next. Counts above the cap are stored as the cap (FTS5 stops there; the
 * block-max engine is exact, so both are clamped alike). Forgotten when the
 * corpus has grown by REFRESH_GROWTH or the map holds MAX_ENTRIES words.
 */
export class DfCounter {
  private static readonly MAX_ENTRIES = 200_000;
  private static readonly REFRESH_GROWTH = 0.02;
  private readonly df = new Map<string, number>();
  private docsAtFill = 0;

  constructor(private readonly engine: LexicalEngine) {}

  /**
   * The corpus size the remembered counts belong to, after forgetting them
   * when the corpus has changed by more than REFRESH_GROWTH (a growing
   * index, a first build): what depends on the counts is stale then too.
   */
  async generation(): Promise<number> {
    const { docs } = await this.engine.documentFrequencies([], 1);
    if (Math.abs(docs - this.docsAtFill) > this.docsAtFill * DfCounter.REFRESH_GROWTH || this.df.size > DfCounter.MAX_ENTRIES) {
      this.df.clear();
      this.docsAtFill = docs;
    }
    return this.docsAtFill;
  }

  /** The corpus size and, for each stem (given with one folded surface form), its clamped document frequency. */
  async lookup(words: Map<string, string>): Promise<{ docs: number; cap: number; df: Map<string, number> }> {
    await this.generation();
    const docs = this.docsAtFill;
    const cap = dfCap(docs);
    const missing = [...words].filter(([stem]) => !this.df.has(stem));
    if (missing.length > 0) {
      const { df } = await this.engine.documentFrequencies(missing.map(([, surface]) => surface), cap + 1);
      missing.forEach(([stem], i) => this.df.set(stem, Math.min(df[i], cap + 1)));
    }
    const out = new Map<string, number>();
    for (const stem of words.keys()) out.set(stem, this.df.get(stem) ?? 0);
    return { docs, cap, df: out };
  }
}

/**
 * A paper's words (folded, not stemmed) with their term frequencies and
 * stems: the words of the whole abstract (the title's when there is no
 * abstract). Dimensions are words, so "generation" and "generative" (one
 * Porter stem, "gener") stay apart; a word's idf is its stem's, the count
 * every engine keeps. NDCG@20 on the dev half of bench/eval-similar.ts:
 * stems 0.156; words with words' idf 0.167 (the TF-IDF peer); words with
 * stems' idf 0.170; title words added once 0.166, half-weighted 0.168 (the
 * title's words are in the abstract already).
 */
export function termCounts(title: string, abstract: string): Map<string, { stem: string; tf: number }> {
  const out = new Map<string, { stem: string; tf: number }>();
  for (const t of tokenize(abstract.trim() ? abstract : title)) {
    if (t.stem.length < 2 || /^\d+$/.test(t.stem)) continue;
    const e = out.get(t.folded);
    if (e) e.tf++;
    else out.set(t.folded, { stem: t.stem, tf: 1 });
  }
  return out;
}

/** The stems of `counts` with one folded word each: what the engines are asked for document frequencies. */
export function stemsOf(counts: Map<string, { stem: string }>, into = new Map<string, string>()): Map<string, string> {
  for (const [word, { stem }] of counts) if (!into.has(stem)) into.set(stem, word);
  return into;
}

/** Unit-length sublinear TF-IDF vector over words, idf by stem; words whose stem is in more than `cap` papers (or unknown) get no weight. */
export function tfidfVector(counts: Map<string, { stem: string; tf: number }>, df: Map<string, number>, docs: number, cap: number): Map<string, number> {
  const v = new Map<string, number>();
  let norm = 0;
  for (const [word, { stem, tf }] of counts) {
    const d = df.get(stem) ?? 0;
    if (d > cap) continue;
    const w = (1 + Math.log(tf)) * Math.log((docs + 1) / Math.max(d, 1));
    if (w <= 0) continue;
    v.set(word, w);
    norm += w * w;
  }
  const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (const [k, w] of v) v.set(k, w * inv);
  return v;
}

export function sparseCosine(a: Map<string, number>, b: Map<string, number>): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let s = 0;
  for (const [k, w] of small) {
    const o = large.get(k);
    if (o !== undefined) s += w * o;
  }
  return s;
}

/** The OR query of a paper's `n` most telling words (TF-IDF weight; words only this paper has left out). */
export function tellingTermsQuery(counts: Map<string, { stem: string }>, vector: Map<string, number>, df: Map<string, number>, n: number): ParsedQuery {
  const picked = [...vector]
    .filter(([word]) => (df.get(counts.get(word)!.stem) ?? 0) > 1)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, n)
    .map(([word]) => word);
  return { include: picked.map((w) => ({ kind: 'term', tokens: [w], prefix: false })), exclude: [], authors: [], categories: [], organizations: [] };
}

/**
 * How long an answer is remembered. A paper's similar papers change only
 * as papers arrive, and an answer costs ≈ 55–85 ms of CPU at 5,841 papers
 * (tokenizing ≈ 200 candidates' abstracts is most of it) on the thread that
 * answers requests, for every paper page a browser opens (the page fetches
 * its list). A new paper appears in other papers' lists within this time,
 * or sooner when the corpus grows by DfCounter's 2 % (every answer is
 * forgotten then). Default 10 minutes; sane range 0–1 hour.
 */
export const SIMILAR_TTL_MS = 10 * 60_000;
/** Answers remembered at most (paper keys only: ≈ 10 numbers each). */
const SIMILAR_CACHE_ENTRIES = 20_000;

/** Remembered answers: paper, length and whether vectors took part → the keys, best first. */
export class SimilarCache {
  private readonly entries = new Map<string, { at: number; generation: number; keys: number[] }>();

  constructor(private readonly ttlMs = SIMILAR_TTL_MS) {}

  get(id: string, generation: number): number[] | null {
    const e = this.entries.get(id);
    if (!e) return null;
    if (e.generation !== generation || Date.now() - e.at > this.ttlMs) {
      this.entries.delete(id);
      return null;
    }
    return e.keys;
  }

  set(id: string, generation: number, keys: number[]): void {
    if (this.ttlMs <= 0) return;
    this.entries.delete(id);
    if (this.entries.size >= SIMILAR_CACHE_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(id, { at: Date.now(), generation, keys });
  }
}

export interface SimilarDeps {
  store: Store;
  engine: LexicalEngine;
  vectors: VectorEngine | null;
  df: DfCounter;
  /** Remembered answers (the search layer keeps one); none: compute every time (benches, evals). */
  cache?: SimilarCache;
}

export interface SimilarOptions {
  /** Weight of the embeddings' cosine (default VECTOR_WEIGHT; 0 = TF-IDF alone). Benches vary it. */
  vectorWeight?: number;
}

/** Up to `n` papers most like `paperId` (not itself), best first; [] for an unknown paper. */
export async function similarPapers(deps: SimilarDeps, paperId: string, n: number, opts: SimilarOptions = {}): Promise<PaperDetail[]> {
  if (n <= 0) return [];
  const weight = deps.vectors ? opts.vectorWeight ?? VECTOR_WEIGHT : 0;
  if (!deps.cache) return (await computeSimilar(deps, paperId, n, weight)).details;
  const id = `${paperId}\n${n}\n${weight}`;
  const generation = await deps.df.generation();
  const keys = deps.cache.get(id, generation);
  if (keys) {
    const details = await deps.store.getPaperDetailsByKeys(keys);
    // A paper deleted (or hidden) since: answer afresh.
    if (details.size === keys.length) return keys.map((k) => details.get(k)!);
  }
  const found = await computeSimilar(deps, paperId, n, weight);
  deps.cache.set(id, generation, found.keys);
  return found.details;
}

async function computeSimilar(deps: SimilarDeps, paperId: string, n: number, weight: number): Promise<{ details: PaperDetail[]; keys: number[] }> {
  const none = { details: [], keys: [] };
  const detail = await deps.store.getPaper(paperId);
  if (!detail) return none;
  const counts = termCounts(detail.paper.title, detail.paper.abstract);
  const { docs, cap, df } = await deps.df.lookup(stemsOf(counts));
  const vector = tfidfVector(counts, df, docs, cap);
  const query = tellingTermsQuery(counts, vector, df, QUERY_TERMS);

  const candidates = new Set<number>();
  if (query.include.length > 0) {
    const res = await deps.engine.search({
      query, mode: 'any', filters: { categories: [], organizations: [] }, sort: 'relevance', limit: LEXICAL_CANDIDATES + TIE_SLACK, offset: 0, countCap: 0,
    });
    // Equal scores (to 10 significant digits: engines agree to ~1e-12) in key order, whichever way the engine breaks ties.
    const rounded = (x: number) => Number(x.toPrecision(10));
    for (const h of [...res.hits].sort((a, b) => rounded(b.score) - rounded(a.score) || a.key - b.key).slice(0, LEXICAL_CANDIDATES)) candidates.add(h.key);
  }
  const loaded = await deps.store.getPaperDetailsByKeys([...candidates].sort((a, b) => a - b));
  let own: Float32Array | null = null;
  if (deps.vectors && weight > 0) {
    // The paper's stored vector when it is among its own lexical candidates (it nearly always is: it holds all
    // its telling words), else its text embedded as the index embeds papers — a neural model's inference saved.
    const selfKey = [...loaded].find(([, d]) => d.paper.id === paperId)?.[0];
    if (selfKey !== undefined) [own] = await deps.vectors.vectorsOf([selfKey]);
    own ??= (await deps.vectors.embedder.embed([paperText(detail.paper)], 'document'))[0];
    const more = (await deps.vectors.search(own, VECTOR_CANDIDATES + 1, { categories: [], organizations: [] }))
      .map((h) => h.key).filter((k) => !loaded.has(k));
    if (more.length > 0) for (const [k, d] of await deps.store.getPaperDetailsByKeys(more.sort((a, b) => a - b))) loaded.set(k, d);
  }
  if (loaded.size === 0) return none;

  const theirCounts = new Map<number, Map<string, { stem: string; tf: number }>>();
  const words = new Map<string, string>();
  for (const [key, d] of loaded) {
    if (d.paper.id === paperId) continue;
    const c = termCounts(d.paper.title, d.paper.abstract);
    theirCounts.set(key, c);
    stemsOf(c, words);
  }
  const all = await deps.df.lookup(words);
  const cosines = own ? await deps.vectors!.similarity(own, [...theirCounts.keys()]) : null;
  const scored = [...theirCounts].map(([key, c], i) => ({
    key,
    score: sparseCosine(vector, tfidfVector(c, all.df, docs, cap)) + (cosines ? weight * Math.max(0, cosines[i]) : 0),
  }));
  scored.sort((a, b) => b.score - a.score || a.key - b.key);
  const best = scored.slice(0, n);
  return { details: best.map((s) => loaded.get(s.key)!), keys: best.map((s) => s.key) };
}
