/**
 * The lexical search interface the routes call. Implementations: FTS5 in the
 * SQLite store (store/sqlite/sqlite-search.ts) and, for arXiv-scale corpora,
 * paperboy's own block-max index (search/index/). The routes never know which.
 *
 * Non-goals: semantic/vector search (a separate engine fused in hybrid.ts later).
 */

export type SearchSort = 'relevance' | 'newest' | 'upvotes';

export interface SearchFilters {
  /** Inclusive publication-date range, YYYY-MM-DD. */
  from?: string;
  to?: string;
  category?: string;
  organization?: string;
}

export interface SearchRequest {
  /** The user's query as typed (may contain "phrases", author:, category:, prefix*). */
  text: string;
  filters: SearchFilters;
  sort: SearchSort;
  limit: number;
  offset: number;
  /**
   * Treat the last bare word as a prefix while the user is typing it ("diff" finds
   * "diffusion"); see search/query-parser.ts. Default true (the site's search box).
   */
  prefixLast?: boolean;
}

export interface SearchHit {
  paperId: string;
  /** BM25 score (higher is better); 0 when sorted by something else. */
  score: number;
}

export interface SearchResult {
  hits: SearchHit[];
  /** Number of matching papers (exact or a lower bound when `totalIsEstimate`). */
  total: number;
  totalIsEstimate?: boolean;
  /** Terms to highlight in titles/abstracts (already stemmed forms' surface words are matched by highlight.ts). */
  highlightTerms: string[];
}

export interface LexicalSearch {
  search(req: SearchRequest): Promise<SearchResult>;
  /** Papers most similar to one paper (by its title and abstract). */
  similar(paperId: string, limit: number): Promise<SearchHit[]>;
}
