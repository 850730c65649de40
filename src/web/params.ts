/**
 * Query-string validation for every route (pages, JSON API, feeds): raw
 * strings in, typed values out, or an HttpError 400 that names the parameter
 * and says what a good value looks like.
 *
 * Goals: one place for the rules every route shares (integers in a range,
 * YYYY-MM-DD days, ISO weeks, months, enums, bounded text, the search form),
 * so a bad value never reaches the store and never becomes a 500.
 * Non-goals: body parsing (each form route validates its own body) and
 * coercion beyond what the Hub accepts.
 */
import { HttpError } from './http-error.js';
import { dayPeriod, isDay, monthPeriod, weekPeriod, type Period } from '../domain/periods.js';
import { SEARCH_MODES, SEARCH_QUERY_MAX, SEARCH_SORTS, type SearchMode, type SearchSort } from '../search/search-request.js';
import { MAX_PAGE } from './pages/pager.js';

/** Fastify hands query values over as a string, an array (repeated key) or nothing. */
export type RawQuery = Record<string, unknown>;

export function invalidParameter(name: string, message: string): HttpError {
  return new HttpError(400, 'invalid_parameter', `Invalid parameter "${name}": ${message}`);
}

/**
 * The single string value of `name` (as given, untrimmed), undefined when
 * absent or empty; 400 when repeated or longer than `maxChars`.
 */
export function stringParam(q: RawQuery, name: string, maxChars = 2000): string | undefined {
  const v = q[name];
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) throw invalidParameter(name, 'given more than once; give it once.');
  if (typeof v !== 'string') throw invalidParameter(name, 'expected a string.');
  if (v.length > maxChars) throw invalidParameter(name, `at most ${maxChars} characters, got ${v.length}.`);
  return v === '' ? undefined : v;
}

/** An integer in [min, max], or `fallback` when absent. */
export function intParam(q: RawQuery, name: string, min: number, max: number, fallback: number): number {
  const s = stringParam(q, name, 40);
  if (s === undefined) return fallback;
  if (!/^-?\d+$/.test(s.trim())) throw invalidParameter(name, `expected an integer from ${min} to ${max}, got "${clip(s)}".`);
  const n = Number(s.trim());
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw invalidParameter(name, `expected an integer from ${min} to ${max}, got ${clip(s)}.`);
  }
  return n;
}

/** One of `allowed`, or undefined when absent. */
export function enumParam<T extends string>(q: RawQuery, name: string, allowed: readonly T[]): T | undefined {
  const s = stringParam(q, name)?.trim();
  if (!s) return undefined;
  if (!(allowed as readonly string[]).includes(s)) {
    throw invalidParameter(name, `expected one of ${allowed.join(', ')}, got "${clip(s)}".`);
  }
  return s as T;
}

/** Free text up to `maxLength` characters (trimmed); undefined when absent or blank. */
export function textParam(q: RawQuery, name: string, maxLength: number): string | undefined {
  const s = stringParam(q, name, maxLength * 4)?.trim();
  if (!s) return undefined;
  if ([...s].length > maxLength) throw invalidParameter(name, `at most ${maxLength} characters, got ${[...s].length}.`);
  return s;
}

/** A calendar day "YYYY-MM-DD", as text. */
export function dayParam(q: RawQuery, name: string): string | undefined {
  const s = stringParam(q, name, 40)?.trim();
  if (!s) return undefined;
  if (!isDay(s)) throw invalidParameter(name, `expected a calendar day YYYY-MM-DD such as 2025-06-02, got "${clip(s)}".`);
  return s;
}

/** A calendar day "YYYY-MM-DD", as the period it spans. */
export function dayPeriodParam(q: RawQuery, name: string): Period | undefined {
  const s = dayParam(q, name);
  return s === undefined ? undefined : (dayPeriod(s) ?? undefined);
}

/** An ISO 8601 week "YYYY-Www". */
export function weekParam(q: RawQuery, name: string): Period | undefined {
  const s = stringParam(q, name, 40);
  if (s === undefined) return undefined;
  const p = weekPeriod(s);
  if (!p) throw invalidParameter(name, `expected an ISO week YYYY-Www such as 2025-W09, got "${clip(s)}".`);
  return p;
}

/** A month "YYYY-MM". */
export function monthParam(q: RawQuery, name: string): Period | undefined {
  const s = stringParam(q, name, 40);
  if (s === undefined) return undefined;
  const p = monthPeriod(s);
  if (!p) throw invalidParameter(name, `expected a month YYYY-MM such as 2025-02, got "${clip(s)}".`);
  return p;
}

/**
 * The period selected by `date`, `week` or `month` (at most one of them), or
 * undefined when none is given.
 */
export function periodParams(q: RawQuery): Period | undefined {
  const given = (['date', 'week', 'month'] as const).filter((k) => stringParam(q, k, 40) !== undefined);
  if (given.length > 1) {
    throw invalidParameter(given[1], `give only one of date, week or month (got ${given.join(' and ')}).`);
  }
  return dayPeriodParam(q, 'date') ?? weekParam(q, 'week') ?? monthParam(q, 'month');
}

/** `page`: 1 (default) to MAX_PAGE. */
export function pageParam(q: RawQuery): number {
  return intParam(q, 'page', 1, MAX_PAGE, 1);
}

/** `q`: the search text as typed (trimmed), at most SEARCH_QUERY_MAX characters; '' when absent. */
export function queryTextParam(q: RawQuery): string {
  return textParam(q, 'q', SEARCH_QUERY_MAX) ?? '';
}

/** The search form and search page's parameters. */
export interface SearchParams {
  q: string;
  from?: string;
  to?: string;
  category?: string;
  org?: string;
  sort: SearchSort;
  /** auto (default), hybrid, lexical or semantic. */
  mode: SearchMode;
  page: number;
}

/** `mode`: auto (default), hybrid, lexical or semantic. */
export function modeParam(q: RawQuery): SearchMode {
  return enumParam(q, 'mode', SEARCH_MODES) ?? 'auto';
}

export function searchParams(q: RawQuery): SearchParams {
  const text = queryTextParam(q);
  const from = dayParam(q, 'from');
  const to = dayParam(q, 'to');
  if (from && to && from > to) throw invalidParameter('from', `${from} is after "to" (${to}); swap them.`);
  const category = stringParam(q, 'category', 40)?.trim() || undefined;
  if (category && !/^[A-Za-z][A-Za-z0-9.-]*$/.test(category)) {
    throw invalidParameter('category', `expected an arXiv category such as cs.CL, got "${clip(category)}".`);
  }
  const org = stringParam(q, 'org', 100)?.trim() || undefined;
  const sort = enumParam(q, 'sort', SEARCH_SORTS) ?? 'relevance';
  return { q: text, from, to, category, org, sort, mode: modeParam(q), page: pageParam(q) };
}

/** Echoes user input in messages without letting a huge value flood the response. */
function clip(s: string): string {
  return s.length > 40 ? s.slice(0, 40) + '…' : s;
}
