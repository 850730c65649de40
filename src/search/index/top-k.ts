/**
 * Top-k retrieval over one segment's clause cursors, with dynamic pruning,
 * into a heap shared by all segments.
 *
 * - AND (every clause must match; the site's query semantics): block-max
 *   conjunction. The rarest clause leads; before aligning the others on a
 *   candidate, the sum of the current blocks' score bounds is compared with
 *   the heap's threshold, and when it cannot beat it the whole stretch up to
 *   the nearest block end is skipped without decoding.
 * - OR (any clause; "similar papers"): MaxScore. Clauses sorted by their
 *   bound; those whose bounds together cannot reach the threshold become
 *   non-essential: only documents of the essential clauses are candidates,
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
import { termScore } from './bm25.js';
import { END_DOC } from './segment.js';
import type { PostingCursor } from './posting-cursor.js';

/** Bounded min-heap of (score, global doc): the worst kept result at the root. */
export class TopK {
  readonly scores: Float64Array;
  readonly docs: Float64Array;
  size = 0;
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

function scoreAt(r: SegmentRun, d: number, tfws: Float64Array | null): number {
  const len = r.docLen[d];
  let s = 0;
  for (let j = 0; j < r.cursors.length; j++) {
    const tf = tfws ? tfws[j] : r.cursors[j].currentTfw();
    if (tf > 0) s += termScore(r.idfs[j], tf, len, r.avgdl);
  }
  return s;
}

/**
 * Every clause must match. Per step: (1) block-max: when the current blocks
 * of all clauses cannot beat the threshold, jump past the nearest block end
 * without decoding anything; (2) the lead (rarest) clause's posting is
 * decoded and its exact contribution plus the other clauses' block bounds is
 * checked before any other list is aligned, so most lead postings cost a
 * few arithmetic operations; (3) only then are the others aligned and the
 * document scored exactly.
 */
export function topKAnd(r: SegmentRun, heap: TopK): void {
  const n = r.cursors.length;
  if (n === 0) return;
  const order = r.cursors.map((_, j) => j).sort((a, b) => r.cursors[a].df - r.cursors[b].df);
  const c = order.map((j) => r.cursors[j]);
  const idf = order.map((j) => r.idfs[j]);
  const lead = c[0];
  const idf0 = idf[0];
  const docLen = r.docLen;
  const avgdl = r.avgdl;
  const hi = r.hi;
  const suffix = new Float64Array(n + 1);
  // Each clause's exact term score of the current candidate, in clause (query) order: summed in that order it is
  // scoreAt's result, without decoding the tfs again.
  const part = new Float64Array(n);
  let d = r.lo;
  for (;;) {
    if (d >= hi) return;
    if (heap.full) {
      const theta = heap.threshold;
      let ub = 0;
      let minLast = END_DOC;
      for (let j = 0; j < n; j++) {
        const x = c[j];
        if (!x.shallow(d)) return;
        ub += idf[j] * (x.bMax[x.blk] * x.scale);
        const last = x.bLast[x.blk];
        if (last < minLast) minLast = last;
      }
      if (inflate(ub) <= theta) {
        d = minLast + 1;
        continue;
      }
      d = lead.next(d);
      if (d >= hi) return;
      // Deleted / filtered out: decided from a bitset before any other list is touched.
      if (!accepts(r, d)) {
        d++;
        continue;
      }
      // The lead's exact part plus the others' block bounds; then each other clause's exact part
      // replaces its bound as it is aligned, so a candidate is dropped as soon as it cannot make it.
      const len = docLen[d];
      const tf0 = lead.currentTfw();
      let partial = tf0 > 0 ? termScore(idf0, tf0, len, avgdl) : 0;
      part[order[0]] = partial;
      suffix[n] = 0;
      for (let j = n - 1; j >= 1; j--) {
        const x = c[j];
        if (!x.shallow(d)) return;
        suffix[j] = suffix[j + 1] + idf[j] * (x.bMax[x.blk] * x.scale);
      }
      let skip = inflate(partial + suffix[1]) <= theta;
      let aligned = true;
      for (let j = 1; j < n && !skip; j++) {
        const e = c[j].next(d);
        if (e !== d) {
          d = e;
          aligned = false;
          break;
        }
        const tf = c[j].currentTfw();
        const sc = tf > 0 ? termScore(idf[j], tf, len, avgdl) : 0;
        part[order[j]] = sc;
        partial += sc;
        if (inflate(partial + suffix[j + 1]) <= theta) skip = true;
      }
      if (!aligned) continue;
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

/** Any clause may match (MaxScore). */
export function topKOr(r: SegmentRun, heap: TopK, termBounds: number[]): void {
  const n = r.cursors.length;
  if (n === 0) return;
  const ub = termBounds.map((b, j) => r.idfs[j] * b);
  const order = r.cursors.map((_, j) => j).sort((a, b) => ub[a] - ub[b]);
  const prefix = new Float64Array(n);
  let acc = 0;
  for (let m = 0; m < n; m++) prefix[m] = acc += ub[order[m]];
  const tfws = new Float64Array(n);
  for (const x of r.cursors) x.next(r.lo);
  let e = 0;
  for (;;) {
    const theta = heap.threshold;
    while (e < n && inflate(prefix[e]) <= theta) e++;
    if (e === n) return;
    let d = END_DOC;
    for (let m = e; m < n; m++) {
      const doc = r.cursors[order[m]].doc;
      if (doc < d) d = doc;
    }
    if (d >= r.hi) return;
    if (accepts(r, d)) {
      let partial = 0;
      const len = r.docLen[d];
      for (let m = e; m < n; m++) {
        const j = order[m];
        const x = r.cursors[j];
        if (x.doc === d) {
          tfws[j] = x.currentTfw();
          partial += termScore(r.idfs[j], tfws[j], len, r.avgdl);
        }
      }
      let possible = true;
      for (let m = e - 1; m >= 0; m--) {
        if (inflate(partial + prefix[m]) <= theta) {
          possible = false;
          break;
        }
        const j = order[m];
        const x = r.cursors[j];
        if (x.next(d) === d) {
          tfws[j] = x.currentTfw();
          partial += termScore(r.idfs[j], tfws[j], len, r.avgdl);
        }
      }
      if (possible) heap.offer(scoreAt(r, d, tfws), r.base + d);
      tfws.fill(0);
    }
    for (let m = e; m < n; m++) {
      const x = r.cursors[order[m]];
      if (x.doc === d) x.next(d + 1);
    }
  }
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
