/**
 * Product quantization (Jégou, Douze & Schmid 2011): a vector cut into
 * SUBSPACES pieces, each piece replaced by the nearest of 256 centroids
 * learned for that piece (one byte), so a 128-d vector becomes 32 bytes. A
 * query's dot product with every centroid is computed once (a table of
 * SUBSPACES × 256); a paper's approximate score is then SUBSPACES table
 * lookups (asymmetric distance computation) instead of 128 multiplications.
 *
 * Goals: a first pass cheap enough to scan every paper, whose order is good
 * enough that the true top 10 lies in its best few hundred (the index
 * re-ranks those with its 8-bit codes). Non-goals: being the final score.
 */
import { seededUniform } from './seeded-uniform.js';

/** Centroids per subspace: one byte per code. */
const CENTROIDS = 256;
/** Lloyd iterations per subspace; the codebooks settle within a few. */
const ITERS = 8;

export interface PqCodebooks {
  /** Subspaces (pieces per vector). */
  m: number;
  /** Dimensions per piece. */
  sub: number;
  /** m × 256 × sub, row-major. */
  centroids: Float32Array;
}

/** Pieces for a dimension: SUBSPACES when it divides it, else the largest divisor below. */
export function subspacesFor(dim: number, want: number): number {
  for (let m = Math.min(want, dim); m > 1; m--) if (dim % m === 0) return m;
  return 1;
}

/** Learns the codebooks from `sample` (Euclidean k-means per piece). */
export function trainPq(sample: Float32Array[], dim: number, m: number, seed = 1): PqCodebooks {
  const sub = dim / m;
  const centroids = new Float32Array(m * CENTROIDS * sub);
  const rnd = seededUniform(seed);
  const n = sample.length;
  if (n === 0) return { m, sub, centroids };
  const assign = new Int32Array(n);
  for (let p = 0; p < m; p++) {
    const base = p * CENTROIDS * sub, off = p * sub;
    for (let c = 0; c < CENTROIDS; c++) {
      const v = sample[Math.floor(rnd() * n)];
      for (let t = 0; t < sub; t++) centroids[base + c * sub + t] = v[off + t];
    }
    for (let it = 0; it < ITERS; it++) {
      for (let i = 0; i < n; i++) assign[i] = nearestPiece(centroids, base, sub, sample[i], off);
      const sums = new Float64Array(CENTROIDS * sub);
      const counts = new Int32Array(CENTROIDS);
      for (let i = 0; i < n; i++) {
        const c = assign[i], v = sample[i];
        counts[c]++;
        for (let t = 0; t < sub; t++) sums[c * sub + t] += v[off + t];
      }
      for (let c = 0; c < CENTROIDS; c++) {
        if (counts[c] === 0) {
          const v = sample[Math.floor(rnd() * n)];
          for (let t = 0; t < sub; t++) centroids[base + c * sub + t] = v[off + t];
          continue;
        }
        for (let t = 0; t < sub; t++) centroids[base + c * sub + t] = sums[c * sub + t] / counts[c];
      }
    }
  }
  return { m, sub, centroids };
}

function nearestPiece(centroids: Float32Array, base: number, sub: number, v: Float32Array, off: number): number {
  let best = 0, bestD = Infinity;
  for (let c = 0; c < CENTROIDS; c++) {
    let d = 0;
    const o = base + c * sub;
    for (let t = 0; t < sub; t++) {
      const x = v[off + t] - centroids[o + t];
      d += x * x;
    }
    if (d < bestD) { bestD = d; best = c; }
  }
  return best;
}

/** Writes v's m code bytes at out[at…]. */
export function encodePq(books: PqCodebooks, v: Float32Array, out: Uint8Array, at: number): void {
  for (let p = 0; p < books.m; p++) out[at + p] = nearestPiece(books.centroids, p * CENTROIDS * books.sub, books.sub, v, p * books.sub);
}

/** The query's dot product with every centroid of every piece: m × 256. */
export function pqTable(books: PqCodebooks, q: Float32Array): Float32Array {
  const { m, sub, centroids } = books;
  const table = new Float32Array(m * CENTROIDS);
  for (let p = 0; p < m; p++) {
    for (let c = 0; c < CENTROIDS; c++) {
      let s = 0;
      const o = (p * CENTROIDS + c) * sub;
      for (let t = 0; t < sub; t++) s += q[p * sub + t] * centroids[o + t];
      table[p * CENTROIDS + c] = s;
    }
  }
  return table;
}
