/**
 * An immutable index segment: the documents' keys, lengths and dates, a
 * sorted term dictionary, and per term its postings in blocks of 128.
 *
 * Layout in memory (typed arrays only; never an object per posting):
 *   docKey[d], docLen[d], docDate[d]   per document (local id d = 0..numDocs-1)
 *   termBytes + termOffsets            the dictionary, terms sorted by UTF-8 bytes
 *   termDf[t], termBlocks[t..t+1]      documents per term, the term's block range
 *   blockLast[k], blockMaxTfw[k]       skip data per block: last doc, and the block's max
 *                                      impact g(tfw, len) at the segment's avgdl (bm25.ts)
 *   blockMinLen[k]                     min doc length of the block (informative)
 *   blockDocOff[k..k+1]                the block's bytes in `postings`
 *   blockPosOff[k..k+1]                the block's bytes in the positions stream
 * A block holds up to 128 postings, bit-packed (block-codec.ts); the tf
 * code below is only the builder's in-memory stream. Positions: per
 * posting, per field with tf > 0, the positions as varint deltas (first + 1).
 *
 * Goals: O(log n) term lookup, prefix ranges, decode one block at a time.
 * Non-goals: mutation (segments are rebuilt or merged, never edited).
 */
import { ByteBuf } from './bytes.js';
import { decodeBlock } from './block-codec.js';
import type { FieldWeights } from './bm25.js';

export const BLOCK_SIZE = 128;
/** Doc id beyond every real one: a cursor that is exhausted sits here. */
export const END_DOC = 0x7fffffff;
/** Terms starting with this byte are filters (category, organization), never text. */
export const FILTER_PREFIX = '\u0001';
/** Terms starting with this byte are tier lists (the high-impact postings of the term after it). */
export const TIER_PREFIX = '\u0002';
export const tierTerm = (t: string): string => `${TIER_PREFIX}${t}`;
/** The second, higher tier of a term (its postings of impact ≥ tier2Impact): TIER_PREFIX twice, so TIER_PREFIX tests cover both. */
export const tier2Term = (t: string): string => `${TIER_PREFIX}${TIER_PREFIX}${t}`;
export const categoryTerm = (c: string): string => `${FILTER_PREFIX}c${c}`;
export const organizationTerm = (o: string): string => `${FILTER_PREFIX}o${o}`;

/** Where positions are read from: memory, or a file read on demand. */
export interface PositionSource {
  read(start: number, end: number): Uint8Array;
  close?(): void;
}

export class MemoryPositions implements PositionSource {
  constructor(private readonly bytes: Uint8Array) {}
  read(start: number, end: number): Uint8Array {
    return this.bytes.subarray(start, end);
  }
}

export interface SegmentData {
  numDocs: number;
  /** Σ docLen, as stored (deleted documents included until a merge). */
  totalLen: number;
  /** The field weights the block bounds were computed with. */
  weights: FieldWeights;
  /** Whether docDate is non-decreasing (a date range is then a doc-id range). */
  dateSorted: boolean;
  /**
   * Tier lists: for a common term T, the term TIER_PREFIX + T holds the
   * postings of T whose impact (at this segment's avgdl) is ≥ tierImpact,
   * with their full tfs and no positions (see tiered-and.ts). 0: none.
   */
  tierImpact: number;
  /** Cutoff of the second tier lists (tier2Term: a subset of the first, tried first). 0: none. */
  tier2Impact: number;
  docKey: Uint32Array;
  docLen: Uint32Array;
  docDate: Int32Array;
  termBytes: Uint8Array;
  termOffsets: Uint32Array;
  termDf: Uint32Array;
  termBlocks: Uint32Array;
  blockLast: Uint32Array;
  blockMaxTfw: Float32Array;
  blockMinLen: Uint32Array;
  blockDocOff: Float64Array;
  blockPosOff: Float64Array;
  postings: Uint8Array;
  positions: PositionSource;
}

const utf8 = new TextEncoder();

/** Decodes a tf code at `p` into out[0..2] (title, authors, abstract); returns the new position. */
export function decodeTfCode(b: Uint8Array, p: number, out: Uint16Array | Uint32Array, o: number): number {
  let v = b[p++];
  if (v >= 0x80) {
    v &= 0x7f;
    let shift = 7;
    for (;;) {
      const c = b[p++];
      v |= (c & 0x7f) << shift;
      if (c < 0x80) break;
      shift += 7;
    }
  }
  if ((v & 1) === 0) {
    const code = v >>> 1;
    out[o] = (code >>> 2) & 3;
    out[o + 1] = code & 3;
    out[o + 2] = code >>> 4;
    return p;
  }
  for (let f = 0; f < 3; f++) {
    let x = b[p++];
    if (x >= 0x80) {
      x &= 0x7f;
      let shift = 7;
      for (;;) {
        const c = b[p++];
        x |= (c & 0x7f) << shift;
        if (c < 0x80) break;
        shift += 7;
      }
    }
    out[o + f] = x;
  }
  return p;
}

/** Appends a tf code: one varint for small title/authors counts, else an escape and three varints. */
export function encodeTfCode(out: ByteBuf, tfTitle: number, tfAuthors: number, tfAbstract: number): void {
  if (tfTitle <= 3 && tfAuthors <= 3 && tfAbstract < 65536) {
    out.varint(((tfAbstract << 4) | (tfTitle << 2) | tfAuthors) * 2);
  } else {
    out.varint(1);
    out.varint(tfTitle);
    out.varint(tfAuthors);
    out.varint(tfAbstract);
  }
}

export class Segment {
  readonly numTerms: number;
  private readonly key: Buffer;
  /** Cached pk → local doc (sorted pairs), built on first use. */
  private keyIndex: { keys: Uint32Array; docs: Uint32Array } | null = null;

  constructor(readonly d: SegmentData, readonly name: string) {
    this.numTerms = d.termDf.length;
    this.key = Buffer.from(d.termBytes.buffer, d.termBytes.byteOffset, d.termBytes.byteLength);
  }

  get numDocs(): number {
    return this.d.numDocs;
  }

  termAt(t: number): string {
    return this.key.toString('utf8', this.d.termOffsets[t], this.d.termOffsets[t + 1]);
  }

  /** Term t's bytes against k: < 0, 0 or > 0 in byte order (as Buffer.compare, without a view and a native call per step). */
  private compareAt(t: number, k: Uint8Array): number {
    const b = this.key;
    const p = this.d.termOffsets[t];
    const len = this.d.termOffsets[t + 1] - p;
    const n = len < k.length ? len : k.length;
    for (let i = 0; i < n; i++) {
      const x = b[p + i] - k[i];
      if (x !== 0) return x;
    }
    return len - k.length;
  }

  /** First term index whose bytes are ≥ k. */
  lowerBound(k: Uint8Array): number {
    let lo = 0;
    let hi = this.numTerms;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.compareAt(mid, k) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The impact every posting of term t has at least: its level's cut for a tier list (tierTerm, tier2Term), else 0. */
  tierCut(t: number): number {
    const b = this.d.termBytes;
    const o = this.d.termOffsets[t];
    if (this.d.termOffsets[t + 1] - o < 2 || b[o] !== 2) return 0;
    return b[o + 1] === 2 ? this.d.tier2Impact : this.d.tierImpact;
  }

  /** The term's index, or −1. */
  lookup(term: string): number {
    return this.lookupBytes(utf8.encode(term));
  }

  /** The index of the term whose UTF-8 bytes are `k`, or −1 (one encoding for a lookup in every segment). */
  lookupBytes(k: Uint8Array): number {
    const t = this.lowerBound(k);
    return t < this.numTerms && this.compareAt(t, k) === 0 ? t : -1;
  }

  /** Term indexes [from, to) of every term starting with `prefix` (contiguous in byte order). */
  prefixRange(prefix: string): [number, number] {
    const k = utf8.encode(prefix);
    const from = this.lowerBound(k);
    let lo = from;
    let hi = this.numTerms;
    // Upper end: first term that does not start with k.
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const o = this.d.termOffsets[mid];
      const len = this.d.termOffsets[mid + 1] - o;
      const startsWith = len >= k.length && Buffer.compare(this.key.subarray(o, o + k.length), k) === 0;
      if (startsWith || this.compareAt(mid, k) < 0) lo = mid + 1;
      else hi = mid;
    }
    return [from, lo];
  }

  /** The local doc of a document key (paper pk), or −1. */
  docOfKey(key: number): number {
    if (!this.keyIndex) {
      const n = this.d.numDocs;
      const order = new Uint32Array(n);
      for (let i = 0; i < n; i++) order[i] = i;
      const dk = this.d.docKey;
      order.sort((a, b) => dk[a] - dk[b] || a - b);
      const keys = new Uint32Array(n);
      for (let i = 0; i < n; i++) keys[i] = dk[order[i]];
      this.keyIndex = { keys, docs: order };
    }
    const { keys, docs } = this.keyIndex;
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid] < key) lo = mid + 1;
      else hi = mid;
    }
    // The last doc with this key wins (a re-added key in one segment replaces the earlier one).
    let found = -1;
    while (lo < keys.length && keys[lo] === key) found = docs[lo++];
    return found;
  }

  /** Decodes every posting of term t: doc ids and per-field tfs (for merges, filters and materialised clauses). */
  decodeAll(t: number): { docs: Uint32Array; tfs: Uint16Array } {
    const d = this.d;
    const n = d.termDf[t];
    const docs = new Int32Array(n + BLOCK_SIZE);
    const tfs = new Uint16Array((n + BLOCK_SIZE) * 3);
    const b = d.postings;
    const k0 = d.termBlocks[t];
    const k1 = d.termBlocks[t + 1];
    let prev = -1;
    for (let k = k0, from = 0; k < k1; k++, from += BLOCK_SIZE) {
      const cnt = Math.min(BLOCK_SIZE, n - from);
      decodeBlock(b, d.blockDocOff[k], cnt, prev, docs.subarray(from), tfs.subarray(from * 3));
      prev = d.blockLast[k];
    }
    return { docs: new Uint32Array(docs.buffer, 0, n), tfs: tfs.subarray(0, n * 3) };
  }

  /** The raw positions bytes of term t's postings (all blocks). */
  positionBytes(t: number): Uint8Array {
    const d = this.d;
    return d.positions.read(d.blockPosOff[d.termBlocks[t]], d.blockPosOff[d.termBlocks[t + 1]]);
  }
}

/** Each segment's term bounds found so far (NaN: not yet); a segment never changes, so they hold for its life. */
const bounds = new WeakMap<Segment, Float32Array>();

/**
 * The max block impact of term t (at the segment's avgdl). Remembered per
 * term: a 30-word query asks it of every word in every segment, twice per
 * tier level, and a common word has ≈ 2,000 blocks per 250k papers.
 */
export function termBound(seg: Segment, t: number): number {
  let known = bounds.get(seg);
  if (!known) bounds.set(seg, (known = new Float32Array(seg.numTerms).fill(NaN)));
  const had = known[t];
  if (had === had) return had;
  const d = seg.d;
  let mx = 0;
  for (let k = d.termBlocks[t]; k < d.termBlocks[t + 1]; k++) if (d.blockMaxTfw[k] > mx) mx = d.blockMaxTfw[k];
  known[t] = mx;
  return mx;
}
