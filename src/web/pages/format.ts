/**
 * Small formatting rules the pages share: dates, period names, counts,
 * author lines, paper URLs, and which outside URLs may become links.
 *
 * Goals: one wording everywhere ("Oct 3, 2023", "Week 40 · Oct 2 – 8, 2023",
 * "5 authors"); plain strings out (the caller escapes through html``).
 * Non-goals: localisation (English, UTC days, like the daily lists).
 */
import type { Paper } from '../../domain/paper.js';
import type { Period } from '../../domain/periods.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTHS_LONG = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September',
  'October', 'November', 'December'];

/** "2023-10-03" or an ISO timestamp → "Oct 3, 2023"; '' when unparseable. */
export function formatDay(dayOrIso: string | null | undefined): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(dayOrIso ?? '');
  if (!m) return '';
  return `${MONTHS[+m[2] - 1] ?? m[2]} ${+m[3]}, ${m[1]}`;
}

/** "2023-10" → "October 2023". */
export function formatMonth(key: string): string {
  const [y, mo] = key.split('-');
  return `${MONTHS_LONG[+mo - 1] ?? mo} ${y}`;
}

/** A period as a header: "Oct 3, 2023", "Week 40 · Oct 2 – Oct 8, 2023", "October 2023". */
export function formatPeriod(p: Period): string {
  if (p.kind === 'day') return formatDay(p.from);
  if (p.kind === 'month') return formatMonth(p.key);
  const from = formatDay(p.from), to = formatDay(p.to);
  const sameYear = p.from.slice(0, 4) === p.to.slice(0, 4);
  return `Week ${+p.key.slice(6)} · ${sameYear ? from.replace(/, \d{4}$/, '') : from} – ${to}`;
}

/** 1234 → "1.2k", 12 → "12". */
export function compactNumber(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0).replace(/\.0$/, '')}k`;
  return `${(n / 1_000_000).toFixed(1).replace(/\.0$/, '')}M`;
}

/** One formatter for the whole process: Number#toLocaleString builds a new one per call (tens of µs each). */
const INTEGER = new Intl.NumberFormat('en-US');

/** 12345 → "12,345". */
export function formatCount(n: number): string {
  return n < 1000 ? String(n) : INTEGER.format(n);
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** The author line of a card: up to `max` names then "+ N more", or "N authors" when only the count is known. */
export function authorLine(p: Pick<Paper, 'authors' | 'authorCount'>, max = 4): string {
  if (p.authors.length === 0) return p.authorCount > 0 ? plural(p.authorCount, 'author') : '';
  const names = p.authors.slice(0, max).map((a) => a.name).join(', ');
  const more = p.authors.length - max;
  return more > 0 ? `${names} + ${more} more` : names;
}

/** The site path of a paper; an old-style id keeps its slash ("/papers/hep-th/9901001"). */
export function paperPath(id: string): string {
  return '/papers/' + id.split('/').map(encodeURIComponent).join('/');
}

/** The search for papers with a keyword (the query parser's keyword:"…"). */
export function keywordPath(keyword: string): string {
  return `/papers?q=${encodeURIComponent(`keyword:"${keyword.replace(/"/g, ' ')}"`)}`;
}

export function orgPath(name: string): string {
  return '/orgs/' + encodeURIComponent(name);
}

/** An outside URL that may become an href: http(s) only (never javascript: or data:), else null. */
export function safeUrl(u: string | null | undefined): string | null {
  if (!u) return null;
  try {
    const url = new URL(u);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

/** A GitHub repository as a link target: "owner/repo" or a full URL → https URL, else null. */
export function githubUrl(repo: string | null): string | null {
  if (!repo) return null;
  if (/^[\w.-]+\/[\w.-]+$/.test(repo)) return `https://github.com/${repo}`;
  return safeUrl(repo);
}

/** Text cut at a word boundary to at most `max` characters, with an ellipsis when cut. */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  const cut = s.slice(0, max - 1);
  const sp = cut.lastIndexOf(' ');
  return (sp > max * 0.6 ? cut.slice(0, sp) : cut).replace(/[\s,;:.]+$/, '') + '…';
}
