/**
 * The daily / weekly / monthly / trending list pages: a header with the
 * period and prev/next arrows, the cards, paging, and the subscribe box. The
 * site header's Daily/Weekly/Monthly/Trending links are the period switch
 * (pointed at the periods holding the day shown), so it appears once.
 *
 * Goals: one renderer for the four kinds, plain links for every move (no
 * JavaScript). Non-goals: choosing the papers (list-routes.ts asks the store).
 */
import type { DailyItem } from '../../store/store.js';
import { html, type SafeHtml } from '../../html/html.js';
import { layout, type NavSection } from './layout.js';
import type { PageContext } from './page-context.js';
import { cardList, paperCard } from './paper-card.js';
import { pager, pageCount } from './pager.js';
import { subscribeBox } from './subscribe-box.js';
import type { ImagePolicy } from '../images.js';
import { plural } from './format.js';
import type { VoteState } from '../community/vote-control.js';

export type ListKind = 'day' | 'week' | 'month' | 'trending';

export interface NavLink {
  href: string;
  /** Accessible name, e.g. "Previous day: Oct 2, 2023". */
  label: string;
}

export interface ListView {
  kind: ListKind;
  /** The visible period, e.g. "Oct 3, 2023", "Week 40 · Oct 2 – Oct 8, 2023", "Last 7 days". */
  periodLabel: string;
  prev: NavLink | null;
  next: NavLink | null;
  /** Where the header's Daily/Weekly/Monthly/Trending links go from this page (the one period switch). */
  switchHrefs: Record<ListKind, string>;
  items: DailyItem[];
  /** The cards already rendered (list-routes.ts keeps them in its short cache); rendered from `items` when absent. */
  cardsHtml?: SafeHtml;
  total: number;
  page: number;
  pageSize: number;
  /** Path of page 1 of this list (for paging links). */
  path: string;
  canonical: string;
  alternates: { type: string; title: string; href: string }[];
  csrfToken: string;
  /** Shown when the period has no papers. */
  emptyText: string;
  /** Optional line under the header (e.g. how trending is computed). */
  note?: string;
  /** The signed-in visitor's "For you" box (the home page only: web/community/for-you.ts). */
  forYou?: SafeHtml | null;
}

const TITLES: Record<ListKind, string> = {
  day: 'Daily Papers',
  week: 'Weekly Papers',
  month: 'Monthly Papers',
  trending: 'Trending Papers',
};

const NAV: Record<ListKind, NavSection> = { day: 'daily', week: 'weekly', month: 'monthly', trending: 'trending' };

function arrow(link: NavLink | null, symbol: string, fallback: string): SafeHtml {
  if (!link) return html`<span class="arrow" aria-disabled="true" title="${fallback}"><span aria-hidden="true">${symbol}</span><span class="sr-only">${fallback}</span></span>`;
  return html`<a class="arrow" href="${link.href}" rel="${symbol === '‹' ? 'prev' : 'next'}" aria-label="${link.label}" title="${link.label}"><span aria-hidden="true">${symbol}</span></a>`;
}

/** The card list of a list page; cacheable when `vote` does not depend on the visitor (signed out). */
export function renderCards(kind: ListKind, items: DailyItem[], emptyText: string, images?: ImagePolicy, vote?: (paperId: string) => VoteState,
  followed?: (org: string | null) => boolean): SafeHtml {
  return cardList(items.map((it) => paperCard(it, {
    date: kind === 'day' ? 'published' : 'day', images, vote: vote?.(it.paper.id), followed: followed?.(it.org?.name ?? it.paper.organization),
  })), emptyText);
}

export function renderListPage(v: ListView, ctx: PageContext): string {
  const pages = pageCount(v.total, v.pageSize);
  const title = v.kind === 'trending' ? TITLES.trending : `${TITLES[v.kind]} · ${v.periodLabel}`;
  const body = html`<div class="list-head">
<div>
<h1>${TITLES[v.kind]}</h1>
<div class="period-nav">${v.kind === 'trending' ? '' : arrow(v.prev, '‹', 'No earlier papers')}<span class="current" aria-live="polite">${v.periodLabel}</span>${v.kind === 'trending' ? '' : arrow(v.next, '›', 'No later papers')}</div>
</div>
</div>
${v.note ? html`<p class="muted">${v.note}</p>` : ''}
${v.total > 0 ? html`<p class="result-count">${plural(v.total, 'paper')}${pages > 1 ? ` · page ${v.page} of ${pages}` : ''}</p>` : ''}
${v.forYou ?? ''}
${v.cardsHtml ?? renderCards(v.kind, v.items, v.emptyText)}
${pager(v.path, {}, v.page, pages)}
${subscribeBox(v.csrfToken, v.kind === 'day' ? 'daily' : 'weekly')}`;
  return layout({
    title,
    description: `${TITLES[v.kind]} — ${v.periodLabel}: ${plural(v.total, 'paper')}, ranked by the community.`,
    canonical: v.canonical,
    alternates: v.alternates,
    body,
    theme: ctx.theme,
    user: ctx.user,
    path: ctx.path,
    demo: ctx.demo,
    navHrefs: { daily: v.switchHrefs.day, weekly: v.switchHrefs.week, monthly: v.switchHrefs.month, trending: v.switchHrefs.trending },
    nav: NAV[v.kind],
  });
}
