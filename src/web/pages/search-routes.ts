/**
 * `GET /papers`: the latest day's list when there is no query, otherwise the
 * search page. A pasted arXiv id or arXiv / Hugging Face paper URL goes
 * straight to that paper (303).
 *
 * Goals: validate every parameter at the edge (400 page naming the bad
 * one), ask the LexicalSearch engine for one page of hits, then the store for
 * the papers, and mark matches with search/highlight.ts. Non-goals: ranking
 * (the engine's), the JSON search API (web/api/).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RouteDeps } from '../app.js';
import { arxivIdFromInput } from '../../domain/arxiv-id.js';
import { raw } from '../../html/html.js';
import type { ListHandlers } from './list-routes.js';
import { paperPath } from './format.js';
import { pageContext, sendHtml } from './page-context.js';
import { paperCard } from './paper-card.js';
import { pageHref } from './pager.js';
import { searchParams } from '../params.js';
import { renderSearchPage, searchQueryParams } from './search-page.js';
import { voteStates } from '../community/vote-control.js';

/** Results per search page: a screenful of cards with snippets; the Hub's search shows a similar number. */
export const SEARCH_PAGE_SIZE = 20;

type Req = FastifyRequest<{ Querystring: Record<string, unknown> }>;

export async function searchRoutes(app: FastifyInstance, deps: RouteDeps, lists: ListHandlers): Promise<void> {
  const { search, config } = deps;

  app.get('/papers', async (req: Req, reply: FastifyReply) => {
    const query = req.query ?? {};
    const isSearch = ['q', 'from', 'to', 'category', 'org'].some((k) => query[k] !== undefined);
    if (!isSearch) return lists.latestList(req, reply);
    const params = searchParams(query);
    const pasted = params.q ? arxivIdFromInput(params.q) : null;
    if (pasted) return reply.redirect(paperPath(pasted.id), 303);

    const blank = !params.q && !params.from && !params.to && !params.category && !params.org;
    let cards: ReturnType<typeof paperCard>[] = [];
    let total = 0;
    let totalIsEstimate = false;
    let suggestion: string | undefined;
    let partial = false;
    let indexBehind = 0;
    if (!blank) {
      const res = await search.search({
        text: params.q,
        filters: { from: params.from, to: params.to, category: params.category, organization: params.org },
        sort: params.sort,
        mode: params.mode,
        limit: SEARCH_PAGE_SIZE,
        offset: (params.page - 1) * SEARCH_PAGE_SIZE,
      });
      total = res.total;
      totalIsEstimate = res.totalIsEstimate ?? false;
      suggestion = res.suggestion;
      partial = res.partial ?? false;
      indexBehind = res.indexBehind ?? 0;
      const vote = await voteStates(req, reply, deps.votes, res.hits.map((h) => h.detail.paper.id));
      cards = res.hits.map((h) => paperCard(
        { paper: h.detail.paper, entry: h.detail.daily[0] ?? null, org: h.detail.org, counts: h.detail },
        { titleHtml: raw(h.highlightedTitle), snippetHtml: raw(h.snippet), date: 'published', images: { mode: config.images, secret: config.secret }, vote: vote(h.detail.paper.id) },
      ));
    }
    const page = renderSearchPage({
      params,
      cards,
      total,
      totalIsEstimate,
      pageSize: SEARCH_PAGE_SIZE,
      canonical: config.publicUrl + pageHref('/papers', searchQueryParams(params), params.page),
      blank,
      suggestion,
      partial,
      indexBehind,
    }, pageContext(req));
    return sendHtml(reply, page);
  });
}
