/**
 * Top-k retrieval over one segment's clause cursors, with dynamic pruning,
 * into a heap shared by all segments.
 *
 * - AND (every clause must match; the site's query semantics): block-max
 *   conjunction. The rarest clause leads; before aligning the others on a
 *   candidate, the sum of the current blocks' score bounds is compared with
 *   the heap's threshold, and when it cannot beat it the whole stretch up to
 *   the nearest block end is skipped without decoding.
 * - OR (any clause: any-word queries, hybrid's lexical side, similar
 *   papers): windowed MaxScore (see topKOr). Clauses sorted by their bound
 *   in a window of documents; those whose bounds together cannot reach the
 *   threshold become non-essential: only documents of the essential clauses
 *   are candidates (added term at a time into the window's score array),
 *   and a candidate stops being scored as soon as its bound falls below.
 *
 * Exactness: a bound is never below a true score (block bounds are computed
 * with the same monotone formula from a max weighted tf rounded up and a min
 * length), sums are inflated by 1e-9 before comparing, and a final score is
 * always summed in clause order, as the exhaustive path does. Ties go to the
 * lower global doc id; documents arrive in increasing doc id, so a tie never
 * displaces a heap entry and "bound ≤ threshold" is a safe skip.
 *
 * Non-goals: scoring functions other than bm25.ts.
 */
import { B, K1, termScore } from './bm25.js';
import { END_DOC } from './segment.js';
import type { PostingCursor } from './posting-cursor.js';

/** Bounded min-heap of (score, global doc): the worst kept result at the root. */
export class TopK {
  readonly scores: Float64Array;
  readonly docs: Float64Array;
  size = 0;
  /**
   * A score strictly below the final k-th, known before this heap fills (the
   * k-th score of a probe over a subset of the candidates, lowered by a
   * relative 1e-12 so a document tying that k-th is still offered): the
   * every-word top-k prunes with it from its first posting instead of
   * scoring every match until k are kept. −∞: none.
   */
  floor = -Infinity;
  constructor(readonly k: number) {
    this.scores = new Float64Array(Math.max(1, k));
    this.docs = new Float64Array(Math.max(1, k));
  }

  get full(): boolean {
    return this.size >= this.k;
  }

  /** The score a new document must beat (−∞ while not full). */
  get threshold(): number {
    return this.size >= this.k ? this.scores[0] : -Infinity;
  }

  /** What a document's bound must beat to be worth scoring: the k-th score once full, never below `floor` (−∞: nothing yet). */
  get bar(): number {
    return this.size >= this.k && this.scores[0] > this.floor ? this.scores[0] : this.floor;
  }

  /** a is worse than b: lower score, or equal score and higher doc id. */
  private worse(sa: number, da: number, sb: number, db: number): boolean {
    return sa < sb || (sa === sb && da > db);
  }

  offer(score: number, doc: number): void {
    if (this.k === 0) return;
    const s = this.scores;
    const d = this.docs;
    if (this.size < this.k) {
      let i = this.size++;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!this.worse(score, doc, s[p], d[p])) break;
        s[i] = s[p];
        d[i] = d[p];
        i = p;
      }
      s[i] = score;
      d[i] = doc;
      return;
    }
    if (!this.worse(s[0], d[0], score, doc)) return;
    let i = 0;
    const n = this.size;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      let c = l;
      if (l + 1 < n && this.worse(s[l + 1], d[l + 1], s[l], d[l])) c = l + 1;
      if (!this.worse(s[c], d[c], score, doc)) break;
      s[i] = s[c];
      d[i] = d[c];
      i = c;
    }
    s[i] = score;
    d[i] = doc;
  }

  /** Results best first. */
  sorted(): { doc: number; score: number }[] {
    const out: { doc: number; score: number }[] = [];
    for (let i = 0; i < this.size; i++) out.push({ doc: this.docs[i], score: this.scores[i] });
    out.sort((a, b) => b.score - a.score || a.doc - b.doc);
    return out;
  }
}

/** One segment's part of a query. */
export interface SegmentRun {
  /** Clause cursors in clause (query) order. */
  cursors: PostingCursor[];
  idfs: number[];
  docLen: Uint32Array;
  avgdl: number;
  /** Global id of local doc 0. */
  base: number;
  /** Local doc range [lo, hi) that may match (a date range on a date-sorted segment). */
  lo: number;
  hi: number;
  /** Documents never returned (deleted, excluded words): bit set = blocked. */
  blocked: Uint32Array | null;
  /** Documents allowed (category/organization filters): bit set = allowed; null = all. */
  required: Uint32Array | null;
  /** Per-doc date check when the segment is not date-sorted. */
  dates: Int32Array | null;
  dateFrom: number;
  dateTo: number;
  /** K1·(1 − B + B·len/avgdl) per local doc (the any-word top-k reads it instead of dividing per posting); null until set. */
  norms?: Float64Array | null;
  /** The k-th score of the other thread sharing this query's any-word top-k (parallel-or.ts); absent when alone. */
  shared?: SharedThreshold | null;
}

/**
 * Two threads running one any-word top-k over different segments publish
 * their heap's k-th score here (slot 0: the serving thread, 1: the worker),
 * and each prunes with the larger of its own and the other's. Pruning with
 * the other's is strict (bounds below it by a relative 1e-12): the other
 * side holds k documents scoring at least that, so a document strictly
 * below cannot enter the merged top k, whatever the tie-break. Float64s
 * travel as their bits through Atomics (no torn reads).
 */
export class SharedThreshold {
  private readonly slots: BigInt64Array;
  private readonly f = new Float64Array(1);
  private readonly b = new BigInt64Array(this.f.buffer);
  /** Windows where the other side's k-th score was the higher threshold (tests). */
  raised = 0;
  constructor(readonly buffer: SharedArrayBuffer, private readonly self: 0 | 1) {
    this.slots = new BigInt64Array(buffer);
  }

  /** A fresh pair of slots (both −∞). */
  static create(): SharedArrayBuffer {
    const buf = new SharedArrayBuffer(16);
    const t = new SharedThreshold(buf, 0);
    t.publish(-Infinity);
    new SharedThreshold(buf, 1).publish(-Infinity);
    return buf;
  }

  publish(theta: number): void {
    this.f[0] = theta;
    Atomics.store(this.slots, this.self, this.b[0]);
  }

  /** The other side's k-th score, lowered by a relative 1e-12 (strict pruning); −∞ until its heap is full. */
  other(): number {
    this.b[0] = Atomics.load(this.slots, 1 - this.self);
    const x = this.f[0];
    return x > 0 ? x * (1 - 1e-12) : -Infinity;
  }
}

/**
 * Bounds are compared after this relative inflation, which covers the
 * rounding of a sum of a few float64 terms (≈1e-16 relative each); an
 * absolute slack would be wrong here, as scores of common words are ≈1e-6
 * (FTS5's idf floor).
 */
const inflate = (x: number): number => x * (1 + 1e-9);

export function accepts(r: SegmentRun, d: number): boolean {
  if (r.blocked && (r.blocked[d >>> 5] >>> (d & 31)) & 1) return false;
  if (r.required && !((r.required[d >>> 5] >>> (d & 31)) & 1)) return false;
  if (r.dates && (r.dates[d] < r.dateFrom || r.dates[d] > r.dateTo)) return false;
  return true;
}

/** A document's exact score: its clauses' term scores summed in clause order (the exhaustive path's arithmetic). */
export function scoreAt(r: SegmentRun, d: number, tfws: Float64Array | null): number {
  const len = r.docLen[d];
  let s = 0;
  for (let j = 0; j < r.cursors.length; j++) {
    const tf = tfws ? tfws[j] : r.cursors[j].currentTfw();
    if (tf > 0) s += termScore(r.idfs[j], tf, len, r.avgdl);
  }
  return s;
}

/**
 * The lead's scan (PostingCursor.nextAbove) is left off for the rest of a
 * lead block after this many scans in a row passed over nothing: with three
 * common words the others' bounds leave the lead little to skip, and each
 * such scan costs a tf read and a call. Speed only. Measured at 1M (min of
 * 5–15 runs, loaded machine): 200 fresh two-word pairs, mean ms, 2 → 0.60,
 * 4 → 0.57, 8 → 0.56, never → 0.58; four 3-word bench queries, mean ms,
 * 2 → 2.02, 4 → 2.06, 8 → 2.08, never → 3.37 ("language model reasoning"
 * scanned 36,843 times, passing over postings 873 times). Default 4; sane
 * range 2–16.
 */
const SCAN_MISSES = 4;

/**
 * Every clause must match. Per step: (1) block-max: when the current blocks
 * of all clauses cannot beat the threshold, jump past the nearest block end
 * without decoding anything; (2) the lead (rarest) clause's postings whose
 * own term score plus the other clauses' block bounds cannot beat it are
 * passed over in one scan of its block (nextAbove); (3) the others are
 * aligned on the next lead posting, and its exact score is summed clause by
 * clause, each exact part replacing its bound, dropped as soon as it cannot
 * make it.
 */
export function topKAnd(r: SegmentRun, heap: TopK): void {
  const n = r.cursors.length;
  if (n === 0) return;
  const order = r.cursors.map((_, j) => j).sort((a, b) => r.cursors[a].df - r.cursors[b].df);
  const c = order.map((j) => r.cursors[j]);
  const idf = order.map((j) => r.idfs[j]);
  const lead = c[0];
  const idf0 = idf[0];
  // BM25's length part K1·(1 − B + B·len/avgdl) as n0 + n1·len for the lead's scan (no division per posting).
  const n0 = K1 * (1 - B);
  const n1 = (K1 * B) / r.avgdl;
  let scanFrom = 0;
  let misses = 0;
  const docLen = r.docLen;
  const avgdl = r.avgdl;
  const hi = r.hi;
  const suffix = new Float64Array(n + 1);
  // Each clause's exact term score of the current candidate, in clause (query) order: summed in that order it is
  // scoreAt's result, without decoding the tfs again.
  const part = new Float64Array(n);
  // The clauses' current blocks hold every doc ≤ blocksTo: their bounds (the others' sum, its suffixes, the lead's)
  // are taken once per such stretch, not once per lead posting.
  let blocksTo = -1;
  let others = 0;
  let othersLast = END_DOC;
  let leadBound = 0;
  let d = r.lo;
  for (;;) {
    if (d >= hi) return;
    const theta = heap.bar;
    if (theta > -Infinity) {
      if (d > blocksTo) {
        if (!lead.shallow(d)) return;
        others = 0;
        othersLast = END_DOC;
        for (let j = 1; j < n; j++) {
          const x = c[j];
          if (!x.shallow(d)) return;
          others += idf[j] * (x.bMax[x.blk] * x.scale);
          const last = x.bLast[x.blk];
          if (last < othersLast) othersLast = last;
        }
        suffix[n] = 0;
        for (let j = n - 1; j >= 1; j--) {
          const x = c[j];
          suffix[j] = suffix[j + 1] + idf[j] * (x.bMax[x.blk] * x.scale);
        }
        leadBound = idf0 * (lead.bMax[lead.blk] * lead.scale);
        blocksTo = Math.min(othersLast, lead.bLast[lead.blk]);
      }
      if (inflate(leadBound + others) <= theta) {
        d = blocksTo + 1;
        continue;
      }
      // The lead's postings whose own term score plus the others' block bounds cannot make it are passed over in
      // one tight scan of its block (no alignment, no bounds per posting): impact ≤ cut ⇒ idf0·impact + others ≤
      // θ/(1 + 2e-9), below what step (2) would keep; the relative 1e-12 covers the rearranged arithmetic.
      const cut = ((theta / (1 + 2e-9) - others) / idf0) * (1 - 1e-12);
      if (cut > lead.minImpact && d >= scanFrom) {
        const e = lead.nextAbove(d, cut, docLen, n0, n1, othersLast);
        // Scans that pass over nothing cost a tf read each: after SCAN_MISSES in a row, none until the next block.
        if (lead.passed > 0) misses = 0;
        else if (++misses >= SCAN_MISSES) {
          misses = 0;
          scanFrom = lead.bLast[lead.blk] + 1;
        }
        // The rest of its block passed over, or a posting past the others' current blocks (its cut is theirs to set):
        // back to the block bounds from there.
        if (e !== lead.doc || e > othersLast) {
          d = e;
          continue;
        }
        d = e;
      } else d = lead.next(d);
      if (d >= hi) return;
      // Past the blocks the bounds were taken from: take them again there.
      if (d > blocksTo) continue;
      // Deleted / filtered out: decided from a bitset before any other list is touched.
      if (!accepts(r, d)) {
        d++;
        continue;
      }
      // The others are aligned before the lead's tf is read and scored: the scan above already dropped the lead
      // postings whose own bound cannot make it, so a bound check first would rarely spare an alignment, while most
      // lead postings of a pair of tier lists (each in 2–3% of the papers) are in no other list.
      let found = true;
      for (let j = 1; j < n; j++) {
        const e = c[j].next(d);
        if (e !== d) {
          d = e;
          found = false;
          break;
        }
      }
      if (!found) continue;
      // The lead's exact part plus the others' block bounds; then each other clause's exact part replaces its
      // bound (the cursors are on d already), so a candidate is dropped as soon as it cannot make it.
      const len = docLen[d];
      const tf0 = lead.currentTfw();
      let partial = tf0 > 0 ? termScore(idf0, tf0, len, avgdl) : 0;
      part[order[0]] = partial;
      let skip = inflate(partial + suffix[1]) <= theta;
      for (let j = 1; j < n && !skip; j++) {
        const tf = c[j].currentTfw();
        const sc = tf > 0 ? termScore(idf[j], tf, len, avgdl) : 0;
        part[order[j]] = sc;
        partial += sc;
        if (inflate(partial + suffix[j + 1]) <= theta) skip = true;
      }
      if (skip) {
        d++;
        continue;
      }
      // scoreAt's sum: clause order, a clause with tf 0 adding nothing (+0 leaves a sum unchanged).
      let score = 0;
      for (let j = 0; j < n; j++) score += part[j];
      heap.offer(score, r.base + d);
      d++;
      continue;
    }
    d = lead.next(d);
    if (d >= hi) return;
    if (!accepts(r, d)) {
      d++;
      continue;
    }
    let aligned = true;
    for (let j = 1; j < n; j++) {
      const e = c[j].next(d);
      if (e !== d) {
        d = e;
        aligned = false;
        break;
      }
    }
    if (!aligned) continue;
    heap.offer(scoreAt(r, d, null), r.base + d);
    d++;
  }
}

/**
 * Documents per window of the any-word top-k once the heap is full. Default
 * 4,096 (Lucene's MaxScoreBulkScorer uses the same inner window): large
 * enough that a window's per-clause bounds and partition cost nothing per
 * document, small enough that its score array (32 KB) stays in L1/L2.
 * Sane range 1,024–16,384.
 */
const OR_WINDOW = 4096;
/**
 * A non-essential clause is probed document by document (skipping through
 * its postings) when the window's live candidates are fewer than its
 * expected postings there divided by this; otherwise its postings in the
 * window are walked and added to the live ones. Default 8: a probe (a seek,
 * a block's doc ids decoded now and then) costs about as much as walking 8
 * postings in one pass (StoredCursor.addBlocks). Measured on the three 30-word
 * queries at 1M papers, best of 25: 4 → 14.1 / 21.9 / 14.6 ms, 8 → 14.0 /
 * 21.7 / 15.1, 16 → 14.3 / 22.4 / 15.3, 64 → 15.2 / 23.7 / 16.4. Speed only;
 * sane range 2–64.
 */
const PROBE_RATIO = 8;

/**
 * A window's last non-essential clauses are not added to its survivors
 * when their bounds together are at most this share of the threshold:
 * words under FTS5's idf floor (1e-6: "the", "of", "model" in most papers),
 * which a pasted sentence has by the dozen. Their tiny terms could not prune
 * anyone, yet probing each costs a block decode per survivor; the few
 * documents whose score they may still lift past the threshold are ranked
 * exactly at the end (exactTopOr). Default 1e-5 (a 30-word query's floored
 * words add ≈ 2e-5 to scores ≈ 15–20): saves 5–9% of those queries. Must
 * stay far below 1 (each skipped clause widens the exact rescoring).
 */
const TAIL_SHARE = 1e-5;

/**
 * At most this many non-essential clauses are added to every candidate of a
 * window before its first filter, when each is in at least 1/EARLY_WALK_SHARE
 * of the documents. Speed only (the survivors are the same either way);
 * measured on 30-word queries at 1M papers: 2 saves ≈ 10% of their time.
 */
const EARLY_WALKS = 2;
const EARLY_WALK_SHARE = 10;

/** Window while the heap is not yet full (every clause is essential then): the threshold that prunes is known early. */
const OR_FIRST_WINDOW = 256;

/** K1·(1 − B + B·len/avgdl) per document (see lexical-index.ts lengthNorms, which keeps them per segment). */
function lengthNormsOf(docLen: Uint32Array, avgdl: number): Float64Array {
  const out = new Float64Array(docLen.length);
  for (let d = 0; d < docLen.length; d++) out[d] = K1 * (1 - B + (B * docLen[d]) / avgdl);
  return out;
}

/**
 * Any clause may match: MaxScore over windows of documents, as Lucene's
 * MaxScoreBulkScorer. Per window [from, to): (1) each clause's bound is the
 * largest block bound among its blocks that overlap the window (0 when none
 * does: a rare word costs nothing in windows it is absent from); when the
 * bounds together cannot beat the threshold, the window is skipped. (2)
 * Clauses sorted by that bound: the lowest ones whose bounds together cannot
 * beat the threshold are non-essential; the essential ones are added term at
 * a time into a score array (no per-document merging of cursors). (3) Each
 * document with an essential hit, in doc order, probes the non-essential
 * clauses from the largest bound down and is dropped as soon as its score
 * plus the bounds left cannot beat the threshold. (4) A survivor's exact
 * score is summed in clause order from a second set of cursors, as
 * `scoreAt` / the exhaustive path do, so equal documents tie exactly.
 */
export function topKOr(r: SegmentRun, heap: TopK, spill: Spill, window = OR_WINDOW): void {
  const n = r.cursors.length;
  if (n === 0) return;
  const cur = r.cursors;
  const idfs = r.idfs;
  const docLen = r.docLen;
  const avgdl = r.avgdl;
  const norms = r.norms ?? lengthNormsOf(docLen, avgdl);
  const size = Math.max(32, window);
  const scores = new Float64Array(size);
  const bits = new Uint32Array((size + 31) >>> 5);
  const live = new Int32Array(size);
  const wub = new Float64Array(n);
  const order = new Int32Array(n);
  const prefix = new Float64Array(n);
  let from = r.lo;
  const shared = r.shared ?? null;
  while (from < r.hi) {
    const to = Math.min(r.hi, from + (heap.full ? size : Math.min(size, OR_FIRST_WINDOW)));
    let theta = heap.threshold;
    if (shared) {
      if (heap.full) shared.publish(theta);
      const other = shared.other();
      if (other > theta) {
        theta = other;
        shared.raised++;
      }
    }
    let total = 0;
    for (let j = 0; j < n; j++) {
      const x = cur[j];
      let b = 0;
      if (x.shallow(from)) {
        let k = x.blk;
        // Block k can hold a doc < to only when the block before it ends before to − 1.
        if (k === 0 || x.bLast[k - 1] < to - 1) {
          let m = x.bMax[k];
          while (x.bLast[k] < to - 1 && ++k < x.nb) if (x.bMax[k] > m) m = x.bMax[k];
          b = idfs[j] * (m * x.scale);
        }
      }
      wub[j] = b;
      total += b;
    }
    if (total === 0 || inflate(total) <= theta) {
      from = to;
      continue;
    }
    for (let j = 0; j < n; j++) {
      let m = j;
      while (m > 0 && wub[order[m - 1]] > wub[j]) {
        order[m] = order[m - 1];
        m--;
      }
      order[m] = j;
    }
    let acc = 0;
    for (let m = 0; m < n; m++) prefix[m] = acc += wub[order[m]];
    let e = 0;
    while (e < n && inflate(prefix[e]) <= theta) e++;
    const width = to - from;
    const words = (width + 31) >>> 5;
    scores.fill(0, 0, width);
    bits.fill(0, 0, words);
    for (let m = e; m < n; m++) {
      const j = order[m];
      if (wub[j] > 0) cur[j].addWindow(from, to, idfs[j], norms, scores, bits);
    }
    // The first non-essential clauses whose postings would be walked anyway (a dense list: probing a few candidates
    // would not pay) are added to every candidate before the first filter: their filter passes would drop few (the
    // essential part is far below θ) and cost a pass over every candidate each. Dropping later drops the same
    // documents (a document's score plus its bounds left never grows).
    let ne = e;
    while (ne > 0 && ne > e - EARLY_WALKS && wub[order[ne - 1]] > 0 && cur[order[ne - 1]].df * EARLY_WALK_SHARE >= docLen.length) {
      const j = order[--ne];
      cur[j].addMarked(from, to, idfs[j], norms, scores, bits);
    }
    // The candidates, in doc order (offsets in the window): those filtered out, and those whose score so far plus
    // the bounds of the clauses left cannot make it, leave at once.
    const filtered = r.blocked !== null || r.required !== null || r.dates !== null;
    let rest = ne > 0 ? prefix[ne - 1] : 0;
    // "inflate(score + rest) ≤ θ" as one comparison per document: score ≤ cut. The cut is below the exact one by
    // a relative 1e-9 of θ (far above the rounding of these few operations), so it only ever drops fewer documents.
    let cut = theta / (1 + 2e-9) - rest;
    let alive = 0;
    if (filtered) {
      for (let wi = 0; wi < words; wi++) {
        let word = bits[wi];
        if (word === 0) continue;
        let keep = word;
        while (word !== 0) {
          const low = word & -word;
          word ^= low;
          const o = (wi << 5) | (31 - Math.clz32(low));
          if (scores[o] > cut && accepts(r, from + o)) live[alive++] = o;
          else keep ^= low;
        }
        bits[wi] = keep;
      }
    } else {
      // Most documents of a window are candidates here, about half of them kept: every offset is visited in order
      // without a branch (a kept one is counted, a dropped one's bit cleared) — cheaper than finding set bits one
      // by one and mispredicting half the comparisons.
      for (let wi = 0; wi < words; wi++) {
        const word = bits[wi];
        if (word === 0) continue;
        let keep = 0;
        const o0 = wi << 5;
        const end = Math.min(32, width - o0);
        for (let i = 0; i < end; i++) {
          const o = o0 + i;
          const ok = ((word >>> i) & 1) & (scores[o] > cut ? 1 : 0);
          live[alive] = o;
          alive += ok;
          keep |= ok << i;
        }
        bits[wi] = keep;
      }
    }
    // Non-essential clauses, largest bound first: added to the candidates still alive (probed one by one while they
    // are few, else the clause's postings in the window are walked), then those that cannot make it any more leave.
    // The clauses left (bounds summed in tail) once they could add at most TAIL_SHARE of θ: never added (see below).
    let tail = 0;
    for (let m = ne - 1; m >= 0 && alive > 0; m--) {
      if (theta > 0 && prefix[m] <= TAIL_SHARE * theta) {
        tail = prefix[m];
        break;
      }
      const j = order[m];
      const x = cur[j];
      if (wub[j] > 0) {
        if (alive * PROBE_RATIO < (x.df * width) / docLen.length) {
          for (let a = 0; a < alive; a++) {
            const o = live[a];
            const d = from + o;
            if (x.next(d) === d) {
              const tf = x.currentTfw();
              scores[o] += idfs[j] * ((tf * (K1 + 1.0)) / (tf + norms[d]));
            }
          }
        } else x.addMarked(from, to, idfs[j], norms, scores, bits);
      }
      rest = m > 0 ? prefix[m - 1] : 0;
      cut = theta / (1 + 2e-9) - rest;
      let kept = 0;
      for (let a = 0; a < alive; a++) {
        const o = live[a];
        const ok = scores[o] > cut ? 1 : 0;
        live[kept] = o;
        kept += ok;
        bits[o >>> 5] &= ~((1 - ok) << (o & 31));
      }
      alive = kept;
    }
    // Survivors, in doc order, by their window sums (every clause added: the exact terms in another order); those the
    // heap lets go near its threshold are kept aside, and exactTopOr() ranks them all by the exact sum at the end.
    // With a tail left out, a window sum is a lower bound of the score: the heap then ranks by lower bounds (its
    // threshold, and what either thread prunes with, stays below the true k-th score), and each survivor is also
    // kept aside with its upper bound, so exactTopOr rescores every document whose score may reach the final
    // threshold.
    for (let a = 0; a < alive; a++) {
      const o = live[a];
      const t = scores[o];
      const doc = r.base + from + o;
      if (tail > 0) {
        const ub = inflate(t + tail);
        if (ub >= heap.threshold * (1 - SPILL_MARGIN)) spill.add(ub, doc);
      }
      if (inflate(t) <= Math.max(heap.threshold, theta)) {
        if (t >= heap.threshold * (1 - SPILL_MARGIN)) spill.add(t, doc);
        continue;
      }
      offerSpilling(heap, spill, t, doc);
    }
    from = to;
  }
  if (shared && heap.full) shared.publish(heap.threshold);
}

/**
 * A window sum (topKOr's heap key) and the exact clause-order sum differ by
 * a few ulps (≈ 30 terms: < 1e-14 relative); documents the heap let go
 * within this relative margin of its final threshold are ranked exactly at
 * the end too. Must stay well above that rounding and below the 1e-9 of
 * the pruning bounds. Exactness only.
 */
const SPILL_MARGIN = 1e-8;

/** heap.offer(), keeping in `spill` the document the heap refuses or lets go (a full heap's root). */
export function offerSpilling(heap: TopK, spill: Spill, score: number, doc: number): void {
  if (heap.full) {
    const rs = heap.scores[0];
    const rd = heap.docs[0];
    // The new document enters when the root is worse (TopK.worse): the root leaves, else the new one is refused.
    if (rs < score || (rs === score && rd > doc)) spill.add(rs, rd);
    else spill.add(score, doc);
  }
  heap.offer(score, doc);
}

/** Documents topKOr's heap refused or let go, with their window sums (global doc ids). */
export class Spill {
  readonly docs: number[] = [];
  readonly scores: number[] = [];
  add(score: number, doc: number): void {
    this.scores.push(score);
    this.docs.push(doc);
  }
}

/**
 * The exact any-word top k from topKOr's candidates: the heap's documents
 * (ranked by window sums) and those spilled within SPILL_MARGIN of its
 * threshold, each scored again by the exact clause-order sum (scoreAt, as
 * the exhaustive path) with fresh cursors of `runs` (one per segment, in
 * global doc order), then ranked by (score, lower doc id). Why this is
 * exact: a document pruned by a bound had bound ≤ θ/(1 + 1e-9), so its
 * exact score is below every heap document's; one spilled further below θ
 * is too; the k heap documents are candidates. Rescoring only these (k and
 * a rare tie) instead of every document the heap took on its way (≈ 10 k)
 * saves a block decode per clause each.
 */
export function exactTopOr(runs: SegmentRun[], heap: TopK, spill: Spill, k: number): TopK {
  const theta = heap.threshold;
  const cand: { doc: number; sum: number }[] = [];
  for (let i = 0; i < heap.size; i++) cand.push({ doc: heap.docs[i], sum: heap.scores[i] });
  for (let i = 0; i < spill.docs.length; i++) if (spill.scores[i] >= theta * (1 - SPILL_MARGIN)) cand.push({ doc: spill.docs[i], sum: spill.scores[i] });
  cand.sort((a, b) => a.doc - b.doc);
  const out = new TopK(k);
  let ri = 0;
  let cursors: PostingCursor[] | null = null;
  let seen = -1;
  const tfws = new Float64Array(runs.reduce((m, r) => Math.max(m, r.cursors.length), 0));
  for (const { doc } of cand) {
    if (doc === seen) continue;
    seen = doc;
    while (ri < runs.length - 1 && doc >= runs[ri + 1].base) {
      ri++;
      cursors = null;
    }
    const r = runs[ri];
    const d = doc - r.base;
    cursors ??= r.cursors.map((x) => x.clone());
    for (let j = 0; j < cursors.length; j++) tfws[j] = cursors[j].next(d) === d ? cursors[j].currentTfw() : 0;
    out.offer(scoreAt(r, d, tfws), doc);
  }
  return out;
}

/** Reference: scores every matching document (no skipping), for tests and as a fallback. */
export function exhaustive(r: SegmentRun, heap: TopK, mode: 'and' | 'or'): void {
  const n = r.cursors.length;
  if (n === 0) return;
  const lists = r.cursors.map((x) => {
    const docs: number[] = [];
    const tf: number[] = [];
    for (let d = x.next(0); d !== END_DOC; d = x.next(d + 1)) {
      docs.push(d);
      tf.push(x.currentTfw());
    }
    return { docs, tf };
  });
  const byDoc = new Map<number, Float64Array>();
  lists.forEach((l, j) => {
    l.docs.forEach((d, i) => {
      let a = byDoc.get(d);
      if (!a) byDoc.set(d, (a = new Float64Array(n)));
      a[j] = l.tf[i];
    });
  });
  const docs = [...byDoc.keys()].sort((a, b) => a - b);
  for (const d of docs) {
    if (d < r.lo || d >= r.hi) continue;
    const tfws = byDoc.get(d)!;
    if (mode === 'and' && tfws.some((t) => t === 0)) continue;
    if (!accepts(r, d)) continue;
    heap.offer(scoreAt(r, d, tfws), r.base + d);
  }
}
