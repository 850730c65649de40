/**
 * sort=upvotes' upvote table: lookups by key over sorted typed arrays; and
 * with serve's maintainer thread (a real worker over a real SQLite file),
 * the tables it reads off the serving thread order results by upvotes and
 * follow a count changed by another connection, with no scan of the
 * upvotes on the serving thread once a table has arrived.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UpvoteTable } from '../../src/search/upvote-table.js';
import { SqliteBackend } from '../../src/store/sqlite/sqlite-backend.js';
import { tempDbPath } from '../helpers/temp-db.js';
import { paper, record } from '../helpers/papers.js';
import { until } from '../helpers/cli-process.js';
import { BlockMaxEngine } from '../../src/search/block-max-engine.js';
import { parseQuery } from '../../src/domain/query-parser.js';
import type { LexicalRequest } from '../../src/store/lexical-engine.js';

test('an upvote table answers every key of its map and undefined for others', () => {
  const map = new Map<number, number>();
  for (let k = 0; k < 500; k++) map.set((k * 7919) % 10_007, k % 13);
  const table = UpvoteTable.fromMap(map);
  assert.equal(table.size, map.size);
  for (const [k, v] of map) assert.equal(table.get(k), v, `key ${k}`);
  for (const k of [-1, 10_008, 1e9]) assert.equal(table.get(k), undefined);
  const missing = [...Array(10_007).keys()].find((k) => !map.has(k))!;
  assert.equal(table.get(missing), undefined);
  assert.equal(UpvoteTable.fromMap(new Map()).get(1), undefined);
  const copy = UpvoteTable.fromArrays(table.keys.slice(), table.values.slice());
  assert.equal(copy.get([...map.keys()][3]), map.get([...map.keys()][3]));
  assert.throws(() => UpvoteTable.fromArrays(new Uint32Array(2), new Int32Array(1)), /differ in length/);
});

const listed = (id: string, title: string, upvotes: number) =>
  record(paper(id, { title, abstract: `${title}: a study of sparse attention.` }), { day: '2025-03-03', submittedAt: null, submittedBy: null, upvotes, numComments: 0 });

const byUpvotes = (text: string): LexicalRequest =>
  ({ query: parseQuery(text), filters: { categories: [], organizations: [] }, sort: 'upvotes', limit: 10, offset: 0, countCap: 0 });

test('with a maintainer thread, sort=upvotes reads the thread\'s tables (no scan on the serving thread) and follows a count changed by another connection', async () => {
  const { file, cleanup } = tempDbPath();
  const backend = new SqliteBackend(file);
  let scans = 0;
  const engine = await BlockMaxEngine.open({ changes: backend.changes, upvotes: async () => { scans++; return backend.store.upvotesByKey(); } },
    backend.indexDir, { maintainer: { db: file } });
  try {
    await backend.store.upsertRecords([listed('2503.00001', 'Sparse attention one', 5), listed('2503.00002', 'Sparse attention two', 50), listed('2503.00003', 'Sparse attention three', 20)]);
    const keys = new Map<number, string>();
    for await (const page of backend.changes.scan()) {
      for (const [key, d] of await backend.store.getPaperDetailsByKeys(page.map((p) => p.key))) keys.set(key, d.paper.id);
    }
    const order = async () => (await engine.search(byUpvotes('sparse attention'))).hits.map((h) => keys.get(h.key));
    await until('the index and a table with the three papers', async () => {
      const ids = await order();
      return engine.upvoteSource === 'table' && ids.length === 3 && ids[0] === '2503.00002';
    });
    const before = scans;
    assert.deepEqual(await order(), ['2503.00002', '2503.00003', '2503.00001']);
    // Another connection writes a new count (as an import from another process would): the next table has it.
    const other = new SqliteBackend(file);
    await other.store.upsertRecords([listed('2503.00001', 'Sparse attention one', 500)]);
    await other.close();
    await until('sort=upvotes follows the new count', async () => (await order())[0] === '2503.00001');
    assert.deepEqual(await order(), ['2503.00001', '2503.00002', '2503.00003']);
    assert.equal(scans, before, 'no request read the upvotes itself once the thread\'s table had arrived');
  } finally {
    await engine.close();
    await backend.close();
    cleanup();
  }
});
