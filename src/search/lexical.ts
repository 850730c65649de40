/**
 * The lexical search interface the routes call. Implementations: FTS5 in the
 * SQLite store (store/sqlite/sqlite-search.ts) and, for arXiv-scale corpora,
 * paperboy's own block-max index (search/index/). The routes never know which.
 *
 * Non-goals: semantic/vector search (a separate engine fused in hybrid.ts later).
 */

import type { SearchRequest } from './search-request.js';
export type { SearchFilters, SearchRequest, SearchSort } from './search-request.js';

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
