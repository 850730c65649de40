/**
 * Paperboy's papers and daily entries in the Hugging Face Hub's JSON shape
 * (what `GET https://huggingface.co/api/daily_papers` and `/api/papers/{id}`
 * return), so `huggingface_hub`'s PaperInfo parser and the `hf papers` CLI
 * read them unchanged.
 *
 * Goals: the Hub's key names and nesting exactly; absent facts stay absent
 * (a key is omitted, as the Hub does, or null where the Hub always has the
 * key) — nothing is invented: a paper known only by its author count gets
 * `authors: []`. Non-goals: Hub-only concepts paperboy does not have
 * (Mongo `_id`s, claimed-author user objects, media uploads).
 */
import type { DailyEntry, Organization, Paper, Submitter } from '../../domain/paper.js';
import type { DailyItem, PaperDetail } from '../../store/store.js';

export interface HfAuthor {
  name: string;
  hidden: boolean;
}

/** `submittedOnDailyBy` inside `paper` (the Hub's user object: `user` is the handle). */
export interface HfDailySubmitter {
  user: string;
  fullname: string;
  avatarUrl: string | null;
  type: 'user';
}

/** Top-level `submittedBy` of a daily item (the Hub names the handle `name` here). */
export interface HfItemSubmitter {
  name: string;
  fullname: string;
  avatarUrl: string | null;
  type: 'user';
}

export interface HfOrganization {
  name: string;
  fullname: string;
  avatar: string | null;
}

/** The paper object: `paper` of a daily item, and the body of `/api/papers/{id}`. */
export interface HfPaper {
  id: string;
  authors: HfAuthor[];
  publishedAt: string | null;
  /** When the paper joined the daily list; only for papers that were on one. */
  submittedOnDailyAt?: string;
  title: string;
  submittedOnDailyBy?: HfDailySubmitter;
  summary: string;
  upvotes: number;
  /** Paperboy keys a paper's discussion by the paper id. */
  discussionId: string;
  ai_summary?: string;
  ai_keywords?: string[];
  githubRepo?: string;
  githubStars?: number;
  projectPage?: string;
  organization?: HfOrganization;
}

/** `/api/papers/{id}` adds the comment count so `PaperInfo.comments` is right (the Hub omits it there). */
export interface HfPaperDetail extends HfPaper {
  numComments: number;
}

/** One element of `GET /api/daily_papers`. */
export interface HfDailyItem {
  paper: HfPaper;
  publishedAt: string | null;
  title: string;
  summary: string;
  /** The paper's social thumbnail URL, as the source gave it (the Hub's CDN), or null when none is known. */
  thumbnail: string | null;
  numComments: number;
  submittedBy?: HfItemSubmitter;
  organization?: HfOrganization;
  isAuthorParticipating: boolean;
}

/** One element of `GET /api/papers/search`. */
export interface HfSearchItem extends HfDailyItem {
  /** Title as HTML with matches in <mark>; everything else escaped. */
  highlightedTitle: string;
  highlightedSummary: string;
}

/**
 * A timestamp as the Hub writes it ("2025-06-02T03:12:44.120Z"). huggingface_hub's
 * parse_datetime only accepts UTC with a trailing Z, so sources' other ISO forms
 * ("+00:00", no milliseconds) are normalised; an unparseable value becomes null.
 */
export function hubTime(iso: string | null): string | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

/** When the entry joined its daily list: the recorded time, else the start of its day (UTC). */
export function submittedOnDailyAt(entry: DailyEntry): string {
  return hubTime(entry.submittedAt) ?? `${entry.day}T00:00:00.000Z`;
}

export function hfOrganization(org: Organization | null, handle: string | null): HfOrganization | undefined {
  if (org) return { name: org.name, fullname: org.fullname ?? org.name, avatar: org.avatarUrl };
  // A paper can name an organization the store has no row for; the handle is still a fact.
  return handle ? { name: handle, fullname: handle, avatar: null } : undefined;
}

function dailySubmitter(s: Submitter): HfDailySubmitter {
  // The Hub always has a display name; the handle is the honest fallback.
  return { user: s.user, fullname: s.fullname ?? s.user, avatarUrl: s.avatarUrl, type: 'user' };
}

function itemSubmitter(s: Submitter): HfItemSubmitter {
  return { name: s.user, fullname: s.fullname ?? s.user, avatarUrl: s.avatarUrl, type: 'user' };
}

/** The Hub's paper object, from a paper and (when it was on a daily list) its entry. */
export function hfPaper(paper: Paper, entry: DailyEntry | null, org: Organization | null): HfPaper {
  const out: HfPaper = {
    id: paper.id,
    authors: paper.authors.map((a) => ({ name: a.name, hidden: false })),
    publishedAt: hubTime(paper.publishedAt),
    title: paper.title,
    summary: paper.abstract,
    upvotes: entry?.upvotes ?? 0,
    discussionId: paper.id,
  };
  if (entry) out.submittedOnDailyAt = submittedOnDailyAt(entry);
  if (entry?.submittedBy) out.submittedOnDailyBy = dailySubmitter(entry.submittedBy);
  if (paper.aiSummary) out.ai_summary = paper.aiSummary;
  if (paper.aiKeywords.length > 0) out.ai_keywords = [...paper.aiKeywords];
  if (paper.githubRepo) out.githubRepo = paper.githubRepo;
  if (paper.githubStars !== null) out.githubStars = paper.githubStars;
  if (paper.projectPage) out.projectPage = paper.projectPage;
  const o = hfOrganization(org, paper.organization);
  if (o) out.organization = o;
  // Key order as the Hub sends it (id, authors, publishedAt, submittedOnDailyAt, title, …).
  return reorder(out, PAPER_KEY_ORDER);
}

const PAPER_KEY_ORDER = [
  'id', 'authors', 'publishedAt', 'submittedOnDailyAt', 'title', 'submittedOnDailyBy', 'summary', 'upvotes',
  'discussionId', 'ai_summary', 'ai_keywords', 'githubRepo', 'githubStars', 'projectPage', 'organization',
] as const;

function reorder<T extends object>(o: T, order: readonly string[]): T {
  const src = o as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of order) if (k in src) out[k] = src[k];
  for (const k of Object.keys(src)) if (!(k in out)) out[k] = src[k];
  return out as T;
}

/** One daily-list element in the Hub's shape. */
export function hfDailyItem(item: DailyItem): HfDailyItem {
  const { paper, entry, org } = item;
  const out: HfDailyItem = {
    paper: hfPaper(paper, entry, org),
    publishedAt: hubTime(paper.publishedAt),
    title: paper.title,
    summary: paper.abstract,
    thumbnail: paper.thumbnail,
    numComments: entry.numComments,
    isAuthorParticipating: false,
  };
  if (entry.submittedBy) out.submittedBy = itemSubmitter(entry.submittedBy);
  const o = hfOrganization(org, paper.organization);
  if (o) out.organization = o;
  return reorder(out, ['paper', 'publishedAt', 'title', 'summary', 'thumbnail', 'numComments', 'submittedBy', 'organization', 'isAuthorParticipating']);
}

/** The body of `/api/papers/{id}`: the paper object with its newest daily entry's facts. */
export function hfPaperDetail(detail: PaperDetail): HfPaperDetail {
  const entry = detail.daily[0] ?? null;
  // The store's shown counts: the newest entry's, or the local ones of a paper never listed.
  return { ...hfPaper(detail.paper, entry, detail.org), upvotes: detail.upvotes, numComments: detail.numComments };
}

/** A search hit as a daily-list element (papers never on a daily list get upvotes 0 and no submitter). */
export function hfSearchItem(detail: PaperDetail, highlightedTitle: string, highlightedSummary: string): HfSearchItem {
  const entry = detail.daily[0] ?? null;
  const base: HfDailyItem = entry
    ? hfDailyItem({ paper: detail.paper, entry, org: detail.org })
    : {
      paper: { ...hfPaper(detail.paper, null, detail.org), upvotes: detail.upvotes },
      publishedAt: hubTime(detail.paper.publishedAt),
      title: detail.paper.title,
      summary: detail.paper.abstract,
      thumbnail: detail.paper.thumbnail,
      numComments: detail.numComments,
      isAuthorParticipating: false,
    };
  if (!entry) {
    const o = hfOrganization(detail.org, detail.paper.organization);
    if (o) base.organization = o;
  }
  return { ...base, highlightedTitle, highlightedSummary };
}
