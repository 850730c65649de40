/**
 * Harvests new papers of one arXiv category over OAI-PMH (ListRecords,
 * metadataPrefix=arXiv), page by page, resumable.
 *
 * Goals: ask for the category's archive set (cs.LG → "cs", hep-th →
 * "physics:hep-th") from a date, follow resumptionTokens to the end, keep
 * only records listing the requested category, import each page in its own
 * transaction and only then save the cursor (next token, counts) in the
 * store's job state: a killed harvest re-run continues from the saved token,
 * and a page imported twice is a no-op. A finished run records the date it
 * covered so the next run starts there. Politeness (spacing, Retry-After,
 * backoff) is the HTTP client's job (http-fetch.ts).
 * Non-goals: the arXiv search API (Atom) as a harvest source; parsing (that is
 * arxiv-oai.ts); several harvests of one category at once (the cursor is per
 * category, last writer wins).
 */
import type { Store } from '../store/store.js';
import type { ParsedItem } from './parsed-item.js';
import type { OaiPage } from './arxiv-oai.js';
import { OaiError } from './arxiv-oai.js';
import type { ImportSummary } from './importer.js';
import { HttpFetchError } from './http-fetch.js';

export const DEFAULT_OAI_URL = 'https://export.arxiv.org/oai2';

/** Archives that the arXiv OAI-PMH server groups under the "physics" set ("physics:hep-th"). */
const PHYSICS_ARCHIVES = new Set([
  'astro-ph', 'cond-mat', 'gr-qc', 'hep-ex', 'hep-lat', 'hep-ph', 'hep-th', 'math-ph', 'nlin', 'nucl-ex',
  'nucl-th', 'physics', 'quant-ph',
]);
/** Archives that are a top-level OAI set of their own. */
const TOP_ARCHIVES = new Set(['cs', 'econ', 'eess', 'math', 'q-bio', 'q-fin', 'stat']);

export class HarvestError extends Error {}

/** The OAI set holding a category: "cs.LG" → "cs", "math.AG" → "math", "hep-th" → "physics:hep-th". */
export function oaiSetFor(category: string): string {
  const m = /^([a-z-]+)(?:\.[A-Za-z-]+)?$/.exec(category);
  const archive = m?.[1] ?? '';
  if (TOP_ARCHIVES.has(archive)) return archive;
  if (PHYSICS_ARCHIVES.has(archive)) return `physics:${archive}`;
  throw new HarvestError(
    `unknown arXiv category "${category}": use a category such as cs.LG, math.AG, stat.ML or hep-th ` +
    `(archives: ${[...TOP_ARCHIVES, ...PHYSICS_ARCHIVES].sort().join(', ')})`);
}

/** True when a paper's categories include `category` (an archive name such as "hep-th" also matches its subcategories). */
export function inCategory(categories: string[], category: string): boolean {
  return categories.some((c) => c === category || c.startsWith(category + '.'));
}

/** The cursor kept in job state, saved after every committed page. */
export interface HarvestCursor {
  from: string | null;
  until: string | null;
  /** The token asking for the next page; null before the first page is committed. */
  token: string | null;
  pages: number;
  /** Records listed by the server so far (all categories of the set). */
  seen: number;
  /** Records of the requested category (plus rejected ones) sent to the importer. */
  kept: number;
  added: number;
  updated: number;
  unchanged: number;
  rejected: number;
  completeListSize: number | null;
  startedAt: string;
}

export interface HarvestState {
  /** The day the last finished harvest covered up to: the next run's default --from. */
  lastUntil: string | null;
  lastFinishedAt: string | null;
  /** An unfinished run, or null. */
  run: HarvestCursor | null;
}

export function stateKey(category: string): string {
  return `harvest:arxiv:${category}`;
}

export async function readHarvestState(store: Store, category: string): Promise<HarvestState> {
  const raw = await store.getState(stateKey(category));
  if (!raw) return { lastUntil: null, lastFinishedAt: null, run: null };
  return JSON.parse(raw) as HarvestState;
}

export interface HarvestOptions {
  category: string;
  /** YYYY-MM-DD; default: the last finished harvest's day, else `defaultDays` before today. */
  from?: string | null;
  until?: string | null;
  /** OAI-PMH base URL, e.g. https://export.arxiv.org/oai2. */
  baseUrl: string;
  /** Ignore a saved unfinished run and start over. */
  restart?: boolean;
  /** Days back from today when there is neither --from nor a previous harvest. Default 7. */
  defaultDays?: number;
}

export interface HarvestDeps {
  /** GETs a URL and returns the body (the polite client's getText). */
  fetchText: (url: string) => Promise<string>;
  parsePage: (xml: string) => OaiPage;
  importItems: (store: Store, items: ParsedItem[], opts: {
    batchSize?: number;
    onReject?: (at: string, reason: string) => void;
  }) => Promise<ImportSummary>;
  log?: (line: string) => void;
  /** Clock (tests pin it). */
  now?: () => Date;
}

export interface HarvestResult extends HarvestCursor {
  category: string;
  set: string;
  /** True when the run continued a saved unfinished run. */
  resumed: boolean;
}

function checkDate(value: string, flag: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)) ||
    new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value) {
    throw new HarvestError(`${flag} must be a date YYYY-MM-DD, got "${value}"`);
  }
  return value;
}

function listUrl(baseUrl: string, set: string, cur: HarvestCursor): string {
  const u = new URL(baseUrl);
  u.searchParams.set('verb', 'ListRecords');
  // OAI-PMH: resumptionToken is an exclusive argument (no set/from/metadataPrefix beside it).
  if (cur.token) {
    u.searchParams.set('resumptionToken', cur.token);
  } else {
    u.searchParams.set('metadataPrefix', 'arXiv');
    u.searchParams.set('set', set);
    if (cur.from) u.searchParams.set('from', cur.from);
    if (cur.until) u.searchParams.set('until', cur.until);
  }
  return u.toString();
}

/** Fetches and parses one page; an OAI error document served with an HTTP error status is parsed too. */
async function fetchPage(deps: HarvestDeps, url: string): Promise<OaiPage> {
  let xml: string;
  try {
    xml = await deps.fetchText(url);
  } catch (err) {
    if (err instanceof HttpFetchError && err.body && err.status !== null && err.status < 500 && err.body.includes('<OAI-PMH')) {
      return deps.parsePage(err.body); // throws the OaiError it holds
    }
    throw err;
  }
  return deps.parsePage(xml);
}

/** Runs (or resumes) a harvest; returns the totals of the run. */
export async function harvestArxiv(store: Store, opts: HarvestOptions, deps: HarvestDeps): Promise<HarvestResult> {
  const log = deps.log ?? (() => undefined);
  const now = deps.now ?? (() => new Date());
  const { category } = opts;
  const set = oaiSetFor(category);
  const from = opts.from ? checkDate(opts.from, '--from') : null;
  const until = opts.until ? checkDate(opts.until, '--until') : null;
  if (from && until && from > until) throw new HarvestError(`--from ${from} is after --until ${until}`);
  const key = stateKey(category);
  const state = await readHarvestState(store, category);

  let cur: HarvestCursor;
  let resumed = false;
  const saved = state.run;
  if (saved && !opts.restart && (from === null || from === saved.from) && (until === null || until === saved.until)) {
    cur = saved;
    resumed = true;
    log(`resuming the unfinished harvest of ${category} started ${saved.startedAt} (from ${saved.from ?? 'the start'}, ` +
      `${saved.pages} pages, ${saved.seen} records done)`);
  } else {
    if (saved) log(`discarding the unfinished harvest of ${category} started ${saved.startedAt}`);
    let start = from;
    if (start === null) {
      if (state.lastUntil) {
        start = state.lastUntil;
        log(`from ${start}: the day the last harvest of ${category} reached`);
      } else {
        const days = opts.defaultDays ?? 7;
        start = new Date(now().getTime() - days * 86_400_000).toISOString().slice(0, 10);
        log(`from ${start}: no earlier harvest of ${category}, taking the last ${days} days (use --from to go further back)`);
      }
    }
    cur = {
      from: start, until, token: null, pages: 0, seen: 0, kept: 0, added: 0, updated: 0, unchanged: 0, rejected: 0,
      completeListSize: null, startedAt: now().toISOString(),
    };
  }
  const save = async (next: HarvestState) => store.setState(key, JSON.stringify(next));
  await save({ ...state, run: cur });

  let restartedAfterBadToken = false;
  for (;;) {
    let page: OaiPage;
    try {
      page = await fetchPage(deps, listUrl(opts.baseUrl, set, cur));
    } catch (err) {
      if (err instanceof OaiError && err.code === 'badResumptionToken' && cur.token && !restartedAfterBadToken) {
        // Tokens expire; re-listing from the start is safe because re-importing a page is a no-op.
        restartedAfterBadToken = true;
        log(`the server no longer accepts the saved resumption token (${err.message}); listing again from ${cur.from ?? 'the start'}`);
        cur = { ...cur, token: null };
        continue;
      }
      if (err instanceof OaiError) {
        throw new HarvestError(`the OAI-PMH server answered ${err.code}: ${err.message}; progress so far is saved, run the same command again to resume`);
      }
      const msg = err instanceof Error ? err.message : String(err);
      throw new HarvestError(`${msg}; progress so far is saved (${cur.pages} pages), run the same command again to resume`);
    }
    const items = page.items.filter((it) => !it.ok || inCategory(it.record.paper.categories, category));
    const summary = items.length > 0
      ? await deps.importItems(store, items, {
        batchSize: items.length,
        onReject: (at, reason) => log(`rejected ${at}: ${reason}`),
      })
      : { added: 0, updated: 0, unchanged: 0, rejected: 0, rejects: [] };
    cur = {
      ...cur,
      token: page.resumptionToken || null,
      pages: cur.pages + 1,
      seen: cur.seen + page.items.length,
      kept: cur.kept + items.length,
      added: cur.added + summary.added,
      updated: cur.updated + summary.updated,
      unchanged: cur.unchanged + summary.unchanged,
      rejected: cur.rejected + summary.rejected,
      completeListSize: page.completeListSize ?? cur.completeListSize,
    };
    const done = !cur.token;
    if (done) {
      await save({ lastUntil: cur.until ?? cur.startedAt.slice(0, 10), lastFinishedAt: now().toISOString(), run: null });
    } else {
      await save({ ...state, run: cur });
    }
    const of = cur.completeListSize !== null ? ` of ${cur.completeListSize}` : '';
    log(`page ${cur.pages}: ${cur.seen}${of} records listed in set ${set}, ${cur.kept} in ${category} ` +
      `(added ${cur.added}, updated ${cur.updated}, unchanged ${cur.unchanged}, rejected ${cur.rejected})`);
    if (done) return { ...cur, category, set, resumed };
  }
}
