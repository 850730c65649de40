/**
 * arXiv's OAI-PMH answers (`/oai2`): ListRecords and GetRecord pages in the
 * `arXiv` and `arXivRaw` metadata formats.
 *
 * Goals: each record → a paper. `arXiv` gives authors as keyname/forenames/
 * affiliation and the created/updated dates; `arXivRaw` gives the version
 * history with dates (v1 date = first published, last = updated), the
 * submitter, and authors as one string to split. The resumption token and
 * completeListSize for paging. An OAI `<error>` is thrown as OaiError, except
 * `noRecordsMatch`, which is an empty page. Deleted records are skipped; a
 * bad record is reported and skipped. Non-goals: `oai_dc` (too little data:
 * its records are reported as unsupported), fetching (the caller follows
 * tokens), Identify/ListSets verbs.
 */
import { blankPaper, collapseSpace, type Author, type Paper, type PaperVersion } from '../domain/paper.js';
import { parseArxivId } from '../domain/arxiv-id.js';
import { FormatError, errorText, reject, type ParsedItem } from './parsed-item.js';
import { attr, child, children, childText, isElement, parseXml, textOf, type XmlNode } from './xml-tree.js';
import { isoTimestamp } from './source-dates.js';
import { nameFromParts, splitAuthors } from './author-names.js';

export interface OaiPage {
  items: ParsedItem[];
  /** The token asking for the next page; null on the last page. */
  resumptionToken: string | null;
  completeListSize: number | null;
}

/** An OAI-PMH `<error code="…">` (badResumptionToken, badArgument, cannotDisseminateFormat, …); the message is the error's text. */
export class OaiError extends Error {
  override name = 'OaiError';
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

function splitCategories(s: string | null): string[] {
  return s ? [...new Set(s.split(/\s+/).filter(Boolean))] : [];
}

/** Fields both arXiv formats share. */
function common(m: XmlNode, idText: string | null): Paper {
  if (!idText) throw new Error('metadata has no <id>');
  const parsed = parseArxivId(idText);
  if (!parsed) throw new Error(`<id> "${idText}" is not an arXiv id`);
  const title = collapseSpace(textOf(child(m, 'title')));
  if (!title) throw new Error(`${parsed.id}: empty <title>`);
  const categories = splitCategories(childText(m, 'categories'));
  return {
    ...blankPaper(parsed.id, 'arxiv-oai'),
    arxivId: parsed.id,
    title,
    abstract: collapseSpace(textOf(child(m, 'abstract'))),
    categories,
    primaryCategory: categories[0] ?? null,
    comments: childText(m, 'comments'),
    journalRef: childText(m, 'journal-ref'),
    doi: childText(m, 'doi')?.split(/\s+/)[0] ?? null,
    reportNo: childText(m, 'report-no'),
    license: childText(m, 'license'),
  };
}

function fromArxivFormat(m: XmlNode): Paper {
  const p = common(m, childText(m, 'id'));
  const authors: Author[] = children(child(m, 'authors'), 'author').flatMap((a) => {
    const name = nameFromParts(childText(a, 'keyname') ?? '', childText(a, 'forenames') ?? '', childText(a, 'suffix') ?? '');
    if (!name) return [];
    return [{ name, affiliations: children(a, 'affiliation').map((x) => collapseSpace(textOf(x))).filter(Boolean) }];
  });
  const created = isoTimestamp(childText(m, 'created'));
  return {
    ...p,
    authors,
    authorCount: authors.length,
    publishedAt: created,
    updatedAt: isoTimestamp(childText(m, 'updated')) ?? created,
  };
}

function fromArxivRaw(m: XmlNode): Paper {
  const p = common(m, childText(m, 'id'));
  const versions: PaperVersion[] = children(m, 'version').flatMap((v) => {
    const n = /^v?(\d+)$/.exec(attr(v, 'version') ?? '');
    return n ? [{ version: Number(n[1]), date: isoTimestamp(childText(v, 'date')) }] : [];
  }).sort((a, b) => a.version - b.version);
  const authors = splitAuthors(textOf(child(m, 'authors')));
  const last = versions[versions.length - 1];
  return {
    ...p,
    version: last?.version ?? null,
    versions,
    authors,
    authorCount: authors.length,
    submitter: childText(m, 'submitter'),
    publishedAt: versions.find((v) => v.version === 1)?.date ?? versions[0]?.date ?? null,
    updatedAt: last?.date ?? null,
  };
}

function recordToPaper(rec: XmlNode): Paper {
  const md = child(rec, 'metadata');
  if (!isElement(md)) throw new Error('record has no <metadata>');
  if (md.arXiv !== undefined) return fromArxivFormat(child(md, 'arXiv')!);
  if (md.arXivRaw !== undefined) return fromArxivRaw(child(md, 'arXivRaw')!);
  const format = Object.keys(md).find((k) => !k.startsWith('@_')) ?? '(empty)';
  throw new Error(`metadata format <${format}> is not supported: ask for metadataPrefix=arXiv or arXivRaw`);
}

/** Parses one OAI-PMH page. Throws FormatError (not OAI-PMH) or OaiError (an OAI error other than noRecordsMatch). */
export function parseOaiPage(xml: string): OaiPage {
  const doc = parseXml(xml, 'OAI-PMH response');
  const root = doc['OAI-PMH'];
  if (!isElement(root)) {
    const name = Object.keys(doc).find((k) => !k.startsWith('?')) ?? '(none)';
    throw new FormatError(`not an OAI-PMH response: the root element is <${name}>, expected <OAI-PMH>`);
  }
  const error = child(root, 'error');
  if (error !== undefined) {
    const code = attr(error, 'code') ?? 'unknown';
    if (code === 'noRecordsMatch') return { items: [], resumptionToken: null, completeListSize: 0 };
    throw new OaiError(code, collapseSpace(textOf(error)) || 'no message');
  }
  const list = child(root, 'ListRecords') ?? child(root, 'GetRecord');
  if (list === undefined) {
    const verb = Object.keys(root).find((k) => !k.startsWith('@_') && !['responseDate', 'request'].includes(k)) ?? '(none)';
    throw new FormatError(`OAI-PMH <${verb}> is not supported: import a ListRecords or GetRecord response`);
  }
  const items: ParsedItem[] = [];
  children(list, 'record').forEach((rec, i) => {
    const header = child(rec, 'header');
    const ident = childText(header, 'identifier');
    const at = `record ${i + 1}${ident ? ` (${ident})` : ''}`;
    if (attr(header, 'status') === 'deleted') return;
    try {
      const paper = recordToPaper(rec);
      items.push({ ok: true, at, record: { paper, daily: null, org: null } });
    } catch (err) {
      items.push(reject(at, errorText(err)));
    }
  });
  const tokenNode = child(list, 'resumptionToken');
  const token = textOf(tokenNode).trim();
  const size = attr(tokenNode, 'completeListSize');
  return {
    items,
    resumptionToken: token === '' ? null : token,
    completeListSize: size !== null && /^\d+$/.test(size) ? Number(size) : null,
  };
}
