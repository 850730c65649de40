/**
 * The search page (`/papers?q=…`): the form with filters (date range,
 * category, organization) and sort, the result count, result cards with
 * matches marked in the title and an abstract snippet, and paging.
 *
 * Goals: every control is a labelled plain form field (GET, works without
 * JavaScript); paging links keep the query and filters.
 * Non-goals: running the search (search-routes.ts) or type-ahead.
 */
import type { SearchMode, SearchSort } from '../../search/search-request.js';
import { html, raw, type SafeHtml } from '../../html/html.js';
import { layout } from './layout.js';
import type { PageContext } from './page-context.js';
import { cardList } from './paper-card.js';
import { pageHref, pager, pageCount } from './pager.js';
import type { SearchParams } from '../params.js';
import { SEARCH_QUERY_MAX } from '../../search/search-request.js';
import { formatCount } from './format.js';

export interface SearchView {
  params: SearchParams;
  /** Result cards, already rendered with highlights. */
  cards: SafeHtml[];
  total: number;
  totalIsEstimate: boolean;
  pageSize: number;
  canonical: string;
  /** True when neither a query nor a filter was given (show the form only). */
  blank: boolean;
  /** A corrected query when a word matched nothing ("Did you mean …?"). */
  suggestion?: string;
  /** The search stopped at its time budget. */
  partial?: boolean;
  /** Changes the search index has not applied yet (it catches up in the background). */
  indexBehind?: number;
}

const SORT_LABELS: [SearchSort, string][] = [['relevance', 'Relevance'], ['newest', 'Newest'], ['upvotes', 'Most upvoted']];
const MODE_LABELS: [SearchMode, string][] = [['auto', 'Words, then meaning'], ['hybrid', 'Words and meaning'], ['lexical', 'Exact words'], ['semantic', 'Meaning only']];

/** The query and filters as URL parameters (for paging and the feed link). */
export function searchQueryParams(p: SearchParams): Record<string, string | undefined> {
  return {
    q: p.q, from: p.from, to: p.to, category: p.category, org: p.org, sort: p.sort === 'relevance' ? undefined : p.sort,
    mode: p.mode === 'auto' ? undefined : p.mode,
  };
}

function searchForm(p: SearchParams): SafeHtml {
  return html`<form class="search-form" method="get" action="/papers" role="search" aria-label="Search papers">
<div class="row">
<div class="field grow"><label for="q">Search</label>
<input id="q" type="search" name="q" value="${p.q}" maxlength="${SEARCH_QUERY_MAX}" placeholder='Words, "a phrase", author:Name, or an arXiv id / URL'></div>
<button type="submit">Search</button>
</div>
<div class="row">
<div class="field"><label for="from">Published from</label><input id="from" type="date" name="from" value="${p.from ?? ''}"></div>
<div class="field"><label for="to">to</label><input id="to" type="date" name="to" value="${p.to ?? ''}"></div>
<div class="field"><label for="category">Category</label><input id="category" name="category" value="${p.category ?? ''}" placeholder="cs.CL" size="10"></div>
<div class="field"><label for="org">Organization</label><input id="org" name="org" value="${p.org ?? ''}" size="14"></div>
<div class="field"><label for="sort">Sort by</label><select id="sort" name="sort">${SORT_LABELS.map(([v, label]) =>
    html`<option value="${v}"${v === p.sort ? raw(' selected') : ''}>${label}</option>`)}</select></div>
<div class="field"><label for="mode">Match</label><select id="mode" name="mode">${MODE_LABELS.map(([v, label]) =>
    html`<option value="${v}"${v === p.mode ? raw(' selected') : ''}>${label}</option>`)}</select></div>
</div>
</form>`;
}

export function renderSearchPage(v: SearchView, ctx: PageContext): string {
  const p = v.params;
  const pages = pageCount(v.total, v.pageSize);
  const countText = v.total === 0
    ? 'No papers match.'
    : `${v.totalIsEstimate ? 'About ' : ''}${formatCount(v.total)} ${v.total === 1 ? 'paper' : 'papers'}${pages > 1 ? ` · page ${p.page} of ${pages}` : ''}`;
  const body = html`<h1>${p.q ? html`Search: “${p.q}”` : 'Search papers'}</h1>
${searchForm(p)}
${v.blank
    ? html`<p class="muted">Type words to search titles, authors and abstracts; quote a phrase; filter with author:, category:, keyword: or the fields above. Paste an arXiv id or an arXiv / Hugging Face paper link to open that paper.</p>`
    : html`<p class="result-count" role="status">${countText}</p>
${v.indexBehind ? html`<p class="muted">The search index is catching up with the database (${v.indexBehind.toLocaleString('en-US')} changes to go): recently added or changed papers may be missing for a moment.</p>` : ''}
${v.partial ? html`<p class="muted">This search took too long and stopped early: these are the best matches found so far. Fewer or more specific words search everything.</p>` : ''}
${v.suggestion ? html`<p class="suggestion">Did you mean <a href="${pageHref('/papers', searchQueryParams({ ...p, q: v.suggestion }), 1)}">${v.suggestion}</a>?</p>` : ''}
${cardList(v.cards, 'Try fewer or different words, or remove a filter.')}
${pager('/papers', searchQueryParams(p), p.page, pages)}`}`;
  const feedQuery = new URLSearchParams({ q: p.q }).toString();
  return layout({
    title: p.q ? `Search: ${p.q}` : 'Search papers',
    description: 'Search papers by title, authors and abstract.',
    canonical: v.canonical,
    alternates: p.q ? [{ type: 'application/rss+xml', title: `Papers matching “${p.q}” (RSS)`, href: `/feeds/search.rss?${feedQuery}` }] : [],
    head: v.blank ? undefined : html`<meta name="robots" content="noindex, follow">`,
    body,
    theme: ctx.theme,
    user: ctx.user,
    path: ctx.path,
    demo: ctx.demo,
    nav: 'search',
    query: p.q,
  });
}
