/**
 * The scoring formula of paperboy's lexical engine: SQLite FTS5's bm25(),
 * reproduced exactly so that the engine and the FTS5 backend rank alike.
 *
 * FTS5 (ext/fts5/fts5_aux.c, fts5Bm25Function) scores a row as
 *
 *   score = Σ_phrases idf(p) · f(p)·(k1+1) / (f(p) + k1·(1 − b + b·D/avgdl))
 *   f(p)  = Σ_columns w_c · tf_c(p)          (weighted term frequency)
 *   D     = tokens in the row, all columns (unweighted); avgdl the mean of D
 *   idf   = ln((N − n(p) + 0.5) / (n(p) + 0.5)), and 1e-6 when ≤ 0
 *
 * i.e. the column weights multiply the frequencies *before* saturation and
 * one length covers the whole row: a simplified BM25F (one length
 * normalisation for all fields), not "weighted BM25" (a weighted sum of
 * per-field BM25 scores). We copy it as is, including the order of the
 * floating-point operations, because the engine must return the FTS5 ranking.
 *
 * Goals: one place for the constants and the arithmetic; pure functions.
 * Non-goals: other scoring models (BM25+, language models).
 */
import { FIELD_WEIGHTS } from '../../store/lexical-engine.js';

/**
 * k1: how fast repeated occurrences of a word stop adding to the score.
 * Default 1.2 (FTS5's fixed value, also Lucene's); sane range 0.5–2.0. Must
 * stay 1.2 while the FTS5 backend exists, so both rank alike.
 */
export const K1 = 1.2;

/**
 * b: how much a long paper is penalised (0 = never, 1 = fully by length).
 * Default 0.75 (FTS5's fixed value); sane range 0.3–0.9. Same constraint as K1.
 */
export const B = 0.75;

/** The fields, in FTS5 column order (papers_fts: title, authors, abstract). */
export const FIELDS = ['title', 'authors', 'abstract'] as const;
export type FieldName = (typeof FIELDS)[number];
export const FIELD_COUNT = 3;

/** Per-field weights, in FIELDS order. */
export type FieldWeights = readonly [number, number, number];

/**
 * Default field weights, in FIELDS order: the why-commented FIELD_WEIGHTS
 * every engine shares (store/lexical-engine.ts; FTS5 passes the same to
 * bm25()), so both engines rank alike by construction.
 */
export const DEFAULT_FIELD_WEIGHTS: FieldWeights = [FIELD_WEIGHTS.title, FIELD_WEIGHTS.authors, FIELD_WEIGHTS.abstract];

/** FTS5's idf: ln((N − n + 0.5)/(n + 0.5)), floored at 1e-6 so very common words still count a little. */
export function idf(totalDocs: number, docFreq: number): number {
  let v = Math.log((0.5 + totalDocs - docFreq) / (0.5 + docFreq));
  if (v <= 0.0) v = 1e-6;
  return v;
}

/** One phrase's contribution to a row's score, in FTS5's operation order. */
export function termScore(idfValue: number, weightedTf: number, docLen: number, avgdl: number): number {
  return idfValue * ((weightedTf * (K1 + 1.0)) / (weightedTf + K1 * (1 - B + (B * docLen) / avgdl)));
}

/** Weighted frequency f(p) = Σ w_c · tf_c, summed in column order as FTS5 does (per instance, in column order). */
export function weightedTf(w: FieldWeights, tfTitle: number, tfAuthors: number, tfAbstract: number): number {
  return tfTitle * w[0] + tfAuthors * w[1] + tfAbstract * w[2];
}

/**
 * The idf-free part of termScore, g(tf, len) at a given avgdl: what a block's
 * bound stores (at its segment's avgdl). For another avgdl A, g_A ≤ g_ref ·
 * max(1, A / A_ref) (the length term shrinks by at most that ratio), which
 * keeps stored bounds valid as the index grows.
 */
export function impact(weightedTf: number, docLen: number, avgdl: number): number {
  return (weightedTf * (K1 + 1.0)) / (weightedTf + K1 * (1 - B + (B * docLen) / avgdl));
}
