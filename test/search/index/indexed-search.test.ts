/** IndexedLexicalSearch over a real SQLite store: rebuild, search with sorts and filters, similar, re-index after an update. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { IndexedLexicalSearch } from '../../../src/search/indexed-search.js';
import { tempDbPath } from '../../helpers/temp-db.js';
import { paper, record } from '../../helpers/papers.js';

test('search, sorts, filters, similar and re-indexing through the LexicalSearch interface', async () => {
  const { file, cleanup } = tempDbPath();
  const store = new SqliteStore(file);
  try {
    await store.upsertRecords([
      record(paper('2401.00001', { title: 'Diffusion models for video generation', abstract: 'We generate video with diffusion.', publishedAt: '2024-01-01T00:00:00Z', categories: ['cs.CV'] })),
      record(paper('2402.00002', { title: 'Language model reasoning', abstract: 'Diffusion is not used here; language models reason.', publishedAt: '2024-02-01T00:00:00Z', categories: ['cs.CL'] })),
      record(paper('2403.00003', { title: 'Video diffusion at scale', abstract: 'Scaling diffusion models for video.', publishedAt: '2024-03-01T00:00:00Z', categories: ['cs.CV'] })),
    ]);
    const search = IndexedLexicalSearch.open(store.db, file);
    search.rebuild();
    const base = { filters: {}, limit: 10, offset: 0 };
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
    // A new version with a new title: re-indexed, the old text no longer matches.
    await store.upsertRecords([record(paper('2402.00002', { title: 'Chain of thought', abstract: 'Thinking step by step.', version: 2, publishedAt: '2024-02-01T00:00:00Z' }))]);
    const pk = (store.db.prepare('SELECT pk FROM papers WHERE id = ?').get('2402.00002') as { pk: number }).pk;
    search.indexPapers([pk]);
    assert.equal((await search.search({ ...base, text: 'reasoning', sort: 'relevance' })).total, 0);
    assert.deepEqual((await search.search({ ...base, text: 'thought', sort: 'relevance' })).hits.map((h) => h.paperId), ['2402.00002']);
    search.index.close();
  } finally {
    await store.close();
    cleanup();
  }
});
