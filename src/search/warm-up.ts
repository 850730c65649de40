/**
 * Warms a new `serve` process's search in the background: once its index
 * is built and current, asks the search layer a few queries made of the
 * newest papers' own words — titles, two-word pairs, abstract openings
 * (what a pasted sentence looks like) — in every mode, one at a time between
 * requests. A fresh process compiles its hot paths (JIT) on its first
 * queries: at 1M papers the first 30-word query took 258 ms, then 113, 70,
 * 47 … and ≈ 17 ms from about the tenth (bench/api-search-bench.ts), so
 * without this the first visitors after a restart paid for it.
 *
 * Non-goals: the page cache (the index is read at open), the notes (warmNotes
 * in paper-notes.ts), anything a request waits for.
 */
import type { Store } from '../store/store.js';
import type { SearchService } from './search-service.js';
import type { SearchRequest } from './search-request.js';

/** Newest papers whose words make the queries. Default 6. */
const WARM_PAPERS = 6;
/** Rounds of all the queries: the JIT settles after about ten long queries. Default 3; sane range 1–10. */
const WARM_ROUNDS = 3;
/** How often to look again while the index is not built or not current, and for how long at most. */
const WAIT_STEP_MS = 1_000;
const WAIT_MAX_MS = 30 * 60_000;
/** Changes behind the database up to which the index counts as current (READY_LAG_MAX). */
const CURRENT_LAG = 1_000;

/** The queries: each paper's title, the title's first two words, and the abstract's first 30 words. */
export function warmUpQueries(papers: { title: string; abstract: string }[]): string[] {
  const words = (s: string) => s.split(/\s+/).filter((w) => /^[A-Za-z][A-Za-z-]*$/.test(w));
  const out: string[] = [];
  for (const p of papers) {
    const title = words(p.title);
    if (title.length > 0) out.push(title.join(' '));
    if (title.length > 1) out.push(title.slice(0, 2).join(' '));
    const opening = words(p.abstract).slice(0, 30);
    if (opening.length >= 10) out.push(opening.join(' '));
  }
  return [...new Set(out)];
}

/**
 * Waits until the index has papers and is current, then asks the queries WARM_ROUNDS times in the lexical, auto
 * and (once a vector index is there) hybrid modes. Returns the queries asked; stops quietly on an error or `stopped()`.
 */
export async function warmSearch(service: SearchService, store: Store, stopped: () => boolean = () => false): Promise<number> {
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());
  const turn = () => new Promise((resolve) => setImmediate(resolve));
  for (let waited = 0; ; waited += WAIT_STEP_MS) {
    if (stopped() || waited > WAIT_MAX_MS) return 0;
    const building = (await service.engine.building?.()) ?? false;
    const lag = (await service.engine.lag?.()) ?? 0;
    const { docs } = await service.engine.documentFrequencies([], 1);
    if (!building && lag <= CURRENT_LAG && docs > 0) break;
    await pause(WAIT_STEP_MS);
  }
  const newest = await store.browsePapers({ categories: [], organizations: [] }, 'newest', WARM_PAPERS, 0);
  const details = await store.getPaperDetailsByKeys(newest.keys);
  const queries = warmUpQueries([...details.values()].map((d) => d.paper));
  let asked = 0;
  for (let round = 0; round < WARM_ROUNDS; round++) {
    for (const text of queries) {
      for (const mode of ['lexical', 'auto', 'hybrid'] as const) {
        if (stopped()) return asked;
        if (mode === 'hybrid' && !service.vectors) continue;
        const req: SearchRequest = { text, mode, limit: 20, offset: 0, sort: 'relevance', filters: {}, count: false, prefixLast: false };
        await service.search(req);
        asked++;
        await turn();
      }
    }
  }
  return asked;
}
