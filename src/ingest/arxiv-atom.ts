/**
 * The arXiv export API's answers (`/api/query`): an Atom feed of entries.
 *
 * Goals: each entry → a paper with its arXiv id and version, dates, title,
 * abstract, authors with `arxiv:affiliation`, categories and primary
 * category, comment, journal-ref and DOI (from `arxiv:doi` or the DOI link);
 * the OpenSearch counts for paging; arXiv's error feed (an entry whose id is
 * `…/api/errors#…`) raised as ArxivApiError carrying its message; a bad
 * entry reported and skipped. Non-goals: fetching or paging through results
 * (the caller does that); PDF links (derived from the id, see paperLinks).
 */
import { blankPaper, collapseSpace, type Author, type Paper } from '../domain/paper.js';
import { arxivIdFromAbsUrl } from '../domain/arxiv-id.js';
import { FormatError, errorText, reject, type ParsedItem } from './parsed-item.js';
import { attr, child, children, childText, isElement, parseXml, textOf, type XmlNode } from './xml-tree.js';
import { isoTimestamp } from './source-dates.js';
import { decodeTex } from './author-names.js';

export interface AtomPage {
  items: ParsedItem[];
  totalResults: number | null;
  startIndex: number | null;
  itemsPerPage: number | null;
}

/** arXiv answered with its error feed (bad query, bad id): the message is the feed's summary, as arXiv wrote it. */
export class ArxivApiError extends Error {
  override name = 'ArxivApiError';
}

function count(n: XmlNode | undefined, key: string): number | null {
  const t = childText(n, key);
  if (t === null || !/^\d+$/.test(t)) return null;
  return Number(t);
}

/** "http://dx.doi.org/10.1103/X" → "10.1103/X". */
function doiFromLink(href: string): string | null {
  const m = /doi\.org\/(10\.\S+)$/i.exec(href.trim());
  return m ? decodeURIComponent(m[1]) : null;
}

function entryToPaper(e: XmlNode): Paper {
  const rawId = childText(e, 'id');
  if (!rawId) throw new Error('entry has no <id>');
  const parsed = arxivIdFromAbsUrl(rawId);
  if (!parsed) throw new Error(`<id> "${rawId}" is not an arXiv abstract URL`);
  const title = collapseSpace(textOf(child(e, 'title')));
  if (!title) throw new Error(`${parsed.id}: empty <title>`);
  const published = isoTimestamp(childText(e, 'published'));
  const updated = isoTimestamp(childText(e, 'updated'));
  const authors: Author[] = children(e, 'author').flatMap((a) => {
    const name = childText(a, 'name');
    if (!name) return [];
    const affiliations = children(a, 'affiliation').map((x) => collapseSpace(textOf(x))).filter(Boolean);
    return [{ name: decodeTex(name), affiliations }];
  });
  const categories = [...new Set(children(e, 'category').map((c) => attr(c, 'term')).filter((t): t is string => !!t))];
  const primary = attr(child(e, 'primary_category'), 'term') ?? categories[0] ?? null;
  if (primary && !categories.includes(primary)) categories.unshift(primary);
  let doi = childText(e, 'doi');
  if (!doi) {
    const link = children(e, 'link').find((l) => attr(l, 'title') === 'doi');
    doi = link ? doiFromLink(attr(link, 'href') ?? '') : null;
  }
  const version = parsed.version;
  const versions = [];
  if (published) versions.push({ version: 1, date: published });
  if (version !== null && version > 1) versions.push({ version, date: updated });
  return {
    ...blankPaper(parsed.id, 'arxiv-atom'),
    arxivId: parsed.id,
    version,
    versions,
    title,
    abstract: collapseSpace(textOf(child(e, 'summary'))),
    authors,
    authorCount: authors.length,
    categories,
    primaryCategory: primary,
    publishedAt: published,
    updatedAt: updated,
    comments: childText(e, 'comment'),
    journalRef: childText(e, 'journal_ref'),
    doi,
  };
}

/** Parses one page of arXiv API results. Throws FormatError (not an Atom feed) or ArxivApiError (error feed). */
export function parseArxivAtom(xml: string): AtomPage {
  const doc = parseXml(xml, 'arXiv API Atom feed');
  const feed = doc.feed;
  if (!isElement(feed)) {
    const root = Object.keys(doc).find((k) => !k.startsWith('?')) ?? '(none)';
    throw new FormatError(`not an Atom feed: the root element is <${root}>, expected <feed> (arXiv API Atom)`);
  }
  const entries = children(feed, 'entry');
  const errorEntry = entries.find((e) => /\/api\/errors/.test(childText(e, 'id') ?? ''));
  if (errorEntry) {
    throw new ArxivApiError(childText(errorEntry, 'summary') ?? childText(errorEntry, 'title') ?? 'unknown error');
  }
  const items: ParsedItem[] = entries.map((e, i) => {
    const at = `entry ${i + 1}`;
    try {
      return { ok: true, at, record: { paper: entryToPaper(e), daily: null, org: null } };
    } catch (err) {
      return reject(at, errorText(err));
    }
  });
  return {
    items,
    totalResults: count(feed, 'totalResults'),
    startIndex: count(feed, 'startIndex'),
    itemsPerPage: count(feed, 'itemsPerPage'),
  };
}
