/**
 * An in-memory approximate nearest-neighbour index over unit vectors: an
 * inverted file (IVF: k-means cells, a query scans the cells whose centroids
 * are nearest) over 8-bit scalar-quantized vectors (SQ8: one signed byte per
 * dimension, a scale per dimension), with the search filters (date range,
 * categories, organization) checked per paper.
 *
 * Goals: recall@10 ≥ 0.95 against exact float search; ≤ 512 bytes a paper
 * in memory (128-d: 128 code bytes + key, day, list, categories, organization
 * ≈ 165 bytes, plus the key map); papers added, replaced and removed in
 * place (the index follows the change feed). Below IVF_MIN_PAPERS papers
 * there is one cell: a quantized scan of everything is fast enough.
 * Non-goals: persistence (vector-file.ts), embedding (embed/), graph indexes
 * (HNSW costs 100–200 bytes of links a paper on top and a native or wasm
 * library; IVF-SQ8 meets the targets in plain TypeScript — bench/vector-bench.ts).
 */
import type { LexicalFilters } from '../../store/lexical-engine.js';
import { dayNumber } from '../index/segment-builder.js';

/**
 * Cells: nlist = √(N / PAPERS_PER_CELL_ROOT) — at 1M papers 250 cells of
 * ≈ 4,000 papers. More cells make queries scan less but k-means training and
 * assignment cost N·nlist·dim; at 1M, 250 cells train and assign in about a
 * minute on one core (bench/vector-bench.ts). Default 16; sane range 4–64.
 */
const PAPERS_PER_CELL_ROOT = 16;
/** Below this many papers one cell holds everything (an exact quantized scan of 20k papers ≈ 3 ms). */
export const IVF_MIN_PAPERS = 20_000;
/**
 * Share of cells a query scans, at least NPROBE_MIN: 6% gave recall@10
 * 0.97–0.98 against exact float search at 100k and 1M generated papers
 * (bench/vector-bench.ts); 3% gave ≈ 0.90. Sane range 0.03–0.2.
 */
const NPROBE_SHARE = 0.06;
const NPROBE_MIN = 8;
/** k-means on at most this many sampled papers per cell (the centroids settle long before). */
const KMEANS_SAMPLE_PER_CELL = 48;
/** Lloyd iterations of k-means; the partition only has to be good enough for probing. */
const KMEANS_ITERS = 8;
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

/** A seeded uniform [0, 1) generator (mulberry32), so two builds of the same data are identical. */
function uniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** k-means (Lloyd, spherical: centroids re-normalized) of `sample` into `k` centroids, dim-strided in one Float32Array. */
export function kmeans(sample: Float32Array[], dim: number, k: number, seed = 1): Float32Array {
  const rnd = uniform(seed);
  const cent = new Float32Array(k * dim);
  const picked = new Set<number>();
  for (let j = 0; j < k; j++) {
    let i = Math.floor(rnd() * sample.length);
    for (let tries = 0; picked.has(i) && tries < 10; tries++) i = Math.floor(rnd() * sample.length);
    picked.add(i);
    cent.set(sample[i], j * dim);
  }
  const assign = new Int32Array(sample.length);
  for (let it = 0; it < KMEANS_ITERS; it++) {
    for (let i = 0; i < sample.length; i++) assign[i] = nearest(cent, k, dim, sample[i]);
    const sums = new Float64Array(k * dim);
    const counts = new Int32Array(k);
    for (let i = 0; i < sample.length; i++) {
      const o = assign[i] * dim, v = sample[i];
      counts[assign[i]]++;
      for (let c = 0; c < dim; c++) sums[o + c] += v[c];
    }
    for (let j = 0; j < k; j++) {
      if (counts[j] === 0) { cent.set(sample[Math.floor(rnd() * sample.length)], j * dim); continue; } // an empty cell restarts on a random paper
      let n = 0;
      for (let c = 0; c < dim; c++) n += sums[j * dim + c] ** 2;
      const inv = n > 0 ? 1 / Math.sqrt(n) : 0;
      for (let c = 0; c < dim; c++) cent[j * dim + c] = sums[j * dim + c] * inv;
    }
  }
  return cent;
}

/** The centroid with the largest dot product with v. */
function nearest(cent: Float32Array, k: number, dim: number, v: Float32Array): number {
  let best = 0, bestScore = -Infinity;
  for (let j = 0; j < k; j++) {
    let s = 0;
    const o = j * dim;
    for (let c = 0; c < dim; c++) s += cent[o + c] * v[c];
    if (s > bestScore) { bestScore = s; best = j; }
  }
  return best;
}

/** Cells for `n` papers. */
export function cellsFor(n: number): number {
  return n < IVF_MIN_PAPERS ? 1 : Math.max(1, Math.round(Math.sqrt(n / PAPERS_PER_CELL_ROOT)));
}

export interface IvfParts {
  dim: number;
  scale: Float32Array;
  /** nlist × dim, unit rows. */
  centroids: Float32Array;
}

export class IvfIndex {
  readonly dim: number;
  readonly scale: Float32Array;
  readonly centroids: Float32Array;
  readonly nlist: number;
  private capacity = 0;
  private used = 0;
  keys = new Int32Array(0);
  days = new Int32Array(0);
  lists = new Int32Array(0);
  codes = new Int8Array(0);
  private cats = new Uint16Array(0);
  private orgs = new Int32Array(0);
  private readonly catOverflow = new Map<number, number[]>();
  private readonly categoryNames: string[] = [];
  private readonly categoryCodes = new Map<string, number>();
  private readonly orgNames: string[] = [];
  private readonly orgCodes = new Map<string, number>();
  private readonly slotOf = new Map<number, number>();
  private readonly free: number[] = [];
  /** Per cell: its slots (growable). */
  private cellSlots: Int32Array[];
  private cellSize: Int32Array;
  /** Cells to scan instead of the default share (benchmarks trade recall for time with it). */
  nprobeOverride: number | null = null;

  constructor(parts: IvfParts) {
    this.dim = parts.dim;
    this.scale = parts.scale;
    this.centroids = parts.centroids;
    this.nlist = parts.centroids.length / parts.dim;
    this.cellSlots = Array.from({ length: this.nlist }, () => new Int32Array(16));
    this.cellSize = new Int32Array(this.nlist);
  }

  /**
   * Trains the quantizer and the cells on `sample` (unit vectors), for an
   * index expected to hold `expected` papers.
   */
  static train(sample: Float32Array[], dim: number, expected: number, seed = 1): IvfIndex {
    const scale = quantizerScale(sample, dim);
    const nlist = Math.min(cellsFor(expected), Math.max(1, sample.length));
    let centroids: Float32Array;
    if (nlist === 1) {
      centroids = new Float32Array(dim);
    } else {
      const rnd = uniform(seed + 1);
      const want = Math.min(sample.length, nlist * KMEANS_SAMPLE_PER_CELL);
      const sub = sample.length <= want ? sample : Array.from({ length: want }, () => sample[Math.floor(rnd() * sample.length)]);
      centroids = kmeans(sub, dim, nlist, seed);
    }
    return new IvfIndex({ dim, scale, centroids });
  }

  /** Papers held. */
  get size(): number {
    return this.slotOf.size;
  }

  has(key: number): boolean {
    return this.slotOf.has(key);
  }

  /** Bytes of the typed arrays in use per paper (codes, key, day, cell, categories, organization, cell list entry). */
  bytesPerPaper(): number {
    return this.dim + 4 + 4 + 4 + 2 * INLINE_CATEGORIES + 4 + 4;
  }

  private grow(min: number): void {
    if (min <= this.capacity) return;
    const cap = Math.max(min, Math.ceil(this.capacity * 1.5), 64);
    const re = <T extends Int32Array | Int8Array | Uint16Array>(a: T, n: number, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.keys = re(this.keys, cap, (n) => new Int32Array(n));
    this.days = re(this.days, cap, (n) => new Int32Array(n));
    this.lists = re(this.lists, cap, (n) => new Int32Array(n));
    this.orgs = re(this.orgs, cap, (n) => new Int32Array(n));
    this.codes = re(this.codes, cap * this.dim, (n) => new Int8Array(n));
    const cats = new Uint16Array(cap * INLINE_CATEGORIES).fill(NO_CATEGORY);
    cats.set(this.cats);
    this.cats = cats;
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

  /** The cell a vector belongs to. */
  cellOf(v: Float32Array): number {
    return this.nlist === 1 ? 0 : nearest(this.centroids, this.nlist, this.dim, v);
  }

  /** Adds a paper, replacing its previous vector when it is already held. `cell` may be given when already computed. */
  add(doc: VectorDoc, v: Float32Array, cell = this.cellOf(v)): void {
    this.remove(doc.key);
    let slot = this.free.pop();
    if (slot === undefined) {
      slot = this.used++;
      this.grow(this.used);
    }
    this.slotOf.set(doc.key, slot);
    this.keys[slot] = doc.key;
    this.days[slot] = dayNumber(doc.publishedAt);
    const dim = this.dim, o = slot * dim, scale = this.scale;
    for (let c = 0; c < dim; c++) {
      const q = Math.round(v[c] / scale[c]);
      this.codes[o + c] = q > 127 ? 127 : q < -127 ? -127 : q;
    }
    const cats = [...new Set(doc.categories)].map((c) => this.code(this.categoryCodes, this.categoryNames, c));
    for (let i = 0; i < INLINE_CATEGORIES; i++) this.cats[slot * INLINE_CATEGORIES + i] = i < cats.length ? cats[i] : NO_CATEGORY;
    if (cats.length > INLINE_CATEGORIES) this.catOverflow.set(slot, cats.slice(INLINE_CATEGORIES));
    this.orgs[slot] = doc.organization ? this.code(this.orgCodes, this.orgNames, doc.organization) : -1;
    this.lists[slot] = cell;
    let list = this.cellSlots[cell];
    const n = this.cellSize[cell];
    if (n === list.length) {
      const bigger = new Int32Array(list.length * 2);
      bigger.set(list);
      this.cellSlots[cell] = list = bigger;
    }
    list[n] = slot;
    this.cellSize[cell] = n + 1;
  }

  /** Removes a paper; false when it was not held. */
  remove(key: number): boolean {
    const slot = this.slotOf.get(key);
    if (slot === undefined) return false;
    this.slotOf.delete(key);
    const cell = this.lists[slot];
    const list = this.cellSlots[cell];
    const n = this.cellSize[cell];
    for (let i = 0; i < n; i++) {
      if (list[i] === slot) {
        list[i] = list[n - 1];
        break;
      }
    }
    this.cellSize[cell] = n - 1;
    this.catOverflow.delete(slot);
    this.keys[slot] = -1;
    this.free.push(slot);
    return true;
  }

  /** The dequantized vector of a held paper (tests, persistence). */
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
    if (slot === undefined) return 0;
    let s = 0;
    const o = slot * this.dim;
    for (let c = 0; c < this.dim; c++) s += q[c] * this.scale[c] * this.codes[o + c];
    return s;
  }

  /** Every held paper's key, slot order. */
  *entries(): Generator<{ key: number; slot: number }> {
    for (let slot = 0; slot < this.used; slot++) if (this.keys[slot] >= 0 && this.slotOf.get(this.keys[slot]) === slot) yield { key: this.keys[slot], slot };
  }

  /** What the persisted form needs of a slot. */
  docOf(slot: number): VectorDoc & { day: number; cell: number; code: Int8Array } {
    const cats: string[] = [];
    for (let i = 0; i < INLINE_CATEGORIES; i++) {
      const c = this.cats[slot * INLINE_CATEGORIES + i];
      if (c !== NO_CATEGORY) cats.push(this.categoryNames[c]);
    }
    for (const c of this.catOverflow.get(slot) ?? []) cats.push(this.categoryNames[c]);
    const org = this.orgs[slot];
    return {
      key: this.keys[slot], publishedAt: null, categories: cats, organization: org >= 0 ? this.orgNames[org] : null,
      day: this.days[slot], cell: this.lists[slot], code: this.codes.subarray(slot * this.dim, (slot + 1) * this.dim),
    };
  }

  /** Adds a paper from its persisted form (codes as stored, no re-quantizing). */
  addCoded(doc: { key: number; day: number; cell: number; categories: string[]; organization: string | null }, code: Int8Array): void {
    const v = new Float32Array(this.dim);
    for (let c = 0; c < this.dim; c++) v[c] = code[c] * this.scale[c];
    this.add({ key: doc.key, publishedAt: null, categories: doc.categories, organization: doc.organization }, v, doc.cell);
    const slot = this.slotOf.get(doc.key)!;
    this.codes.set(code, slot * this.dim);
    this.days[slot] = doc.day;
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

  /** Cells to scan for a query, nearest centroid first. */
  private probeOrder(q: Float32Array): number[] {
    if (this.nlist === 1) return [0];
    const scores = new Float64Array(this.nlist);
    for (let j = 0; j < this.nlist; j++) {
      let s = 0;
      const o = j * this.dim;
      for (let c = 0; c < this.dim; c++) s += this.centroids[o + c] * q[c];
      scores[j] = s;
    }
    return Array.from({ length: this.nlist }, (_, j) => j).sort((a, b) => scores[b] - scores[a] || a - b);
  }

  /** Cells a query scans before it may stop (it goes on while fewer than k papers passed the filters). */
  get nprobe(): number {
    return this.nprobeOverride ?? Math.min(this.nlist, Math.max(NPROBE_MIN, Math.ceil(this.nlist * NPROBE_SHARE)));
  }

  /** The k papers most similar to unit vector `q` that pass `filters`, best first (approximate: quantized, probed cells only). */
  search(q: Float32Array, k: number, filters: VectorFilters = { categories: [], organizations: [] }): VectorHit[] {
    if (k <= 0 || this.size === 0) return [];
    const dim = this.dim;
    const qs = new Float32Array(dim);
    for (let c = 0; c < dim; c++) qs[c] = q[c] * this.scale[c];
    const allow = this.filterOf(filters);
    const top = new TopK(k);
    const order = this.probeOrder(q);
    const codes = this.codes;
    let probed = 0;
    for (const cell of order) {
      if (probed >= this.nprobe && top.size >= k) break;
      probed++;
      const list = this.cellSlots[cell];
      const n = this.cellSize[cell];
      for (let i = 0; i < n; i++) {
        const slot = list[i];
        if (allow && !allow(slot)) continue;
        const o = slot * dim;
        let s = 0;
        for (let c = 0; c < dim; c++) s += qs[c] * codes[o + c];
        top.push(s, slot);
      }
    }
    return top.sorted().map((h) => ({ key: this.keys[h.slot], score: h.score }));
  }
}
