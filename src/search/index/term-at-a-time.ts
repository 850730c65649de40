/**
 * Exact top-k for conjunctions of very common words, term at a time.
 *
 * When every word of a query is in most papers (idf at FTS5's 1e-6 floor,
 * a title hit in every block), block-max pruning cannot skip anything and
 * pays its per-posting bookkeeping (cursor alignment, bounds) on nearly
 * every block. This path instead streams each clause's bit-packed blocks
 * once, in doc order, straight into a dense per-segment accumulator:
 *
 *   clause 0:        acc[d] = s0,            tag[d] = base + 1
 *   clause j < n−1:  if tag[d] = base + j:   acc[d] += sj, tag[d] = base + j + 1
 *   last clause:     if tag[d] = base + n−1: score = acc[d] + s(n−1) → heap
 *
 * `tag` carries a per-query generation (`base`), so nothing is cleared
 * between queries; a doc reaches the last clause's check only if every
 * clause matched it. Scores are summed in clause order with the exact
 * termScore arithmetic (the length part `K1·(1 − B + B·len/avgdl)` is
 * precomputed per doc in float64 with the same operations), so results
 * equal exhaustive scoring bit for bit.
 *
 * Goals: ~a few ns per posting, no allocation per query (scratch arrays per
 * segment, reused). Non-goals: phrases/prefixes/author clauses (they go
 * through block-max), OR queries.
 */
import { B, K1, type FieldWeights } from './bm25.js';
import { decodeBlock } from './block-codec.js';
import { BLOCK_SIZE, type Segment } from './segment.js';
import { accepts, type SegmentRun, type TopK } from './top-k.js';

/** At most this many clauses take this path (tags hold base + clause index). */
export const TAAT_MAX_CLAUSES = 16;

/**
 * A clause counts as "common" when it is in at least this share of the
 * segment's documents. Default 0.3: below it the rarest clause leads
 * block-max through few postings and its bounds prune (bench: "diffusion
 * models", "reinforcement learning" run in 1–2.5 ms that way); above it
 * block-max decodes most blocks anyway. Sane range 0.15–0.5.
 */
export const TAAT_MIN_SHARE = 0.3;

interface Scratch {
  acc: Float64Array;
  tag: Uint32Array;
  gen: number;
  norm: Float64Array;
  normAvgdl: number;
  docs: Int32Array;
  tfs: Uint16Array;
}

const scratchOf = new WeakMap<Segment, Scratch>();

function scratch(seg: Segment, avgdl: number): Scratch {
  const n = seg.numDocs;
  let s = scratchOf.get(seg);
  if (!s) {
    s = {
      acc: new Float64Array(n), tag: new Uint32Array(n), gen: 0, norm: new Float64Array(n), normAvgdl: NaN,
      docs: new Int32Array(BLOCK_SIZE), tfs: new Uint16Array(BLOCK_SIZE * 3),
    };
    scratchOf.set(seg, s);
  }
  if (s.normAvgdl !== avgdl) {
    const len = seg.d.docLen;
    const norm = s.norm;
    // Exactly the denominator's length part of bm25.termScore, in the same operation order.
    for (let d = 0; d < n; d++) norm[d] = K1 * (1 - B + (B * len[d]) / avgdl);
    s.normAvgdl = avgdl;
  }
  return s;
}

/**
 * Whether the term-at-a-time path should run: every clause a stored term,
 * 2..TAAT_MAX_CLAUSES of them, each in ≥ TAAT_MIN_SHARE of the segment and
 * with its idf at FTS5's 1e-6 floor. Cost model: term at a time touches Σ df
 * postings at ≈ 10–20 ns each (measured, shared machine); block-max touches
 * the lead's postings plus alignments and wins whenever some clause has a
 * real idf (its bounds then separate blocks: "diffusion models" 1.5 ms vs
 * 28 ms term at a time), but decodes most blocks when every idf is floored.
 */
export function preferTermAtATime(seg: Segment, terms: readonly number[], idfs: readonly number[]): boolean {
  if (terms.length < 2 || terms.length > TAAT_MAX_CLAUSES) return false;
  const min = TAAT_MIN_SHARE * seg.numDocs;
  for (const t of terms) if (t < 0 || seg.d.termDf[t] < min) return false;
  for (const x of idfs) if (x > 1e-6) return false;
  return true;
}

/**
 * Scores every document matching all `terms` (stored term ids, in clause
 * order) in one segment and offers them to `heap`. `idfs` are in the same
 * order; filters, deletes and the doc range come from `r`.
 */
export function topKTermAtATime(seg: Segment, terms: readonly number[], idfs: readonly number[], w: FieldWeights, r: SegmentRun, heap: TopK): void {
  const n = terms.length;
  const s = scratch(seg, r.avgdl);
  if (s.gen + 2 >= Math.floor(0xffffffff / TAAT_MAX_CLAUSES)) {
    s.tag.fill(0);
    s.gen = 0;
  }
  s.gen++;
  const base = s.gen * TAAT_MAX_CLAUSES;
  const d = seg.d;
  const bytes = d.postings;
  const acc = s.acc;
  const tag = s.tag;
  const norm = s.norm;
  const w0 = w[0];
  const w1 = w[1];
  const w2 = w[2];
  const k1p1 = K1 + 1.0;
  const lo = r.lo;
  const hi = r.hi;
  const filtered = r.blocked !== null || r.required !== null || r.dates !== null;
  // Heap threshold (or its floor), refreshed after each offer (no closures: captured locals would slow the hot loop).
  let thr = heap.bar;
  const sdocs = s.docs;
  const stfs = s.tfs;
  for (let j = 0; j < n; j++) {
    const t = terms[j];
    const idf = idfs[j];
    const k0 = d.termBlocks[t];
    const k1 = d.termBlocks[t + 1];
    const df = d.termDf[t];
    const want = base + j;
    const next = want + 1;
    // 0: first clause (assign), 1: middle (add), 2: last (score and offer).
    const role = j === n - 1 ? 2 : j === 0 ? 0 : 1;
    let prev = -1;
    for (let k = k0; k < k1; k++) {
      const cnt = k < k1 - 1 ? BLOCK_SIZE : df - BLOCK_SIZE * (k1 - 1 - k0);
      const p = d.blockDocOff[k];
      decodeBlock(bytes, p, cnt, prev, sdocs, stfs);
      prev = d.blockLast[k];
      for (let i = 0; i < cnt; i++) {
        const doc = sdocs[i];
        if (role !== 0 && tag[doc] !== want) continue;
        const tfw = stfs[i * 3] * w0 + stfs[i * 3 + 1] * w1 + stfs[i * 3 + 2] * w2;
        // Exactly bm25.termScore(idf, tfw, len, avgdl) (norm[doc] holds its length part), summed in clause order.
        const sc = idf * ((tfw * k1p1) / (tfw + norm[doc]));
        if (role === 0) {
          acc[doc] = sc;
          tag[doc] = next;
        } else if (role === 1) {
          acc[doc] += sc;
          tag[doc] = next;
        } else {
          const score = acc[doc] + sc;
          if (score < thr || doc < lo || doc >= hi) continue;
          if (filtered && !accepts(r, doc)) continue;
          heap.offer(score, r.base + doc);
          thr = heap.bar;
        }
      }
    }
  }
}
