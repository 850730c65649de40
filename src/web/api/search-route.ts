/**
 * GET /api/papers/search?q=&limit= — lexical search in the Hub's shape
 * (what `HfApi.list_papers(query=…, limit=…)` and `hf papers search` send):
 * daily-list items plus `highlightedTitle` / `highlightedSummary` (HTML,
 * escaped, matches in <mark>).
 *
 * q is 1–250 characters; without it the newest papers come back, as the
 * Hub's `list_papers()` expects. limit 1–120, default 50. Any text is a valid
 * query: syntax in it is the search layer's problem, never a 500. A query
 * whose words do not all occur in one paper still gets ranked answers
 * (papers with every word first, then those with some of them). mode:
 * auto (default: the words, and their meaning when few papers have them all), hybrid (words and meaning fused), lexical or semantic.
 * Non-goals: ranking and loading (search/search-service.ts) and filters beyond the Hub's.
 */
import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../app.js';
import type { FoundPaper } from '../../search/search-service.js';
import { SEARCH_QUERY_MAX, type SearchMode } from '../../search/search-request.js';
import { hfSearchItem, type HfSearchItem } from './hf-shape.js';
import { intParam, invalidParameter, modeParam, textParam, type RawQuery } from '../params.js';

export { SEARCH_QUERY_MAX };
export const SEARCH_LIMIT_MAX = 120;
export const SEARCH_LIMIT_DEFAULT = 50;

/** Runs a whole-query search (no prefix on the last word, no count); shared by the route and the search feeds. */
export async function searchHits(deps: Pick<RouteDeps, 'search'>, q: string, limit: number, mode: SearchMode = 'auto'): Promise<FoundPaper[]> {
  // API callers send whole queries (no one is mid-word), so the last word is not a prefix; the Hub's shape has no total.
  const result = await deps.search.search({ text: q, filters: {}, sort: 'relevance', mode, limit, offset: 0, prefixLast: false, count: false });
  return result.hits;
}

/** Search results in the Hub's shape; without a query, the newest papers (what `list_papers()` with no query expects). */
export async function searchPapers(deps: Pick<RouteDeps, 'search'>, q: string | undefined, limit: number, mode: SearchMode = 'auto'): Promise<HfSearchItem[]> {
  const hits = q ? await searchHits(deps, q, limit, mode) : (await deps.search.newest(limit)).hits;
  return hits.map((h) => hfSearchItem(h.detail, h.highlightedTitle, h.highlightedSummary));
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
    const q = textParam(query, 'q', SEARCH_QUERY_MAX);
    const limit = intParam(query, 'limit', 1, SEARCH_LIMIT_MAX, SEARCH_LIMIT_DEFAULT);
    const mode = modeParam(query);
    const items = await searchPapers(deps, q, limit, mode);
    // The Hub's shape has no room for it: a header says the index is still catching up (papers may be missing).
    const behind = q ? (await deps.search.engine.lag?.()) ?? 0 : 0;
    if (behind > 0) reply.header('x-search-index-behind', String(behind));
    // Sent as bytes: Fastify would measure the string's UTF-8 length and then encode it again to write it (two more
    // passes over ≈ 100–200 KB, and as much garbage, per page of 20 with whole abstracts).
    return reply.type('application/json; charset=utf-8').send(Buffer.from(JSON.stringify(items), 'utf8'));
  });
}
