/**
 * Cursors over one clause's postings in one segment, block by block.
 *
 * A cursor exposes its blocks' skip data (last doc, max weighted tf, min
 * length) so top-k can bound a block's score without decoding it
 * ("shallow" moves), and decodes a block only when it may hold a result.
 * StoredCursor reads a term's compressed postings; ArrayCursor walks postings
 * computed at query time (phrases, prefixes, author names).
 *
 * Non-goals: scoring (top-k.ts owns the formula's use).
 */
import { BLOCK_SIZE, END_DOC, type Segment } from './segment.js';
import { K1, impact, type FieldWeights } from './bm25.js';
import { float32Up } from './bytes.js';
import { decodeBlockDocs, valueAt, viewOf } from './block-codec.js';

/**
 * Placeholder of the per-cursor scratch a cursor allocates on first use: a
 * 30-word query makes ~240 cursors (a second set for the exact scores), and
 * most never read positions or whole-block tfs — each typed array is a
 * backing-store allocation the garbage collector then tracks.
 */
const NO_TFW = new Float64Array(0);

export abstract class PostingCursor {
  /** Current block index (== nb when exhausted). */
  blk = 0;
  doc = -1;
  readonly docs = new Int32Array(BLOCK_SIZE);
  /** The decoded block's weighted tfs (ArrayCursor's; a StoredCursor reads them from the packed block instead). */
  protected tfw: Float64Array = NO_TFW;
  protected n = 0;
  protected i = 0;
  protected decoded = -1;
  /** Multiplier that turns a stored block bound into a bound at the query's avgdl (≥ 1; see bm25.impact). */
  scale = 1;
  /**
   * Every posting's impact is at least about this (a tier list's cut; 0 for a
   * full list): a lead's scan with a lower cut (nextAbove) would pass over
   * nothing, so top-k does not start it. A hint for speed only.
   */
  minImpact = 0;
  /** Postings the last nextAbove passed over (0: it stopped on the first one ≥ its target). */
  passed = 0;

  constructor(
    readonly nb: number,
    readonly bLast: Uint32Array,
    readonly bMax: Float32Array | Float64Array,
    readonly bMinLen: Uint32Array,
    /** Documents in the clause (its n(p) in this segment). */
    readonly df: number,
  ) {}

  protected abstract decode(k: number): number;

  /** Moves to the first block whose last doc is ≥ target, without decoding; false when none. */
  shallow(target: number): boolean {
    let k = this.blk;
    const last = this.bLast;
    const nb = this.nb;
    if (k < nb && last[k] < target) {
      // Gallop, then binary search: long lists skip far in few steps.
      let step = 1;
      let hi = k + 1;
      while (hi < nb && last[hi] < target) {
        k = hi;
        step *= 2;
        hi = k + step;
      }
      if (hi > nb) hi = nb;
      let lo = k + 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (last[mid] < target) lo = mid + 1;
        else hi = mid;
      }
      k = lo;
    }
    this.blk = k;
    return k < nb;
  }

  /** Moves to the first posting with doc ≥ target and returns its doc (END_DOC when none). */
  next(target: number): number {
    if (this.doc >= target) return this.doc;
    if (!this.shallow(target)) return (this.doc = END_DOC);
    if (this.decoded !== this.blk) {
      this.n = this.decode(this.blk);
      this.decoded = this.blk;
      this.i = 0;
    }
    const docs = this.docs;
    let i = this.i;
    while (docs[i] < target) i++;
    this.i = i;
    return (this.doc = docs[i]);
  }

  /**
   * Moves to the first posting with doc ≥ target (as next) and then past
   * every posting of the current block with doc ≤ `limit` whose impact
   * tfw·(K1+1)/(tfw + n0 + n1·docLen[doc]) is at most `cut` (a term score
   * that cannot make the heap; n0 + n1·len is BM25's length part
   * K1·(1 − B + B·len/avgdl) rearranged, equal to a few ulps: callers keep a
   * margin). Returns the doc it stopped on (the cursor's doc: a posting
   * above the cut, one past `limit`, or END_DOC), or, when the rest of the
   * block was skipped, the block's last doc + 1 with the cursor on that last
   * posting (`doc` is then below the returned value).
   */
  nextAbove(target: number, cut: number, docLen: Uint32Array, n0: number, n1: number, limit: number): number {
    const d = this.next(target);
    this.passed = 0;
    if (d === END_DOC || d > limit) return d;
    const docs = this.docs;
    const n = this.n;
    const kp1 = K1 + 1.0;
    const i0 = this.i;
    let i = i0;
    for (; i < n; i++) {
      const x = docs[i];
      if (x > limit) break;
      const tf = this.tfwAt(i);
      if (tf * kp1 > cut * (tf + n0 + n1 * docLen[x])) break;
    }
    return this.stopAt(i, i0);
  }

  /**
   * Where nextAbove's scan of this block stopped: on posting `i` (having
   * passed over those from `i0`), or past the block's last posting (then the
   * answer is one past it, and the caller moves to the next block).
   */
  protected stopAt(i: number, i0: number): number {
    this.passed = i - i0;
    if (i < this.n) {
      this.i = i;
      return (this.doc = this.docs[i]);
    }
    this.i = this.n - 1;
    this.doc = this.docs[this.n - 1];
    return this.doc + 1;
  }

  /** Weighted tf of the current posting. */
  currentTfw(): number {
    return this.tfw[this.i];
  }

  /** Weighted tf of the i-th posting of the decoded block. */
  tfwAt(i: number): number {
    return this.tfw[i];
  }

  /** A cursor over the same postings, at their start (for a second pass that reads only a few documents). */
  abstract clone(): PostingCursor;

  /** Sets the bit (doc − from) of every posting with from ≤ doc < to; the cursor is left on the first posting ≥ to. */
  markWindow(from: number, to: number, bits: Uint32Array): void {
    let d = this.next(from);
    const docs = this.docs;
    while (d < to) {
      const n = this.n;
      let i = this.i;
      for (; i < n; i++) {
        const x = docs[i];
        if (x >= to) break;
        const o = x - from;
        bits[o >>> 5] |= 1 << (o & 31);
      }
      if (i < n) {
        this.i = i;
        this.doc = docs[i];
        return;
      }
      this.i = n - 1;
      this.doc = docs[n - 1];
      d = this.next(this.doc + 1);
    }
  }

  /**
   * As addWindow, but only for documents whose bit is already set in `bits`
   * (the candidates still alive); sets no bit.
   */
  addMarked(from: number, to: number, w: number, norms: Float64Array, scores: Float64Array, bits: Uint32Array, origin = from): void {
    let d = this.next(from);
    const docs = this.docs;
    while (d < to) {
      const n = this.n;
      let i = this.i;
      for (; i < n; i++) {
        const x = docs[i];
        if (x >= to) break;
        const o = x - origin;
        if ((bits[o >>> 5] >>> (o & 31)) & 1) {
          const tf = this.tfwAt(i);
          scores[o] += w * ((tf * (K1 + 1.0)) / (tf + norms[x]));
        }
      }
      if (i < n) {
        this.i = i;
        this.doc = docs[i];
        return;
      }
      this.i = n - 1;
      this.doc = docs[n - 1];
      d = this.next(this.doc + 1);
    }
  }

  /**
   * Term at a time inside a window: adds the term score (termScore's
   * arithmetic, idf `w`, norms[doc] = K1·(1 − B + B·len/avgdl)) of every posting with from ≤ doc < to into
   * scores[doc − origin] and sets its bit in `bits` (origin: the window's
   * first doc, `from` unless the window's start was already walked); the
   * cursor is left on the first posting ≥ to.
   */
  addWindow(from: number, to: number, w: number, norms: Float64Array, scores: Float64Array, bits: Uint32Array, origin = from): void {
    let d = this.next(from);
    const docs = this.docs;
    while (d < to) {
      const n = this.n;
      let i = this.i;
      for (; i < n; i++) {
        const x = docs[i];
        if (x >= to) break;
        const tf = this.tfwAt(i);
        const o = x - origin;
        // bm25.termScore with the document's length part precomputed (norms[x]): the same operations, the same result.
        scores[o] += w * ((tf * (K1 + 1.0)) / (tf + norms[x]));
        bits[o >>> 5] |= 1 << (o & 31);
      }
      if (i < n) {
        this.i = i;
        this.doc = docs[i];
        return;
      }
      this.i = n - 1;
      this.doc = docs[n - 1];
      d = this.next(this.doc + 1);
    }
  }

  /** Index of the current posting inside the decoded block. */
  currentIndex(): number {
    return this.i;
  }
}

/**
 * A stored term's postings in a segment. A block's doc ids are decoded when
 * the cursor enters it; its tfs stay bit-packed and the weighted tf of a
 * posting is read on demand (top-k needs it only for the few postings that
 * align with the other clauses), or all at once for positions.
 */
export class StoredCursor extends PostingCursor {
  private readonly first: number;
  /** Scratch for the decoded block's tfs and positions, allocated on first use (see NO_TFW). */
  private tfsBuf: Uint16Array | null = null;
  private tfsDecoded = -1;
  /** Bit positions of the decoded block's title, authors and abstract tfs, and their widths. */
  private bp0 = 0;
  private bp1 = 0;
  private bp2 = 0;
  private tw0 = 0;
  private tw1 = 0;
  private tw2 = 0;
  private posDecoded = -1;
  /** The postings' bytes as a DataView (one 32-bit read per value in fusedBlock), made on first use. */
  private view: DataView | null = null;
  private posBuf: Uint32Array | null = null;
  private posStart: Uint32Array | null = null;

  constructor(readonly seg: Segment, readonly term: number, private readonly w: FieldWeights) {
    const d = seg.d;
    const a = d.termBlocks[term];
    const b = d.termBlocks[term + 1];
    super(b - a, d.blockLast.subarray(a, b), d.blockMaxTfw.subarray(a, b), d.blockMinLen.subarray(a, b), d.termDf[term]);
    this.first = a;
  }

  protected decode(k: number): number {
    const d = this.seg.d;
    const n = k < this.nb - 1 ? BLOCK_SIZE : this.df - BLOCK_SIZE * (this.nb - 1);
    const b = d.postings;
    const p = d.blockDocOff[this.first + k];
    this.bp0 = decodeBlockDocs(b, p, n, k === 0 ? -1 : this.bLast[k - 1], this.docs, (this.view ??= viewOf(b)));
    this.tw0 = b[p + 1];
    this.tw1 = b[p + 2];
    this.tw2 = b[p + 3];
    this.bp1 = this.bp0 + n * this.tw0;
    this.bp2 = this.bp1 + n * this.tw1;
    return n;
  }

  /**
   * addWindow / addMarked reading each block in one pass (gaps, tfs and the
   * score together, straight from the packed bytes: no doc array written and
   * read back, widths and masks taken once per block). Same additions, in
   * the same doc order, with the same arithmetic as the generic loops: the
   * same sums. A block that runs past `to` is decoded as well (cheap: gaps
   * only) so the cursor ends on its first posting ≥ to; a block that ends
   * inside the window leaves the cursor on its last posting, undecoded (any
   * later move targets a doc after it).
   * On entry the cursor is before `from` or on its first posting ≥ from
   * (topKOr moves cursors window by window).
   */
  override addWindow(from: number, to: number, w: number, norms: Float64Array, scores: Float64Array, bits: Uint32Array): void {
    this.addBlocks(from, to, w, norms, scores, bits, false);
  }

  override addMarked(from: number, to: number, w: number, norms: Float64Array, scores: Float64Array, bits: Uint32Array): void {
    this.addBlocks(from, to, w, norms, scores, bits, true);
  }

  private addBlocks(from: number, to: number, w: number, norms: Float64Array, scores: Float64Array, bits: Uint32Array, marked: boolean): void {
    if (this.doc >= to) return;
    const last = this.bLast;
    const b = this.seg.d.postings;
    // Every posting below `pos` has been added (or lies before the window).
    let pos = from;
    for (;;) {
      if (!this.shallow(pos)) {
        this.doc = END_DOC;
        return;
      }
      const k = this.blk;
      if (b[this.seg.d.blockDocOff[this.first + k]] > 24) {
        // A gap wider than 24 bits (a segment of over 16M documents): the generic walk.
        if (marked) super.addMarked(pos, to, w, norms, scores, bits, from);
        else super.addWindow(pos, to, w, norms, scores, bits, from);
        return;
      }
      // Where block k's postings ≥ pos start: its first one, or (a block begun before pos) found in its doc ids.
      let i0 = 0;
      let prev = k === 0 ? -1 : last[k - 1];
      if (prev + 1 < pos) {
        this.next(pos);
        i0 = this.i;
        if (i0 > 0) prev = this.docs[i0 - 1];
      }
      const n = k < this.nb - 1 ? BLOCK_SIZE : this.df - BLOCK_SIZE * (this.nb - 1);
      const stop = this.fusedBlock(k, n, i0, prev, from, to, w, norms, scores, bits, marked);
      if (stop < n) {
        // The block runs past the window: the cursor on its first posting ≥ to.
        if (this.decoded !== k) {
          this.n = this.decode(k);
          this.decoded = k;
        }
        this.i = stop;
        this.doc = this.docs[stop];
        return;
      }
      this.blk = k + 1;
      this.doc = last[k];
      pos = last[k] + 1;
      if (pos >= to) return;
    }
  }

  /**
   * Adds postings i0.. of block k (n postings; `prev` the doc before
   * posting i0) while their doc is below `to`, in one pass; `marked`: only
   * those whose bit is set, setting none. Returns the index of the first
   * posting ≥ to (n when none). Its gaps are at most 24 bits wide.
   */
  private fusedBlock(k: number, n: number, i0: number, prev: number, from: number, to: number, w: number, norms: Float64Array,
    scores: Float64Array, bits: Uint32Array, marked: boolean): number {
    const d = this.seg.d;
    const b = d.postings;
    const p = d.blockDocOff[this.first + k];
    const v = (this.view ??= viewOf(b));
    const wg = b[p];
    const t0 = b[p + 1];
    const t1 = b[p + 2];
    const t2 = b[p + 3];
    // A zero width reads as 0 through a zero mask, as valueAt's early return does.
    const mg = (1 << wg) - 1;
    const m0 = (1 << t0) - 1;
    const m1 = (1 << t1) - 1;
    const m2 = (1 << t2) - 1;
    const fw = this.w;
    const w0 = fw[0];
    const w1 = fw[1];
    const w2 = fw[2];
    const kp1 = K1 + 1.0;
    const start = (p + 4) * 8;
    let bg = start + i0 * wg;
    let b0 = start + n * wg + i0 * t0;
    let b1 = start + n * (wg + t0) + i0 * t1;
    let b2 = start + n * (wg + t0 + t1) + i0 * t2;
    let x = prev;
    // Each value is read from a little-endian 32-bit window (BLOCK_PAD keeps the last one inside the array).
    for (let i = i0; i < n; i++, bg += wg, b0 += t0, b1 += t1, b2 += t2) {
      x += ((v.getUint32(bg >>> 3, true) >>> (bg & 7)) & mg) + 1;
      if (x >= to) return i;
      const o = x - from;
      const f0 = (v.getUint32(b0 >>> 3, true) >>> (b0 & 7)) & m0;
      // Most words are never in an author name: a zero width needs no read.
      const f1 = t1 === 0 ? 0 : (v.getUint32(b1 >>> 3, true) >>> (b1 & 7)) & m1;
      const f2 = (v.getUint32(b2 >>> 3, true) >>> (b2 & 7)) & m2;
      // tfwAt's sum and termScore's arithmetic, in their order.
      const tf = f0 * w0 + f1 * w1 + f2 * w2;
      const sc = w * ((tf * kp1) / (tf + norms[x]));
      if (marked) {
        // Added times the doc's bit (1 or 0; adding 0 changes no sum): no branch to mispredict on candidates that
        // are about half of a window's documents.
        scores[o] += sc * ((bits[o >>> 5] >>> (o & 31)) & 1);
      } else {
        scores[o] += sc;
        bits[o >>> 5] |= 1 << (o & 31);
      }
    }
    return n;
  }

  /** nextAbove with the tfs read straight from the packed block (one 32-bit read each, widths taken once). */
  override nextAbove(target: number, cut: number, docLen: Uint32Array, n0: number, n1: number, limit: number): number {
    const d = this.next(target);
    this.passed = 0;
    if (d === END_DOC || d > limit) return d;
    const docs = this.docs;
    const n = this.n;
    const v = (this.view ??= viewOf(this.seg.d.postings));
    const t0 = this.tw0;
    const t1 = this.tw1;
    const t2 = this.tw2;
    const m0 = (1 << t0) - 1;
    const m1 = (1 << t1) - 1;
    const m2 = (1 << t2) - 1;
    const fw = this.w;
    const w0 = fw[0];
    const w1 = fw[1];
    const w2 = fw[2];
    const kp1 = K1 + 1.0;
    const i0 = this.i;
    let i = i0;
    let b0 = this.bp0 + i * t0;
    let b1 = this.bp1 + i * t1;
    let b2 = this.bp2 + i * t2;
    for (; i < n; i++, b0 += t0, b1 += t1, b2 += t2) {
      const x = docs[i];
      if (x > limit) break;
      // tfwAt's value (a zero width reads 0 through a zero mask).
      const f0 = (v.getUint32(b0 >>> 3, true) >>> (b0 & 7)) & m0;
      const f1 = t1 === 0 ? 0 : (v.getUint32(b1 >>> 3, true) >>> (b1 & 7)) & m1;
      const f2 = (v.getUint32(b2 >>> 3, true) >>> (b2 & 7)) & m2;
      const tf = f0 * w0 + f1 * w1 + f2 * w2;
      if (tf * kp1 > cut * (tf + n0 + n1 * docLen[x])) break;
    }
    return this.stopAt(i, i0);
  }

  /** Weighted tf of the current posting (same arithmetic, in the same order, as every other tfw in the engine). */
  override currentTfw(): number {
    return this.tfwAt(this.i);
  }

  override tfwAt(i: number): number {
    const b = this.seg.d.postings;
    const w = this.w;
    return valueAt(b, this.bp0 + i * this.tw0, this.tw0) * w[0] + valueAt(b, this.bp1 + i * this.tw1, this.tw1) * w[1] +
      valueAt(b, this.bp2 + i * this.tw2, this.tw2) * w[2];
  }

  clone(): StoredCursor {
    const c = new StoredCursor(this.seg, this.term, this.w);
    c.scale = this.scale;
    return c;
  }

  /** The decoded block's tfs (title, authors, abstract per posting), unpacked on first use. */
  get tfs(): Uint16Array {
    const t = (this.tfsBuf ??= new Uint16Array(BLOCK_SIZE * 3));
    if (this.tfsDecoded !== this.decoded) {
      const b = this.seg.d.postings;
      for (let i = 0; i < this.n; i++) {
        t[i * 3] = valueAt(b, this.bp0 + i * this.tw0, this.tw0);
        t[i * 3 + 1] = valueAt(b, this.bp1 + i * this.tw1, this.tw1);
        t[i * 3 + 2] = valueAt(b, this.bp2 + i * this.tw2, this.tw2);
      }
      this.tfsDecoded = this.decoded;
    }
    return t;
  }

  /** Positions of the current posting: a view into a per-block buffer, field by field (use the tfs to split). */
  currentPositions(): { buf: Uint32Array; start: number; tfTitle: number; tfAuthors: number; tfAbstract: number } {
    let posBuf = (this.posBuf ??= new Uint32Array(BLOCK_SIZE * 8));
    const posStart = (this.posStart ??= new Uint32Array(BLOCK_SIZE + 1));
    if (this.posDecoded !== this.decoded) {
      const d = this.seg.d;
      const k = this.first + this.decoded;
      const bytes = d.positions.read(d.blockPosOff[k], d.blockPosOff[k + 1]);
      const tfs = this.tfs;
      let total = 0;
      for (let j = 0; j < this.n * 3; j++) total += tfs[j];
      if (posBuf.length < total) posBuf = this.posBuf = new Uint32Array(total * 2);
      let p = 0;
      let o = 0;
      for (let j = 0; j < this.n; j++) {
        posStart[j] = o;
        for (let f = 0; f < 3; f++) {
          let prev = -1;
          for (let c = tfs[j * 3 + f]; c > 0; c--) {
            let v = bytes[p++];
            if (v >= 0x80) {
              v &= 0x7f;
              let shift = 7;
              for (;;) {
                const x = bytes[p++];
                v |= (x & 0x7f) << shift;
                if (x < 0x80) break;
                shift += 7;
              }
            }
            prev += v;
            posBuf[o++] = prev;
          }
        }
      }
      posStart[this.n] = o;
      this.posDecoded = this.decoded;
    }
    const j = this.i;
    const tfs = this.tfs;
    return {
      buf: posBuf, start: posStart[j],
      tfTitle: tfs[j * 3], tfAuthors: tfs[j * 3 + 1], tfAbstract: tfs[j * 3 + 2],
    };
  }
}

interface ArrayBlocks {
  bLast: Uint32Array;
  bMax: Float64Array;
  bMin: Uint32Array;
}

/** Blocks of BLOCK_SIZE postings with their last doc, max impact at `avgdl` (float32, rounded up) and min length. */
function arrayBlocks(allDocs: Uint32Array, allTfw: Float64Array, docLen: Uint32Array, avgdl: number): ArrayBlocks {
  const n = allDocs.length;
  const nb = Math.ceil(n / BLOCK_SIZE);
  const bLast = new Uint32Array(nb);
  const bMax = new Float64Array(nb);
  const bMin = new Uint32Array(nb);
  for (let k = 0; k < nb; k++) {
    const from = k * BLOCK_SIZE;
    const to = Math.min(n, from + BLOCK_SIZE);
    let mx = 0;
    let mn = 0xffffffff;
    for (let j = from; j < to; j++) {
      const l = docLen[allDocs[j]];
      const g = impact(allTfw[j], l, avgdl);
      if (g > mx) mx = g;
      if (l < mn) mn = l;
    }
    bLast[k] = allDocs[to - 1];
    bMax[k] = float32Up(mx);
    bMin[k] = mn;
  }
  return { bLast, bMax, bMin };
}

/** Postings computed at query time: sorted doc ids with their weighted tf; blocks and bounds made on the fly. */
export class ArrayCursor extends PostingCursor {
  constructor(private readonly allDocs: Uint32Array, private readonly allTfw: Float64Array, docLen: Uint32Array, avgdl: number,
    blocks: ArrayBlocks = arrayBlocks(allDocs, allTfw, docLen, avgdl)) {
    super(blocks.bLast.length, blocks.bLast, blocks.bMax, blocks.bMin, allDocs.length);
    this.tfw = new Float64Array(BLOCK_SIZE);
  }

  clone(): ArrayCursor {
    const c = new ArrayCursor(this.allDocs, this.allTfw, new Uint32Array(0), 1,
      { bLast: this.bLast, bMax: this.bMax as Float64Array, bMin: this.bMinLen });
    c.scale = this.scale;
    return c;
  }

  protected decode(k: number): number {
    const from = k * BLOCK_SIZE;
    const to = Math.min(this.allDocs.length, from + BLOCK_SIZE);
    for (let j = from; j < to; j++) {
      this.docs[j - from] = this.allDocs[j];
      this.tfw[j - from] = this.allTfw[j];
    }
    return to - from;
  }
}
