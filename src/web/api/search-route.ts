/**
 * GET /api/papers/search?q=&limit= — lexical search in the Hub's shape
 * (what `HfApi.list_papers(query=…, limit=…)` and `hf papers search` send):
 * daily-list items plus `highlightedTitle` / `highlightedSummary` (HTML,
 * escaped, matches in <mark>).
 *
 * q is required (1–250 characters); limit 1–120, default 50. Any text is a
 * valid query: FTS syntax in it is the search engine's problem, never a 500.
 * Non-goals: ranking (LexicalSearch does it) and filters beyond the Hub's.
 */
import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../app.js';
import type { PaperDetail } from '../../store/store.js';
import { hfSearchItem, type HfSearchItem } from './hf-shape.js';
import { highlightHtml } from '../../search/highlight.js';
import { intParam, invalidParameter, textParam, type RawQuery } from '../params.js';

import { SEARCH_QUERY_MAX } from '../../search/search-request.js';
export { SEARCH_QUERY_MAX };
export const SEARCH_LIMIT_MAX = 120;
export const SEARCH_LIMIT_DEFAULT = 50;

export interface SearchHitDetail {
  detail: PaperDetail;
  /** HTML: escaped text with matches in <mark>. */
  highlightedTitle: string;
  highlightedSummary: string;
}

/** Runs a search and loads each hit with its highlights; shared by the route and the search feeds. */
export async function searchHits(deps: Pick<RouteDeps, 'search' | 'store'>, q: string, limit: number): Promise<SearchHitDetail[]> {
  // API callers send whole queries (no one is mid-word), so the last word is not a prefix.
  const result = await deps.search.search({ text: q, filters: {}, sort: 'relevance', limit, offset: 0, prefixLast: false });
  const out: SearchHitDetail[] = [];
  for (const hit of result.hits) {
    const detail = await deps.store.getPaper(hit.paperId);
    if (!detail) continue; // index ahead of the store (a paper deleted mid-query): skip, never fail
    out.push({
      detail,
      highlightedTitle: highlightHtml(detail.paper.title, result.highlightTerms),
      highlightedSummary: highlightHtml(detail.paper.abstract, result.highlightTerms),
    });
  }
  return out;
}

/** Search results in the Hub's shape. */
export async function searchPapers(deps: Pick<RouteDeps, 'search' | 'store'>, q: string, limit: number): Promise<HfSearchItem[]> {
  return (await searchHits(deps, q, limit)).map((h) => hfSearchItem(h.detail, h.highlightedTitle, h.highlightedSummary));
}

/** Validates `q` (required, ≤ 250 characters). */
export function searchQueryParam(query: RawQuery): string {
  const q = textParam(query, 'q', SEARCH_QUERY_MAX);
  if (!q) throw invalidParameter('q', 'a search query is required, as in ?q=diffusion.');
  return q;
}

export async function searchRoute(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  app.get('/api/papers/search', async (req, reply) => {
    const query = req.query as RawQuery;
    const q = searchQueryParam(query);
    const limit = intParam(query, 'limit', 1, SEARCH_LIMIT_MAX, SEARCH_LIMIT_DEFAULT);
    return reply.type('application/json; charset=utf-8').send(await searchPapers(deps, q, limit));
  });
}
