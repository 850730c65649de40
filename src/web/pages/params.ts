/**
 * Validation of the query parameters HTML pages accept. Every bad value
 * becomes a 400 HttpError that names the parameter and says what is
 * accepted — never a 500, never silently ignored.
 *
 * Non-goals: JSON-API parameters (web/api/ has its own, Hub-compatible rules).
 */
import { badRequest } from '../http-error.js';
import { isDay } from '../../domain/periods.js';
import type { SearchSort } from '../../search/lexical.js';
import { MAX_PAGE } from './pager.js';

/** Longest accepted search query, as the Hub's search API (`q` up to 250 characters). */
export const MAX_QUERY_CHARS = 250;

type Query = Record<string, unknown>;

/** A single string parameter; repeated parameters (?q=a&q=b) are refused. */
export function stringParam(q: Query, name: string, maxChars = 200): string | undefined {
  const v = q[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw badRequest('invalid_parameter', `"${name}" was given more than once; give it once.`);
  if (v.length > maxChars) throw badRequest('invalid_parameter', `"${name}" is too long: at most ${maxChars} characters.`);
  return v.trim();
}

/** `page`: 1 (default) to MAX_PAGE. */
export function pageParam(q: Query): number {
  const v = stringParam(q, 'page', 10);
  if (v === undefined || v === '') return 1;
  if (!/^\d+$/.test(v) || +v < 1 || +v > MAX_PAGE) {
    throw badRequest('invalid_parameter', `"page" must be a whole number from 1 to ${MAX_PAGE}, got "${v}".`);
  }
  return +v;
}

export function dayParam(q: Query, name: string): string | undefined {
  const v = stringParam(q, name, 20);
  if (v === undefined || v === '') return undefined;
  if (!isDay(v)) throw badRequest('invalid_parameter', `"${name}" must be a date as YYYY-MM-DD, such as 2025-06-02; got "${v}".`);
  return v;
}

const SORTS: SearchSort[] = ['relevance', 'newest', 'upvotes'];

export interface SearchParams {
  q: string;
  from?: string;
  to?: string;
  category?: string;
  org?: string;
  sort: SearchSort;
  page: number;
}

export function searchParams(q: Query): SearchParams {
  const text = stringParam(q, 'q', MAX_QUERY_CHARS) ?? '';
  const from = dayParam(q, 'from');
  const to = dayParam(q, 'to');
  if (from && to && from > to) throw badRequest('invalid_parameter', `"from" (${from}) is after "to" (${to}); swap them.`);
  const category = stringParam(q, 'category', 40) || undefined;
  if (category && !/^[A-Za-z][A-Za-z0-9.-]*$/.test(category)) {
    throw badRequest('invalid_parameter', `"category" must be an arXiv category such as cs.CL, got "${category}".`);
  }
  const org = stringParam(q, 'org', 100) || undefined;
  const sortRaw = stringParam(q, 'sort', 20) || 'relevance';
  if (!SORTS.includes(sortRaw as SearchSort)) {
    throw badRequest('invalid_parameter', `"sort" must be one of ${SORTS.join(', ')}; got "${sortRaw}".`);
  }
  return { q: text, from, to, category, org, sort: sortRaw as SearchSort, page: pageParam(q) };
}
