/**
 * Hugging Face `daily_papers` API answers (`GET /api/daily_papers?date=…`):
 * a JSON array of items `{ paper: {…}, publishedAt, numComments,
 * submittedBy, organization, … }`.
 *
 * Goals: each item → the paper (arXiv id, title, abstract, authors, GitHub
 * repo and stars, project page, AI summary/keywords, organization) plus its
 * daily-list entry (day, submitter, upvotes, comments) and the organization
 * record. The day of the list: `paper.submittedOnDailyAt`'s UTC day when
 * present (files since 2025-03); before that, the top-level `publishedAt`
 * (when the item joined the list). A caller that knows which day the file
 * answers (`?date=`, or a file saved as YYYY-MM-DD.json) passes it as
 * `listDay`: it is the truth for items without `submittedOnDailyAt` (around
 * 2024-12..2025-03 the top-level `publishedAt` is often the evening before or
 * the paper's own date). A file may hold one day or many.
 * The pictures: the item's `thumbnail` (the paper's social image), the
 * submitter's `avatarUrl` and the organization's `avatar`, made absolute.
 * Non-goals: the Hub's user objects beyond handle, full name and avatar;
 * `mediaUrls` (videos and uploads).
 */
import { blankPaper, collapseSpace, type Author, type DailyEntry, type Organization, type Paper, type Submitter } from '../domain/paper.js';
import { parseArxivId } from '../domain/arxiv-id.js';
import { addDays, dayOf, isDay } from '../domain/periods.js';
import { FormatError, errorText, reject, type ParsedItem } from './parsed-item.js';
import { isoTimestamp } from './source-dates.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

/** The Hub serves avatars as site-relative paths ("/avatars/x.svg"); links elsewhere need them absolute. */
const HUB_ORIGIN = 'https://huggingface.co';

export interface HfDailyOptions {
  /** The day the whole file answers (YYYY-MM-DD), when the caller knows it. */
  listDay?: string | null;
}

function obj(v: Json | undefined): Obj | null {
  return v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v) ? v : null;
}

function text(v: Json | undefined): string | null {
  if (typeof v !== 'string') return null;
  const t = collapseSpace(v);
  return t === '' ? null : t;
}

function count(v: Json | undefined): number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.floor(v) : 0;
}

function absoluteUrl(v: Json | undefined): string | null {
  const s = text(v);
  if (!s) return null;
  return s.startsWith('/') ? HUB_ORIGIN + s : s;
}

/** Only http(s) URLs are kept as pictures (a `javascript:` or `data:` value is dropped). */
function httpUrl(u: string | null): string | null {
  return u && /^https?:\/\/[^\s"'<>]+$/i.test(u) ? u : null;
}

function orgOf(v: Json | undefined): Organization | null {
  const o = obj(v);
  const name = o ? text(o.name) : null;
  return o && name ? { name, fullname: text(o.fullname), avatarUrl: absoluteUrl(o.avatar ?? o.avatarUrl) } : null;
}

/** The submitter: `paper.submittedOnDailyBy` {user,…} (2025) or the item's `submittedBy` {name,…}. */
function submitterOf(paper: Obj, item: Obj): Submitter | null {
  const by = obj(paper.submittedOnDailyBy);
  const user = by ? text(by.user) ?? text(by.name) : null;
  if (by && user) return { user, fullname: text(by.fullname), avatarUrl: absoluteUrl(by.avatarUrl) };
  const sb = obj(item.submittedBy);
  const name = sb ? text(sb.name) ?? text(sb.user) : null;
  if (sb && name) return { user: name, fullname: text(sb.fullname), avatarUrl: absoluteUrl(sb.avatarUrl) };
  return null;
}

function dailyOf(paper: Obj, item: Obj, listDay: string | null): Omit<DailyEntry, 'paperId'> {
  const onDaily = isoTimestamp(paper.submittedOnDailyAt);
  const top = isoTimestamp(item.publishedAt);
  let day: string;
  let submittedAt: string | null;
  if (onDaily) {
    day = dayOf(onDaily);
    submittedAt = onDaily;
  } else if (listDay) {
    day = listDay;
    // The top-level time is the submission moment only when it falls on the list day or the evening before.
    submittedAt = top && (dayOf(top) === listDay || dayOf(top) === addDays(listDay, -1)) ? top : null;
  } else if (top) {
    day = dayOf(top);
    submittedAt = top;
  } else {
    throw new Error('no day for the daily list: neither paper.submittedOnDailyAt nor publishedAt is a date');
  }
  return {
    day,
    submittedAt,
    submittedBy: submitterOf(paper, item),
    upvotes: count(paper.upvotes),
    numComments: count(item.numComments),
  };
}

function itemToRecord(itemJson: Json, listDay: string | null): { paper: Paper; daily: Omit<DailyEntry, 'paperId'>; org: Organization | null } {
  const item = obj(itemJson);
  if (!item) throw new Error('not a JSON object');
  const p = obj(item.paper);
  if (!p) throw new Error('missing "paper"');
  const idRaw = text(p.id);
  if (!idRaw) throw new Error('missing "paper.id"');
  const id = parseArxivId(idRaw);
  if (!id) throw new Error(`"paper.id" "${idRaw}" is not an arXiv id`);
  const title = text(p.title) ?? text(item.title);
  if (!title) throw new Error(`${id.id}: missing "paper.title"`);
  const authors: Author[] = (Array.isArray(p.authors) ? p.authors : []).flatMap((a) => {
    const name = text(obj(a)?.name);
    return name ? [{ name, affiliations: [] }] : [];
  });
  const org = orgOf(p.organization) ?? orgOf(item.organization);
  const keywords = Array.isArray(p.ai_keywords) ? p.ai_keywords.map(text).filter((k): k is string => !!k) : [];
  const stars = p.githubStars;
  const paper: Paper = {
    ...blankPaper(id.id, 'hf-daily'),
    arxivId: id.id,
    title,
    abstract: text(p.summary) ?? '',
    authors,
    authorCount: authors.length,
    publishedAt: isoTimestamp(p.publishedAt),
    githubRepo: text(p.githubRepo),
    githubStars: typeof stars === 'number' && Number.isFinite(stars) ? stars : null,
    projectPage: text(p.projectPage),
    organization: org?.name ?? null,
    aiSummary: text(p.ai_summary),
    aiKeywords: keywords,
    thumbnail: httpUrl(absoluteUrl(item.thumbnail ?? p.thumbnail)),
  };
  return { paper, daily: dailyOf(p, item, listDay), org };
}

/**
 * Parses a daily_papers answer (an array of items; a single item object is
 * accepted too). Throws FormatError when the text is not JSON or not that shape.
 */
export function parseHfDaily(json: string, opts: HfDailyOptions = {}): ParsedItem[] {
  const listDay = opts.listDay && isDay(opts.listDay) ? opts.listDay : null;
  const body = json.replace(/^\uFEFF/, '');
  if (body.trim() === '') throw new FormatError('the daily papers file is empty: expected a JSON array of items');
  let data: Json;
  try {
    data = JSON.parse(body) as Json;
  } catch (err) {
    throw new FormatError(`not JSON (${errorText(err)}); expected a Hugging Face daily_papers JSON array`);
  }
  const list: Json[] | null = Array.isArray(data) ? data : obj(data)?.paper !== undefined ? [data] : null;
  if (!list) throw new FormatError('not a Hugging Face daily_papers answer: expected a JSON array of items with "paper"');
  if (list.length > 0 && !list.some((x) => obj(x)?.paper !== undefined)) {
    throw new FormatError('not a Hugging Face daily_papers answer: no item has a "paper" object');
  }
  return list.map((x, i) => {
    const at = `entry ${i + 1}`;
    try {
      return { ok: true, at, record: itemToRecord(x, listDay) };
    } catch (err) {
      return reject(at, errorText(err));
    }
  });
}

/** The day a daily_papers file answers, from its name ("2025-01-15.json", also compressed: "2025-01-15.json.gz") or URL (`?date=2025-01-15`); null when unknown. */
export function listDayFromLocation(location: string): string | null {
  const q = /[?&]date=(\d{4}-\d{2}-\d{2})(?:&|$)/.exec(location);
  const f = /(?:^|[/\\])(\d{4}-\d{2}-\d{2})\.json(?:\.(?:gz|bz2|zst))?$/i.exec(location);
  const day = q?.[1] ?? f?.[1] ?? null;
  return day && isDay(day) ? day : null;
}
