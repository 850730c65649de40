import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { SqliteLexicalSearch } from '../../src/store/sqlite/sqlite-search.js';
import { createLexicalSearch, EngineSearch } from '../../src/search/create-search.js';
import { loadConfig, ConfigError } from '../../src/config.js';
import { tempDbPath } from '../helpers/temp-db.js';
import { paper, record } from '../helpers/papers.js';

test('PAPERBOY_SEARCH picks the engine; both engines answer the same query the same way', async () => {
  const { file, cleanup } = tempDbPath();
  const store = new SqliteStore(file);
  try {
    await store.upsertRecords([
      record(paper('2501.00001', { title: 'Diffusion models for video generation', abstract: 'We study diffusion.', publishedAt: '2025-01-02T00:00:00.000Z' })),
      record(paper('2501.00002', { title: 'Graph neural networks', abstract: 'Message passing and diffusion on graphs.', categories: ['cs.LG'], primaryCategory: 'cs.LG', publishedAt: '2025-01-03T00:00:00.000Z' })),
      record(paper('2501.00003', { title: 'Reasoning in language models', abstract: 'Chains of thought.', publishedAt: '2025-01-04T00:00:00.000Z' })),
    ]);
    assert.equal(loadConfig({}, {}).search, 'engine');
    assert.equal(loadConfig({}, { PAPERBOY_SEARCH: 'engine' }).search, 'engine');
    assert.throws(() => loadConfig({}, { PAPERBOY_SEARCH: 'lucene' }), ConfigError);

    const fts = await createLexicalSearch(store, 'fts5');
    assert.ok(fts instanceof SqliteLexicalSearch);
    const engine = await createLexicalSearch(store, 'engine');
    assert.ok(engine instanceof EngineSearch);
    assert.ok(existsSync(`${file}.idx`), 'the engine keeps its index beside the database');
    const req = { text: 'diffusion', filters: {}, sort: 'relevance' as const, limit: 10, offset: 0, prefixLast: false };
    const a = await fts.search(req);
    const b = await engine.search(req);
    assert.deepEqual(b.hits.map((h) => h.paperId), a.hits.map((h) => h.paperId));
    assert.deepEqual(a.hits.map((h) => h.paperId), ['2501.00001', '2501.00002']);
    // A paper stored after the engine opened is found at once.
    await store.upsertRecords([record(paper('2501.00004', { title: 'Latent diffusion', publishedAt: '2025-01-05T00:00:00.000Z' }))]);
    assert.ok((await engine.search(req)).hits.some((h) => h.paperId === '2501.00004'));
    // Filters without words are a listing, answered the same by both.
    const browse = { ...req, text: 'category:cs.LG' };
    assert.deepEqual((await engine.search(browse)).hits, (await fts.search(browse)).hits);
    assert.deepEqual((await fts.search(browse)).hits.map((h) => h.paperId), ['2501.00002']);
    engine.close?.();
  } finally {
    await store.close();
    cleanup();
  }
});
