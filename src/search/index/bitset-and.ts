/**
 * Exact top-k for conjunctions of words none of which is rare whose
 * matches are expected to be few: a pasted sentence asked for "every word"
 * (the first tier of the any-word rule, auto's probe), which almost no paper
 * has, and pairs such as "graph neural" (≈ 0.3% of the papers).
 *
 * Block-max AND (top-k.ts topKAnd) walks the rarest word's postings and
 * aligns the others on each: with thirty words the rarest is still in
 * ≈ 10% of papers, so proving that no paper has them all costs a seek in the
 * second list for each of ≈ 100k postings (≈ 5 ms at 1M papers). Here the
 * rarest few words' doc ids are decoded into bitsets (≈ 1–2 ns a posting,
 * gaps only) and intersected word by word; only documents in all of them
 * are aligned with every other clause, scored exactly (scoreAt, clause
 * order, as the exhaustive path) and offered.
 *
 * Goals: exact (every candidate checked against every clause; scores as
 * exhaustive); no work per posting beyond a gap decode. Non-goals: pruning
 * by bounds (the expected matches are few by construction: see
 * preferBitsetAnd), phrases/prefixes (ArrayCursor clauses go to topKAnd).
 */
import { decodeBlockDocs, viewOf } from './block-codec.js';
import { BLOCK_SIZE, type Segment } from './segment.js';
import { accepts, scoreAt, type SegmentRun, type TopK } from './top-k.js';

/** At least this many clauses (one is a single list: block-max AND walks it with its bounds). */
const BITSET_AND_MIN_CLAUSES = 2;

/**
 * This path runs only when the clauses together are expected (as if words
 * occurred independently) in at most this share of the segment's papers,
 * and the rarest is in at least BITSET_AND_MIN_LEAD_SHARE of them: then the
 * matches are few enough that scoring each without bounds costs less than
 * block-max AND's seeks (and, when every segment takes this path, than the
 * tier lists' proofs, which are not tried). Default 0.005 (≤ 5,000 matches
 * at 1M). Engine time at 1M of the 19 short bench queries, sum of medians:
 * 42.4 ms with this path for 4+ clauses at 1e-3 only, 27.3 at 0.003, 22.1 at
 * 0.005, 21.3 at 0.01 ("graph neural" 5.3 → 0.9 ms, "robot manipulation
 * policy" 5.8 → 1.8, "multilingual translation" 3.8 → 1.0); 200 fresh
 * two-word queries p95 5.0 / 5.8 / 5.3 ms at 0.003 / 0.005 / 0.01 (loaded
 * machine: level). Sane range 1e-3–0.02.
 */
const BITSET_AND_MAX_EXPECTED = 0.005;
/** Below this share the rarest clause leads block-max AND through few postings (≈ 1–2 ms at 1M for 1%). */
const BITSET_AND_MIN_LEAD_SHARE = 0.01;
/** At most this many of the rarest clauses are decoded into bitsets; a clause in over half the papers narrows little. */
const BITSET_AND_LISTS = 3;
const BITSET_AND_MAX_LIST_SHARE = 0.5;

/** Whether a conjunction of stored terms with these document frequencies in a segment of `numDocs` should take this path. */
export function preferBitsetAnd(dfs: readonly number[], numDocs: number): boolean {
  if (dfs.length < BITSET_AND_MIN_CLAUSES || numDocs === 0) return false;
  let expected = 1;
  let min = Infinity;
  for (const df of dfs) {
    expected *= df / numDocs;
    if (df < min) min = df;
  }
  return min >= BITSET_AND_MIN_LEAD_SHARE * numDocs && expected <= BITSET_AND_MAX_EXPECTED;
}

/**
 * Sets the bit of every doc of stored term t in `into` (`and`: keeps only the
 * bits `into` already had). Gaps are read straight from the packed blocks
 * (block-codec.ts) into bits, without a doc array.
 */
function listBits(seg: Segment, t: number, into: Uint32Array, and: boolean): void {
  const d = seg.d;
  const b = d.postings;
  const v = viewOf(b);
  const k0 = d.termBlocks[t];
  const k1 = d.termBlocks[t + 1];
  const df = d.termDf[t];
  const out = and ? new Uint32Array(into.length) : into;
  if (!and) into.fill(0);
  const docs = new Int32Array(BLOCK_SIZE);
  for (let k = k0; k < k1; k++) {
    const n = k < k1 - 1 ? BLOCK_SIZE : df - BLOCK_SIZE * (k1 - 1 - k0);
    const p = d.blockDocOff[k];
    let x = k === k0 ? -1 : d.blockLast[k - 1];
    const w = b[p];
    if (w > 24) {
      decodeBlockDocs(b, p, n, x, docs, v);
      for (let i = 0; i < n; i++) out[docs[i] >>> 5] |= 1 << (docs[i] & 31);
      continue;
    }
    const mask = (1 << w) - 1;
    let bp = (p + 4) * 8;
    for (let i = 0; i < n; i++, bp += w) {
      x += ((v.getUint32(bp >>> 3, true) >>> (bp & 7)) & mask) + 1;
      out[x >>> 5] |= 1 << (x & 31);
    }
  }
  if (and) for (let i = 0; i < into.length; i++) into[i] &= out[i];
}

/**
 * Every document of `seg` matching all clauses of `r` (stored terms `terms`,
 * in clause order, as r.cursors), scored exactly and offered to `heap`.
 */
export function topKAndBitset(seg: Segment, terms: readonly number[], r: SegmentRun, heap: TopK): void {
  const d = seg.d;
  const order = terms.map((_, j) => j).sort((a, b) => d.termDf[terms[a]] - d.termDf[terms[b]]);
  const bits = new Uint32Array((seg.numDocs + 31) >>> 5);
  let lists = 0;
  for (const j of order) {
    if (lists > 0 && (lists >= BITSET_AND_LISTS || d.termDf[terms[j]] > BITSET_AND_MAX_LIST_SHARE * seg.numDocs)) break;
    listBits(seg, terms[j], bits, lists > 0);
    lists++;
  }
  // The other clauses, rarest first: a candidate fails on the likeliest miss.
  const rest = order.slice(lists).map((j) => r.cursors[j]);
  const all = r.cursors;
  const lo = r.lo;
  const hi = r.hi;
  for (let w = lo >>> 5; w < bits.length && w << 5 < hi; w++) {
    let word = bits[w];
    while (word !== 0) {
      const low = word & -word;
      word ^= low;
      const doc = (w << 5) | (31 - Math.clz32(low));
      if (doc < lo || doc >= hi || !accepts(r, doc)) continue;
      let ok = true;
      for (const c of rest) {
        if (c.next(doc) !== doc) {
          ok = false;
          break;
        }
      }
      if (!ok) continue;
      // Every clause's cursor on the document (the bitset ones too), then scoreAt's clause-order sum.
      for (const c of all) c.next(doc);
      heap.offer(scoreAt(r, doc, null), r.base + doc);
    }
  }
}
