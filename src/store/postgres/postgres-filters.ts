/**
 * The SQL of search filters on the papers table (alias `p`), shared by the
 * full-text fallback and the store's browse listing, and the numbered
 * parameters ($1, $2, …) they bind.
 *
 * Non-goals: validating values (the search service passes canonical ones).
 */
import type { LexicalFilters, LexicalSort } from '../lexical-engine.js';

/** Numbered parameters for one statement: add(value) returns its placeholder. */
export class Params {
  readonly values: unknown[] = [];

  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

/** The day after `day` (YYYY-MM-DD), the exclusive upper bound of an inclusive `to`. */
export function nextDay(day: string): string | null {
  const t = Date.parse(`${day}T00:00:00Z`);
  if (Number.isNaN(t)) return null;
  return new Date(t + 86_400_000).toISOString().slice(0, 10);
}

export function hasFilters(f: LexicalFilters): boolean {
  return !!f.from || !!f.to || f.categories.length > 0 || f.organizations.length > 0;
}

/** A WHERE condition over `p` ('TRUE' when there is no filter), its values added to `params`. */
export function filterSql(f: LexicalFilters, params: Params): string {
  const where: string[] = [];
  if (f.from) where.push(`p.published_at >= ${params.add(f.from)}`);
  const toNext = f.to ? nextDay(f.to) : null;
  if (toNext) where.push(`p.published_at < ${params.add(toNext)}`);
  for (const c of f.categories) {
    where.push(`EXISTS (SELECT 1 FROM paper_categories c WHERE c.category = ${params.add(c)} AND c.paper_pk = p.pk)`);
  }
  for (const o of f.organizations) where.push(`p.organization = ${params.add(o)}`);
  return where.length ? where.join(' AND ') : 'TRUE';
}

/** The upvotes column expression a non-relevance sort needs ('' for newest). */
export function upvotesColumn(sort: LexicalSort): string {
  return sort === 'upvotes' ? ', (SELECT MAX(d.upvotes + d.local_upvotes) FROM daily_entries d WHERE d.paper_id = p.id) AS upvotes' : '';
}

/** ORDER BY for a sort; NULLS LAST as SQLite sorts NULLs lowest (papers without a date or upvotes last). */
export function sortSql(sort: LexicalSort): string {
  if (sort === 'upvotes') return 'upvotes DESC NULLS LAST, p.published_at DESC NULLS LAST, p.pk DESC';
  return 'p.published_at DESC NULLS LAST, p.pk DESC';
}
