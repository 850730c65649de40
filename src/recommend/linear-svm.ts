/**
 * A linear support vector machine (L2-regularized, squared hinge loss, with
 * a bias), trained by dual coordinate descent (Hsieh et al., ICML 2008: the
 * LIBLINEAR solver behind scikit-learn's LinearSVC), with class-balanced
 * costs — arxiv-sanity-lite's per-user model:
 * `LinearSVC(class_weight='balanced', C=0.01, tol=1e-6, max_iter=10000)` over
 * the user's tagged papers (positive) and every other paper (negative).
 *
 * Goals: exact enough to stand for arxiv-sanity-lite in the offline
 * comparison (bench/eval-recommend.ts) and fast enough to train per request
 * on a few thousand sparse vectors. Non-goals: kernels, multi-class.
 */
import type { SparseVector } from './text-features.js';

export interface SvmOptions {
  /** Inverse regularization (scikit-learn's C). */
  c: number;
  /** Passes over the data at most. */
  maxIter?: number;
  /** Stop when the largest projected-gradient change of a pass is below this. */
  tol?: number;
  /** Seed of the coordinate order (deterministic training). */
  seed?: number;
}

export interface LinearModel {
  w: Float64Array;
  bias: number;
}

/** Trains on `xs` with labels `ys` (true = positive) over `dim` features. */
export function trainLinearSvm(xs: SparseVector[], ys: boolean[], dim: number, o: SvmOptions): LinearModel {
  const n = xs.length;
  const pos = ys.filter(Boolean).length;
  const neg = n - pos;
  const w = new Float64Array(dim);
  if (pos === 0 || neg === 0) return { w, bias: pos > 0 ? 1 : -1 };
  // Balanced class weights: n / (2 · n_class), as scikit-learn's class_weight='balanced'.
  const cPos = o.c * n / (2 * pos);
  const cNeg = o.c * n / (2 * neg);
  // Squared hinge (L2-loss) dual: D_ii = 1 / (2 C_i), no upper bound on alpha.
  const alpha = new Float64Array(n);
  let bias = 0;
  // The bias is a constant feature of value 1 (LIBLINEAR's B = 1, regularized like w).
  const qd = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 1;
    for (const v of xs[i].val) s += v * v;
    qd[i] = s + 1 / (2 * (ys[i] ? cPos : cNeg));
  }
  const order = Int32Array.from({ length: n }, (_, i) => i);
  let state = (o.seed ?? 1) >>> 0;
  const rand = () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 4294967296;
  };
  const maxIter = o.maxIter ?? 1000;
  const tol = o.tol ?? 1e-4;
  for (let iter = 0; iter < maxIter; iter++) {
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      const t = order[i]; order[i] = order[j]; order[j] = t;
    }
    let maxPg = -Infinity, minPg = Infinity;
    for (const i of order) {
      const x = xs[i];
      const y = ys[i] ? 1 : -1;
      const dii = 1 / (2 * (ys[i] ? cPos : cNeg));
      let wx = bias;
      for (let k = 0; k < x.idx.length; k++) wx += w[x.idx[k]] * x.val[k];
      const g = y * wx - 1 + dii * alpha[i];
      const pg = alpha[i] === 0 ? Math.min(g, 0) : g;
      maxPg = Math.max(maxPg, pg);
      minPg = Math.min(minPg, pg);
      if (pg === 0) continue;
      const old = alpha[i];
      alpha[i] = Math.max(old - g / qd[i], 0);
      const d = (alpha[i] - old) * y;
      if (d === 0) continue;
      for (let k = 0; k < x.idx.length; k++) w[x.idx[k]] += d * x.val[k];
      bias += d;
    }
    if (maxPg - minPg < tol) break;
  }
  return { w, bias };
}
