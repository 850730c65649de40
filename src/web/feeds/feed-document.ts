/**
 * Builds an RSS 2.0 or Atom 1.0 document from a list of papers with the
 * `feed` package.
 *
 * Goals: valid XML whatever the source text holds — titles and abstracts are
 * HTML-escaped (Atom marks them type="html", and RSS readers render
 * descriptions as HTML), and so are the channel's own title and description,
 * which carry search text and organization names (the `feed` package only
 * XML-escapes them, so a reader rendering them as HTML would meet live
 * markup; the Atom feed's title and subtitle are marked type="html" to
 * match); characters XML 1.0 forbids are dropped, and every
 * element RSS 2.0 / Atom require is present (channel title/link/description;
 * feed id/title/updated/author; entry id/title/updated/link). Deterministic
 * output: `updated` is the newest item's date, not the wall clock.
 * Non-goals: choosing which papers (routes.ts) or JSON Feed.
 */
import { Feed } from 'feed';
import type { DailyEntry, Organization, Paper } from '../../domain/paper.js';
import { escapeHtml } from '../../html/html.js';

export type FeedFormat = 'rss' | 'atom';

export interface FeedEntry {
  paper: Paper;
  /** The daily entry the paper is listed under, when it has one. */
  entry: DailyEntry | null;
  org: Organization | null;
  /** Abstract as safe HTML with search matches marked (search feeds only). */
  highlightedSummary?: string;
}

export interface FeedMeta {
  title: string;
  description: string;
  /** The HTML page this feed mirrors (absolute). */
  pageUrl: string;
  /** This feed's own URL (absolute, with its query). */
  selfUrl: string;
  /** Used when the feed has no items. */
  fallbackDate: Date;
}

// XML 1.0 allows TAB, LF, CR and U+0020 upward, minus surrogates and U+FFFE/U+FFFF.
// eslint-disable-next-line no-control-regex
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Drops characters XML 1.0 cannot carry, even escaped. */
export function xmlSafe(s: string): string {
  return s.replace(XML_INVALID, '');
}

function text(s: string): string {
  return escapeHtml(xmlSafe(s.replace(/\s+/g, ' ').trim()));
}

/**
 * Channel-level text (feed title and description), HTML-escaped with numeric
 * references ("&#60;"): the `feed` package XML-escapes these fields itself but
 * leaves an existing "&amp;" alone, so named references would lose a level of
 * escaping; numeric ones come out right either way.
 */
function channelText(s: string): string {
  return xmlSafe(s.replace(/\s+/g, ' ').trim()).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function entryDate(e: FeedEntry, fallback: Date): Date {
  const iso = e.entry?.submittedAt ?? (e.entry ? `${e.entry.day}T00:00:00.000Z` : null) ?? e.paper.publishedAt;
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isNaN(t) ? fallback : new Date(t);
}

function authorsLine(p: Paper): string {
  if (p.authors.length > 0) return p.authors.map((a) => a.name).join(', ');
  return p.authorCount > 0 ? `${p.authorCount} authors` : '';
}

export function paperUrl(publicUrl: string, id: string): string {
  return `${publicUrl}/papers/${encodeURI(id)}`;
}

/** The HTML body of an item: authors, organization, daily-list facts, abstract. */
function itemContent(e: FeedEntry): string {
  const parts: string[] = [];
  const authors = authorsLine(e.paper);
  if (authors) parts.push(`<p>${text(authors)}</p>`);
  const facts: string[] = [];
  const orgName = e.org?.fullname ?? e.org?.name ?? e.paper.organization;
  if (orgName) facts.push(text(orgName));
  if (e.entry) facts.push(`${e.entry.upvotes} upvotes`, `${e.entry.numComments} comments`);
  if (e.paper.githubStars !== null && e.paper.githubRepo) facts.push(`${e.paper.githubStars} GitHub stars`);
  if (facts.length > 0) parts.push(`<p>${facts.join(' · ')}</p>`);
  parts.push(`<p>${e.highlightedSummary ? xmlSafe(e.highlightedSummary) : text(e.paper.abstract)}</p>`);
  return parts.join('\n');
}

export function renderFeed(format: FeedFormat, meta: FeedMeta, entries: FeedEntry[], publicUrl: string): string {
  const dates = entries.map((e) => entryDate(e, meta.fallbackDate));
  const updated = dates.length > 0 ? new Date(Math.max(...dates.map((d) => d.getTime()))) : meta.fallbackDate;
  const feed = new Feed({
    id: meta.selfUrl,
    title: channelText(meta.title),
    description: channelText(meta.description),
    link: meta.pageUrl,
    updated,
    generator: 'paperboy',
    language: 'en',
    feedLinks: format === 'rss' ? { rss: meta.selfUrl } : { atom: meta.selfUrl },
    // Atom needs an author on the feed when entries carry none.
    author: { name: 'paperboy', link: publicUrl },
  });
  entries.forEach((e, i) => {
    const link = paperUrl(publicUrl, e.paper.id);
    feed.addItem({
      id: link,
      link,
      title: text(e.paper.title) || text(e.paper.id),
      date: dates[i],
      description: text(e.paper.abstract),
      content: itemContent(e),
      category: e.paper.categories.map((c) => ({ name: xmlSafe(c), term: xmlSafe(c) })),
    });
  });
  return format === 'rss' ? feed.rss2() : feedTextAsHtml(feed.atom1());
}

/**
 * Marks the Atom feed's own <title> and <subtitle> type="html" (the `feed`
 * package writes them untyped, i.e. plain text), since they hold HTML-escaped
 * text like the entries. They are the first of each in the document: the
 * feed's <id> before them is an escaped URL and entries come after.
 */
function feedTextAsHtml(atom: string): string {
  return atom.replace('<title>', '<title type="html">').replace('<subtitle>', '<subtitle type="html">');
}
