/**
 * Hybrid ranking: the lexical engine's BM25 list and the vector engine's
 * nearest papers fused into one order, for `mode=hybrid` (the default) and
 * `mode=semantic` on the search page and the API.
 *
 * The fusion is a convex combination of normalized scores (Bruch, Gai &
 * Ingber 2023, "An analysis of fusion functions for hybrid retrieval":
 * it beats reciprocal-rank fusion and needs one parameter):
 *
 *   fused = w · bm25 / bm25_max + (1 − w) · max(0, cosine)
 *
 * with w from the query's words (lexicalWeight), where bm25_max is the best lexical score of the query, so lexical
 * evidence counts relative to the best match, and the cosine is the model's
 * own (already 0–1 for related texts), of a query vector moved toward the
 * best lexical hits (FEEDBACK_*). A paper the lexical list does not
 * hold scores 0 there; a lexical hit outside the semantic list gets its
 * cosine computed exactly. When nothing matches lexically, the semantic
 * order is the answer (it fills in where lexical evidence is missing).
 *
 * As in lexical mode, papers with every word of the query rank above
 * papers with some of them (search-service.ts ANY_WORD_RULE); the fusion
 * orders papers within each of the two tiers. Dev halves, nDCG@10 summary /
 * keywords / topic: lexical mode (every-word then any-word) 1.000 / 0.970 /
 * 0.171; hybrid with tiers 1.000 / 0.971 / 0.180; without tiers 1.000 /
 * 0.926 / 0.178 (the semantic side pulled partial matches above exact
 * keyword matches).
 *
 * Queries with hard syntax — `-exclusions`, `author:` or "quoted phrases" —
 * keep their exact lexical meaning: hybrid answers them lexically.
 *
 * Non-goals: ranking inside an engine; sorts other than relevance (those
 * list the lexical matches by date or upvotes in every mode).
 */
import type { ParsedQuery } from '../domain/query-parser.js';
import type { LexicalEngine, LexicalFilters, LexicalHit, LexicalResult } from '../store/lexical-engine.js';
import type { VectorEngine } from './vectors/vector-engine.js';
import type { SearchMode } from './search-request.js';

/**
 * Weight of the lexical side, between LEXICAL_WEIGHT_MIN and _MAX by how
 * specific the query's words are: w = MIN + (MAX − MIN) · min(1, Σ idf /
 * IDF_PIVOT), idf = ln((N + 1) / (df + 0.5)). Rare, many words (a pasted
 * sentence, three keyphrases) are strong lexical evidence; one or two common
 * words ("reward modeling") leave room for the meaning.
 *
 * Chosen on the dev halves (bench/eval-search.ts --split dev; nDCG@10 summary
 * / keywords / topic; any-word BM25 alone 1.000 / 0.922 / 0.167, the corpus
 * model alone 0.954 / 0.463 / 0.148):
 *   fixed w 0.9 → 1.000 / 0.922 / 0.165, 0.8 → 1.000 / 0.921 / 0.171,
 *   0.7 → 1.000 / 0.916 / 0.169, 0.6 → 1.000 / 0.910 / 0.170,
 *   0.5 → 1.000 / 0.901 / 0.172 (a fixed weight buys topic with keywords);
 *   adaptive 0.5–0.9 pivot 10 → 1.000 / 0.922 / 0.172,
 *   0.6–0.9 pivot 10 → 1.000 / 0.922 / 0.175,
 *   0.6–0.95 pivot 10 → 1.000 / 0.924 / 0.176 (taken), pivot 15 → 0.924 / 0.172,
 *   pivot 20 → 0.923 / 0.170; 0.5–0.95 pivot 10 → 1.000 / 0.924 / 0.174.
 * Equal-weight reciprocal-rank fusion (k 60) of BM25 and the model gave
 * 0.991 / 0.693 / 0.171: the trap the issue measured (it lets a weak
 * semantic list push known items down). Sane ranges: MIN 0.4–0.7, MAX 0.85–1,
 * PIVOT 5–20.
 */
export const LEXICAL_WEIGHT_MIN = 0.6;
export const LEXICAL_WEIGHT_MAX = 0.95;
export const IDF_PIVOT = 10;

/** The lexical weight for a query whose words have these document frequencies among `docs` papers. */
export function lexicalWeight(df: number[], docs: number): number {
  let idf = 0;
  for (const d of df) idf += Math.max(0, Math.log((docs + 1) / (d + 0.5)));
  return LEXICAL_WEIGHT_MIN + (LEXICAL_WEIGHT_MAX - LEXICAL_WEIGHT_MIN) * Math.min(1, idf / IDF_PIVOT);
}

/**
 * Feedback from the lexical side (Rocchio in the vector space): the query
 * vector moves toward the mean vector of the FEEDBACK_PAPERS best lexical
 * hits, by FEEDBACK_WEIGHT, before the vector search — the meaning is read
 * from papers that share the query's words, so the semantic list drifts
 * less. Dev halves (nDCG@10 summary / keywords / topic): semantic alone
 * 0.954 / 0.462 / 0.148 → 0.975 / 0.739 / 0.153 (3 papers, weight 1);
 * hybrid 1.000 / 0.924 / 0.176 → 1.000 / 0.924 / 0.177 (3 papers) or 0.178
 * (5 papers, weight 1), 0.176 (5, weight 2), 0.175 (3, weight 0.5) — a tie
 * within noise (±0.02 over ≈ 110 topics); 3 reads fewer vectors. On the test
 * halves it is what keeps topics level with any-word BM25 (0.148 vs 0.147;
 * 0.138 without feedback). Sane ranges: 2–10 papers, weight 0.5–2.
 */
export const FEEDBACK_PAPERS = 3;
export const FEEDBACK_WEIGHT = 1;

/**
 * A paper no query word matches is listed by meaning only when its cosine
 * with the (feedback-moved) query vector is at least this: without a floor
 * every paper of a small corpus "matches" every query. On the dev halves
 * any floor from 0 to 0.4 left nDCG@10 unchanged (summary / keywords / topic
 * 1.000 / 0.924 / 0.175) while semantic-only papers per query fell from
 * 55.2 (floor 0.2) to 39.1 (0.3) and 9.9 (0.4); 0.3 keeps the reworded
 * answers with room below the floor where quality starts to move. Sane
 * range 0.2–0.5.
 */
export const MIN_MEANING = 0.3;

/**
 * Papers taken from each side before fusing (at least offset + limit).
 * 100: a relevant paper past the 100th of both lists is out of reach of the
 * first pages anyway; the cost is one batched similarity lookup. Sane range 50–300.
 */
export const FUSION_DEPTH = 100;

export interface HybridRequest {
  query: ParsedQuery;
  /** The query's words as typed, for the embedder. */
  text: string;
  filters: LexicalFilters;
  limit: number;
  offset: number;
  countCap: number;
  mode: Exclude<SearchMode, 'lexical' | 'auto'>;
  /** Every paper with every word of the query, when the caller already has them all (auto's probe): not searched again. */
  everyWord?: LexicalHit[];
}

/** Whether a query must be answered lexically whatever the mode (its syntax asks for exact matches). */
export function needsLexical(q: ParsedQuery): boolean {
  return q.exclude.length > 0 || q.authors.length > 0 || q.include.some((c) => c.kind === 'phrase');
}

/** One fused entry: a paper and the two normalized evidences. */
export interface FusionInput {
  key: number;
  /** BM25 score (0 when the paper is not in the lexical list). */
  lexical: number;
  /** Cosine similarity with the query. */
  semantic: number;
  /** The paper has every word of the query (it ranks above those that do not, as in lexical mode). */
  everyWord: boolean;
}

/** The fusion itself: scores and order (ties: higher cosine, then lower key). Pure. */
export function fuse(entries: FusionInput[], lexicalWeight: number): LexicalHit[] {
  let maxLex = 0;
  for (const e of entries) if (e.lexical > maxLex) maxLex = e.lexical;
  const scored = entries.map((e) => ({
    key: e.key,
    score: (maxLex > 0 ? lexicalWeight * (e.lexical / maxLex) : 0) + (1 - lexicalWeight) * Math.max(0, e.semantic),
    semantic: e.semantic,
    everyWord: e.everyWord,
  }));
  scored.sort((a, b) => Number(b.everyWord) - Number(a.everyWord) || b.score - a.score || b.semantic - a.semantic || a.key - b.key);
  return scored.map(({ key, score }) => ({ key, score }));
}

/** The query vector moved toward the mean of the best lexical hits' vectors (unit length). */
async function withFeedback(vectors: VectorEngine, query: Float32Array, top: LexicalHit[]): Promise<Float32Array> {
  const vs = (await vectors.vectorsOf(top.slice(0, FEEDBACK_PAPERS).map((h) => h.key))).filter((v): v is Float32Array => v !== null);
  if (vs.length === 0) return query;
  const out = Float32Array.from(query);
  for (const v of vs) for (let c = 0; c < out.length; c++) out[c] += (FEEDBACK_WEIGHT * v[c]) / vs.length;
  let n = 0;
  for (let c = 0; c < out.length; c++) n += out[c] * out[c];
  if (n > 0) for (let c = 0; c < out.length; c++) out[c] /= Math.sqrt(n);
  return out;
}

/** Hybrid or semantic results for a query with words, relevance order. */
export async function hybridSearch(lexical: LexicalEngine, vectors: VectorEngine, req: HybridRequest): Promise<LexicalResult> {
  const depth = Math.max(FUSION_DEPTH, req.offset + req.limit);
  // Any-word BM25 gives every candidate a score on one scale; the every-word matches among them form the first tier.
  const lex = await lexical.search({ query: req.query, mode: 'any', filters: req.filters, sort: 'relevance', limit: depth, offset: 0, countCap: req.countCap });
  const everyWord = req.everyWord ? new Set(req.everyWord.map((h) => h.key)) : req.query.include.length >= 2
    ? new Set((await lexical.search({ query: req.query, filters: req.filters, sort: 'relevance', limit: depth, offset: 0, countCap: 0 })).hits.map((h) => h.key))
    : new Set(lex.hits.map((h) => h.key));
  const lexKeys = new Set(lex.hits.map((h) => h.key));
  const vector = await withFeedback(vectors, await vectors.embedQuery(req.text), lex.hits);
  // A query the model knows no word of has no meaning to rank by (a zero vector would list papers at random).
  const known = vector.some((x) => x !== 0);
  if (req.mode === 'semantic') {
    const semantic = known ? (await vectors.search(vector, depth, req.filters)).filter((h) => h.score >= MIN_MEANING || lexKeys.has(h.key)) : [];
    const hits = semantic.slice(req.offset, req.offset + req.limit);
    return { hits, total: semantic.length, totalIsEstimate: semantic.length >= depth };
  }
  const words = req.query.include.flatMap((c) => c.tokens);
  const { df, docs } = await lexical.documentFrequencies(words);
  const w = lexicalWeight(df, docs);
  // The lexical candidates with their cosines (the same 8-bit products the vector search re-ranks by).
  const sims = await vectors.similarity(vector, lex.hits.map((h) => h.key));
  const byKey = new Map<number, FusionInput>();
  lex.hits.forEach((h, i) => byKey.set(h.key, { key: h.key, lexical: h.score, semantic: sims[i], everyWord: everyWord.has(h.key) }));
  // The page from the lexical candidates alone, when no paper the vector search could add may enter it (scanSkippable).
  if (known && (req.countCap === 0 || lex.total >= 2 * depth)) {
    const fusedLex = fuse([...byKey.values()], w);
    if (scanSkippable(fusedLex, req.offset + req.limit, w, await vectors.maxSimilarity(vector), everyWord, lexKeys)) {
      const total = Math.max(lex.total, fusedLex.length);
      return { hits: fusedLex.slice(req.offset, req.offset + req.limit), total, totalIsEstimate: lex.totalIsEstimate || total > lex.total };
    }
  }
  const semantic = known ? (await vectors.search(vector, depth, req.filters)).filter((h) => h.score >= MIN_MEANING || lexKeys.has(h.key)) : [];
  for (const h of semantic) if (!byKey.has(h.key)) byKey.set(h.key, { key: h.key, lexical: 0, semantic: h.score, everyWord: everyWord.has(h.key) });
  const fused = fuse([...byKey.values()], w);
  const total = Math.max(lex.total, fused.length);
  return { hits: fused.slice(req.offset, req.offset + req.limit), total, totalIsEstimate: lex.totalIsEstimate || total > lex.total };
}

/**
 * Whether the vector search cannot change the page [0, end) of the lexical
 * candidates' fusion (`fused`, lexical weight w), so it need not run. A paper
 * the vector search adds has no lexical score: it fuses to at most
 * (1 − w) · maxSimilarity. When that is below the page's last fused score,
 * such a paper ranks below every paper of the page — unless it has every
 * word of the query (the first tier) and the page's last paper does not, so
 * the every-word papers must all be lexical candidates already. Papers in
 * both lists keep their fused scores (their cosine is the same 8-bit product
 * in both), and the normalization (the best BM25 score) is the lexical
 * list's either way: the page is the one the vector search would give.
 * Most queries have strong lexical candidates — a 30-word sentence at 1M
 * (w 0.95) has its 20th at ≈ 0.8 against ≤ 0.05 for any added paper — and
 * save the scan (≈ 20 ms of CPU at 1M); weak ones (reworded, misspelt,
 * few matches) still get the meaning.
 */
export function scanSkippable(fused: LexicalHit[], end: number, w: number, maxSimilarity: number, everyWord: Set<number>, lexKeys: Set<number>): boolean {
  if (end <= 0 || fused.length < end || !Number.isFinite(maxSimilarity)) return false;
  const last = fused[end - 1];
  if (!((1 - w) * Math.max(0, maxSimilarity) * (1 + 1e-9) + 1e-12 < last.score)) return false;
  if (everyWord.has(last.key)) return true;
  for (const k of everyWord) if (!lexKeys.has(k)) return false;
  return true;
}
