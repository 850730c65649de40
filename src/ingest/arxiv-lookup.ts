/**
 * One paper's metadata from the arXiv export API (`?id_list=ID`), for
 * submitting a paper to the daily list.
 *
 * Goals: three clear answers — found (the paper, parsed by arxiv-atom.ts),
 * missing (arXiv has no such paper, or answered with its error feed), or
 * unreachable (network, timeout, 5xx after the polite client's retries) —
 * so the caller can tell the user which, and save nothing on the last two.
 * Non-goals: paging, search queries (import-source.ts reads whole result sets).
 */
import type { Paper } from '../domain/paper.js';
import { ArxivApiError, parseArxivAtom } from './arxiv-atom.js';
import { HttpFetchError, type PoliteHttpClient } from './http-fetch.js';
import { checkRecord } from './record-limits.js';

export type ArxivLookup =
  | { kind: 'found'; paper: Paper }
  | { kind: 'missing'; message: string }
  | { kind: 'unreachable'; message: string };

/** The API URL asking for exactly one id. */
export function lookupUrl(apiUrl: string, id: string): string {
  const u = new URL(apiUrl);
  u.searchParams.set('id_list', id);
  u.searchParams.set('max_results', '1');
  return u.toString();
}

export async function lookupArxivPaper(client: PoliteHttpClient, apiUrl: string, id: string): Promise<ArxivLookup> {
  let body: string;
  try {
    body = (await client.getText(lookupUrl(apiUrl, id))).body;
  } catch (err) {
    if (err instanceof HttpFetchError && err.status !== null && err.status >= 400 && err.status < 500) {
      return { kind: 'missing', message: `arXiv answered HTTP ${err.status} for ${id}.` };
    }
    return { kind: 'unreachable', message: err instanceof Error ? err.message : String(err) };
  }
  try {
    const page = parseArxivAtom(body);
    const hit = page.items.find((it) => it.ok && it.record.paper.id === id);
    if (!hit || !hit.ok) return { kind: 'missing', message: `arXiv has no paper ${id}.` };
    // The same gate every import passes (control characters, field sizes).
    const checked = checkRecord(hit.record);
    if (!checked.ok) return { kind: 'missing', message: `arXiv's record of ${id} cannot be stored: ${checked.reason}` };
    return { kind: 'found', paper: checked.record.paper };
  } catch (err) {
    if (err instanceof ArxivApiError) return { kind: 'missing', message: `arXiv: ${err.message}` };
    // Not an Atom feed at all (a captive portal, a proxy's error page): arXiv was not really reached.
    return { kind: 'unreachable', message: `arXiv's answer was not an Atom feed (${err instanceof Error ? err.message : String(err)}).` };
  }
}
