/**
 * The linear algebra the corpus embedder needs: a sparse matrix (CSR), its
 * products with tall dense matrices, and a randomized truncated SVD (Halko,
 * Martinsson & Tropp 2011, "Finding structure with randomness", algorithm
 * 4.4 with subspace iteration).
 *
 * Goals: the top-k singular vectors of a documents × terms matrix of up to a
 * few hundred thousand rows in seconds to a minute on one core, in typed
 * arrays (no matrix objects per row). The small l × l eigenproblems go to
 * ml-matrix (a well-kept library; a symmetric EVD is a solved problem).
 * Non-goals: general matrix algebra, exact SVDs of large dense matrices.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

/** A sparse matrix in compressed sparse row form. */
export interface Csr {
  rows: number;
  cols: number;
  /** rows + 1 offsets into indices/values. */
  indptr: Uint32Array;
  indices: Uint32Array;
  values: Float32Array;
}

/** A dense rows × cols matrix, row-major. */
export interface Dense {
  rows: number;
  cols: number;
  data: Float64Array;
}

export function dense(rows: number, cols: number): Dense {
  return { rows, cols, data: new Float64Array(rows * cols) };
}

/** A · X (A sparse rows × n, X dense n × l) → rows × l. */
export function spmm(a: Csr, x: Dense): Dense {
  const l = x.cols;
  const out = dense(a.rows, l);
  const xd = x.data, od = out.data;
  for (let r = 0; r < a.rows; r++) {
    const o = r * l;
    for (let p = a.indptr[r]; p < a.indptr[r + 1]; p++) {
      const v = a.values[p];
      const xo = a.indices[p] * l;
      for (let j = 0; j < l; j++) od[o + j] += v * xd[xo + j];
    }
  }
  return out;
}

/** Aᵀ · Y (A sparse rows × n, Y dense rows × l) → n × l. */
export function spmmT(a: Csr, y: Dense): Dense {
  const l = y.cols;
  const out = dense(a.cols, l);
  const yd = y.data, od = out.data;
  for (let r = 0; r < a.rows; r++) {
    const yo = r * l;
    for (let p = a.indptr[r]; p < a.indptr[r + 1]; p++) {
      const v = a.values[p];
      const o = a.indices[p] * l;
      for (let j = 0; j < l; j++) od[o + j] += v * yd[yo + j];
    }
  }
  return out;
}

/** Xᵀ · X (l × l) of a tall X. */
export function gram(x: Dense): Float64Array {
  const l = x.cols;
  const g = new Float64Array(l * l);
  const d = x.data;
  for (let r = 0; r < x.rows; r++) {
    const o = r * l;
    for (let i = 0; i < l; i++) {
      const xi = d[o + i];
      if (xi === 0) continue;
      const gi = i * l;
      for (let j = i; j < l; j++) g[gi + j] += xi * d[o + j];
    }
  }
  for (let i = 0; i < l; i++) for (let j = 0; j < i; j++) g[i * l + j] = g[j * l + i];
  return g;
}

/** X · M (X tall rows × l, M l × m row-major) → rows × m. */
export function mulSmall(x: Dense, m: Float64Array, mCols: number): Dense {
  const l = x.cols;
  const out = dense(x.rows, mCols);
  const xd = x.data, od = out.data;
  for (let r = 0; r < x.rows; r++) {
    const xo = r * l, oo = r * mCols;
    for (let i = 0; i < l; i++) {
      const xi = xd[xo + i];
      if (xi === 0) continue;
      const mo = i * mCols;
      for (let j = 0; j < mCols; j++) od[oo + j] += xi * m[mo + j];
    }
  }
  return out;
}

/** Eigenpairs of a symmetric l × l matrix, largest eigenvalue first: values and vectors (columns of an l × l row-major matrix). */
export function symmetricEig(g: Float64Array, l: number): { values: Float64Array; vectors: Float64Array } {
  const rows: number[][] = [];
  for (let i = 0; i < l; i++) rows.push(Array.from(g.subarray(i * l, (i + 1) * l)));
  const evd = new EigenvalueDecomposition(new Matrix(rows), { assumeSymmetric: true });
  const vals = evd.realEigenvalues;
  const vecs = evd.eigenvectorMatrix;
  const order = vals.map((_, i) => i).sort((a, b) => vals[b] - vals[a]);
  const values = new Float64Array(l);
  const vectors = new Float64Array(l * l);
  order.forEach((src, dst) => {
    values[dst] = vals[src];
    for (let i = 0; i < l; i++) vectors[i * l + dst] = vecs.get(i, src);
  });
  return { values, vectors };
}

/**
 * Orthonormal columns spanning X's (eigen-decomposition of XᵀX, twice, as
 * CholeskyQR2 does: the second pass repairs what the first lost to rounding).
 * Directions with no weight are dropped, so the result may have fewer columns.
 */
export function orthonormalize(x: Dense, passes = 2): Dense {
  let q = x;
  for (let pass = 0; pass < passes; pass++) {
    const l = q.cols;
    const { values, vectors } = symmetricEig(gram(q), l);
    const keep: number[] = [];
    for (let i = 0; i < l; i++) if (values[i] > values[0] * 1e-12 && values[i] > 0) keep.push(i);
    const m = new Float64Array(l * keep.length);
    for (let i = 0; i < l; i++) keep.forEach((c, j) => { m[i * keep.length + j] = vectors[i * l + c] / Math.sqrt(values[c]); });
    q = mulSmall(q, m, keep.length);
  }
  return q;
}

/** A seeded standard normal generator (mulberry32 + Box–Muller), so a model trains the same way twice. */
export function gaussian(seed: number): () => number {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

export interface TruncatedSvd {
  /** Singular values, largest first (k of them, or fewer when the matrix has lower rank). */
  s: Float64Array;
  /** Right singular vectors: cols × k, row-major (row t = term t's coordinates). */
  v: Dense;
}

/**
 * The top-k singular values and right singular vectors of A (rows × cols),
 * by randomized subspace iteration: a Gaussian sketch of k + oversample
 * columns, `powerIters` rounds of A·Aᵀ with re-orthonormalization, then the
 * exact SVD of the small projected matrix.
 */
export function randomizedSvd(a: Csr, k: number, opts: { oversample?: number; powerIters?: number; seed?: number } = {}): TruncatedSvd {
  const l = Math.min(k + (opts.oversample ?? 16), a.cols, a.rows);
  const rnd = gaussian(opts.seed ?? 1);
  const omega = dense(a.cols, l);
  for (let i = 0; i < omega.data.length; i++) omega.data[i] = rnd();
  // Intermediate bases only need to stay well-conditioned (one pass); the last one must be orthonormal (two).
  const iters = opts.powerIters ?? 3;
  let q = orthonormalize(spmm(a, omega), iters === 0 ? 2 : 1);
  for (let it = 0; it < iters; it++) {
    q = orthonormalize(spmm(a, orthonormalize(spmmT(a, q), 1)), it === iters - 1 ? 2 : 1);
  }
  // B = Qᵀ A (l × cols); its SVD from Bᵀ (= AᵀQ, cols × l): B Bᵀ = W Λ Wᵀ, V = Bᵀ W Λ^{-1/2}.
  const bt = spmmT(a, q);
  const lq = bt.cols;
  const { values, vectors } = symmetricEig(gram(bt), lq);
  const kk = Math.min(k, values.filter((x) => x > values[0] * 1e-12 && x > 0).length);
  const m = new Float64Array(lq * kk);
  const s = new Float64Array(kk);
  for (let j = 0; j < kk; j++) s[j] = Math.sqrt(values[j]);
  for (let i = 0; i < lq; i++) for (let j = 0; j < kk; j++) m[i * kk + j] = vectors[i * lq + j] / s[j];
  return { s, v: mulSmall(bt, m, kk) };
}
