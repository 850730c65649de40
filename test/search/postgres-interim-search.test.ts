/**
 * A fresh process on PostgreSQL answers searches before its block-max index
 * is built: PostgreSQL's full-text search answers meanwhile (the interim
 * engine), and the index takes over once it is built and nearly current —
 * first with the switch held by the test (so "before" is certain, not a
 * race), then as serve runs it, with the index built by the maintainer thread.
 * /readyz says 503 until the switch: the node answers, but not at its speed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openBackend } from '../../src/store/open-backend.js';
import { openSearch } from '../../src/search/open-search.js';
import { BlockMaxEngine } from '../../src/search/block-max-engine.js';
import { InterimEngine } from '../../src/search/interim-engine.js';
import { SearchService } from '../../src/search/search-service.js';
import type { SearchRequest } from '../../src/search/search-request.js';
import { paper, record } from '../helpers/papers.js';
import { tempDir } from '../helpers/temp-db.js';
import { freshDatabase, requirePostgres } from '../helpers/postgres-server.js';
import { backendDeps, createApp } from '../../src/web/app.js';
import { loadConfig } from '../../src/config.js';
import { TEST_SCRYPT } from '../helpers/test-app.js';

const req = (text: string): SearchRequest => ({ text, filters: {}, sort: 'relevance', limit: 10, offset: 0 });
const RECORDS = [
  record(paper('2501.00001', { title: 'Diffusion models for protein design', abstract: 'We design proteins.' })),
  record(paper('2501.00002', { title: 'Graph networks', abstract: 'Message passing on graphs, not diffusion of proteins.' })),
  record(paper('2501.00003', { title: 'Speech recognition', abstract: 'Transducers.' })),
];

if (requirePostgres()) {
  test('before the switch the interim engine is not ready: /readyz 503 while its own index is unbuilt, even once the fallback is complete', async () => {
    const url = await freshDatabase();
    const backend = await openBackend(url);
    const index = await BlockMaxEngine.open({ changes: backend.changes, upvotes: async () => new Map() }, null);
    let built = false;
    const interim = new InterimEngine(backend.nativeLexical!, index, async () => built);
    const app = await createApp({ ...backendDeps(backend), search: new SearchService(backend.store, interim), config: loadConfig({ db: url, port: 0 }, {}), scrypt: TEST_SCRYPT });
    const readyz = async () => {
      const r = await app.inject({ url: '/readyz' });
      return { status: r.statusCode, body: r.json() as { lag?: number; building?: boolean; status?: string } };
    };
    try {
      await backend.store.upsertRecords(RECORDS);
      assert.equal(await backend.nativeLexical!.lag!(), 3, 'an import leaves the vectors to the background fill');
      assert.ok(await interim.lag() >= 3, 'behind by at least the papers the fallback misses');
      while (await backend.maintainNativeLexical!() > 0);
      assert.equal(await backend.nativeLexical!.lag!(), 0, 'the fallback is complete');
      assert.equal(await interim.building(), true);
      assert.equal(await interim.lag(), await index.lag(), 'the unbuilt index\'s backlog: every change');
      assert.ok(await index.lag() > 0);
      const early = await readyz();
      assert.equal(early.status, 503, 'a node answering from the fallback is not ready for a load balancer');
      assert.equal(early.body.building, true);
      built = true;
      assert.equal(await interim.building(), false);
      await index.catchUp();
      assert.equal(interim.usingIndex, true);
      assert.equal(await interim.lag(), await index.lag(), 'after the switch: the index\'s own lag');
      assert.deepEqual(await readyz(), { status: 200, body: { status: 'ready', lag: 0 } });
    } finally {
      await app.close();
      await index.close();
      await backend.close();
    }
  });

  test('the full-text fallback answers until the index says it is built, then the index answers, for good', async () => {
    const backend = await openBackend(await freshDatabase());
    await backend.store.upsertRecords(RECORDS);
    while (await backend.maintainNativeLexical!() > 0); // what serve's upkeep loop does
    const index = await BlockMaxEngine.open({ changes: backend.changes, upvotes: async () => new Map() }, null);
    let built = false;
    let asked = 0;
    const interim = new InterimEngine(backend.nativeLexical!, index, async () => { asked++; return built; });
    const service = new SearchService(backend.store, interim);
    try {
      const early = await service.search(req('diffusion proteins'));
      assert.equal(interim.usingIndex, false);
      assert.match(interim.name, /^postgres-fts \(while the engine index builds\)$/);
      assert.deepEqual(early.hits.map((h) => h.detail.paper.id), ['2501.00001', '2501.00002'], 'the title match first');
      built = true;
      const late = await service.search(req('diffusion proteins'));
      assert.equal(interim.usingIndex, true);
      assert.equal(interim.name, 'engine');
      assert.deepEqual(late.hits.map((h) => h.detail.paper.id), ['2501.00001', '2501.00002']);
      const before = asked;
      built = false;
      await service.search(req('speech'));
      assert.equal(interim.usingIndex, true, 'no going back');
      assert.equal(asked, before, 'not asked again once switched');
    } finally {
      await interim.close();
      await backend.close();
    }
  });

  test('as serve opens it: a never-built index folder gets the interim engine, which switches once the maintainer built the index', async () => {
    const { dir, cleanup } = tempDir();
    const url = await freshDatabase();
    const backend = await openBackend(url, { indexDir: dir });
    await backend.store.upsertRecords(RECORDS);
    while (await backend.maintainNativeLexical!() > 0); // what serve's upkeep loop does
    const search = await openSearch(backend, 'engine', { vectors: false, interim: true, maintainerDb: url });
    try {
      assert.ok(search.engine instanceof InterimEngine);
      const interim = search.engine as InterimEngine;
      const ids = async () => (await search.service.search(req('diffusion proteins'))).hits.map((h) => h.detail.paper.id);
      assert.deepEqual(await ids(), ['2501.00001', '2501.00002'], 'answered at once, whichever engine');
      const deadline = Date.now() + 60_000;
      while (!interim.usingIndex && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        assert.deepEqual(await ids(), ['2501.00001', '2501.00002']);
      }
      assert.equal(interim.usingIndex, true, 'the index took over');
    } finally {
      await search.close();
      await backend.close();
    }
    // A process started on the built folder uses the index from the start.
    const again = await openBackend(url, { indexDir: dir });
    const second = await openSearch(again, 'engine', { vectors: false, interim: true });
    try {
      assert.ok(!(second.engine instanceof InterimEngine));
    } finally {
      await second.close();
      await again.close();
      cleanup();
    }
  });
}
