/**
 * The FTS5 engine's own plans on a real SQLite file: over-fetching rounds for
 * filtered relevance, and the two sort=newest plans giving the same pages.
 * (Ranking, syntax, filters and similar papers are the search-layer
 * conformance suite's, run on both engines in test/search/.)
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { SqliteFts5Engine } from '../../src/store/sqlite/sqlite-search.js';
import type { LexicalFilters, LexicalRequest } from '../../src/store/lexical-engine.js';
import { parseQuery } from '../../src/domain/query-parser.js';
import { RECORDS } from '../conformance/lexical-search.js';
import { tempDbPath } from '../helpers/temp-db.js';

let store: SqliteStore;
let cleanup: () => void;

before(async () => {
  const t = tempDbPath();
  cleanup = t.cleanup;
  store = new SqliteStore(t.file, { fts5: true });
  await store.upsertRecords(RECORDS);
});
after(async () => {
  await store.close();
  cleanup();
});

const noFilters: LexicalFilters = { categories: [], organizations: [] };
const req = (text: string, over: Partial<LexicalRequest> = {}): LexicalRequest =>
  ({ query: parseQuery(text), filters: noFilters, sort: 'relevance', limit: 20, offset: 0, countCap: 100_000, ...over });
const idOf = async (key: number) => (await store.getPaperDetailsByKeys([key])).get(key)!.paper;

test('filtered relevance over-fetches in rounds and gives the same hits as an unbounded scan', async () => {
  const small = new SqliteFts5Engine(store, { maxCandidates: 10_000 });
  const tiny = new SqliteFts5Engine(store, { maxCandidates: 5 });
  const filters: LexicalFilters = { ...noFilters, from: '2024-07-20', to: '2024-07-31' };
  const all = (await small.search(req('orbital', { limit: 100 }))).hits;
  const expected: number[] = [];
  for (const h of all) {
    const p = await idOf(h.key);
    if (p.publishedAt! >= '2024-07-20' && p.publishedAt! < '2024-08-01') expected.push(h.key);
  }
  const r = await small.search(req('orbital', { filters, limit: 3, offset: 2 }));
  assert.deepEqual(r.hits.map((h) => h.key), expected.slice(2, 5));
  assert.equal(r.total, expected.length);
  // With a cap below the match count the total is flagged as an estimate, and hits stay within the filter.
  const capped = await tiny.search(req('orbital', { filters, limit: 3 }));
  assert.equal(capped.totalIsEstimate, true);
  for (const h of capped.hits) assert.ok(expected.includes(h.key));
});

test('sort=newest gives the same pages by the date-index plan and the join plan', async () => {
  const indexPlan = new SqliteFts5Engine(store, { newestIndexPlanMin: 0 });
  const joinPlan = new SqliteFts5Engine(store, { newestIndexPlanMin: 1e9 });
  const cases: [string, 'all' | 'any', LexicalFilters][] = [
    ['orbital', 'all', noFilters], ['orbital', 'all', { ...noFilters, from: '2024-07-10', to: '2024-07-20' }],
    ['speech', 'all', { ...noFilters, organizations: ['AcmeAI'] }], ['speech transducers', 'any', { ...noFilters, categories: ['cs.CL'] }],
  ];
  for (const [text, mode, filters] of cases) {
    for (const offset of [0, 4]) {
      const a = await indexPlan.search(req(text, { sort: 'newest', mode, filters, limit: 5, offset }));
      const b = await joinPlan.search(req(text, { sort: 'newest', mode, filters, limit: 5, offset }));
      assert.deepEqual(a, b, `${text} ${JSON.stringify(filters)} @${offset}`);
    }
  }
  const first = await indexPlan.search(req('orbital', { sort: 'newest', limit: 3 }));
  assert.deepEqual(await Promise.all(first.hits.map(async (h) => (await idOf(h.key)).id)), ['2407.00027', '2407.00026', '2407.00025']);
});

test('document frequencies count the papers holding each word, stemmed as FTS5 stems', async () => {
  const engine = new SqliteFts5Engine(store);
  const { docs, df } = await engine.documentFrequencies(['speech', 'transducer', 'orbital', 'nowhere', '"']);
  assert.equal(docs, RECORDS.length);
  assert.deepEqual(df, [3, 3, 30, 0, 0]);
  assert.deepEqual((await engine.documentFrequencies(['orbital'], 10)).df, [10]);
});
