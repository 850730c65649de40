/**
 * The SQL of search filters on the papers table (alias `p`), shared by the
 * FTS5 engine and the store's browse listing.
 *
 * Non-goals: validating values (the search service passes canonical ones).
 */
import type { LexicalFilters, LexicalSort } from '../lexical-engine.js';

/** The day after `day` (YYYY-MM-DD), the exclusive upper bound of an inclusive `to`. */
export function nextDay(day: string): string | null {
  const t = Date.parse(`${day}T00:00:00Z`);
  if (Number.isNaN(t)) return null;
  return new Date(t + 86_400_000).toISOString().slice(0, 10);
}

export function hasFilters(f: LexicalFilters): boolean {
  return !!f.from || !!f.to || f.categories.length > 0 || f.organizations.length > 0;
}

/** A WHERE condition over `p` with named parameters ('1' when there is no filter). */
export function filterSql(f: LexicalFilters): { where: string; params: Record<string, string> } {
  const where: string[] = [];
  const params: Record<string, string> = {};
  if (f.from) { where.push('p.published_at >= @from'); params.from = f.from; }
  const toNext = f.to ? nextDay(f.to) : null;
  if (toNext) { where.push('p.published_at < @toNext'); params.toNext = toNext; }
  f.categories.forEach((c, i) => {
    params[`cat${i}`] = c;
    where.push(`EXISTS (SELECT 1 FROM paper_categories c WHERE c.category = @cat${i} AND c.paper_pk = p.pk)`);
  });
  f.organizations.forEach((o, i) => { where.push(`p.organization = @org${i}`); params[`org${i}`] = o; });
  return { where: where.length ? where.join(' AND ') : '1', params };
}

/** The upvotes column expression a non-relevance sort needs ('' for newest). */
export function upvotesColumn(sort: LexicalSort): string {
  return sort === 'upvotes' ? ', (SELECT MAX(d.upvotes + d.local_upvotes) FROM daily_entries d WHERE d.paper_id = p.id) AS upvotes' : '';
}

/** ORDER BY for a sort (NULLs sort lowest in SQLite, so DESC puts papers without a date or upvotes last). */
export function sortSql(sort: LexicalSort): string {
  if (sort === 'upvotes') return 'upvotes DESC, p.published_at DESC, p.pk DESC';
  return 'p.published_at DESC, p.pk DESC';
}
