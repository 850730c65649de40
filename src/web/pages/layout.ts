/**
 * The page shell every HTML page uses: head (meta, canonical, feeds, theme),
 * a header with the site name, the main navigation, a search box and the
 * theme switch, the main landmark, and a footer.
 *
 * Goals: accessible by default (skip link, header/nav/main/footer landmarks,
 * labelled fields, one h1 supplied by the page body), one stylesheet and one
 * deferred script with versioned URLs, light/dark from the OS unless the
 * `theme` cookie says otherwise. Every value goes through html``.
 * Non-goals: per-page CSS or script bundles.
 */
import { html, raw, type SafeHtml } from '../../html/html.js';
import { assetUrl } from './assets.js';
import { demoBanner } from './demo-notice.js';

/** The visitor's theme choice (cookie `theme`); absent means "follow the OS". */
export type Theme = 'light' | 'dark';

/** Which main-navigation entry the page belongs to (marked aria-current). */
export type NavSection = 'daily' | 'weekly' | 'monthly' | 'trending' | 'search' | 'subscribe';

export interface LayoutOptions {
  title: string;
  description?: string;
  /** Absolute canonical URL of the page. */
  canonical?: string;
  /** <link rel="alternate"> feeds. */
  alternates?: { type: string; title: string; href: string }[];
  /** Extra <meta> tags (Open Graph etc.), already safe. */
  head?: SafeHtml;
  body: SafeHtml;
  /** The visitor's theme choice; undefined follows prefers-color-scheme. */
  theme?: Theme | null;
  /** Path (and query) of this page, so the no-JS theme form comes back here. */
  path?: string;
  /** The navigation entry to mark as current. */
  nav?: NavSection;
  /** Value of the header search box (on the search page). */
  query?: string;
  /**
   * Where Daily/Weekly/Monthly/Trending go from this page (a list page points
   * them at the periods holding the day it shows); default: the latest ones.
   * The header's navigation is the one period switch: list pages have no second one.
   */
  navHrefs?: Partial<Record<'daily' | 'weekly' | 'monthly' | 'trending', string>>;
  /** Demo papers in the database: a banner says so on every page while > 0. */
  demo?: number;
  /** The signed-in user (header shows their name and Settings), or null/absent (Log in · Sign up). */
  user?: { username: string } | null;
}

const SITE = 'paperboy';

function navLink(href: string, label: string, current: boolean): SafeHtml {
  return html`<li><a href="${href}"${current ? raw(' aria-current="page"') : ''}>${label}</a></li>`;
}

function themeSwitch(theme: Theme | null | undefined, back: string): SafeHtml {
  const btn = (value: string, icon: string, label: string, on: boolean) =>
    html`<button type="submit" name="theme" value="${value}" aria-pressed="${on ? 'true' : 'false'}" aria-label="${label}" title="${label}">${icon}</button>`;
  return html`<form class="theme-switch" method="post" action="/theme" role="group" aria-label="Color theme">
<input type="hidden" name="back" value="${back}">${btn('auto', '◐', 'Theme: follow system', !theme)}${btn('light', '☀', 'Theme: light', theme === 'light')}${btn('dark', '☾', 'Theme: dark', theme === 'dark')}</form>`;
}

/** Log in · Sign up, or the user's name (their settings) and Log out (a page with the CSRF-protected button). */
function accountNav(user: { username: string } | null, back: string): SafeHtml {
  if (user) {
    return html`<nav class="account-nav" aria-label="Account"><a href="/submit">Submit</a><a href="/settings" title="Settings">${user.username}</a><a href="/logout">Log out</a></nav>`;
  }
  const next = back.startsWith('/login') || back.startsWith('/signup') ? '' : back;
  return html`<nav class="account-nav" aria-label="Account"><a href="${next && next !== '/' ? `/login?next=${encodeURIComponent(next)}` : '/login'}">Log in</a><a href="/signup">Sign up</a></nav>`;
}

export function layout(o: LayoutOptions): string {
  const back = o.path ?? '/';
  const title = o.title === SITE ? SITE : `${o.title} · ${SITE}`;
  return html`<!doctype html>
<html lang="en"${o.theme ? html` data-theme="${o.theme}"` : ''}>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
${o.description ? html`<meta name="description" content="${o.description}">\n` : ''}${o.canonical ? html`<link rel="canonical" href="${o.canonical}">\n` : ''}<meta name="color-scheme" content="light dark">
<link rel="stylesheet" href="${assetUrl('app.css')}">
<link rel="icon" href="${assetUrl('icon.svg')}" type="image/svg+xml">
${(o.alternates ?? []).map((a) => html`<link rel="alternate" type="${a.type}" title="${a.title}" href="${a.href}">\n`)}${o.head ?? ''}
<script src="${assetUrl('app.js')}" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site-header"><div class="wrap">
<a class="brand" href="/">paper<span>boy</span></a>
<nav class="site-nav" aria-label="Main"><ul>
${navLink(o.navHrefs?.daily ?? '/papers', 'Daily', o.nav === 'daily')}${navLink(o.navHrefs?.weekly ?? '/papers/week', 'Weekly', o.nav === 'weekly')}${navLink(o.navHrefs?.monthly ?? '/papers/month', 'Monthly', o.nav === 'monthly')}${navLink(o.navHrefs?.trending ?? '/papers/trending', 'Trending', o.nav === 'trending')}
</ul></nav>
<form class="header-search" role="search" method="get" action="/papers">
<label class="sr-only" for="site-q">Search papers</label>
<input id="site-q" type="search" name="q" value="${o.query ?? ''}" placeholder="Search or paste an arXiv id" maxlength="250">
<button type="submit">Search</button>
</form>
${accountNav(o.user ?? null, back)}
${themeSwitch(o.theme, back)}
</div></header>
${demoBanner(o.demo ?? 0)}<main id="main" tabindex="-1"><div class="wrap">
${o.body}
</div></main>
<footer class="site-footer"><div class="wrap">
<span>${SITE} — a self-hosted research-paper hub</span>
<a href="/subscribe">Email digest</a>
<a href="/feeds/daily.rss">RSS</a>
<a href="/feeds/daily.atom">Atom</a>
<a href="/api/daily_papers">JSON API</a>
<a href="/moderation/log">Moderation log</a>
</div></footer>
</body>
</html>`.value;
}
