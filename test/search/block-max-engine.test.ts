/**
 * The block-max engine over a real SQLite backend's change feed: papers
 * imported, updated or deleted after the index was built are found (or not)
 * at the next search and after a reopen; a backlog is left to the background
 * beyond INLINE_CATCH_UP; a rebuild in worker threads equals one thread's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SqliteBackend } from '../../src/store/sqlite/sqlite-backend.js';
import { BlockMaxEngine, INLINE_CATCH_UP } from '../../src/search/block-max-engine.js';
import { SearchService } from '../../src/search/search-service.js';
import { LexicalIndex } from '../../src/search/index/lexical-index.js';
import { tempDbPath } from '../helpers/temp-db.js';
import { paper, record } from '../helpers/papers.js';

const base = { filters: {}, limit: 10, offset: 0 };

async function open(backend: SqliteBackend) {
  const engine = await BlockMaxEngine.open({ changes: backend.changes, upvotes: () => backend.store.upvotesByKey() }, backend.indexDir);
  engine.queryBudgetMs = Infinity; // exact answers are asserted; the budget has its own test (search-bounds)
  return { engine, search: new SearchService(backend.store, engine) };
}

test('papers imported, updated and deleted after the build are followed at once and after a reopen', async () => {
  const { file, cleanup } = tempDbPath();
  let backend = new SqliteBackend(file);
  try {
    await backend.store.upsertRecords([
      record(paper('2401.00001', { title: 'Diffusion models for video generation', abstract: 'We generate video.', publishedAt: '2024-01-01T00:00:00Z' })),
    ]);
    const { engine, search } = await open(backend);
    const ids = async (s: SearchService, text: string) => (await s.search({ ...base, text, sort: 'relevance' })).hits.map((h) => h.detail.paper.id);
    assert.equal(engine.index.liveDocs, 1);
    // Imported after the build: found by the next search, no rebuild.
    await backend.store.upsertRecords([
      record(paper('2402.00002', { title: 'Language model reasoning', abstract: 'Language models reason step by step.', publishedAt: '2024-02-01T00:00:00Z' })),
      record(paper('2403.00003', { title: 'Graph neural networks for molecules', abstract: 'Message passing.', publishedAt: '2024-03-01T00:00:00Z' })),
    ]);
    assert.deepEqual(await ids(search, 'reasoning'), ['2402.00002']);
    assert.deepEqual(await ids(search, 'molecules'), ['2403.00003']);
    // A new version with a new title: the old words no longer find it, the new ones do.
    await backend.store.upsertRecords([record(paper('2402.00002', { title: 'Chain of thought', abstract: 'Thinking step by step.', version: 2, publishedAt: '2024-02-01T00:00:00Z' }))]);
    assert.deepEqual(await ids(search, 'reasoning'), []);
    assert.deepEqual(await ids(search, 'thought'), ['2402.00002']);
    // A delete (the trigger logs the old key): gone from results.
    backend.store.db.prepare('DELETE FROM papers WHERE id = ?').run('2403.00003');
    assert.deepEqual(await ids(search, 'molecules'), []);
    // Nothing was flushed: a reopen replays the feed from the committed cursor.
    await engine.close();
    await backend.close();
    backend = new SqliteBackend(file);
    const again = await open(backend);
    assert.equal(again.engine.index.liveDocs, 2);
    assert.deepEqual(await ids(again.search, 'reasoning'), []);
    assert.deepEqual(await ids(again.search, 'thought'), ['2402.00002']);
    assert.deepEqual(await ids(again.search, 'video'), ['2401.00001']);
    // After a flush the committed cursor moves on; a reopen finds the same state without replaying.
    again.engine.index.flush();
    await again.engine.close();
    const third = await open(backend);
    assert.equal(await third.engine.catchUp(), 0, 'nothing left to replay after a flush');
    assert.equal(await third.engine.lag(), 0);
    assert.deepEqual(await ids(third.search, 'thought'), ['2402.00002']);
    await third.engine.close();
  } finally {
    await backend.close();
    cleanup();
  }
});

test('a search applies a backlog of up to INLINE_CATCH_UP changes; a longer one is left to the background and the answer says so', async () => {
  const { file, cleanup } = tempDbPath();
  const backend = new SqliteBackend(file);
  try {
    await backend.store.upsertRecords([record(paper('2401.00001', { title: 'Seed paper', publishedAt: '2024-01-01T00:00:00Z' }))]);
    const { engine, search } = await open(backend);
    const backlog = INLINE_CATCH_UP + 500;
    await backend.store.upsertRecords(Array.from({ length: backlog }, (_, i) => record(paper(`2402.${String(10000 + i)}`, {
      title: `Backlog paper ${i} about quasars`, publishedAt: '2024-02-01T00:00:00Z',
    }))));
    assert.equal(await engine.lag(), backlog);
    const first = await search.search({ ...base, text: 'quasars', sort: 'relevance' });
    assert.equal(first.total, 0, 'the request indexed nothing: it answered from the index as it is');
    assert.equal(first.indexBehind, backlog, 'and said how far behind the index is');
    assert.equal(await engine.lag(), backlog);
    engine.follow(10);
    for (let i = 0; i < 2000 && (await engine.lag()) > 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(await engine.lag(), 0, 'the background loop caught up');
    const caughtUp = await search.search({ ...base, text: 'quasars', sort: 'relevance' });
    assert.equal(caughtUp.total, backlog);
    assert.equal(caughtUp.indexBehind, undefined);
    // A short backlog is applied by the search itself: an edit shows at once.
    await backend.store.upsertRecords([record(paper('2403.00001', { title: 'Late quasars', publishedAt: '2024-03-01T00:00:00Z' }))]);
    assert.equal((await search.search({ ...base, text: 'quasars', sort: 'relevance' })).total, backlog + 1);
    await engine.close();
  } finally {
    await backend.close();
    cleanup();
  }
});

test('a rebuild in two worker threads writes the same segments as one thread, in publication order', async () => {
  const { file, cleanup } = tempDbPath();
  const backend = new SqliteBackend(file);
  try {
    const words = ['graph', 'neural', 'video', 'diffusion', 'language', 'reasoning', 'model', 'robot'];
    // Ids not in date order, so publication order (the doc-id order) differs from insertion order.
    await backend.store.upsertRecords(Array.from({ length: 1_000 }, (_, i) => record(paper(`2401.${String(10000 + i)}`, {
      title: `${words[i % 8]} ${words[(i * 3) % 8]} study ${i}`,
      abstract: `We study ${words[(i * 5) % 8]} and ${words[(i * 7) % 8]} models.`,
      publishedAt: new Date(Date.UTC(2024, 0, 1) + ((i * 37) % 1_000) * 86_400_000).toISOString(),
      categories: ['cs.LG'],
    }))));
    const build = async (dir: string, threads: number): Promise<LexicalIndex> => {
      const index = LexicalIndex.open(join(dirname(file), dir));
      await new BlockMaxEngine(index, { changes: backend.changes, upvotes: async () => new Map() }).rebuild(() => {}, { threads, segmentDocs: 300 });
      return index;
    };
    const one = await build('one.idx', 1);
    const two = await build('two.idx', 2);
    assert.equal(two.segmentCount, 4, '1,000 papers in segments of 300');
    const segs = readdirSync(one.dir!).filter((f) => f.endsWith('.seg')).sort();
    assert.deepEqual(readdirSync(two.dir!).filter((f) => f.endsWith('.seg')).sort(), segs);
    for (const f of segs) assert.ok(readFileSync(join(one.dir!, f)).equals(readFileSync(join(two.dir!, f))), `${f} is byte-identical`);
    assert.equal(two.changeSeq, one.changeSeq, 'the change log position is committed');
    const reopened = LexicalIndex.open(two.dir!);
    const q = { must: [{ terms: ['graph'] }, { terms: ['neural'] }] };
    assert.deepEqual(reopened.search(q, 20), one.search(q, 20));
    one.close();
    two.close();
    reopened.close();
  } finally {
    await backend.close();
    cleanup();
  }
});
