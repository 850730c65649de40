/**
 * Search work is bounded: phrase/prefix/author matching stops at a deadline
 * and says so; past MAX_SEARCHES_IN_FLIGHT waiting searches a new one is
 * refused with 503 + Retry-After instead of queueing; feeds are rendered
 * once per FEED_CACHE_TTL_MS per URL.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LexicalIndex } from '../../src/search/index/lexical-index.js';
import { SearchService, MAX_SEARCHES_IN_FLIGHT, SearchBusyError } from '../../src/search/search-service.js';
import { backendDeps, createApp } from '../../src/web/app.js';
import { loadConfig } from '../../src/config.js';
import type { LexicalEngine, LexicalRequest, LexicalResult } from '../../src/store/lexical-engine.js';
import { FEED_CACHE_TTL_MS } from '../../src/web/feeds/routes.js';
import { paper, record } from '../helpers/papers.js';
import { tempDbPath } from '../helpers/temp-db.js';
import { openTestBackend, openTestApp } from '../helpers/test-app.js';

test('phrase matching stops at the deadline and flags the answer as partial', () => {
  const idx = LexicalIndex.inMemory();
  for (let i = 0; i < 3000; i++) idx.add({ key: i + 1, title: `the model of the world ${i}`, authors: '', abstract: 'the model is the model', date: 19000, categories: [], organization: null });
  const q = { must: [{ terms: ['the', 'model'] }] };
  const full = idx.search(q, 10);
  assert.equal(idx.truncated, false);
  assert.equal(full.length, 10);
  idx.setDeadline(performance.now() - 1);
  const cut = idx.search(q, 10);
  assert.equal(idx.truncated, true, 'the deadline was hit');
  assert.ok(cut.length < full.length || cut.length === 0 || cut.every((h, i) => h.key === full[i]?.key), 'best found so far');
  idx.setDeadline(Infinity);
  assert.deepEqual(idx.search(q, 10), full, 'without a deadline the full answer again');
  assert.equal(idx.truncated, false);
});

test('searches beyond the in-flight limit get 503 with Retry-After, the others finish', async () => {
  const { file, cleanup } = tempDbPath();
  const t = await openTestBackend(file, { records: [record(paper('2401.00001', { title: 'Slow searches' }))] });
  let release!: () => void;
  const gate = new Promise<void>((r) => { release = r; });
  const real = t.search.engine;
  const gated: LexicalEngine = {
    name: 'gated',
    async search(req: LexicalRequest): Promise<LexicalResult> { await gate; return real.search(req); },
    documentFrequencies: (w, cap) => real.documentFrequencies(w, cap),
  };
  const service = new SearchService(t.store, gated);
  const app = await createApp({ ...backendDeps(t.backend), search: service, config: loadConfig({ db: file, port: 0 }, {}) });
  try {
    const waiting = Array.from({ length: MAX_SEARCHES_IN_FLIGHT }, () => app.inject({ url: '/api/papers/search?q=slow' }));
    await new Promise((r) => setTimeout(r, 50));
    const refused = await app.inject({ url: '/api/papers/search?q=slow' });
    assert.equal(refused.statusCode, 503);
    assert.equal(refused.headers['retry-after'], '1');
    assert.equal(refused.json().error.code, 'busy');
    await assert.rejects(service.search({ text: 'slow', filters: {}, sort: 'relevance', limit: 1, offset: 0 }), SearchBusyError);
    release();
    const done = await Promise.all(waiting);
    assert.ok(done.every((r) => r.statusCode === 200), 'the queued searches all answered');
    assert.equal((await app.inject({ url: '/api/papers/search?q=slow' })).statusCode, 200, 'and the next one is accepted again');
  } finally {
    await app.close();
    await t.close();
    cleanup();
  }
});

test('a feed is rendered once per FEED_CACHE_TTL_MS for the same URL', async () => {
  const { file, cleanup } = tempDbPath();
  const clock = { now: new Date('2025-06-02T12:00:00Z') };
  const day = (upvotes: number) => ({ day: '2025-06-02', submittedAt: '2025-06-02T08:00:00.000Z', submittedBy: null, upvotes, numComments: 0 });
  const t = await openTestApp(file, { records: [record(paper('2506.00001', { title: 'First paper' }), day(5))], now: () => clock.now });
  try {
    const first = await t.app.inject({ url: '/feeds/daily.rss' });
    assert.match(first.body, /First paper/);
    await t.store.upsertRecords([record(paper('2506.00002', { title: 'Second paper' }), day(9))]);
    assert.doesNotMatch((await t.app.inject({ url: '/feeds/daily.rss' })).body, /Second paper/, 'served from the cache');
    clock.now = new Date(clock.now.getTime() + FEED_CACHE_TTL_MS + 1);
    assert.match((await t.app.inject({ url: '/feeds/daily.rss' })).body, /Second paper/, 'rebuilt after the TTL');
  } finally {
    await t.close();
    cleanup();
  }
});
