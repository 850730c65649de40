/**
 * GET /api/daily_papers — the daily list in the Hub's shape, answering the
 * exact requests `HfApi.list_daily_papers` and `hf papers ls` send.
 *
 * Parameters (all optional): p (page from 0), limit (1–100, default 50),
 * date (YYYY-MM-DD) | week (YYYY-Www) | month (YYYY-MM), submitter (handle),
 * sort (publishedAt | trending). With no date/week/month the newest day that
 * has entries is listed, as the Hub does; `sort=trending` alone ranks the
 * trending window instead. A `Link: <…>; rel="next"` header points at the
 * next page when there is one.
 *
 * Non-goals: writes (submit/upvote live with the pages and auth).
 */
import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../app.js';
import type { DailySort } from '../../store/store.js';
import { hfDailyItem, type HfDailyItem } from './hf-shape.js';
import { enumParam, intParam, periodParams, textParam, type RawQuery } from '../params.js';
import { trendingWindow } from './trending-window.js';

export const DAILY_SORTS = ['publishedAt', 'trending'] as const;
export const DAILY_LIMIT_MAX = 100;
export const DAILY_LIMIT_DEFAULT = 50;
/** Deep pages are cheap to refuse and never useful: 10,000 pages of 100 is a million entries. */
export const DAILY_PAGE_MAX = 10_000;

export interface DailyPapersResult {
  items: HfDailyItem[];
  /** Absolute URL of the next page, or null on the last page. */
  next: string | null;
}

/** Runs a daily_papers query; shared by the route and the tests. */
export async function dailyPapers(deps: RouteDeps, query: RawQuery): Promise<DailyPapersResult> {
  const p = intParam(query, 'p', 0, DAILY_PAGE_MAX, 0);
  const limit = intParam(query, 'limit', 1, DAILY_LIMIT_MAX, DAILY_LIMIT_DEFAULT);
  const period = periodParams(query);
  const submitter = textParam(query, 'submitter', 100);
  const sort = enumParam(query, 'sort', DAILY_SORTS);

  let range: { from: string; to: string };
  if (period) {
    range = period;
  } else {
    const latest = await deps.store.latestDay();
    if (!latest) return { items: [], next: null };
    range = sort === 'trending' ? trendingWindow(latest) : { from: latest, to: latest };
  }
  // The Hub's CLI documents `ls` as "most recently submitted" and `ls --date` as "ordered by upvotes".
  const storeSort: DailySort = sort ?? (period ? 'upvotes' : 'publishedAt');
  const offset = p * limit;
  const page = await deps.store.listDaily({
    from: range.from,
    to: range.to,
    sort: storeSort,
    limit,
    offset,
    submitter,
    now: deps.now(),
  });
  const hasNext = offset + page.items.length < page.total;
  return { items: page.items.map(hfDailyItem), next: hasNext ? nextPageUrl(deps.config.publicUrl, query, p + 1) : null };
}

/** The same request with `p` advanced, as an absolute URL on the public address. */
function nextPageUrl(publicUrl: string, query: RawQuery, nextP: number): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (k === 'p' || typeof v !== 'string' || v === '') continue;
    params.set(k, v);
  }
  params.set('p', String(nextP));
  return `${publicUrl}/api/daily_papers?${params.toString()}`;
}

export async function dailyPapersRoute(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  app.get('/api/daily_papers', async (req, reply) => {
    const { items, next } = await dailyPapers(deps, req.query as RawQuery);
    if (next) reply.header('link', `<${next}>; rel="next"`);
    return reply.type('application/json; charset=utf-8').send(items);
  });
}
