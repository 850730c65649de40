/**
 * How two records of the same paper combine.
 *
 * Rules (issue: "a newer arXiv version replaces an older one; a record merged
 * from two sources keeps the richer fields"):
 * - a record of a newer version overrides the version-bound fields (title,
 *   abstract, authors, comments, journal-ref, DOI, categories, license, dates);
 * - otherwise a field already known is kept and an unknown one is filled in;
 * - authors: names beat a bare count, affiliations beat none;
 * - community fields that change over time (GitHub stars, AI keywords, org)
 *   take the newest non-empty value.
 * Non-goals: conflict reporting; the store only needs the merged value and
 * whether anything changed.
 */
import type { Author, Paper, PaperVersion, SourceName } from './paper.js';

type Strings = 'title' | 'abstract' | 'comments' | 'journalRef' | 'doi' | 'reportNo' | 'license' |
  'primaryCategory' | 'publishedAt' | 'updatedAt' | 'submitter';
const VERSIONED: Strings[] = ['title', 'abstract', 'comments', 'journalRef', 'doi', 'reportNo', 'license', 'primaryCategory', 'updatedAt'];
const STABLE: Strings[] = ['publishedAt', 'submitter'];

function empty(v: unknown): boolean {
  return v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
}

function authorRichness(a: Author[]): number {
  return a.length * 2 + a.reduce((n, x) => n + (x.affiliations.length > 0 ? 1 : 0), 0);
}

function mergeVersions(a: PaperVersion[], b: PaperVersion[]): PaperVersion[] {
  const byNum = new Map<number, PaperVersion>();
  for (const v of [...a, ...b]) {
    const prev = byNum.get(v.version);
    if (!prev || (prev.date === null && v.date !== null)) byNum.set(v.version, v);
  }
  return [...byNum.values()].sort((x, y) => x.version - y.version);
}

/** Merges `incoming` into `existing` (same paper id) and returns the combined paper. */
export function mergePaper(existing: Paper, incoming: Paper): Paper {
  const newer = incoming.version !== null && (existing.version === null || incoming.version > existing.version);
  const out: Paper = { ...existing };
  for (const k of VERSIONED) {
    if (newer ? !empty(incoming[k]) : empty(existing[k])) (out[k] as string | null) = incoming[k];
  }
  for (const k of STABLE) if (empty(existing[k])) (out[k] as string | null) = incoming[k];
  if (newer) {
    if (incoming.categories.length) out.categories = incoming.categories;
    if (incoming.authors.length) out.authors = incoming.authors;
  } else {
    if (existing.categories.length === 0) out.categories = incoming.categories;
    if (authorRichness(incoming.authors) > authorRichness(existing.authors)) out.authors = incoming.authors;
  }
  out.authorCount = out.authors.length > 0 ? out.authors.length : Math.max(existing.authorCount, incoming.authorCount);
  out.version = Math.max(existing.version ?? 0, incoming.version ?? 0) || null;
  out.versions = mergeVersions(existing.versions, incoming.versions);
  if (existing.arxivId === null) out.arxivId = incoming.arxivId;
  // Community fields: the latest non-empty value wins (stars grow, keywords get recomputed).
  if (incoming.githubStars !== null) out.githubStars = incoming.githubStars;
  for (const k of ['githubRepo', 'projectPage', 'organization', 'aiSummary', 'thumbnail'] as const) {
    if (!empty(incoming[k])) out[k] = incoming[k];
  }
  if (incoming.aiKeywords.length) out.aiKeywords = incoming.aiKeywords;
  out.sources = [...new Set<SourceName>([...existing.sources, ...incoming.sources])];
  return out;
}

/** True when two papers hold the same data (used to report "unchanged"). */
export function samePaper(a: Paper, b: Paper): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
