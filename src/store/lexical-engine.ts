/**
 * A lexical engine: ranks papers for a parsed query with BM25 and answers with
 * paper keys. Implementations: a backend's own full-text index (SQLite FTS5 in
 * store/sqlite/sqlite-search.ts) and paperboy's block-max index
 * (search/block-max-engine.ts), which follows the store through the change
 * feed. The search service (search/search-service.ts) sits above them and
 * never knows which one answers.
 *
 * Goals: one contract every engine passes (test/conformance/lexical-search.ts),
 * the same BM25 (k1 1.2, b 0.75, field weights FIELD_WEIGHTS) everywhere.
 * Non-goals: parsing text (domain/query-parser.ts), loading papers, highlighting.
 */
import type { ParsedQuery } from '../domain/query-parser.js';

/**
 * BM25 field weights: each engine multiplies a field's term frequency by its
 * weight before BM25's saturation, so a weight says how many abstract
 * occurrences one occurrence in that field is worth.
 */
export const FIELD_WEIGHTS = {
  /**
   * Title: 10. A title is ~10 words chosen to say what the paper is about; a
   * word there is stronger evidence than several mentions in a 200-word
   * abstract. With k1 = 1.2 a single title hit scores ≈ 1.96 vs ≈ 1.77 for
   * five abstract hits, so title matches rank first without making the
   * abstract irrelevant. Sane range 4–20.
   */
  title: 10,
  /**
   * Authors: 5. A name match is almost always intentional (people search
   * for a person), but a common word that happens to be a surname ("Wang",
   * "Long") should not outrank a title match. Sane range 2–10; keep it below
   * the title weight.
   */
  authors: 5,
  /** Abstract: 1, the unit the other weights are measured in. */
  abstract: 1,
} as const;

export type LexicalSort = 'relevance' | 'newest' | 'upvotes';

/** Filters every hit must pass; values are already validated and canonical. */
export interface LexicalFilters {
  /** Inclusive publication-day range, YYYY-MM-DD. */
  from?: string;
  to?: string;
  /** Canonical arXiv categories ("cs.CL") or archives ("cs"); every one must hold. */
  categories: string[];
  /** Organization names as stored; every one must hold. */
  organizations: string[];
}

export interface LexicalRequest {
  /** A parsed query with at least one positive clause (words, phrases or authors). */
  query: ParsedQuery;
  /** 'all' (default): every positive clause must match; 'any': at least one. */
  mode?: 'all' | 'any';
  filters: LexicalFilters;
  sort: LexicalSort;
  limit: number;
  offset: number;
  /** Count matches up to this many for `total`; 0 asks for no count (total is then a lower bound). */
  countCap: number;
}

export interface LexicalHit {
  /** The paper's key in the store (papers.pk). */
  key: number;
  /** BM25 score, higher is better; 0 for non-relevance sorts. */
  score: number;
}

export interface LexicalResult {
  hits: LexicalHit[];
  /** Matching papers: exact, or a lower bound / estimate when `totalIsEstimate`. */
  total: number;
  totalIsEstimate: boolean;
  /** The engine stopped at its time budget: the hits are the best found so far. */
  partial?: boolean;
}

export interface LexicalEngine {
  /** 'fts5', 'engine' (block-max), … — for doctor and logs. */
  readonly name: string;
  search(req: LexicalRequest): Promise<LexicalResult>;
  /**
   * Papers indexed and, for each word (a folded token, stemmed as the engine
   * stems), the number of papers that contain it; a count above `cap` may be
   * reported as any value above it (FTS5 stops counting there). `similar`
   * picks a paper's telling words with these.
   */
  documentFrequencies(words: string[], cap?: number): Promise<{ docs: number; df: number[] }>;
  /** Changes the engine has not applied yet (a derived index following the change feed); absent = always current. */
  lag?(): Promise<number>;
  /**
   * True while this process's own index is still being built and another engine answers meanwhile
   * (search/interim-engine.ts); absent = never. /readyz answers 503 then: the node answers searches,
   * but slowly and from a busy database, so a load balancer should prefer its ready peers.
   */
  building?(): Promise<boolean>;
  /** Releases files or timers the engine holds. */
  close?(): Promise<void> | void;
}
