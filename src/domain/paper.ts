/**
 * The paper and the things that hang off it, as every folder sees them.
 *
 * Goals: one typed shape for a paper past the edge (parsers produce it, the
 * store keeps it, the web and digest read it). Non-goals: persistence details
 * (see store/) or wire formats (see ingest/ and web/api/).
 */

/** Where a record came from; kept on the paper as the list of sources seen. */
export type SourceName = 'arxiv-atom' | 'arxiv-oai' | 'snapshot' | 'hf-daily' | 'seed' | 'submit';

export interface Author {
  name: string;
  /** Affiliations when the source gives them (arXiv Atom `arxiv:affiliation`). */
  affiliations: string[];
}

export interface PaperVersion {
  /** 1 for v1. */
  version: number;
  /** ISO 8601 timestamp the version was announced/created, when known. */
  date: string | null;
}

export interface Organization {
  /** Short handle, unique ("ByteDance"). */
  name: string;
  fullname: string | null;
  avatarUrl: string | null;
}

/** A paper as held by the store. Dates are ISO 8601 strings (UTC). */
export interface Paper {
  /** arXiv id without version ("2405.15738", "hep-th/9901001"), or a stable local id ("local-…"). */
  id: string;
  /** The arXiv id when the paper has one (equal to `id`), else null. */
  arxivId: string | null;
  /** Latest version number known, null when the source did not say. */
  version: number | null;
  versions: PaperVersion[];
  title: string;
  abstract: string;
  /** Ordered authors; empty when only a count is known. */
  authors: Author[];
  /** Number of authors (== authors.length when names are known). */
  authorCount: number;
  categories: string[];
  primaryCategory: string | null;
  publishedAt: string | null;
  updatedAt: string | null;
  comments: string | null;
  journalRef: string | null;
  doi: string | null;
  reportNo: string | null;
  license: string | null;
  /** arXiv submitter's name (snapshot/OAI `submitter`). */
  submitter: string | null;
  githubRepo: string | null;
  githubStars: number | null;
  projectPage: string | null;
  /** Organization handle (see Organization.name). */
  organization: string | null;
  aiSummary: string | null;
  aiKeywords: string[];
  /**
   * Set when `aiSummary` / `aiKeywords` were extracted from the paper's own
   * text by paperboy (search/paper-notes.ts) because the source gave none;
   * absent on what the store holds (extracted notes are never stored).
   */
  extracted?: { summary: boolean; keywords: boolean };
  /** The paper's figure / social thumbnail (an absolute http(s) URL), when a source has one (the Hub's daily JSON). */
  thumbnail: string | null;
  sources: SourceName[];
}

/** A paper featured on the daily list of one day. */
export interface DailyEntry {
  paperId: string;
  /** The day of the daily list, YYYY-MM-DD (UTC). */
  day: string;
  /** When the paper joined the daily list (ISO), when known. */
  submittedAt: string | null;
  /** Who submitted it: a user handle, when known. */
  submittedBy: Submitter | null;
  upvotes: number;
  numComments: number;
}

export interface Submitter {
  user: string;
  fullname: string | null;
  avatarUrl: string | null;
}

/**
 * What a parser hands to the importer: a paper (possibly partial: fields a
 * source does not carry are null/empty), plus a daily entry and an
 * organization when the source has them.
 */
export interface PaperRecord {
  paper: Paper;
  daily: Omit<DailyEntry, 'paperId'> | null;
  org: Organization | null;
}

/** An empty paper with every optional field unset; parsers spread over it. */
export function blankPaper(id: string, source: SourceName): Paper {
  return {
    id,
    arxivId: null,
    version: null,
    versions: [],
    title: '',
    abstract: '',
    authors: [],
    authorCount: 0,
    categories: [],
    primaryCategory: null,
    publishedAt: null,
    updatedAt: null,
    comments: null,
    journalRef: null,
    doi: null,
    reportNo: null,
    license: null,
    submitter: null,
    githubRepo: null,
    githubStars: null,
    projectPage: null,
    organization: null,
    aiSummary: null,
    aiKeywords: [],
    thumbnail: null,
    sources: [source],
  };
}

/** Links derived from the id: arXiv abstract and PDF pages. */
export function paperLinks(p: Pick<Paper, 'arxivId' | 'doi'>): { abs: string | null; pdf: string | null; doi: string | null } {
  return {
    abs: p.arxivId ? `https://arxiv.org/abs/${p.arxivId}` : null,
    pdf: p.arxivId ? `https://arxiv.org/pdf/${p.arxivId}` : null,
    doi: p.doi ? `https://doi.org/${p.doi}` : null,
  };
}

/** A key that matches the same title across sources (case, spacing, punctuation ignored). */
export function titleKey(title: string): string {
  return title.normalize('NFKD').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

/**
 * A 53-bit hash of titleKey(title) (cyrb53): a small integer the store can
 * index for the cross-source title match; callers compare titleKey on a hit.
 */
export function titleHash(title: string): number {
  const key = titleKey(title);
  let h1 = 0xdeadbeef, h2 = 0x41c6ce57;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** Collapses runs of whitespace (arXiv wraps titles and abstracts at ~80 columns). */
export function collapseSpace(s: string): string {
  // Most strings need nothing (single spaces, no line breaks): test before rewriting.
  // Rewrite only what differs from a single space (runs, tabs, line breaks): ~40% faster on abstracts.
  return NEEDS_COLLAPSE.test(s) ? s.replace(/\s*[^\S ]\s*| {2,}/g, ' ').trim() : s;
}

const NEEDS_COLLAPSE = /\s\s|[^\S ]|^\s|\s$/;
