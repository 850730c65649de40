/**
 * What a record may hold before it reaches the store, whatever its source:
 * control characters stripped, every field within a sane maximum.
 *
 * Goals: one gate in the importer (every source passes it), so a hostile or
 * broken file cannot plant a 126 MB abstract that makes its page take 20 s and
 * a search return 377 MB, nor NUL/backspace characters that reach HTML, feeds
 * and mail. A record over a limit is refused with a reason naming the field,
 * its size and the limit (the importer reports it with its line/entry and goes
 * on); control characters are removed silently, since they are never content.
 * Each limit sits far above anything real (the why-comments give the real
 * figures), so no genuine paper is refused.
 * Non-goals: truncating (a cut abstract would be stored as if it were whole),
 * judging content, limits on lines of a file (snapshot-jsonl.ts).
 */
import type { PaperRecord } from '../domain/paper.js';

/** Titles: arXiv's longest run to ~350 characters; a title is shown whole in cards, <title>, feeds and mail subjects. */
export const TITLE_MAX = 1_000;
/** Abstracts: arXiv caps them at 1,920 characters and older ones run to a few thousand; 20,000 is ten times the cap. */
export const ABSTRACT_MAX = 20_000;
/** Authors per paper: the largest real lists (ATLAS + CMS combined papers) have ~5,200 names. */
export const AUTHORS_MAX = 10_000;
/** One author's name: real names with particles, initials and decoded TeX accents stay under 100 characters. */
export const AUTHOR_NAME_MAX = 500;
/** Affiliations per author (arXiv Atom `arxiv:affiliation`): a handful at most in practice. */
export const AFFILIATIONS_MAX = 50;
/** arXiv comments ("12 pages, 5 figures, accepted at …"): usually under 300 characters, a few reach ~2,000. */
export const COMMENTS_MAX = 10_000;
/** Short bibliographic fields (journal-ref, report-no, DOI, license, submitter, affiliations, full names): ~200 in practice. */
export const SHORT_TEXT_MAX = 2_000;
/** URLs (GitHub repo, project page, avatars): 2,048 is the common ceiling of browsers' address bars and search engines. */
export const URL_MAX = 2_048;
/** Categories per paper: arXiv papers list at most about ten (one primary plus cross-lists). */
export const CATEGORIES_MAX = 100;
/** One category ("cs.LG", "physics.atom-ph", an old archive name): under 20 characters. */
export const CATEGORY_MAX = 50;
/** Versions per paper: the most revised arXiv papers have a few dozen. */
export const VERSIONS_MAX = 1_000;
/** Organization (and submitter) handles: the site's org feeds and the API's `submitter` take at most 100 characters. */
export const ORG_NAME_MAX = 100;
/** Hub AI summaries: a paragraph of a few hundred characters. */
export const AI_SUMMARY_MAX = 5_000;
/** Hub AI keywords: about ten per paper, each a word or short phrase. */
export const AI_KEYWORDS_MAX = 100;
export const AI_KEYWORD_MAX = 200;
/** Paper ids: arXiv ids are under 30 characters; local ids are generated short. */
export const ID_MAX = 200;

// C0 controls except TAB, LF and CR (whitespace the parsers collapse), and DEL: never text.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
// eslint-disable-next-line no-control-regex
const CONTROL_ALL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

/** `s` without control characters (the same string when it has none). */
export function stripControls(s: string): string {
  return CONTROL.test(s) ? s.replace(CONTROL_ALL, '') : s;
}

/**
 * `v` with control characters removed from every string in it, at any depth
 * (so a field added to PaperRecord later is covered too). Objects and arrays
 * are copied only where something changed: a clean record comes back as is.
 */
function withoutControls<T>(v: T): T {
  if (typeof v === 'string') return stripControls(v) as T;
  if (Array.isArray(v)) {
    let out: unknown[] | null = null;
    for (let i = 0; i < v.length; i++) {
      const c = withoutControls(v[i] as unknown);
      if (c !== v[i]) (out ??= v.slice())[i] = c;
    }
    return (out ?? v) as T;
  }
  if (v !== null && typeof v === 'object') {
    let out: Record<string, unknown> | null = null;
    for (const [k, x] of Object.entries(v)) {
      const c = withoutControls(x);
      if (c !== x) (out ??= { ...(v as Record<string, unknown>) })[k] = c;
    }
    return (out ?? v) as T;
  }
  return v;
}

/** The record with control characters removed from every text field. */
export function cleanRecord(r: PaperRecord): PaperRecord {
  return withoutControls(r);
}

const n = (x: number) => x.toLocaleString('en-US');

/** Why the record breaks a limit ("abstract is 126,000,000 characters; at most 20,000"), or null when it fits. */
export function recordLimitProblem(r: PaperRecord): string | null {
  const p = r.paper;
  const problems: string[] = [];
  const text = (field: string, v: string | null | undefined, max: number) => {
    if (v && v.length > max) problems.push(`${field} is ${n(v.length)} characters; at most ${n(max)}`);
  };
  const count = (field: string, len: number, max: number) => {
    if (len > max) problems.push(`${field} has ${n(len)} entries; at most ${n(max)}`);
  };
  text('id', p.id, ID_MAX);
  text('title', p.title, TITLE_MAX);
  text('abstract', p.abstract, ABSTRACT_MAX);
  count('authors', p.authors.length, AUTHORS_MAX);
  if (p.authorCount > AUTHORS_MAX) problems.push(`author count is ${n(p.authorCount)}; at most ${n(AUTHORS_MAX)}`);
  // One problem per kind is enough to say what is wrong; a 5,000-author list need not list them all.
  const longName = p.authors.findIndex((a) => a.name.length > AUTHOR_NAME_MAX);
  if (longName >= 0) problems.push(`author ${longName + 1}'s name is ${n(p.authors[longName].name.length)} characters; at most ${n(AUTHOR_NAME_MAX)}`);
  const manyAff = p.authors.findIndex((a) => a.affiliations.length > AFFILIATIONS_MAX);
  if (manyAff >= 0) problems.push(`author ${manyAff + 1} has ${n(p.authors[manyAff].affiliations.length)} affiliations; at most ${AFFILIATIONS_MAX}`);
  const longAff = p.authors.findIndex((a) => a.affiliations.some((x) => x.length > SHORT_TEXT_MAX));
  if (longAff >= 0) problems.push(`an affiliation of author ${longAff + 1} is over ${n(SHORT_TEXT_MAX)} characters`);
  count('categories', p.categories.length, CATEGORIES_MAX);
  const longCat = p.categories.find((c) => c.length > CATEGORY_MAX);
  if (longCat !== undefined) problems.push(`a category is ${n(longCat.length)} characters; at most ${CATEGORY_MAX}`);
  text('primary category', p.primaryCategory, CATEGORY_MAX);
  count('versions', p.versions.length, VERSIONS_MAX);
  text('comments', p.comments, COMMENTS_MAX);
  text('journal-ref', p.journalRef, SHORT_TEXT_MAX);
  text('doi', p.doi, SHORT_TEXT_MAX);
  text('report-no', p.reportNo, SHORT_TEXT_MAX);
  text('license', p.license, SHORT_TEXT_MAX);
  text('submitter', p.submitter, SHORT_TEXT_MAX);
  text('githubRepo', p.githubRepo, URL_MAX);
  text('projectPage', p.projectPage, URL_MAX);
  text('thumbnail', p.thumbnail, URL_MAX);
  text('organization', p.organization, ORG_NAME_MAX);
  text('ai_summary', p.aiSummary, AI_SUMMARY_MAX);
  count('ai_keywords', p.aiKeywords.length, AI_KEYWORDS_MAX);
  const longKw = p.aiKeywords.find((k) => k.length > AI_KEYWORD_MAX);
  if (longKw !== undefined) problems.push(`an ai_keyword is ${n(longKw.length)} characters; at most ${AI_KEYWORD_MAX}`);
  const by = r.daily?.submittedBy;
  if (by) {
    text('submitter handle', by.user, ORG_NAME_MAX);
    text('submitter full name', by.fullname, SHORT_TEXT_MAX);
    text('submitter avatar', by.avatarUrl, URL_MAX);
  }
  if (r.org) {
    text('organization name', r.org.name, ORG_NAME_MAX);
    text('organization full name', r.org.fullname, SHORT_TEXT_MAX);
    text('organization avatar', r.org.avatarUrl, URL_MAX);
  }
  if (problems.length === 0) return null;
  return `${p.id.slice(0, 40)}: ${problems.join('; ')} (refused; see src/ingest/record-limits.ts)`;
}

/** The record cleaned of control characters, or why it is refused. */
export function checkRecord(r: PaperRecord): { ok: true; record: PaperRecord } | { ok: false; reason: string } {
  const record = cleanRecord(r);
  const problem = recordLimitProblem(record);
  return problem ? { ok: false, reason: problem } : { ok: true, record };
}
