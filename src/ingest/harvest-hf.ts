/**
 * Follows a Daily Papers list served by any Hub-compatible endpoint (the Hub
 * itself, or another paperboy): `GET {endpoint}/api/daily_papers?date=DAY`,
 * day by day, every page of each day (`p` = 0, 1, … until a page comes back
 * shorter than the first, or empty).
 *
 * Goals: resumable (the last finished day is saved in job state after each
 * day's import commits, so a killed run re-run starts at the day it was on;
 * a finished run's next default start is that day again, because a day's
 * list keeps changing — new submissions, upvotes, comment counts — for a
 * while); polite (the HTTP client's spacing, Retry-After on 429/503,
 * backoff: http-fetch.ts); never losing local data (records go through the
 * importer's merge: a field the endpoint leaves out keeps its stored value,
 * upvotes and comment counts take the endpoint's newer numbers).
 * Non-goals: schedules (serve), other lists (week/month are views over days).
 */
import type { Store } from '../store/store.js';
import { addDays, isDay } from '../domain/periods.js';
import { parseHfDaily } from './hf-daily.js';
import type { ImportOptions, ImportSummary } from './importer.js';
import type { ParsedItem } from './parsed-item.js';

export const DEFAULT_HF_ENDPOINT = 'https://huggingface.co';

/**
 * Items asked for per page. The Hub answers at most 100 (its `limit` cap,
 * and paperboy's DAILY_LIMIT_MAX); the busiest Hub days hold ~60 papers, so
 * a day is usually one request.
 */
export const HF_PAGE_SIZE = 100;

/** Days a first run goes back when there is no --from and no earlier harvest. 7: one week of lists. */
export const HF_DEFAULT_DAYS = 7;

/** Pages of one day at most (a misbehaving endpoint that never ends a day stops here). 50 × 100 items. */
const MAX_PAGES_PER_DAY = 50;

export class HfHarvestError extends Error {}

export interface HfHarvestState {
  /** The last day whose every page was imported. */
  lastDay: string | null;
  lastFinishedAt: string | null;
}

export function hfStateKey(endpoint: string): string {
  return `harvest:hf:${endpoint.replace(/\/+$/, '')}`;
}

export interface HfHarvestOptions {
  endpoint: string;
  /** First day (YYYY-MM-DD); default: the last harvested day (it may have changed), else HF_DEFAULT_DAYS ago. */
  from?: string | null;
  /** Last day; default today (UTC). */
  to?: string | null;
}

export interface HfHarvestDeps {
  fetchText: (url: string) => Promise<string>;
  importItems: (store: Store, items: ParsedItem[], opts: ImportOptions) => Promise<ImportSummary>;
  log?: (line: string) => void;
  now?: () => Date;
}

export interface HfHarvestResult {
  from: string;
  to: string;
  days: number;
  pages: number;
  added: number;
  updated: number;
  unchanged: number;
  rejected: number;
}

function checkDay(v: string, flag: string): string {
  if (!isDay(v)) throw new HfHarvestError(`${flag} must be a date YYYY-MM-DD, got "${v}"`);
  return v;
}

/** The request for one page of one day. */
export function dailyPapersUrl(endpoint: string, day: string, page: number): string {
  const u = new URL(endpoint.replace(/\/+$/, '') + '/api/daily_papers');
  u.searchParams.set('date', day);
  u.searchParams.set('limit', String(HF_PAGE_SIZE));
  if (page > 0) u.searchParams.set('p', String(page));
  return u.toString();
}

export async function readHfState(store: Store, endpoint: string): Promise<HfHarvestState> {
  const raw = await store.getState(hfStateKey(endpoint));
  return raw ? (JSON.parse(raw) as HfHarvestState) : { lastDay: null, lastFinishedAt: null };
}

/** Runs (or resumes) a harvest from `from` to `to`, one day at a time. */
export async function harvestHf(store: Store, opts: HfHarvestOptions, deps: HfHarvestDeps): Promise<HfHarvestResult> {
  const log = deps.log ?? (() => undefined);
  const now = deps.now ?? (() => new Date());
  try {
    new URL(opts.endpoint);
  } catch {
    throw new HfHarvestError(`--endpoint must be an absolute URL such as ${DEFAULT_HF_ENDPOINT}, got "${opts.endpoint}"`);
  }
  const today = now().toISOString().slice(0, 10);
  const state = await readHfState(store, opts.endpoint);
  const to = opts.to ? checkDay(opts.to, '--to') : today;
  let from: string;
  if (opts.from) {
    from = checkDay(opts.from, '--from');
  } else if (state.lastDay) {
    // The last day harvested is taken again: its list and votes kept changing after the run.
    from = state.lastDay < to ? state.lastDay : to;
    log(`from ${from}: where the last harvest of ${opts.endpoint} ended`);
  } else {
    from = addDays(to, -(HF_DEFAULT_DAYS - 1));
    log(`from ${from}: no earlier harvest of ${opts.endpoint}, taking the last ${HF_DEFAULT_DAYS} days (use --from to go further back)`);
  }
  if (from > to) throw new HfHarvestError(`--from ${from} is after --to ${to}`);
  const result: HfHarvestResult = { from, to, days: 0, pages: 0, added: 0, updated: 0, unchanged: 0, rejected: 0 };
  for (let day = from; day <= to; day = addDays(day, 1)) {
    const items: ParsedItem[] = [];
    let pages = 0;
    let fullPage = HF_PAGE_SIZE;
    let lastIds = '';
    for (let p = 0; p < MAX_PAGES_PER_DAY; p++) {
      const url = dailyPapersUrl(opts.endpoint, day, p);
      let body: string;
      try {
        body = await deps.fetchText(url);
      } catch (err) {
        throw new HfHarvestError(`${err instanceof Error ? err.message : String(err)}; days up to ${state.lastDay ?? '(none)'} are saved, run the same command again to resume`);
      }
      const page = parseHfDaily(body, { listDay: day });
      pages++;
      // An endpoint that ignores `p` would answer the same page forever: stop at a repeat.
      const ids = page.map((it) => (it.ok ? it.record.paper.id : it.at)).join(',');
      if (page.length === 0 || ids === lastIds) break;
      lastIds = ids;
      items.push(...page);
      // A page shorter than the first is the last (endpoints may cap `limit` below what was asked).
      if (p === 0) fullPage = page.length;
      if (page.length < fullPage || page.length < 1) break;
    }
    // One transaction per day: a day is all in or not at all, and only then is it recorded as done.
    const s = items.length > 0 ? await deps.importItems(store, items, { batchSize: Math.max(1, items.length) }) : null;
    if (s) {
      result.added += s.added;
      result.updated += s.updated;
      result.unchanged += s.unchanged;
      result.rejected += s.rejected;
    }
    result.days++;
    result.pages += pages;
    state.lastDay = day;
    await store.setState(hfStateKey(opts.endpoint), JSON.stringify(state));
    log(`${day}: ${items.length} papers in ${pages} page${pages === 1 ? '' : 's'}${s ? ` (added ${s.added}, updated ${s.updated}, unchanged ${s.unchanged}, rejected ${s.rejected})` : ''}`);
  }
  state.lastFinishedAt = now().toISOString();
  await store.setState(hfStateKey(opts.endpoint), JSON.stringify(state));
  return result;
}
