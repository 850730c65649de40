/**
 * Routes of the list pages: `/` and `/papers` (latest day), the day, ISO
 * week and month lists, `/papers/trending`, and the bare `/papers/date`,
 * `/papers/week`, `/papers/month` that redirect to the latest period.
 *
 * Goals: a day's list by upvotes; week/month by upvotes across the period;
 * prev/next jump to the nearest period that has papers (store.adjacentDay),
 * so the arrows never lead to an empty page; trending = the trending score
 * over the API's trending window (TRENDING_WINDOW_DAYS up to the latest day
 * with papers), so the page, `sort=trending` and the trending feed agree.
 * Non-goals: search (`/papers?q=` — search-routes.ts delegates here only when
 * there is no query).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RouteDeps } from '../app.js';
import { badRequest, notFound } from '../http-error.js';
import { addDays, isoWeekOf, parsePeriod, periodContaining, type Period, type PeriodKind } from '../../domain/periods.js';
import type { DailySort } from '../../store/store.js';
import { trendingWindow, TRENDING_WINDOW_DAYS } from '../api/trending-window.js';
import { formatDay, formatPeriod } from './format.js';
import { renderCards, renderListPage, type ListKind, type ListView, type NavLink } from './list-page.js';
import type { SafeHtml } from '../../html/html.js';
import type { ImagePolicy } from '../images.js';
import { pageContext, sendHtml } from './page-context.js';
import { LIST_PAGE_SIZE, pageCount } from './pager.js';
import { pageParam } from '../params.js';
import { voteStates } from '../community/vote-control.js';
import { ForYou, forYouSection } from '../community/for-you.js';
import { followedOrgs } from '../community/organization-routes.js';

const RSS = 'application/rss+xml';
const ATOM = 'application/atom+xml';
const DAILY_FEEDS = [
  { type: RSS, title: 'Daily papers (RSS)', href: '/feeds/daily.rss' },
  { type: ATOM, title: 'Daily papers (Atom)', href: '/feeds/daily.atom' },
];
const TRENDING_FEEDS = [{ type: RSS, title: 'Trending papers (RSS)', href: '/feeds/trending.rss' }];

/**
 * How long a list's data and rendered cards are reused. Default 5 s; sane
 * range 0–60 s. Under load most requests hit the same few lists (today,
 * trending), so even a few seconds turns a database query and 50 cards of
 * rendering per request into one per TTL; upvotes and new imports show up at
 * most this much later, which nobody reading a daily list notices.
 */
export const LIST_CACHE_TTL_MS = 5_000;
/** Lists kept (period × page); the oldest is dropped beyond this. Small: each holds ~30 KB of cards. */
const LIST_CACHE_SIZE = 200;

/** The visitor-independent part of a list page. */
interface CachedList {
  at: number;
  view: Omit<ListView, 'csrfToken' | 'path'>;
  cardsHtml: SafeHtml;
}

type Req = FastifyRequest<{ Params: Record<string, string>; Querystring: Record<string, unknown> }>;

export function switchHrefs(anchorDay: string | null): Record<ListKind, string> {
  if (!anchorDay) return { day: '/papers', week: '/papers/week', month: '/papers/month', trending: '/papers/trending' };
  return {
    day: `/papers/date/${anchorDay}`,
    week: `/papers/week/${isoWeekOf(anchorDay)}`,
    month: `/papers/month/${anchorDay.slice(0, 7)}`,
    trending: '/papers/trending',
  };
}

function periodPath(p: Period): string {
  return p.kind === 'day' ? `/papers/date/${p.key}` : `/papers/${p.kind}/${p.key}`;
}

const KIND_WORD: Record<PeriodKind, string> = { day: 'day', week: 'week', month: 'month' };

/** What search-routes.ts needs from here: `/papers` without a query is the latest day's list. */
export interface ListHandlers {
  latestList(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply>;
}

export async function listRoutes(app: FastifyInstance, deps: RouteDeps): Promise<ListHandlers> {
  const { store, config } = deps;
  const cache = new Map<string, CachedList>();
  const images: ImagePolicy = { mode: config.images, secret: config.secret };

  /**
   * The cached list for `key`, or builds it (`build` returns the view without the visitor's parts).
   * A signed-in visitor always gets a fresh list (their upvote just now must show) with their own
   * upvote controls; the cache serves signed-out visitors, whose cards are the same for everyone.
   */
  async function cachedList(req: Req, reply: FastifyReply, key: string, build: () => Promise<Omit<ListView, 'csrfToken' | 'path'>>): Promise<CachedList> {
    if (req.user) {
      const view = await build();
      const vote = await voteStates(req, reply, deps.votes, view.items.map((it) => it.paper.id));
      // Papers of the organizations the visitor follows are marked on their cards.
      const followed = await followedOrgs(deps, req);
      return { at: Date.now(), view, cardsHtml: renderCards(view.kind, view.items, view.emptyText, images, vote, followed) };
    }
    const now = Date.now();
    const hit = cache.get(key);
    if (hit && now - hit.at < LIST_CACHE_TTL_MS) return hit;
    const view = await build();
    const entry = { at: now, view, cardsHtml: renderCards(view.kind, view.items, view.emptyText, images, () => ({ kind: 'anonymous' })) };
    cache.delete(key);
    cache.set(key, entry);
    while (cache.size > LIST_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    return entry;
  }

  const forYou = new ForYou(deps);

  async function sendList(req: Req, reply: FastifyReply, c: CachedList, withForYou = false) {
    const view: ListView = { ...c.view, cardsHtml: c.cardsHtml, path: req.url.split('?')[0], csrfToken: reply.generateCsrf() };
    // "For you" heads the home page of a signed-in user, above the latest day's list.
    if (withForYou && req.user) view.forYou = await forYouSection(forYou, req);
    return sendHtml(reply, renderListPage(view, pageContext(req)));
  }

  async function renderPeriod(req: Req, reply: FastifyReply, period: Period, canonicalPath: string) {
    const page = pageParam(req.query);
    const list = await cachedList(req, reply, `${period.kind}:${period.key}:${page}:${canonicalPath}`, async () => {
      // Lists are ordered by upvotes (the community's ranking); ties fall back to comments, then recency.
      const sort: DailySort = 'upvotes';
      const res = await store.listDaily({
        from: period.from, to: period.to, sort, limit: LIST_PAGE_SIZE, offset: (page - 1) * LIST_PAGE_SIZE,
      });
      if (page > 1 && page > pageCount(res.total, LIST_PAGE_SIZE)) {
        throw notFound(`This list has ${pageCount(res.total, LIST_PAGE_SIZE)} page(s); there is no page ${page}.`);
      }
      const [prevDay, nextDay] = await Promise.all([store.adjacentDay(period.from, -1), store.adjacentDay(period.to, 1)]);
      const link = (day: string | null, dir: string): NavLink | null => {
        if (!day) return null;
        const p = periodContaining(period.kind, day);
        return { href: periodPath(p), label: `${dir} ${KIND_WORD[period.kind]}: ${formatPeriod(p)}` };
      };
      // The day the Daily switch goes to: the latest day with papers inside this period.
      let anchor = period.to;
      if (period.kind !== 'day') {
        const last = await store.adjacentDay(addDays(period.to, 1), -1);
        anchor = last && last >= period.from ? last : period.from;
      }
      return {
        kind: period.kind,
        periodLabel: formatPeriod(period),
        prev: link(prevDay, 'Previous'),
        next: link(nextDay, 'Next'),
        switchHrefs: switchHrefs(anchor),
        items: res.items,
        total: res.total,
        page,
        pageSize: LIST_PAGE_SIZE,
        canonical: config.publicUrl + canonicalPath + (page > 1 ? `?page=${page}` : ''),
        alternates: DAILY_FEEDS,
        emptyText: period.kind === 'day'
          ? `No papers were featured on ${formatDay(period.from)}. Use the arrows to go to the nearest day with papers.`
          : `No papers were featured in this ${KIND_WORD[period.kind]}.`,
      };
    });
    return sendList(req, reply, list, canonicalPath === '/' && page === 1);
  }

  async function latestList(req: Req, reply: FastifyReply, canonicalPath: string) {
    const latest = await store.latestDay();
    if (latest) return renderPeriod(req, reply, parsePeriod('day', latest)!, canonicalPath);
    const view: ListView = {
      kind: 'day', periodLabel: 'No papers yet', prev: null, next: null, switchHrefs: switchHrefs(null),
      items: [], total: 0, page: 1, pageSize: LIST_PAGE_SIZE, path: '/', canonical: config.publicUrl + canonicalPath,
      alternates: DAILY_FEEDS, csrfToken: reply.generateCsrf(),
      emptyText: 'No papers yet. Import some with "paperboy import", or load the demo corpus with "paperboy demo --load".',
    };
    return sendHtml(reply, renderListPage(view, pageContext(req)));
  }

  function periodRoute(kind: PeriodKind, example: string) {
    return async (req: Req, reply: FastifyReply) => {
      const key = req.params.key;
      const period = parsePeriod(kind, key);
      if (!period) {
        throw badRequest('invalid_parameter',
          `"${key}" is not a valid ${KIND_WORD[kind]}: use ${kind === 'day' ? 'YYYY-MM-DD' : kind === 'week' ? 'YYYY-Www (ISO week)' : 'YYYY-MM'}, such as ${example}.`);
      }
      return renderPeriod(req, reply, period, periodPath(period));
    };
  }

  app.get('/', (req: Req, reply) => latestList(req, reply, '/'));
  app.get('/papers/date/:key', periodRoute('day', '2025-06-02'));
  app.get('/papers/week/:key', periodRoute('week', '2025-W23'));
  app.get('/papers/month/:key', periodRoute('month', '2025-06'));

  for (const kind of ['day', 'week', 'month'] as const) {
    const path = kind === 'day' ? '/papers/date' : `/papers/${kind}`;
    app.get(path, async (_req, reply) => {
      const latest = await store.latestDay();
      if (!latest) return reply.redirect('/', 302);
      return reply.redirect(periodPath(periodContaining(kind, latest)), 302);
    });
  }

  app.get('/papers/trending', async (req: Req, reply) => {
    const page = pageParam(req.query);
    const latest = await store.latestDay();
    const list = await cachedList(req, reply, `trending:${latest}:${page}`, async () => {
      // The same window as the API's sort=trending and the trending feed (web/api/trending-window.ts).
      const from = latest ? trendingWindow(latest).from : null;
      const res = latest && from
        ? await store.listDaily({
          from, to: latest, sort: 'trending', now: deps.now(), limit: LIST_PAGE_SIZE, offset: (page - 1) * LIST_PAGE_SIZE,
        })
        : { items: [], total: 0 };
      if (page > 1 && page > pageCount(res.total, LIST_PAGE_SIZE)) {
        throw notFound(`This list has ${pageCount(res.total, LIST_PAGE_SIZE)} page(s); there is no page ${page}.`);
      }
      return {
        kind: 'trending' as const,
        periodLabel: latest && from ? `${formatDay(from)} – ${formatDay(latest)}` : 'No papers yet',
        prev: null,
        next: null,
        switchHrefs: switchHrefs(latest),
        items: res.items,
        total: res.total,
        page,
        pageSize: LIST_PAGE_SIZE,
        canonical: config.publicUrl + '/papers/trending' + (page > 1 ? `?page=${page}` : ''),
        alternates: TRENDING_FEEDS,
        emptyText: 'No papers yet.',
        note: `Ranked by upvotes and comments, discounted by age, over the last ${TRENDING_WINDOW_DAYS} days of daily lists.`,
      };
    });
    return sendList(req, reply, list);
  });

  return { latestList: (req, reply) => latestList(req as Req, reply, '/papers') };
}
