/**
 * The arXiv metadata snapshot as JSON Lines (the Kaggle shape: id, submitter,
 * authors, title, comments, journal-ref, doi, report-no, categories, license,
 * abstract, versions, update_date, authors_parsed), one paper per line.
 *
 * Goals: stream line by line (split on the bytes, each line capped at
 * MAX_LINE_BYTES) so a multi-gigabyte file imports in constant memory and one
 * absurd line is skipped, not fatal; names from
 * `authors_parsed` (Unicode, in order) with the `authors` string as a
 * fallback; versions with their dates (v1 date = first published); a bad
 * line reported with its line number. Non-goals: the gzipped/zipped download
 * (unpack it first), fields the snapshot does not have (affiliations).
 */
import { Readable } from 'node:stream';
import { blankPaper, collapseSpace, type Author, type Paper, type PaperVersion } from '../domain/paper.js';
import { parseArxivId } from '../domain/arxiv-id.js';
import { FormatError, errorText, reject, type ParsedItem } from './parsed-item.js';
import { isoTimestamp } from './source-dates.js';
import { nameFromParts, splitAuthors } from './author-names.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function str(o: { [k: string]: Json }, key: string): string | null {
  const v = o[key];
  if (v === null || v === undefined) return null;
  if (typeof v !== 'string') throw new Error(`"${key}" is not a string`);
  const t = collapseSpace(v);
  return t === '' ? null : t;
}

function authorsOf(o: { [k: string]: Json }): Author[] {
  const parsed = o.authors_parsed;
  if (Array.isArray(parsed) && parsed.length > 0) {
    return parsed.flatMap((a) => {
      if (!Array.isArray(a)) return [];
      const [key, fore, suffix] = a.map((x) => (typeof x === 'string' ? x : ''));
      const name = nameFromParts(key ?? '', fore ?? '', suffix ?? '');
      return name ? [{ name, affiliations: [] }] : [];
    });
  }
  const raw = o.authors;
  return typeof raw === 'string' ? splitAuthors(raw) : [];
}

function versionsOf(o: { [k: string]: Json }): PaperVersion[] {
  const raw = o.versions;
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((v) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return [];
    const n = /^v?(\d+)$/.exec(typeof v.version === 'string' ? v.version : '');
    return n ? [{ version: Number(n[1]), date: isoTimestamp(v.created) }] : [];
  }).sort((a, b) => a.version - b.version);
}

/** Converts one parsed snapshot object to a paper; throws with a reason when it cannot. */
export function snapshotObjectToPaper(o: Json): Paper {
  if (o === null || typeof o !== 'object' || Array.isArray(o)) throw new Error('not a JSON object');
  const idRaw = o.id;
  if (idRaw === undefined || idRaw === null || idRaw === '') throw new Error('missing "id"');
  const parsed = parseArxivId(String(idRaw));
  if (!parsed) throw new Error(`"id" ${JSON.stringify(idRaw)} is not an arXiv id`);
  const title = str(o, 'title');
  if (!title) throw new Error(`${parsed.id}: missing "title"`);
  const categories = [...new Set((str(o, 'categories') ?? '').split(/\s+/).filter(Boolean))];
  const versions = versionsOf(o);
  const last = versions[versions.length - 1];
  const authors = authorsOf(o);
  return {
    ...blankPaper(parsed.id, 'snapshot'),
    arxivId: parsed.id,
    version: last?.version ?? parsed.version,
    versions,
    title,
    abstract: str(o, 'abstract') ?? '',
    authors,
    authorCount: authors.length,
    categories,
    primaryCategory: categories[0] ?? null,
    publishedAt: versions.find((v) => v.version === 1)?.date ?? versions[0]?.date ?? null,
    updatedAt: last?.date ?? isoTimestamp(o.update_date),
    comments: str(o, 'comments'),
    journalRef: str(o, 'journal-ref'),
    doi: str(o, 'doi')?.split(/\s+/)[0] ?? null,
    reportNo: str(o, 'report-no'),
    license: str(o, 'license'),
    submitter: str(o, 'submitter'),
  };
}

/** Parses one line; null for a blank line. */
export function parseSnapshotLine(line: string, lineNo: number): ParsedItem | null {
  const at = `line ${lineNo}`;
  if (line.trim() === '') return null;
  let o: Json;
  try {
    o = JSON.parse(line) as Json;
  } catch (err) {
    return reject(at, `not valid JSON (${errorText(err)})`);
  }
  try {
    return { ok: true, at, record: { paper: snapshotObjectToPaper(o), daily: null, org: null } };
  } catch (err) {
    return reject(at, errorText(err));
  }
}

/**
 * Longest line read, in bytes. The snapshot's longest real lines (collaboration
 * papers with ~5,000 authors in both `authors` and `authors_parsed`) are a
 * few hundred KB; 8 MiB is well above that, and keeps one line's string and
 * its parsed object to tens of MB. A longer line is skipped and named (a
 * 600 MB line would otherwise end the whole import with "Invalid string length").
 */
export const MAX_LINE_BYTES = 8 * 1024 * 1024;

/** One line of a byte stream: its text, or only its length when it was longer than the cap. */
export type BoundedLine = { text: string } | { tooLongBytes: number };

/**
 * Splits a byte stream into lines (LF, a CR before it dropped) without ever
 * holding more than `maxBytes` of one line: a longer line is reported by its
 * length and its bytes are dropped as they stream past.
 */
export async function* boundedLines(input: AsyncIterable<Buffer | string>, maxBytes = MAX_LINE_BYTES): AsyncGenerator<BoundedLine> {
  let parts: Buffer[] = [];
  let size = 0;
  let tooLong = false;
  let any = false;
  const finish = (): BoundedLine => {
    let out: BoundedLine;
    if (tooLong) {
      out = { tooLongBytes: size };
    } else {
      let buf = parts.length === 1 ? parts[0] : Buffer.concat(parts, size);
      if (buf.length > 0 && buf[buf.length - 1] === 0x0d) buf = buf.subarray(0, buf.length - 1);
      out = { text: buf.toString('utf8') };
    }
    parts = [];
    size = 0;
    tooLong = false;
    any = false;
    return out;
  };
  for await (const chunk of input) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    let start = 0;
    while (start < buf.length) {
      const nl = buf.indexOf(0x0a, start);
      const end = nl === -1 ? buf.length : nl;
      if (end > start) {
        any = true;
        if (!tooLong && size + (end - start) > maxBytes) {
          tooLong = true;
          parts = [];
        }
        if (!tooLong) parts.push(buf.subarray(start, end));
        size += end - start;
      }
      if (nl === -1) break;
      yield finish();
      start = nl + 1;
    }
  }
  if (any) yield finish();
}

const MIB = 1024 * 1024;

/**
 * Streams a snapshot file: yields one item per non-blank line; a line longer
 * than MAX_LINE_BYTES is a reject naming its line and length. Throws
 * FormatError when the input is empty or its first line is not a JSON object.
 */
export async function* readSnapshotJsonl(input: AsyncIterable<Buffer | string> | Readable, maxLineBytes = MAX_LINE_BYTES): AsyncGenerator<ParsedItem> {
  const stream = input instanceof Readable ? input : Readable.from(input);
  let lineNo = 0, seen = false;
  try {
    for await (const bounded of boundedLines(stream, maxLineBytes)) {
      lineNo++;
      if (!('text' in bounded)) {
        seen = true;
        const mib = (bounded.tooLongBytes / MIB).toFixed(1);
        yield reject(`line ${lineNo}`, `line is ${mib} MiB, longer than the ${maxLineBytes / MIB} MiB a record may take; skipped`);
        continue;
      }
      const line = lineNo === 1 ? bounded.text.replace(/^\uFEFF/, '') : bounded.text;
      if (!seen && line.trim() !== '') {
        seen = true;
        if (!line.trimStart().startsWith('{')) {
          throw new FormatError(`not arXiv snapshot JSON Lines: line ${lineNo} does not start with "{" (each line must be one JSON object)`);
        }
      }
      const item = parseSnapshotLine(line, lineNo);
      if (item) yield item;
    }
  } finally {
    stream.destroy();
  }
  if (!seen) throw new FormatError('the snapshot file is empty: expected one JSON object per line');
}

/** The same as readSnapshotJsonl (the name the benchmark and other callers use). */
export const parseSnapshotJsonl = readSnapshotJsonl;
