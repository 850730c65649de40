/**
 * One opened source + its format → the stream of parsed items the importer
 * takes. The join between source-reader, the parsers and importer.
 *
 * Goals: snapshot JSONL streamed (constant memory); the other formats read
 * whole (they are pages of at most a few MB); an OAI-PMH page fetched by URL
 * followed through its resumptionTokens to the end, and an arXiv API (Atom)
 * URL through every page of its results (`start` moved by each page's
 * entries up to `opensearch:totalResults`), politely (http-fetch.ts);
 * the daily-list day of a HF daily_papers file taken from its name or
 * `?date=` when it has one. Non-goals: printing (cli/import.ts), harvesting
 * with a saved cursor (harvest-arxiv.ts).
 */
import { FormatError, type ParsedItem } from './parsed-item.js';
import type { OpenedSource } from './source-reader.js';
import type { SourceFormat } from './detect-format.js';
import { parseArxivAtom, type AtomPage } from './arxiv-atom.js';
import { parseOaiPage } from './arxiv-oai.js';
import { readSnapshotJsonl } from './snapshot-jsonl.js';
import { listDayFromLocation, parseHfDaily } from './hf-daily.js';
import { parseSeedListing } from './seed-listing.js';

export interface SourceItemsOptions {
  /** Fetches a follow-up OAI-PMH or arXiv API page (by URL); without it, only the first page is read. */
  fetchText?: (url: string) => Promise<string>;
  /** Told once per extra page fetched (for progress lines). */
  onPage?: (page: number, url: string) => void;
  /** Told when a file holds a resumption token that will not be followed. */
  onNote?: (message: string) => void;
}

/**
 * Largest source read whole (Atom, OAI-PMH pages, HF daily JSON, the seed
 * listing: real ones are at most a few MB). Far below V8's ~512 MB string
 * limit, so a huge file gets this message rather than "Invalid string length".
 */
export const MAX_WHOLE_SOURCE_BYTES = 256 * 1024 * 1024;

/** The whole source as text, refused with a FormatError when it is too large to read whole. */
async function wholeText(src: OpenedSource): Promise<string> {
  const tooBig = () => new FormatError(`${src.label} is over ${MAX_WHOLE_SOURCE_BYTES / 1024 / 1024} MB: too large for a format read whole; ` +
    'only snapshot JSON Lines are streamed (split the file, or check it is what you meant to import)');
  if (src.size !== null && src.size > MAX_WHOLE_SOURCE_BYTES) throw tooBig();
  try {
    return await src.text();
  } catch (err) {
    if (err instanceof RangeError) throw tooBig();
    throw err;
  }
}

/** The OAI-PMH request for the page after `token`, on the same base URL as `url`. */
export function nextOaiUrl(url: string, token: string): string {
  const u = new URL(url);
  u.search = '';
  u.searchParams.set('verb', 'ListRecords');
  u.searchParams.set('resumptionToken', token);
  return u.toString();
}

async function* oaiItems(src: OpenedSource, opts: SourceItemsOptions): AsyncGenerator<ParsedItem> {
  let page = parseOaiPage(await wholeText(src));
  yield* page.items;
  if (!src.isUrl || !opts.fetchText) {
    if (page.resumptionToken) {
      opts.onNote?.(`${src.label} has a resumptionToken (more pages on the server): import the OAI-PMH URL to follow it`);
    }
    return;
  }
  for (let n = 2; page.resumptionToken; n++) {
    const url = nextOaiUrl(src.label, page.resumptionToken);
    opts.onPage?.(n, url);
    page = parseOaiPage(await opts.fetchText(url));
    yield* page.items;
  }
}

/**
 * The arXiv API request for the results after `page` (same query, `start`
 * moved past this page's entries), or null when this page was the last.
 */
export function nextAtomUrl(url: string, page: AtomPage): string | null {
  const u = new URL(url);
  const start = page.startIndex ?? Number(u.searchParams.get('start') ?? 0);
  const next = start + page.items.length;
  // An empty page, or the count reached: done. (arXiv occasionally answers an empty page early; a re-run fetches the rest.)
  if (page.items.length === 0 || page.totalResults === null || next >= page.totalResults) return null;
  u.searchParams.set('start', String(next));
  return u.toString();
}

async function* atomItems(src: OpenedSource, opts: SourceItemsOptions): AsyncGenerator<ParsedItem> {
  let page = parseArxivAtom(await wholeText(src));
  yield* page.items;
  if (!src.isUrl || !opts.fetchText) {
    const more = page.totalResults !== null && page.totalResults > (page.startIndex ?? 0) + page.items.length;
    if (more && src.isUrl) opts.onNote?.(`${src.label}: ${page.totalResults} results, only the first page read`);
    return;
  }
  let url = src.label;
  for (let n = 2, next = nextAtomUrl(url, page); next; n++, next = nextAtomUrl(url, page)) {
    url = next;
    opts.onPage?.(n, url);
    page = parseArxivAtom(await opts.fetchText(url));
    yield* page.items;
  }
}

/** The parsed items of an opened source in the given format (parse errors surface as FormatError/ArxivApiError/OaiError while iterating). */
export function sourceItems(src: OpenedSource, format: SourceFormat, opts: SourceItemsOptions = {}): AsyncIterable<ParsedItem> {
  switch (format) {
    case 'snapshot':
      return readSnapshotJsonl(src.chunks());
    case 'oai':
      return oaiItems(src, opts);
    case 'atom':
      return atomItems(src, opts);
    case 'hf-daily':
      return (async function* () {
        yield* parseHfDaily(await wholeText(src), { listDay: listDayFromLocation(src.label) });
      })();
    case 'seed':
      return (async function* () {
        yield* parseSeedListing(await wholeText(src));
      })();
  }
}
