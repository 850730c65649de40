/**
 * An embedder: text → a fixed-length vector whose dot product with another
 * says how alike two texts are in meaning. The vector index
 * (search/vectors/) stores the model's `id` and `dim` beside the vectors and
 * refuses to mix models: a changed id (another model, or the corpus model
 * retrained) makes the index rebuild itself instead of comparing vectors
 * from two spaces.
 *
 * Goals: one small contract for the built-in corpus model
 * (corpus-embedder.ts) and any later one (a neural model from a local
 * folder). Vectors are L2-normalized, so a dot product is a cosine.
 * Non-goals: storing or searching vectors (search/vectors/), fusion (search/hybrid.ts).
 */

export type EmbedKind = 'document' | 'query';

export interface Embedder {
  /**
   * Names the model and everything that changes its vectors (kind, version,
   * dimension, a hash of trained parameters); equal ids mean comparable vectors.
   */
  readonly id: string;
  /** Length of every vector. */
  readonly dim: number;
  /**
   * One unit-length vector per text (all zeros when the model knows none of
   * its words). `kind` lets asymmetric models treat queries and documents
   * differently; the corpus model treats them alike.
   */
  embed(texts: string[], kind: EmbedKind): Promise<Float32Array[]>;
  /**
   * Optional: work that makes a first query as fast as the next (the corpus
   * model's typo index), done in the background by whoever serves queries.
   */
  prepare?(): Promise<void>;
}

/** What of a paper is embedded: its title and abstract (authors and categories are the lexical engine's and the filters'). */
export function paperText(p: { title: string; abstract: string }): string {
  return `${p.title}\n${p.abstract}`;
}

/** Scales `v` to unit length in place (a zero vector stays zero); returns it. */
export function normalize(v: Float32Array): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  if (s > 0) {
    const inv = 1 / Math.sqrt(s);
    for (let i = 0; i < v.length; i++) v[i] *= inv;
  }
  return v;
}

/** Dot product of two vectors of the same length. */
export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
