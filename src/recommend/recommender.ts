/**
 * "For you": recent papers ranked for one user by a model of what they
 * upvoted and saved.
 *
 * The model is arxiv-sanity-lite's — a linear SVM trained per user over
 * TF-IDF vectors, the user's papers positive and every other paper of a
 * reference corpus negative — with paperboy's features (stems, a vocabulary fitted to the
 * recent daily lists: text-features.ts) and the community's signal added: the SVM's score and
 * the paper's upvotes (log), each standardized over the candidates, are
 * summed, the upvotes weighted by POPULARITY_WEIGHT plus the user's own
 * taste for popular papers (POPULARITY_AFFINITY). Each recommendation names the liked paper
 * it is most like ("because you liked …").
 *
 * bench/eval-recommend.ts measures it against arxiv-sanity-lite's SVM and
 * against popularity alone on held-out votes from the Daily Papers data.
 * Goals: deterministic (same input, same ranking), a few tens of
 * milliseconds for a few thousand reference papers. Non-goals: collaborative
 * filtering across users (a small instance has too few votes for it),
 * storing models (trained per request; callers cache the answer).
 */
import { trainLinearSvm } from './linear-svm.js';
import { paperTerms, PAPERBOY_TFIDF, sparseDot, TfidfModel, type PaperText, type SparseVector, type TfidfOptions } from './text-features.js';

export interface Candidate extends PaperText {
  /** The community's count (imported + local upvotes). */
  upvotes: number;
}

/** A paper the model learns from, with its upvotes when known (liked papers, the reference corpus). */
export type Known = PaperText & { upvotes?: number };

export interface Recommendation {
  id: string;
  score: number;
  /** The liked paper this one is most like (null when it shares no term with any). */
  because: string | null;
}

export interface RecommenderOptions {
  tfidf: TfidfOptions;
  /** The SVM's C (arxiv-sanity-lite: 0.1). */
  svmC: number;
  /** Weight of the standardized log-upvotes beside the standardized SVM score, for every user; 0 = the SVM alone. */
  popularityWeight: number;
  /**
   * Added to that weight per unit of the user's taste for popular papers: how
   * far above the reference corpus's mean (in standard deviations of
   * log-upvotes) the papers they liked are, when they are (0 when not).
   */
  popularityAffinity: number;
  /** The solver's stopping rule: passes at most, and the projected-gradient tolerance. */
  svmMaxIter: number;
  svmTol: number;
}

/**
 * How much the community's upvotes count beside the user's SVM: every user
 * gets POPULARITY_WEIGHT standard deviations of log-upvotes per standard
 * deviation of the SVM's score, plus POPULARITY_AFFINITY times their taste
 * for popular papers (popularityTaste: how far above the mean their liked
 * papers' upvotes are). People also upvote what everyone upvotes, some more
 * than others. Sane ranges 0–1 and 0–3. Dev half of bench/eval-recommend.ts
 * (`--sweep`), nDCG@10 people / simulated: arxiv-sanity-lite's SVM 0.680 /
 * 0.156; paperboy without popularity 0.688 / 0.144; as set (0.3 + affinity 1)
 * 0.714 / 0.242; affinity 2 0.686 / 0.255; a fixed weight of 1 for everyone
 * 0.691 / 0.252. C 0.1 is arxiv-sanity-lite's.
 */
export const POPULARITY_WEIGHT = 0.3;
export const POPULARITY_AFFINITY = 1;
/**
 * Solver: 200 passes, tolerance 1e-3 (scikit-learn's LinearSVC default is
 * 1e-4; arxiv-sanity-lite asks 1e-6). The ranking of candidates settles long
 * before the weights do: on the dev half, arxiv-sanity-lite's SVM solved to
 * 1e-3 scored the same nDCG@10 as solved to 1e-6 (0.680 and 0.156).
 */
export const PAPERBOY_RECOMMENDER: RecommenderOptions = {
  tfidf: PAPERBOY_TFIDF, svmC: 0.1, popularityWeight: POPULARITY_WEIGHT, popularityAffinity: POPULARITY_AFFINITY, svmMaxIter: 200, svmTol: 1e-3,
};

/**
 * A cache of papers' terms by (options, id): tokenizing is most of the work, and the reference corpus changes once a day.
 * It also keeps the last few fitted training corpora (TF-IDF model and vectors) by their papers: users ranking the
 * same candidates over the same reference share them (the fit does not look at which papers a user liked), so a
 * digest run or a busy home page fits once per set of papers and trains only each user's SVM.
 */
export class TermCache {
  private readonly map = new Map<string, string[]>();
  private readonly fitted = new Map<string, { model: TfidfModel; xs: SparseVector[] }>();
  constructor(private readonly max = 50_000, private readonly maxFitted = 2) {}

  /** The model and vectors of these rows (in this order), fitted once per distinct list of papers. */
  corpus(rows: PaperText[], o: TfidfOptions): { model: TfidfModel; xs: SparseVector[] } {
    const key = `${o.stem ? 's' : 'w'}${o.authorTerms ? 'a' : ''}${JSON.stringify(o)}\n${rows.map((r) => r.id).join('\n')}`;
    let hit = this.fitted.get(key);
    if (!hit) {
      const terms = rows.map((r) => this.terms(r, o));
      const model = TfidfModel.fit(terms, o);
      hit = { model, xs: terms.map((t) => model.vector(t)) };
      if (this.fitted.size >= this.maxFitted) this.fitted.delete(this.fitted.keys().next().value as string);
      this.fitted.set(key, hit);
    }
    return hit;
  }

  terms(p: PaperText, o: TfidfOptions): string[] {
    const key = `${o.stem ? 's' : 'w'}${o.authorTerms ? 'a' : ''}:${p.id}`;
    let t = this.map.get(key);
    if (!t) {
      t = paperTerms(p, o);
      if (this.map.size >= this.max) this.map.delete(this.map.keys().next().value as string);
      this.map.set(key, t);
    }
    return t;
  }
}

/**
 * How much a user's liked papers lean to the popular: the mean, over liked
 * papers with a known count, of their log-upvotes standardized against the
 * reference corpus's. 0 when nothing is known.
 */
export function popularityTaste(liked: Known[], reference: Known[]): number {
  const ref = reference.filter((p) => p.upvotes !== undefined).map((p) => Math.log1p(Math.max(0, p.upvotes!)));
  const mine = liked.filter((p) => p.upvotes !== undefined).map((p) => Math.log1p(Math.max(0, p.upvotes!)));
  if (ref.length < 2 || mine.length === 0) return 0;
  const mean = ref.reduce((a, b) => a + b, 0) / ref.length;
  const sd = Math.sqrt(ref.reduce((a, b) => a + (b - mean) ** 2, 0) / ref.length);
  return sd > 0 ? mine.reduce((a, b) => a + (b - mean) / sd, 0) / mine.length : 0;
}

function standardize(xs: number[]): number[] {
  if (xs.length === 0) return xs;
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
  return xs.map((x) => (sd > 0 ? (x - mean) / sd : 0));
}

/**
 * Ranks `candidates` (best first) for a user who liked `liked`; `reference`
 * is the corpus the vocabulary and the negatives come from (it should hold
 * the candidates, as arxiv-sanity-lite trains on every paper it ranks).
 * Liked papers are never recommended. Without liked papers: by upvotes.
 */
export function recommend(
  input: { liked: Known[]; candidates: Candidate[]; reference: Known[] },
  o: RecommenderOptions = PAPERBOY_RECOMMENDER,
  cache: TermCache = new TermCache(),
): Recommendation[] {
  const likedIds = new Set(input.liked.map((p) => p.id));
  const candidates = input.candidates.filter((c) => !likedIds.has(c.id));
  if (candidates.length === 0) return [];
  const pop = standardize(candidates.map((c) => Math.log1p(Math.max(0, c.upvotes))));
  if (input.liked.length === 0) {
    return candidates.map((c, i) => ({ id: c.id, score: pop[i], because: null }))
      .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
  }
  // The training set: the reference corpus (negatives) with the liked papers (positives), each paper once.
  const train = new Map<string, { p: PaperText; pos: boolean }>();
  for (const p of input.reference) train.set(p.id, { p, pos: false });
  for (const c of candidates) if (!train.has(c.id)) train.set(c.id, { p: c, pos: false });
  for (const p of input.liked) train.set(p.id, { p, pos: true });
  const rows = [...train.values()];
  const weight = o.popularityWeight + o.popularityAffinity * Math.max(0, popularityTaste(input.liked, input.reference));
  const { model, xs } = cache.corpus(rows.map((r) => r.p), o.tfidf);
  const svm = trainLinearSvm(xs, rows.map((r) => r.pos), model.size, { c: o.svmC, maxIter: o.svmMaxIter, tol: o.svmTol });
  const vecOf = new Map<string, SparseVector>(rows.map((r, i) => [r.p.id, xs[i]]));
  const likedVecs = input.liked.map((p) => ({ id: p.id, v: vecOf.get(p.id)! }));
  const svmScores = standardize(candidates.map((c) => {
    const x = vecOf.get(c.id)!;
    let s = svm.bias;
    for (let k = 0; k < x.idx.length; k++) s += svm.w[x.idx[k]] * x.val[k];
    return s;
  }));
  return candidates.map((c, i) => {
    const x = vecOf.get(c.id)!;
    let because: string | null = null;
    let best = 0;
    for (const l of likedVecs) {
      const sim = sparseDot(x, l.v);
      if (sim > best) { best = sim; because = l.id; }
    }
    return { id: c.id, score: svmScores[i] + weight * pop[i], because };
  }).sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
}
