/**
 * What a caller asks the search layer for: the text as typed, filters, a
 * sort and a page. Pure types and the limits every route shares.
 *
 * Non-goals: parsing the text (domain/query-parser.ts) and ranking (the engines).
 */

export type SearchSort = 'relevance' | 'newest' | 'upvotes';
/**
 * How relevance is judged: `lexical` (BM25 over the words), `semantic` (the
 * vector index: papers about the same thing in other words), `hybrid`
 * (both fused, search/hybrid.ts) or `auto` (the site's and the API's
 * default: lexical when enough papers have every word of the query, hybrid
 * when they do not — search-service.ts WEAK_LEXICAL_EVIDENCE says why).
 */
export type SearchMode = 'auto' | 'hybrid' | 'lexical' | 'semantic';
export const SEARCH_MODES: readonly SearchMode[] = ['auto', 'hybrid', 'lexical', 'semantic'];
export const SEARCH_SORTS: readonly SearchSort[] = ['relevance', 'newest', 'upvotes'];

/** Longest accepted query, as the Hub's search API (`q` up to 250 characters). */
export const SEARCH_QUERY_MAX = 250;

/** Largest page a caller may ask for (the JSON API caps limit at 120). */
export const SEARCH_LIMIT_MAX = 1000;

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
  /**
   * Default lexical here (callers inside paperboy keep exact-word semantics);
   * the search page and the API default to hybrid. Hybrid and semantic answer
   * lexically when no vector index is open.
   */
  mode?: SearchMode;
  limit: number;
  offset: number;
  /**
   * Treat the last bare word as a prefix while the user is typing it ("diff" finds
   * "diffusion"); see domain/query-parser.ts. Default true (the site's search box).
   */
  prefixLast?: boolean;
  /** Count the matches for `total` (the search page shows it); the JSON API, which returns no total, says false. Default true. */
  count?: boolean;
}
