/**
 * TF-IDF features of papers for the recommender: title and abstract as
 * Porter stems (the site's tokenizer), unigrams and bigrams, English stop
 * words out, sublinear term frequency, document frequencies from a reference
 * corpus, each vector L2-normalized — what arxiv-sanity-lite feeds its
 * per-user SVM (scikit-learn's TfidfVectorizer with ngram_range (1, 2),
 * sublinear_tf, stop words), written for this project.
 *
 * Goals: sparse vectors (sorted indices, values) cheap to dot; a vocabulary
 * fixed by the reference corpus so a user's liked papers and the candidates
 * share it. Non-goals: semantic similarity (search/embed/ does that),
 * languages other than English.
 */
import { foldedTokens, stems } from '../domain/tokenize.js';

export interface SparseVector {
  /** Feature indices, ascending. */
  idx: Int32Array;
  val: Float64Array;
}

export interface PaperText {
  id: string;
  title: string;
  abstract: string;
  /** Author names, as the paper lists them. */
  authors: string[];
}

export interface TfidfOptions {
  /** Porter stems (the site's tokenizer) instead of whole lowercase words. */
  stem: boolean;
  /** Each author's whole name as one term ("author:ada lovelace"); false: their name's words as text, as arxiv-sanity-lite does. */
  authorTerms: boolean;
  /** Terms in fewer reference papers are dropped. */
  minDf: number;
  /** Terms in more than this share of reference papers are dropped. */
  maxDfShare: number;
  /** Keep only the most frequent terms (by reference document frequency); 0 keeps all. */
  maxFeatures: number;
}

/**
 * arxiv-sanity-lite's vectorizer (compute.py: TfidfVectorizer over title,
 * abstract and author names; words of 2+ characters; English stop words;
 * unigrams and bigrams; min_df 5, max_df 0.5, the 10,000 most frequent terms;
 * sublinear tf; l2) — the baseline of bench/eval-recommend.ts.
 */
export const ARXIV_SANITY_TFIDF: TfidfOptions = { stem: false, authorTerms: false, minDf: 5, maxDfShare: 0.5, maxFeatures: 10_000 };

/**
 * paperboy's: arxiv-sanity-lite's with Porter stems, so "transformer" and
 * "transformers", "align" and "alignment" are one term. Dev half of
 * bench/eval-recommend.ts (`--sweep`), nDCG@10 people / simulated, with the
 * recommender's popularity term: as set 0.714 / 0.242; without stems (an
 * earlier sweep) even, 0.710 / 0.220 against 0.706 / 0.218, recall@10 for
 * people 0.821 against 0.854; each author's whole name as one term 0.583 /
 * 0.248 (a full name shared by two papers is rarer than its words); min_df 2
 * without a vocabulary cap 0.758 / 0.229 at three times the time per user —
 * better for people, worse for the simulated users: not taken on 60
 * questions each, worth measuring again with more. max_df 0.5 (sane 0.1–1):
 * above half of all abstracts a term only adds noise to every dot product.
 */
export const PAPERBOY_TFIDF: TfidfOptions = { stem: true, authorTerms: false, minDf: 5, maxDfShare: 0.5, maxFeatures: 10_000 };

/** Below this many reference papers, min_df is at most 2 (see TfidfModel.fit). The evaluation's corpora (~600 papers) are above it. */
export const SMALL_CORPUS = 250;

/** Common English words that carry no topic (compared after folding, and after stemming when stemming). */
const STOP_WORDS = `a about above after again against all am an and any are as at be because been before being below between both but by
  can could did do does doing down during each few for from further had has have having he her here hers him his how i if in into is it its itself
  just me more most my no nor not now of off on once only or other our ours out over own same she should so some such than that the their theirs
  them then there these they this those through to too under until up very was we were what when where which while who whom why will with would
  you your yours also however thus via using use used based propose proposed paper show shows present presents new`;
const STOP_FOLDED = new Set(foldedTokens(STOP_WORDS));
const STOP_STEMS = new Set(stems(STOP_WORDS));

/** The words of a text as terms: folded words or stems, stop words and numbers out, with the bigrams of adjacent kept words. */
function textTerms(text: string, stem: boolean, out: string[]): void {
  const words = stem ? stems(text) : foldedTokens(text);
  const stop = stem ? STOP_STEMS : STOP_FOLDED;
  let prev: string | null = null;
  for (const w of words) {
    if (w.length < 2 || stop.has(w) || !/^[a-z_]/.test(w)) {
      prev = null;
      continue;
    }
    out.push(w);
    if (prev) out.push(`${prev} ${w}`);
    prev = w;
  }
}

/** A paper's terms under `o` (with repeats: term frequency counts them). */
export function paperTerms(p: PaperText, o: TfidfOptions): string[] {
  const out: string[] = [];
  textTerms(p.title, o.stem, out);
  textTerms(p.abstract, o.stem, out);
  if (o.authorTerms) {
    for (const a of p.authors) {
      const name = foldedTokens(a).join(' ');
      if (name) out.push(`author:${name}`);
    }
  } else {
    textTerms(p.authors.join(' '), o.stem, out);
  }
  return out;
}

export class TfidfModel {
  private constructor(
    readonly options: TfidfOptions,
    private readonly vocab: Map<string, number>,
    private readonly idf: Float64Array,
  ) {}

  /**
   * Vocabulary and idf from a reference corpus, given each paper's terms
   * (paperTerms; callers cache them): smoothed idf as scikit-learn's,
   * ln((1 + n) / (1 + df)) + 1.
   */
  static fit(referenceTerms: string[][], o: TfidfOptions): TfidfModel {
    const df = new Map<string, number>();
    for (const terms of referenceTerms) {
      for (const t of new Set(terms)) df.set(t, (df.get(t) ?? 0) + 1);
    }
    const n = referenceTerms.length;
    const maxDf = Math.max(1, Math.floor(n * o.maxDfShare));
    // A new hub's reference corpus (a few dozen papers) would keep no term at min_df 5: below
    // SMALL_CORPUS papers a term of two papers counts.
    const minDf = n < SMALL_CORPUS ? Math.min(o.minDf, 2) : o.minDf;
    let kept = [...df].filter(([, d]) => d >= minDf && d <= maxDf);
    if (o.maxFeatures > 0 && kept.length > o.maxFeatures) {
      kept = kept.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, o.maxFeatures);
    }
    kept.sort((a, b) => (a[0] < b[0] ? -1 : 1));
    const vocab = new Map<string, number>();
    const idf = new Float64Array(kept.length);
    kept.forEach(([t, d], i) => {
      vocab.set(t, i);
      idf[i] = Math.log((1 + n) / (1 + d)) + 1;
    });
    return new TfidfModel(o, vocab, idf);
  }

  get size(): number {
    return this.idf.length;
  }

  /** The L2-normalized TF-IDF vector of a paper's terms (1 + ln tf, times idf); empty when none is in the vocabulary. */
  vector(terms: string[]): SparseVector {
    const tf = new Map<number, number>();
    for (const t of terms) {
      const i = this.vocab.get(t);
      if (i !== undefined) tf.set(i, (tf.get(i) ?? 0) + 1);
    }
    const idx = Int32Array.from([...tf.keys()].sort((a, b) => a - b));
    const val = new Float64Array(idx.length);
    let norm = 0;
    idx.forEach((i, k) => {
      const v = (1 + Math.log(tf.get(i)!)) * this.idf[i];
      val[k] = v;
      norm += v * v;
    });
    norm = Math.sqrt(norm);
    if (norm > 0) for (let k = 0; k < val.length; k++) val[k] /= norm;
    return { idx, val };
  }
}

/** The dot product of two sparse vectors. */
export function sparseDot(a: SparseVector, b: SparseVector): number {
  let i = 0, j = 0, s = 0;
  while (i < a.idx.length && j < b.idx.length) {
    const x = a.idx[i], y = b.idx[j];
    if (x === y) s += a.val[i++] * b.val[j++];
    else if (x < y) i++;
    else j++;
  }
  return s;
}

/** w · x for a dense weight vector. */
export function denseDot(w: Float64Array, x: SparseVector): number {
  let s = 0;
  for (let k = 0; k < x.idx.length; k++) s += w[x.idx[k]] * x.val[k];
  return s;
}
