/**
 * Previous/next page links for long lists (a month's papers, search results).
 *
 * Goals: plain links that keep the other query parameters, "Page 2 of 9",
 * rel="prev"/"next". Non-goals: numbered page strips (lists are read from
 * the top; search is refined, not paged through).
 */
import { html, type SafeHtml } from '../../html/html.js';

/** How many cards a list page shows: a busy day on Daily Papers has 30–60 papers, so most days fit one page. */
export const LIST_PAGE_SIZE = 50;
/** The largest page number accepted (deep pages of a month or a search are never useful; bounds OFFSET work). */
export const MAX_PAGE = 1000;

export function pageCount(total: number, pageSize: number): number {
  return Math.max(1, Math.ceil(total / pageSize));
}

/** The URL of page `page` of `path` with `params` (page 1 has no `page` parameter). */
export function pageHref(path: string, params: Record<string, string | undefined>, page: number): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '' && k !== 'page') q.set(k, v);
  if (page > 1) q.set('page', String(page));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

export function pager(path: string, params: Record<string, string | undefined>, page: number, pages: number): SafeHtml {
  if (pages <= 1) return html``;
  return html`<nav class="pager" aria-label="Pages">
${page > 1 ? html`<a class="button" rel="prev" href="${pageHref(path, params, page - 1)}">← Previous</a>` : html`<span></span>`}
<span>Page ${page} of ${pages}</span>
${page < pages ? html`<a class="button" rel="next" href="${pageHref(path, params, page + 1)}">Next →</a>` : html`<span></span>`}
</nav>`;
}
