/**
 * An in-memory approximate nearest-neighbour index over unit vectors: a
 * quantized scan. Every paper has two codes — product-quantization bytes
 * (pq.ts: 32 bytes for 128 dimensions) scanned for every query with table
 * lookups, and 8-bit scalar codes (SQ8: one signed byte per dimension, a
 * scale per dimension) that re-rank the RERANK best of that scan — and the
 * search filters (date range, categories, organization) are checked per
 * paper before scoring.
 *
 * Chosen by measurement (bench/vector-bench.ts; recall@10 against exact
 * float search): an inverted file (k-means cells, the query scanning the
 * nearest) reached only 0.86 with 8 of 35 cells and 0.94 with 16 on the
 * 5,841 real Daily Papers (LSA vectors are not clustered enough for cells),
 * and 0.43 with 8 of 56 cells on 50,000 generated papers; the PQ scan with
 * re-ranking reached 0.997–1.000 (real) and 0.98–0.999 (generated, 100–300
 * re-ranked) while reading 32 bytes a paper instead of 128. An HNSW graph
 * (usearch 2.25: prebuilt binaries inside its npm package, loads without
 * its install script) on 200,000 papers of the 1M bench index, connectivity
 * 16, expansion 64 at build: recall@10 0.16 / 0.24 / 0.35 at search
 * expansion 32 / 64 / 128 with 8-bit vectors, 0.14 / 0.23 / 0.36 / 0.51 at
 * 32–256 with 16-bit floats (so not its quantization), built in 369 / 575 s
 * wall at load ≈ 25, 277 / 405 bytes a paper on disk. LSA vectors of the
 * generated papers (independent words, no topics) give a graph no
 * neighbourhoods to walk, as they give an inverted file no cells; the scan
 * does not depend on them. hnswlib-node ships no binaries (it compiles at
 * install): not tried. The scan costs ≈ 20 ms of CPU a query at 1M
 * (LITTLE_ENDIAN below).
 *
 * Goals: recall@10 ≥ 0.95 against exact float search; ≤ 512 bytes a paper
 * in memory (128-d: 128 SQ8 + 32 PQ bytes + key, day, categories,
 * organization ≈ 190 bytes, plus the key map); papers added, replaced and
 * removed in place (the index follows the change feed).
 * Non-goals: persistence (vector-file.ts), embedding (embed/), graph indexes
 * (HNSW: links cost 100–200 bytes a paper and a native or wasm library).
 */
import { endianness } from 'node:os';
import type { LexicalFilters } from '../../store/lexical-engine.js';
import { dayNumber } from '../index/segment-builder.js';
import { encodePq, pqTable, subspacesFor, trainPq, type PqCodebooks } from './pq.js';
import { seededUniform } from './seeded-uniform.js';

/** Product-quantization pieces: 32 (4 dimensions each at 128-d) — 16 re-ranked 0.74 vs 0.98 at 100 candidates on 50,000 generated papers. */
const PQ_SUBSPACES = 32;
/**
 * Papers re-ranked with the 8-bit codes after the PQ scan: max(RERANK_MIN,
 * RERANK_PER_HIT × k). Recall@10 against exact float search: 50,000
 * generated papers, 100 → 0.983, 300 → 0.999; 1,000,000 generated papers
 * (bench/vector-bench.ts), 100 → 0.925, 400 → 0.973, 1,200 → 0.973 (the rest
 * is 8-bit rounding); 5,841 real papers, 50 → 0.991, 400 → 0.992.
 * Re-ranking costs 128 multiply-adds a candidate, nothing beside the scan.
 * Sane range 100–2,000.
 */
const RERANK_MIN = 400;
const RERANK_PER_HIT = 20;
/**
 * The scan reads four PQ codes with one 32-bit load and sums their four
 * table entries (the bytes' order in the word is the machine's: little-endian,
 * else the byte loop). CPU time per query on the 1M bench index (60
 * queries, two alternating runs, machine at load ≈ 25): the byte loop alone,
 * without keeping a top list, 25.4–25.8 ms p50 / 26.2–42.1 ms p95; the word
 * scan with its top list and re-rank 22.4–22.9 ms p50 / 23.6–27.4 ms p95.
 * Two words per step into two tree-shaped sums, the key checked after
 * scoring: 22.2 → 20.3 ms p50, 24.8 → 20.8 ms p95 (50 queries × 3, k 100,
 * load ≈ 9; the same top 100 for all 50). A Float64 table instead of Float32
 * moved nothing beyond noise (19.9 ms).
 */
const LITTLE_ENDIAN = endianness() === 'LE';
/** Papers of the sample the PQ codebooks learn from (k-means of 256 per piece: the cost is sample × 256 × dim per iteration). */
const PQ_SAMPLE = 10_000;
/** Categories kept inline per paper; more go to an overflow map (rare: most papers list 1–3). */
const INLINE_CATEGORIES = 4;
const NO_CATEGORY = 0xffff;

export type VectorFilters = LexicalFilters;

export interface VectorHit {
  key: number;
  /** Approximate cosine similarity (dequantized dot product). */
  score: number;
}

/** What the index keeps of a paper besides its vector. */
export interface VectorDoc {
  key: number;
  publishedAt: string | null;
  categories: string[];
  organization: string | null;
}

/** Papers measured per turn of the event loop by measureBound() (≈ 6 ms at 64 dimensions). */
const MEASURE_SLICE = 32_768;

/** A bounded min-heap of (score, slot), the best `k` seen. */
class TopK {
  readonly scores: Float64Array;
  readonly slots: Int32Array;
  size = 0;
  constructor(readonly k: number) {
    this.scores = new Float64Array(k);
    this.slots = new Int32Array(k);
  }
  get threshold(): number {
    return this.size < this.k ? -Infinity : this.scores[0];
  }
  push(score: number, slot: number): void {
    const s = this.scores, d = this.slots;
    if (this.size < this.k) {
      let i = this.size++;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (s[p] <= score) break;
        s[i] = s[p]; d[i] = d[p]; i = p;
      }
      s[i] = score; d[i] = slot;
      return;
    }
    if (score <= s[0]) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= this.k) break;
      const c = l + 1 < this.k && s[l + 1] < s[l] ? l + 1 : l;
      if (s[c] >= score) break;
      s[i] = s[c]; d[i] = d[c]; i = c;
    }
    s[i] = score; d[i] = slot;
  }
  sorted(): { score: number; slot: number }[] {
    const out: { score: number; slot: number }[] = [];
    for (let i = 0; i < this.size; i++) out.push({ score: this.scores[i], slot: this.slots[i] });
    return out.sort((a, b) => b.score - a.score || a.slot - b.slot);
  }
}

/**
 * Room above the largest |x_c| of the training sample: papers that arrive
 * later (new topics) reach further out and would be clipped. 1.25 costs a
 * fifth of a bit of resolution. Sane range 1–2.
 */
const QUANT_HEADROOM = 1.25;

/** The per-dimension scale of SQ8 codes: QUANT_HEADROOM × the largest |x_c| seen in the sample, over 127 (values beyond are clipped). */
export function quantizerScale(vectors: Float32Array[], dim: number): Float32Array {
  const scale = new Float32Array(dim);
  for (const v of vectors) for (let c = 0; c < dim; c++) scale[c] = Math.max(scale[c], Math.abs(v[c]));
  for (let c = 0; c < dim; c++) scale[c] = scale[c] > 0 ? Math.min(1, scale[c] * QUANT_HEADROOM) / 127 : 1 / 127;
  return scale;
}

export interface IndexParts {
  dim: number;
  scale: Float32Array;
  pq: PqCodebooks;
}

export class VectorIndex {
  readonly dim: number;
  readonly scale: Float32Array;
  readonly pq: PqCodebooks;
  private capacity = 0;
  private used = 0;
  keys = new Int32Array(0);
  days = new Int32Array(0);
  codes = new Int8Array(0);
  pqCodes = new Uint8Array(0);
  private cats = new Uint16Array(0);
  private orgs = new Int32Array(0);
  private readonly catOverflow = new Map<number, number[]>();
  private readonly categoryNames: string[] = [];
  private readonly categoryCodes = new Map<string, number>();
  private readonly orgNames: string[] = [];
  private readonly orgCodes = new Map<string, number>();
  private readonly slotOf = new Map<number, number>();
  private readonly free: number[] = [];
  /**
   * The largest length of a held paper's dequantized vector (8-bit codes ×
   * scales), or −1 until first asked (maxSimilarity); kept up by add() and
   * addCoded(), never lowered by remove() (a bound may stay loose).
   */
  private maxCodeNorm = -1;
  /** measureBound() under way: the next slot to measure and the longest so far. */
  private measuring: { next: number; max: number } | null = null;
  /** Candidates re-ranked instead of the default (benchmarks trade recall for time with it). */
  rerankOverride: number | null = null;
  /** Score every paper by its 8-bit codes instead (the exact scan benchmarks compare with). */
  exactScan = false;

  constructor(parts: IndexParts) {
    this.dim = parts.dim;
    this.scale = parts.scale;
    this.pq = parts.pq;
  }

  /** Trains the 8-bit quantizer and the PQ codebooks on `sample` (unit vectors). */
  static train(sample: Float32Array[], dim: number, seed = 1): VectorIndex {
    const scale = quantizerScale(sample, dim);
    const rnd = seededUniform(seed);
    const sub = sample.length <= PQ_SAMPLE ? sample : Array.from({ length: PQ_SAMPLE }, () => sample[Math.floor(rnd() * sample.length)]);
    return new VectorIndex({ dim, scale, pq: trainPq(sub, dim, subspacesFor(dim, PQ_SUBSPACES), seed) });
  }

  /** Papers held. */
  get size(): number {
    return this.slotOf.size;
  }

  has(key: number): boolean {
    return this.slotOf.has(key);
  }

  /** Bytes of the typed arrays in use per paper (SQ8 and PQ codes, key, day, categories, organization). */
  bytesPerPaper(): number {
    return this.dim + this.pq.m + 4 + 4 + 2 * INLINE_CATEGORIES + 4;
  }

  private grow(min: number): void {
    if (min <= this.capacity) return;
    const cap = Math.max(min, Math.ceil(this.capacity * 1.5), 64);
    const re = <T extends Int32Array | Int8Array | Uint8Array | Uint16Array>(a: T, make: (n: number) => T, n: number): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.keys = re(this.keys, (n) => new Int32Array(n).fill(-1), cap);
    this.days = re(this.days, (n) => new Int32Array(n), cap);
    this.orgs = re(this.orgs, (n) => new Int32Array(n), cap);
    this.codes = re(this.codes, (n) => new Int8Array(n), cap * this.dim);
    this.pqCodes = re(this.pqCodes, (n) => new Uint8Array(n), cap * this.pq.m);
    this.cats = re(this.cats, (n) => new Uint16Array(n).fill(NO_CATEGORY), cap * INLINE_CATEGORIES);
    this.capacity = cap;
  }

  private code(map: Map<string, number>, names: string[], v: string): number {
    let c = map.get(v);
    if (c === undefined) {
      c = names.length;
      names.push(v);
      map.set(v, c);
    }
    return c;
  }

  /** Adds a paper, replacing its previous vector when it is already held. */
  add(doc: VectorDoc, v: Float32Array): void {
    const slot = this.place(doc);
    const dim = this.dim, o = slot * dim, scale = this.scale;
    for (let c = 0; c < dim; c++) {
      const q = Math.round(v[c] / scale[c]);
      this.codes[o + c] = q > 127 ? 127 : q < -127 ? -127 : q;
    }
    encodePq(this.pq, v, this.pqCodes, slot * this.pq.m);
    this.noteNorm(slot);
  }

  /** Adds a paper from its persisted codes (no re-quantizing). */
  addCoded(doc: VectorDoc & { day: number }, code: Int8Array, pqCode: Uint8Array): void {
    const slot = this.place(doc);
    this.codes.set(code, slot * this.dim);
    this.pqCodes.set(pqCode, slot * this.pq.m);
    this.days[slot] = doc.day;
    this.noteNorm(slot);
  }

  /** The length of a slot's dequantized vector. */
  private codeNorm(slot: number): number {
    let s = 0;
    const o = slot * this.dim;
    for (let c = 0; c < this.dim; c++) {
      const x = this.codes[o + c] * this.scale[c];
      s += x * x;
    }
    return Math.sqrt(s);
  }

  /**
   * A bound on every score search() (re-ranked: the 8-bit product) and
   * similarity() can give `q`: by Cauchy–Schwarz, |q| times the longest
   * dequantized vector held (≈ 1 for unit vectors, a little more from
   * rounding), inflated for the float sums. The first call measures every
   * held paper (≈ 0.1 s at 1M); later adds keep it current.
   */
  /**
   * Measures the longest held vector for maxSimilarity() in slices of
   * MEASURE_SLICE papers between turns of the event loop (≈ 0.2 s in one go
   * at 1M, which the first hybrid query used to pay): the vector engine
   * starts it when it begins to answer queries (prepareQueries). Papers
   * added meanwhile are counted as they come.
   */
  async measureBound(): Promise<void> {
    if (this.maxCodeNorm >= 0 || this.measuring) return;
    const m = { next: 0, max: 0 };
    this.measuring = m;
    try {
      while (m.next < this.used) {
        const end = Math.min(this.used, m.next + MEASURE_SLICE);
        for (let slot = m.next; slot < end; slot++) if (this.keys[slot] >= 0) m.max = Math.max(m.max, this.codeNorm(slot));
        m.next = end;
        await new Promise((resolve) => setImmediate(resolve));
        // Measured in one go meanwhile (a query came first).
        if (this.maxCodeNorm >= 0) return;
      }
      this.maxCodeNorm = m.max;
    } finally {
      this.measuring = null;
    }
  }

  /** A paper just placed raises the bound (or the measurement under way) when it is longer. */
  private noteNorm(slot: number): void {
    if (this.maxCodeNorm >= 0) this.maxCodeNorm = Math.max(this.maxCodeNorm, this.codeNorm(slot));
    else if (this.measuring) this.measuring.max = Math.max(this.measuring.max, this.codeNorm(slot));
  }

  maxSimilarity(q: Float32Array): number {
    if (this.maxCodeNorm < 0) {
      let m = 0;
      for (let slot = 0; slot < this.used; slot++) if (this.keys[slot] >= 0) m = Math.max(m, this.codeNorm(slot));
      this.maxCodeNorm = m;
    }
    let n = 0;
    for (let c = 0; c < q.length; c++) n += q[c] * q[c];
    return Math.sqrt(n) * this.maxCodeNorm * (1 + 1e-9) + 1e-12;
  }

  /** A slot for `doc` with its key, day, categories and organization set. */
  private place(doc: VectorDoc): number {
    this.remove(doc.key);
    let slot = this.free.pop();
    if (slot === undefined) {
      slot = this.used++;
      this.grow(this.used);
    }
    this.slotOf.set(doc.key, slot);
    this.keys[slot] = doc.key;
    this.days[slot] = dayNumber(doc.publishedAt);
    const cats = [...new Set(doc.categories)].map((c) => this.code(this.categoryCodes, this.categoryNames, c));
    for (let i = 0; i < INLINE_CATEGORIES; i++) this.cats[slot * INLINE_CATEGORIES + i] = i < cats.length ? cats[i] : NO_CATEGORY;
    if (cats.length > INLINE_CATEGORIES) this.catOverflow.set(slot, cats.slice(INLINE_CATEGORIES));
    this.orgs[slot] = doc.organization ? this.code(this.orgCodes, this.orgNames, doc.organization) : -1;
    return slot;
  }

  /** Removes a paper; false when it was not held. */
  remove(key: number): boolean {
    const slot = this.slotOf.get(key);
    if (slot === undefined) return false;
    this.slotOf.delete(key);
    this.catOverflow.delete(slot);
    this.keys[slot] = -1;
    this.free.push(slot);
    return true;
  }

  /** The dequantized vector of a held paper. */
  vectorOf(key: number): Float32Array | null {
    const slot = this.slotOf.get(key);
    if (slot === undefined) return null;
    const out = new Float32Array(this.dim);
    for (let c = 0; c < this.dim; c++) out[c] = this.codes[slot * this.dim + c] * this.scale[c];
    return out;
  }

  /** The (dequantized) cosine of unit vector `q` with a held paper; 0 when not held. */
  similarity(q: Float32Array, key: number): number {
    const slot = this.slotOf.get(key);
    return slot === undefined ? 0 : this.sq8Dot(q, slot);
  }

  private sq8Dot(q: Float32Array, slot: number): number {
    let s = 0;
    const o = slot * this.dim;
    for (let c = 0; c < this.dim; c++) s += q[c] * this.scale[c] * this.codes[o + c];
    return s;
  }

  /** Every held paper's key and slot, slot order. */
  *entries(): Generator<{ key: number; slot: number }> {
    for (let slot = 0; slot < this.used; slot++) if (this.keys[slot] >= 0) yield { key: this.keys[slot], slot };
  }

  /** What the persisted form needs of a slot. */
  docOf(slot: number): { key: number; day: number; categories: string[]; organization: string | null; code: Int8Array; pqCode: Uint8Array } {
    const cats: string[] = [];
    for (let i = 0; i < INLINE_CATEGORIES; i++) {
      const c = this.cats[slot * INLINE_CATEGORIES + i];
      if (c !== NO_CATEGORY) cats.push(this.categoryNames[c]);
    }
    for (const c of this.catOverflow.get(slot) ?? []) cats.push(this.categoryNames[c]);
    const org = this.orgs[slot];
    return {
      key: this.keys[slot], day: this.days[slot], categories: cats, organization: org >= 0 ? this.orgNames[org] : null,
      code: this.codes.subarray(slot * this.dim, (slot + 1) * this.dim), pqCode: this.pqCodes.subarray(slot * this.pq.m, (slot + 1) * this.pq.m),
    };
  }

  /** A predicate over slots for the filters, or null when there are none. */
  private filterOf(f: VectorFilters): ((slot: number) => boolean) | null {
    const from = f.from ? dayNumber(f.from) : null;
    const to = f.to ? dayNumber(f.to) : null;
    const cats = f.categories.map((c) => this.categoryCodes.get(c) ?? -2);
    const orgs = f.organizations.map((o) => this.orgCodes.get(o) ?? -2);
    if (from === null && to === null && cats.length === 0 && orgs.length === 0) return null;
    return (slot) => {
      const d = this.days[slot];
      if (from !== null && (d < 0 || d < from)) return false;
      if (to !== null && (d < 0 || d > to)) return false;
      for (const o of orgs) if (this.orgs[slot] !== o) return false;
      for (const c of cats) {
        let found = false;
        for (let i = 0; i < INLINE_CATEGORIES && !found; i++) found = this.cats[slot * INLINE_CATEGORIES + i] === c;
        if (!found) found = this.catOverflow.get(slot)?.includes(c) ?? false;
        if (!found) return false;
      }
      return true;
    };
  }

  /** Candidates re-ranked for a top k. */
  rerankFor(k: number): number {
    return this.rerankOverride ?? Math.max(RERANK_MIN, RERANK_PER_HIT * k);
  }

  /**
   * The k papers most similar to unit vector `q` that pass `filters`, best
   * first: every paper scored by its PQ code, the best rerankFor(k) scored
   * again by their 8-bit codes (approximate: recall against exact float
   * search is measured in bench/vector-bench.ts).
   */
  search(q: Float32Array, k: number, filters: VectorFilters = { categories: [], organizations: [] }): VectorHit[] {
    if (k <= 0 || this.size === 0) return [];
    const allow = this.filterOf(filters);
    if (this.exactScan) {
      const top = new TopK(k);
      for (let slot = 0; slot < this.used; slot++) {
        if (this.keys[slot] < 0 || (allow && !allow(slot))) continue;
        const s = this.sq8Dot(q, slot);
        if (s > top.threshold) top.push(s, slot);
      }
      return top.sorted().map((h) => ({ key: this.keys[h.slot], score: h.score }));
    }
    const table = pqTable(this.pq, q);
    const m = this.pq.m, pqCodes = this.pqCodes, keys = this.keys;
    const first = new TopK(Math.max(k, this.rerankFor(k)));
    if (m % 4 === 0 && LITTLE_ENDIAN) {
      // Four codes per 32-bit read (LITTLE_ENDIAN): the scan's hot loop. Two words per step into two sums, each
      // summed as a small tree (shorter chains of dependent additions); without filters a slot's key is checked only
      // when its score would enter the list, with them before scoring (they may leave most slots out).
      const words = new Uint32Array(pqCodes.buffer, pqCodes.byteOffset, (this.used * m) >> 2);
      const w = m >> 2;
      let threshold = first.threshold;
      for (let slot = 0; slot < this.used; slot++) {
        if (allow && (keys[slot] < 0 || !allow(slot))) continue;
        let s0 = 0;
        let s1 = 0;
        const o = slot * w;
        let p = 0;
        for (; p + 1 < w; p += 2) {
          const x = words[o + p], y = words[o + p + 1], b = p << 10, c = b + 1024;
          s0 += (table[b + (x & 255)] + table[b + 256 + ((x >>> 8) & 255)]) + (table[b + 512 + ((x >>> 16) & 255)] + table[b + 768 + (x >>> 24)]);
          s1 += (table[c + (y & 255)] + table[c + 256 + ((y >>> 8) & 255)]) + (table[c + 512 + ((y >>> 16) & 255)] + table[c + 768 + (y >>> 24)]);
        }
        if (p < w) {
          const x = words[o + p], b = p << 10;
          s0 += (table[b + (x & 255)] + table[b + 256 + ((x >>> 8) & 255)]) + (table[b + 512 + ((x >>> 16) & 255)] + table[b + 768 + (x >>> 24)]);
        }
        const s = s0 + s1;
        if (s > threshold && keys[slot] >= 0) {
          first.push(s, slot);
          threshold = first.threshold;
        }
      }
    } else {
      for (let slot = 0; slot < this.used; slot++) {
        if (keys[slot] < 0 || (allow && !allow(slot))) continue;
        let s = 0;
        const o = slot * m;
        for (let p = 0; p < m; p++) s += table[(p << 8) + pqCodes[o + p]];
        if (s > first.threshold) first.push(s, slot);
      }
    }
    const top = new TopK(k);
    for (let i = 0; i < first.size; i++) top.push(this.sq8Dot(q, first.slots[i]), first.slots[i]);
    return top.sorted().map((h) => ({ key: keys[h.slot], score: h.score }));
  }
}
