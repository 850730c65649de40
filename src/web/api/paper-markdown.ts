/**
 * A paper as Markdown: what `GET /papers/{id}.md` (and `Accept:
 * text/markdown` on `/papers/{id}`) return, and what `hf papers read` prints.
 *
 * Goals: a readable page for people and LLM tools — title, authors, dates,
 * links, abstract, AI summary/keywords when known, daily-list facts — with
 * every piece of source text escaped so a hostile title cannot inject links,
 * headings or raw HTML into whatever renders the Markdown. Non-goals: the
 * paper's full text (the Hub converts arXiv HTML; paperboy keeps metadata
 * only) and routing (the pages own `/papers/*`).
 */
import { paperLinks } from '../../domain/paper.js';
import type { PaperDetail } from '../../store/store.js';

/** Escapes inline Markdown and HTML so text renders literally. */
export function escapeMarkdown(text: string): string {
  return text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[\\`*_{}[\]()<>#+!|~&]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '\\' + c))
    // A line starting with "1." or "-" would become a list item.
    .replace(/^(\d+)\.(\s)/, '$1\\.$2')
    .replace(/^-/, '\\-');
}

/** A URL safe to put in <…> autolink form, or null when it is not http(s). */
function safeUrl(url: string | null): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
    return u.href.replace(/[<>\s]/g, encodeURIComponent);
  } catch {
    return null;
  }
}

function day(iso: string | null): string | null {
  return iso ? iso.slice(0, 10) : null;
}

export function renderPaperMarkdown(detail: PaperDetail, publicUrl: string): string {
  const { paper, daily, org } = detail;
  const lines: string[] = [];
  lines.push(`# ${escapeMarkdown(paper.title) || escapeMarkdown(paper.id)}`, '');

  const authors = paper.authors.length > 0
    ? paper.authors.map((a) => escapeMarkdown(a.name)).join(', ')
    : paper.authorCount > 0 ? `${paper.authorCount} authors (names not known)` : null;
  const facts: [string, string | null][] = [
    ['Authors', authors],
    ['Organization', org ? escapeMarkdown(org.fullname ?? org.name) : paper.organization ? escapeMarkdown(paper.organization) : null],
    ['Published', day(paper.publishedAt)],
    ['Updated', paper.updatedAt && day(paper.updatedAt) !== day(paper.publishedAt) ? day(paper.updatedAt) : null],
    ['arXiv', paper.arxivId ? `${escapeMarkdown(paper.arxivId)}${paper.version ? `v${paper.version}` : ''}` : null],
    ['Categories', paper.categories.length > 0 ? paper.categories.map(escapeMarkdown).join(', ') : null],
    ['Journal reference', paper.journalRef ? escapeMarkdown(paper.journalRef) : null],
    ['Comments', paper.comments ? escapeMarkdown(paper.comments) : null],
  ];
  const latest = daily[0];
  if (latest) {
    const by = latest.submittedBy ? ` by ${escapeMarkdown(latest.submittedBy.fullname ?? latest.submittedBy.user)}` : '';
    facts.push(['Daily papers', `${latest.day}${by} · ${latest.upvotes} upvotes · ${latest.numComments} comments`]);
  }
  if (paper.githubStars !== null && safeUrl(paper.githubRepo)) facts.push(['GitHub stars', String(paper.githubStars)]);
  for (const [label, value] of facts) if (value) lines.push(`- **${label}:** ${value}`);
  lines.push('');

  const links = paperLinks(paper);
  const linkList: [string, string | null][] = [
    ['Paper page', safeUrl(`${publicUrl}/papers/${encodeURI(paper.id)}`)],
    ['arXiv abstract', safeUrl(links.abs)],
    ['PDF', safeUrl(links.pdf)],
    ['DOI', safeUrl(links.doi)],
    ['Code', safeUrl(paper.githubRepo)],
    ['Project page', safeUrl(paper.projectPage)],
  ];
  lines.push('## Links', '');
  for (const [label, url] of linkList) if (url) lines.push(`- ${label}: <${url}>`);
  lines.push('');

  lines.push('## Abstract', '', escapeMarkdown(paper.abstract) || '_No abstract available._', '');
  // Extracted notes (search/paper-notes.ts) say so: they are the paper's own words, not a model's.
  if (paper.aiSummary) lines.push(paper.extracted?.summary ? '## TL;DR (a sentence of the abstract)' : '## AI summary', '', escapeMarkdown(paper.aiSummary), '');
  if (paper.aiKeywords.length > 0) lines.push(paper.extracted?.keywords ? '## Keywords (extracted)' : '## Keywords', '', paper.aiKeywords.map(escapeMarkdown).join(', '), '');
  return lines.join('\n');
}
