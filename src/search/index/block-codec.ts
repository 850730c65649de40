/**
 * The on-disk encoding of one postings block: frame-of-reference bit
 * packing of doc-id gaps and of the three per-field term frequencies.
 *
 * A block of n postings (n = BLOCK_SIZE except the term's last block) is
 *   4 bytes: bit widths of (gap − 1), title tf, authors tf, abstract tf
 *   then n values of each, in that order, as one little-endian bitstream,
 *   padded to a whole byte.
 * Widths are the smallest that fit the block's largest value, so a common
 * word costs ≈ 1 bit per gap, 1 bit of title tf, 0 of authors tf and 2–4 of
 * abstract tf: about a byte per posting. The postings array of a segment
 * ends with BLOCK_PAD zero bytes, so a decoder may read 4 bytes past any
 * value without a bounds check.
 *
 * Goals: decode a whole block in tight, allocation-free loops into caller
 * scratch arrays. Non-goals: SIMD layouts; positions (varints, segment.ts).
 */
import { ByteBuf } from './bytes.js';

/** Zero bytes after the last block, so reads of a 32-bit window never run off the end. */
export const BLOCK_PAD = 8;

/** Bits needed for v (0 for 0). */
export function bitWidth(v: number): number {
  return v === 0 ? 0 : 32 - Math.clz32(v);
}

/** Appends values of a given width to a little-endian bitstream (build time only). */
class BitWriter {
  private acc = 0;
  private bits = 0;
  constructor(private readonly out: ByteBuf) {}

  put(v: number, w: number): void {
    if (w === 0) return;
    if (w <= 24) {
      // Integer fast path: fewer than 8 bits are pending, so acc stays below 2^32.
      let acc = (this.acc | (v << this.bits)) >>> 0;
      let bits = this.bits + w;
      while (bits >= 8) {
        this.out.byte(acc & 255);
        acc >>>= 8;
        bits -= 8;
      }
      this.acc = acc;
      this.bits = bits;
      return;
    }
    this.acc += v * 2 ** this.bits;
    this.bits += w;
    while (this.bits >= 8) {
      this.out.byte(this.acc % 256);
      this.acc = Math.floor(this.acc / 256);
      this.bits -= 8;
    }
  }

  end(): void {
    if (this.bits > 0) this.out.byte(this.acc);
    this.acc = 0;
    this.bits = 0;
  }
}

/**
 * Encodes postings [from, from + n) of `docs` (increasing local ids) and
 * `tfs` (3 per posting) as one block; `prevDoc` is the last doc of the
 * previous block (−1 for the first).
 */
export function encodeBlock(out: ByteBuf, docs: Uint32Array, tfs: Uint16Array, from: number, n: number, prevDoc: number): void {
  let maxGap = 0;
  let m0 = 0;
  let m1 = 0;
  let m2 = 0;
  let prev = prevDoc;
  for (let i = from; i < from + n; i++) {
    const g = docs[i] - prev - 1;
    prev = docs[i];
    if (g > maxGap) maxGap = g;
    if (tfs[i * 3] > m0) m0 = tfs[i * 3];
    if (tfs[i * 3 + 1] > m1) m1 = tfs[i * 3 + 1];
    if (tfs[i * 3 + 2] > m2) m2 = tfs[i * 3 + 2];
  }
  const wg = bitWidth(maxGap);
  const w0 = bitWidth(m0);
  const w1 = bitWidth(m1);
  const w2 = bitWidth(m2);
  out.byte(wg);
  out.byte(w0);
  out.byte(w1);
  out.byte(w2);
  const bw = new BitWriter(out);
  prev = prevDoc;
  for (let i = from; i < from + n; i++) {
    bw.put(docs[i] - prev - 1, wg);
    prev = docs[i];
  }
  for (let i = from; i < from + n; i++) bw.put(tfs[i * 3], w0);
  for (let i = from; i < from + n; i++) bw.put(tfs[i * 3 + 1], w1);
  for (let i = from; i < from + n; i++) bw.put(tfs[i * 3 + 2], w2);
  bw.end();
}

/** Reads `n` values of width w (≤ 32) starting at bit `bp` into out[o + i·stride]; returns the bit position after them. */
function unpack(b: Uint8Array, bp: number, w: number, n: number, out: Uint16Array | Int32Array, o: number, stride: number): number {
  if (w === 0) {
    for (let i = 0; i < n; i++) out[o + i * stride] = 0;
    return bp;
  }
  if (w <= 24) {
    const mask = (1 << w) - 1;
    for (let i = 0; i < n; i++, bp += w) {
      const p = bp >>> 3;
      out[o + i * stride] = ((b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> (bp & 7)) & mask;
    }
    return bp;
  }
  for (let i = 0; i < n; i++, bp += w) {
    let v = 0;
    for (let k = 0; k < w; k++) {
      const q = bp + k;
      v += ((b[q >>> 3] >>> (q & 7)) & 1) * 2 ** k;
    }
    out[o + i * stride] = v;
  }
  return bp;
}

/** One DataView per postings array (a segment's), shared by its readers: one 32-bit read per value. */
const views = new WeakMap<Uint8Array, DataView>();
export function viewOf(b: Uint8Array): DataView {
  let v = views.get(b);
  if (!v) views.set(b, (v = new DataView(b.buffer, b.byteOffset, b.byteLength)));
  return v;
}

/**
 * Decodes only the doc ids of the block at byte `p` (n postings) into docs;
 * returns the bit position where its tfs start (read them with tfAt).
 * `view` is viewOf(b).
 */
export function decodeBlockDocs(b: Uint8Array, p: number, n: number, prevDoc: number, docs: Int32Array, view: DataView = viewOf(b)): number {
  const w = b[p];
  let bp = (p + 4) * 8;
  let prev = prevDoc;
  if (w <= 24) {
    // The common case in one pass: each gap read from a little-endian 32-bit window (BLOCK_PAD keeps it inside) and
    // summed as it is read.
    const mask = (1 << w) - 1;
    for (let i = 0; i < n; i++, bp += w) {
      prev += ((view.getUint32(bp >>> 3, true) >>> (bp & 7)) & mask) + 1;
      docs[i] = prev;
    }
    return bp;
  }
  bp = unpack(b, bp, w, n, docs, 0, 1);
  for (let i = 0; i < n; i++) {
    prev += docs[i] + 1;
    docs[i] = prev;
  }
  return bp;
}

/** One value of width w (≤ 24, as block tfs are: they come from 16-bit counts) at bit `bp` of a bitstream. */
export function valueAt(b: Uint8Array, bp: number, w: number): number {
  if (w === 0) return 0;
  const p = bp >>> 3;
  return ((b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> (bp & 7)) & ((1 << w) - 1);
}

/**
 * Decodes the block at byte `p` holding `n` postings: docs[i] (local ids,
 * from prevDoc + gaps) and tfs[3i..3i+2]. Returns the byte after the block.
 */
export function decodeBlock(b: Uint8Array, p: number, n: number, prevDoc: number, docs: Int32Array, tfs: Uint16Array): number {
  const wg = b[p];
  const w0 = b[p + 1];
  const w1 = b[p + 2];
  const w2 = b[p + 3];
  let bp = (p + 4) * 8;
  bp = unpack(b, bp, wg, n, docs, 0, 1);
  let prev = prevDoc;
  for (let i = 0; i < n; i++) {
    prev += docs[i] + 1;
    docs[i] = prev;
  }
  bp = unpack(b, bp, w0, n, tfs, 0, 3);
  bp = unpack(b, bp, w1, n, tfs, 1, 3);
  bp = unpack(b, bp, w2, n, tfs, 2, 3);
  return (bp + 7) >>> 3;
}
