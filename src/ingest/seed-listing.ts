/**
 * The seed listing: the Daily Papers search page the project started from
 * (`{ source, papers: [{ title, abstract, authorCount, organization,
 * listedDate, upvotes }] }`), shipped as the demo corpus.
 *
 * Goals: keep what it has and invent nothing. No arXiv id → a stable local id
 * from the title ("local-" + 16 hex of sha256(titleKey)), so a later arXiv
 * record of the same title takes it over; no author names → authors = [] with
 * the count; the listed date → publishedAt and a daily-list entry on that day
 * with the upvotes and no submitter, so the demo site has lists; the
 * organization ("ucdavis UC Davis": handle, then full name) as an org record.
 * Non-goals: other listing pages (their dates would need their own year).
 */
import { createHash } from 'node:crypto';
import { blankPaper, collapseSpace, titleKey, type Organization, type PaperRecord } from '../domain/paper.js';
import { FormatError, errorText, reject, type ParsedItem } from './parsed-item.js';

/**
 * The year of dates listed without one ("Mar 8"). The page is dated May 8
 * 2026 and shows a year only for earlier years ("Nov 17, 2025").
 */
export const SEED_LISTING_YEAR = 2026;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** The stable local id of a paper known only by its title. */
export function localPaperId(title: string): string {
  return 'local-' + createHash('sha256').update(titleKey(title)).digest('hex').slice(0, 16);
}

/** "Mar 8" → 2026-03-08 (SEED_LISTING_YEAR), "Oct 3, 2023" → 2023-10-03; null when unreadable. */
export function parseListedDate(raw: string, defaultYear = SEED_LISTING_YEAR): string | null {
  const m = /^([A-Za-z]{3})[a-z]*\.?\s+(\d{1,2})(?:,?\s+(\d{4}))?$/.exec(raw.trim());
  if (!m) return null;
  const month = MONTHS.indexOf(m[1].toLowerCase());
  if (month < 0) return null;
  const year = m[3] ? Number(m[3]) : defaultYear;
  const d = new Date(Date.UTC(year, month, Number(m[2])));
  if (d.getUTCMonth() !== month) return null; // "Feb 30"
  return d.toISOString().slice(0, 10);
}

function orgOf(v: Json | undefined): Organization | null {
  if (typeof v === 'string') {
    const s = collapseSpace(v);
    if (!s) return null;
    const sp = s.indexOf(' ');
    return sp < 0 ? { name: s, fullname: null, avatarUrl: null } : { name: s.slice(0, sp), fullname: s.slice(sp + 1), avatarUrl: null };
  }
  if (v && typeof v === 'object' && !Array.isArray(v) && typeof v.name === 'string' && v.name.trim()) {
    return { name: v.name.trim(), fullname: typeof v.fullname === 'string' ? v.fullname : null, avatarUrl: null };
  }
  return null;
}

function entryToRecord(e: Json): PaperRecord {
  if (!e || typeof e !== 'object' || Array.isArray(e)) throw new Error('not a JSON object');
  const title = typeof e.title === 'string' ? collapseSpace(e.title) : '';
  if (!titleKey(title)) throw new Error('missing "title"');
  const count = e.authorCount;
  const authorCount = typeof count === 'number' && Number.isInteger(count) && count >= 0 ? count : 0;
  const upvotes = typeof e.upvotes === 'number' && e.upvotes >= 0 ? Math.floor(e.upvotes) : 0;
  let day: string | null = null;
  if (e.listedDate !== undefined && e.listedDate !== null) {
    day = typeof e.listedDate === 'string' ? parseListedDate(e.listedDate) : null;
    if (!day) throw new Error(`"listedDate" ${JSON.stringify(e.listedDate)} is not a date such as "Mar 8" or "Oct 3, 2023"`);
  }
  const org = orgOf(e.organization);
  const paper = {
    ...blankPaper(localPaperId(title), 'seed' as const),
    title,
    abstract: typeof e.abstract === 'string' ? collapseSpace(e.abstract) : '',
    authorCount,
    publishedAt: day ? `${day}T00:00:00.000Z` : null,
    organization: org?.name ?? null,
  };
  const daily = day ? { day, submittedAt: null, submittedBy: null, upvotes, numComments: 0 } : null;
  return { paper, daily, org };
}

/** Parses the seed listing JSON. Throws FormatError when it is not that shape. */
export function parseSeedListing(json: string): ParsedItem[] {
  const body = json.replace(/^\uFEFF/, '');
  if (body.trim() === '') throw new FormatError('the seed listing is empty: expected {"source": …, "papers": [ … ]}');
  let data: Json;
  try {
    data = JSON.parse(body) as Json;
  } catch (err) {
    throw new FormatError(`not JSON (${errorText(err)}); expected the seed listing {"papers": [ … ]}`);
  }
  if (!data || typeof data !== 'object' || Array.isArray(data) || !Array.isArray(data.papers)) {
    throw new FormatError('not a seed listing: expected a JSON object with a "papers" array');
  }
  return data.papers.map((e, i) => {
    const at = `entry ${i + 1}`;
    try {
      return { ok: true, at, record: entryToRecord(e) };
    } catch (err) {
      return reject(at, errorText(err));
    }
  });
}
