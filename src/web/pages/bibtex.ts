/**
 * A BibTeX entry for a paper, as the "Cite" box on the paper page shows it.
 *
 * Goals: the entry arXiv's own "Export BibTeX" gives (@misc with eprint,
 * archivePrefix, primaryClass, url), a stable readable key
 * (firstauthor + year + first title word), values that cannot break the
 * entry (unbalanced braces are dropped). Non-goals: BibTeX from journal
 * metadata (@article with volume/pages) — the sources rarely carry it.
 */
import type { Paper } from '../../domain/paper.js';

/** Drops every brace when the braces of a value do not balance (a stray "}" would end the field). */
function bibValue(s: string): string {
  let depth = 0;
  for (const c of s) {
    if (c === '{') depth++;
    else if (c === '}' && --depth < 0) break;
  }
  const clean = depth === 0 ? s : s.replace(/[{}]/g, '');
  return clean.replace(/\s+/g, ' ').trim();
}

function asciiWord(s: string): string {
  return s.normalize('NFKD').replace(/[^A-Za-z0-9]/g, '').toLowerCase();
}

/** The citation key: "vaswani2017attention"; "paper" + id when nothing better is known. */
export function bibtexKey(p: Paper): string {
  const last = p.authors[0]?.name.trim().split(/\s+/).pop() ?? '';
  const year = (p.publishedAt ?? '').slice(0, 4);
  const word = p.title.split(/\s+/).map(asciiWord).find((w) => w.length > 3) ?? '';
  const key = `${asciiWord(last)}${year}${word}`;
  return key || `paper${asciiWord(p.id)}`;
}

/** The entry; `publicUrl` gives the url of papers without an arXiv id. */
export function bibtex(p: Paper, publicUrl: string): string {
  const fields: [string, string][] = [['title', bibValue(p.title)]];
  if (p.authors.length) fields.push(['author', p.authors.map((a) => bibValue(a.name)).join(' and ')]);
  if (p.publishedAt) fields.push(['year', p.publishedAt.slice(0, 4)]);
  if (p.arxivId) {
    fields.push(['eprint', p.arxivId], ['archivePrefix', 'arXiv']);
    if (p.primaryCategory) fields.push(['primaryClass', bibValue(p.primaryCategory)]);
  }
  if (p.doi) fields.push(['doi', bibValue(p.doi)]);
  if (p.journalRef) fields.push(['note', bibValue(p.journalRef)]);
  fields.push(['url', p.arxivId ? `https://arxiv.org/abs/${p.arxivId}` : `${publicUrl}/papers/${p.id}`]);
  return `@misc{${bibtexKey(p)},\n${fields.map(([k, v]) => `  ${k}={${v}},`).join('\n')}\n}`;
}
