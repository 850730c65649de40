/**
 * IndexedLexicalSearch over a real SQLite store: rebuild, search with sorts
 * and filters, similar, and live indexing — papers imported, updated or
 * deleted through the store after the index was built are found (or not)
 * at once, through the paper_changes log, and still after a reopen.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { IndexedLexicalSearch } from '../../../src/search/indexed-search.js';
import { LexicalIndex } from '../../../src/search/index/lexical-index.js';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tempDbPath } from '../../helpers/temp-db.js';
import { paper, record } from '../../helpers/papers.js';

const base = { filters: {}, limit: 10, offset: 0 };

test('search, sorts, filters and similar through the LexicalSearch interface', async () => {
  const { file, cleanup } = tempDbPath();
  const store = new SqliteStore(file);
  try {
    await store.upsertRecords([
      record(paper('2401.00001', { title: 'Diffusion models for video generation', abstract: 'We generate video with diffusion.', publishedAt: '2024-01-01T00:00:00Z', categories: ['cs.CV'] })),
      record(paper('2402.00002', { title: 'Language model reasoning', abstract: 'Diffusion is not used here; language models reason.', publishedAt: '2024-02-01T00:00:00Z', categories: ['cs.CL'] })),
      record(paper('2403.00003', { title: 'Video diffusion at scale', abstract: 'Scaling diffusion models for video.', publishedAt: '2024-03-01T00:00:00Z', categories: ['cs.CV', 'cs.CV'] })),
    ]);
    const search = IndexedLexicalSearch.open(store.db, file);
    const rel = await search.search({ ...base, text: 'video diffusion', sort: 'relevance' });
    assert.deepEqual(rel.hits.map((h) => h.paperId).sort(), ['2401.00001', '2403.00003']);
    assert.equal(rel.total, 2);
    assert.ok(rel.hits[0].score >= rel.hits[1].score);
    const newest = await search.search({ ...base, text: 'diffusion', sort: 'newest' });
    assert.deepEqual(newest.hits.map((h) => h.paperId), ['2403.00003', '2402.00002', '2401.00001']);
    const filtered = await search.search({ ...base, text: 'diffusion', sort: 'newest', filters: { category: 'cs.cv', from: '2024-02-15' } });
    assert.deepEqual(filtered.hits.map((h) => h.paperId), ['2403.00003']);
    const prefix = await search.search({ ...base, text: 'reaso', sort: 'relevance' });
    assert.deepEqual(prefix.hits.map((h) => h.paperId), ['2402.00002']);
    assert.deepEqual(await search.search({ ...base, text: '"" :: -', sort: 'relevance' }), { hits: [], total: 0, highlightTerms: [] });
    const similar = await search.similar('2401.00001', 5);
    assert.equal(similar[0].paperId, '2403.00003');
    assert.ok(!similar.some((h) => h.paperId === '2401.00001'));
    search.index.close();
  } finally {
    await store.close();
    cleanup();
  }
});

test('papers imported, updated and deleted after the build are followed at once and after a reopen', async () => {
  const { file, cleanup } = tempDbPath();
  let store = new SqliteStore(file);
  try {
    await store.upsertRecords([
      record(paper('2401.00001', { title: 'Diffusion models for video generation', abstract: 'We generate video.', publishedAt: '2024-01-01T00:00:00Z' })),
    ]);
    const search = IndexedLexicalSearch.open(store.db, file);
    assert.equal(search.index.liveDocs, 1);
    // Imported after the build: found by the next search, no rebuild.
    await store.upsertRecords([
      record(paper('2402.00002', { title: 'Language model reasoning', abstract: 'Language models reason step by step.', publishedAt: '2024-02-01T00:00:00Z' })),
      record(paper('2403.00003', { title: 'Graph neural networks for molecules', abstract: 'Message passing.', publishedAt: '2024-03-01T00:00:00Z' })),
    ]);
    assert.deepEqual((await search.search({ ...base, text: 'reasoning', sort: 'relevance' })).hits.map((h) => h.paperId), ['2402.00002']);
    assert.deepEqual((await search.search({ ...base, text: 'molecules', sort: 'relevance' })).hits.map((h) => h.paperId), ['2403.00003']);
    // A new version with a new title: the old words no longer find it, the new ones do.
    await store.upsertRecords([record(paper('2402.00002', { title: 'Chain of thought', abstract: 'Thinking step by step.', version: 2, publishedAt: '2024-02-01T00:00:00Z' }))]);
    assert.equal((await search.search({ ...base, text: 'reasoning', sort: 'relevance' })).total, 0);
    assert.deepEqual((await search.search({ ...base, text: 'thought', sort: 'relevance' })).hits.map((h) => h.paperId), ['2402.00002']);
    // A delete (the trigger logs the old pk): gone from results.
    store.db.prepare('DELETE FROM papers WHERE id = ?').run('2403.00003');
    assert.equal((await search.search({ ...base, text: 'molecules', sort: 'relevance' })).total, 0);
    // Nothing was flushed: a reopen replays the log from the committed seq.
    search.index.close();
    await store.close();
    store = new SqliteStore(file);
    const again = IndexedLexicalSearch.open(store.db, file);
    assert.equal(again.index.liveDocs, 2);
    assert.equal((await again.search({ ...base, text: 'reasoning', sort: 'relevance' })).total, 0);
    assert.deepEqual((await again.search({ ...base, text: 'thought', sort: 'relevance' })).hits.map((h) => h.paperId), ['2402.00002']);
    assert.deepEqual((await again.search({ ...base, text: 'video', sort: 'relevance' })).hits.map((h) => h.paperId), ['2401.00001']);
    assert.equal((await again.search({ ...base, text: 'molecules', sort: 'relevance' })).total, 0);
    // After a flush the committed seq moves on; a reopen finds the same state without replaying.
    again.index.flush();
    again.index.close();
    const third = IndexedLexicalSearch.open(store.db, file);
    assert.equal(third.catchUp(), 0, 'nothing left to replay after a flush');
    assert.deepEqual((await third.search({ ...base, text: 'thought', sort: 'relevance' })).hits.map((h) => h.paperId), ['2402.00002']);
    third.index.close();
  } finally {
    await store.close();
    cleanup();
  }
});

test('a rebuild in two worker threads writes the same segments as one thread, in publication order', async () => {
  const { file, cleanup } = tempDbPath();
  const store = new SqliteStore(file);
  try {
    const words = ['graph', 'neural', 'video', 'diffusion', 'language', 'reasoning', 'model', 'robot'];
    // Ids not in date order, so publication order (the doc-id order) differs from insertion order.
    await store.upsertRecords(Array.from({ length: 1_000 }, (_, i) => record(paper(`2401.${String(10000 + i)}`, {
      title: `${words[i % 8]} ${words[(i * 3) % 8]} study ${i}`,
      abstract: `We study ${words[(i * 5) % 8]} and ${words[(i * 7) % 8]} models.`,
      publishedAt: new Date(Date.UTC(2024, 0, 1) + ((i * 37) % 1_000) * 86_400_000).toISOString(),
      categories: ['cs.LG'],
    }))));
    const build = (dir: string, threads: number): LexicalIndex => {
      const index = LexicalIndex.open(join(dirname(file), dir));
      new IndexedLexicalSearch(store.db, index).rebuild(() => {}, { threads, segmentDocs: 300 });
      return index;
    };
    const one = build('one.idx', 1);
    const two = build('two.idx', 2);
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
    await store.close();
    cleanup();
  }
});
