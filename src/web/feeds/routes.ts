/**
 * RSS 2.0 and Atom feeds: the daily list, trending, an organization's
 * papers, and any search query. The pages link to these URLs with
 * <link rel="alternate">, so they are fixed:
 *
 *   /feeds/daily.rss|.atom        newest day (optional ?date=YYYY-MM-DD)
 *   /feeds/trending.rss|.atom     trending window (api/trending-window.ts)
 *   /feeds/orgs/{name}.rss|.atom  an organization's daily-list papers
 *   /feeds/search.rss|.atom?q=…   search results
 *
 * Items link to `${publicUrl}/papers/{id}`. Bad parameters are a 400 JSON
 * error naming the parameter; an unknown organization is a 404.
 * Non-goals: per-user feeds (subscriptions live in digests).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { RouteDeps } from '../app.js';
import { notFound } from '../http-error.js';
import { dayPeriodParam, invalidParameter, type RawQuery } from '../params.js';
import { searchHits, searchQueryParam } from '../api/search-route.js';
import { trendingWindow } from '../api/trending-window.js';
import { renderFeed, type FeedEntry, type FeedFormat } from './feed-document.js';
import { TtlCache } from '../ttl-cache.js';

/** Items per feed. Feed readers poll often; 50 covers a busy day and a page of search results. */
export const FEED_ITEM_LIMIT = 50;
const ORG_NAME_MAX = 100;
/** Every day the store can hold: an organization feed spans all of its daily entries, newest first. */
const ALL_DAYS = { from: '0000-01-01', to: '9999-12-31' } as const;

const CONTENT_TYPES: Record<FeedFormat, string> = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
};

function send(reply: FastifyReply, format: FeedFormat, xml: string) {
  return reply.type(CONTENT_TYPES[format]).header('cache-control', 'public, max-age=300').send(xml);
}

/** The request's own absolute URL on the public address (the feed's id and self link). */
function selfUrl(publicUrl: string, path: string, params: Record<string, string | undefined>): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) qs.set(k, v);
  const s = qs.toString();
  return `${publicUrl}${path}${s ? '?' + s : ''}`;
}

/**
 * A feed document is reused this long for the same URL: feed readers poll in
 * bursts and a trending feed ranks a whole window, so under load one render
 * serves many requests. Default 5 s (the list pages' cache age: a new upvote
 * shows on both at the same time); sane range 0–300 s.
 */
export const FEED_CACHE_TTL_MS = 5_000;
/** Feed documents kept (distinct URLs: days, searches, organizations). Default 500; ~50 KB each. */
const FEED_CACHE_SIZE = 500;

export async function feedRoutes(app: FastifyInstance, opts: { deps: RouteDeps }): Promise<void> {
  const { deps } = opts;
  const base = deps.config.publicUrl;
  const cache = new TtlCache<string>(FEED_CACHE_TTL_MS, FEED_CACHE_SIZE);
  const cached = (url: string, build: () => Promise<string>) => cache.get(url, build, deps.now().getTime());

  for (const format of ['rss', 'atom'] as const) {
    app.get(`/feeds/daily.${format}`, async (req, reply) => send(reply, format, await cached(req.url, async () => {
      const period = dayPeriodParam(req.query as RawQuery, 'date');
      const day = period?.from ?? (await deps.store.latestDay());
      const entries: FeedEntry[] = [];
      if (day) {
        const page = await deps.store.listDaily({ from: day, to: day, sort: 'upvotes', limit: FEED_ITEM_LIMIT, offset: 0, now: deps.now() });
        for (const it of page.items) entries.push({ paper: it.paper, entry: it.entry, org: it.org });
      }
      return renderFeed(format, {
        title: day ? `Daily papers — ${day}` : 'Daily papers',
        description: day ? `Papers on the daily list of ${day}, most upvoted first.` : 'No papers on the daily list yet.',
        pageUrl: day ? `${base}/papers/date/${day}` : `${base}/papers`,
        selfUrl: selfUrl(base, `/feeds/daily.${format}`, { date: period?.from }),
        fallbackDate: day ? new Date(`${day}T00:00:00.000Z`) : deps.now(),
      }, entries, base);
    })));

    app.get(`/feeds/trending.${format}`, async (req, reply) => send(reply, format, await cached(req.url, async () => {
      const latest = await deps.store.latestDay();
      const entries: FeedEntry[] = [];
      if (latest) {
        const w = trendingWindow(latest);
        const page = await deps.store.listDaily({ ...w, sort: 'trending', limit: FEED_ITEM_LIMIT, offset: 0, now: deps.now() });
        for (const it of page.items) entries.push({ paper: it.paper, entry: it.entry, org: it.org });
      }
      return renderFeed(format, {
        title: 'Trending papers',
        description: 'Papers ranked by upvotes, comments and age.',
        pageUrl: `${base}/papers/trending`,
        selfUrl: selfUrl(base, `/feeds/trending.${format}`, {}),
        fallbackDate: deps.now(),
      }, entries, base);
    })));

    app.get(`/feeds/search.${format}`, async (req, reply) => {
      const q = searchQueryParam(req.query as RawQuery);
      return send(reply, format, await cached(`${format} ${q}`, async () => {
      const hits = await searchHits(deps, q, FEED_ITEM_LIMIT);
      const entries: FeedEntry[] = hits.map((h) => ({
        paper: h.detail.paper,
        entry: h.detail.daily[0] ?? null,
        org: h.detail.org,
        highlightedSummary: h.highlightedSummary,
      }));
      return renderFeed(format, {
        title: `Search: ${q}`,
        description: `Papers matching "${q}", best match first.`,
        pageUrl: `${base}/papers?${new URLSearchParams({ q }).toString()}`,
        selfUrl: selfUrl(base, `/feeds/search.${format}`, { q }),
        fallbackDate: deps.now(),
      }, entries, base);
      }));
    });
  }

  app.get('/feeds/orgs/:file', async (req, reply) => {
    const file = (req.params as { file: string }).file;
    const m = /^(.+)\.(rss|atom)$/.exec(file);
    if (!m) throw notFound(`No feed at /feeds/orgs/${file}. Use /feeds/orgs/{name}.rss or /feeds/orgs/{name}.atom.`);
    const [, name, format] = m as unknown as [string, string, FeedFormat];
    if (name.length > ORG_NAME_MAX) throw invalidParameter('name', `an organization handle is at most ${ORG_NAME_MAX} characters.`);
    const org = await deps.store.getOrganization(name);
    const page = await deps.store.listDaily({ ...ALL_DAYS, organization: name, sort: 'publishedAt', limit: FEED_ITEM_LIMIT, offset: 0, now: deps.now() });
    if (!org && page.total === 0) throw notFound(`No organization "${name}" here. Check the handle on its /orgs page.`);
    const entries: FeedEntry[] = page.items.map((it) => ({ paper: it.paper, entry: it.entry, org: it.org ?? org }));
    const display = org?.fullname ?? name;
    return send(reply, format, renderFeed(format, {
      title: `${display} — papers`,
      description: `Papers from ${display} on the daily list, newest first.`,
      pageUrl: `${base}/orgs/${encodeURIComponent(name)}`,
      selfUrl: selfUrl(base, `/feeds/orgs/${encodeURIComponent(name)}.${format}`, {}),
      fallbackDate: deps.now(),
    }, entries, base));
  });
}
