/**
 * The first run as the README tells it: an empty database gets the demo, the
 * front page shows a full list marked as demo data; then real days are
 * imported with `paperboy import` (Hub daily_papers files, the real format)
 * and no demo paper remains on `/`, trending, the API, search or a digest.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { backendDeps, createApp } from '../../../src/web/app.js';
import { loadConfig } from '../../../src/config.js';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { SqliteBackend } from '../../../src/store/sqlite/sqlite-backend.js';
import { openSearch, type OpenedSearch } from '../../../src/search/open-search.js';
import { importDemoIfEmpty } from '../../../src/ingest/demo.js';
import { registerImport } from '../../../src/cli/import.js';
import { registerDigest } from '../../../src/cli/digest.js';
import { registerDemo } from '../../../src/cli/demo.js';
import { FIXTURES_DIR } from '../../helpers/fixture-server.js';
import { runCommand } from '../../helpers/run-command.js';
import { tempDbPath } from '../../helpers/temp-db.js';

/** A Tuesday: the demo covers Wed Jun 4 – Tue Jun 10, after the real fixture days (Jun 2 and 3). */
const NOW = new Date('2025-06-10T12:00:00Z');
const REAL_TITLES = [
  'Sparse Diffusion Transformers for Fast Image Generation',
  'Vision Language Models Need Better Benchmarks',
];

let file: string;
let cleanup: () => void;
let store: SqliteStore;
let app: FastifyInstance;
let search: OpenedSearch;
let backend: SqliteBackend;
let demoTitles: string[];

before(async () => {
  ({ file, cleanup } = tempDbPath());
  backend = new SqliteBackend(file);
  store = backend.store;
  // What `paperboy serve` does on an empty database.
  assert.equal(await importDemoIfEmpty(store, { now: NOW }), 45);
  const all = await store.listDaily({ from: '2000-01-01', to: '2100-01-01', sort: 'upvotes', limit: 100, offset: 0 });
  demoTitles = all.items.map((it) => it.paper.title);
  search = await openSearch(backend, 'engine');
  app = await createApp({
    ...backendDeps(backend),
    search: search.service,
    config: loadConfig({ db: file, port: 0, publicUrl: 'https://papers.example.org' }, {}),
    now: () => NOW,
  });
});

after(async () => {
  await app.close();
  await search.close();
  await backend.close();
  cleanup();
});

const get = (url: string) => app.inject({ url });
const cardTitles = (body: string) => [...body.matchAll(/<h2 class="card-title"><a href="[^"]+">(.*?)<\/a><\/h2>/g)].map((m) => m[1]);
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

test('first run: the front page shows a full daily list of today, marked as demo data', async () => {
  const r = await get('/');
  assert.equal(r.statusCode, 200);
  assert.match(r.body, /<span class="current"[^>]*>Jun 10, 2025<\/span>/);
  const titles = cardTitles(r.body);
  assert.ok(titles.length >= 10, `a full list (${titles.length} cards)`);
  assert.doesNotMatch(r.body, /<span>0<\/span><small>upvotes/, 'no card shows 0 upvotes');
  assert.match(r.body, /class="demo-banner"[\s\S]*paperboy demo --remove/);
  // A week and trending too; the banner is on every page.
  const week = await get('/papers/week/2025-W24');
  assert.ok(cardTitles(week.body).length >= 10, 'this week has papers');
  const trending = await get('/papers/trending');
  assert.equal(cardTitles(trending.body).length, 45, 'trending ranks every demo paper');
  const id = /href="\/papers\/(local-[0-9a-f]+)"/.exec(r.body)![1];
  for (const path of ['/papers/trending', '/papers?q=overfitting', `/papers/${id}`, '/subscribe', '/no-such-page']) {
    assert.match((await get(path)).body, /class="demo-banner"/, `${path} says it is demo data`);
  }
  const status = await runCommand(registerDemo, ['demo', '--db', file]);
  assert.match(status.out, /the demo corpus is loaded: 45 papers/);
});

test('first run: after importing real days no demo paper remains on /, trending, the API, search or a digest', async () => {
  const imported = await runCommand(registerImport, ['import', join(FIXTURES_DIR, 'api', 'daily-2025-06-02.json'),
    join(FIXTURES_DIR, 'api', 'daily-2025-06-03.json'), '--db', file]);
  assert.equal(imported.exitCode, 0);
  assert.match(imported.out, /added +6/);
  assert.match(imported.out, /removed the demo corpus \(45 papers\)/);

  const home = await get('/');
  assert.match(home.body, /<span class="current"[^>]*>Jun 3, 2025<\/span>/, 'the front page opens on the latest real day');
  assert.ok(cardTitles(home.body).includes(REAL_TITLES[1]));
  assert.doesNotMatch(home.body, /demo-banner/);
  const trending = await get('/papers/trending');
  const tt = cardTitles(trending.body);
  assert.equal(tt.length, 6, 'trending ranks the real days');
  const pages = [home.body, trending.body, (await get('/papers/week/2025-W23')).body, (await get('/papers?q=overfitting')).body];
  for (const t of demoTitles) {
    for (const b of pages) assert.ok(!b.includes(esc(t)), `demo paper "${t}" is gone from the pages`);
  }
  for (const url of ['/api/daily_papers', '/api/daily_papers?sort=trending', '/api/daily_papers?week=2025-W24', '/api/papers/search?q=overfitting']) {
    const items = JSON.parse((await get(url)).body) as { paper: { id: string } }[];
    assert.ok(items.every((it) => !it.paper.id.startsWith('local-')), `${url} has no demo paper`);
  }
  const api = JSON.parse((await get('/api/daily_papers')).body) as { paper: { id: string } }[];
  assert.equal(api[0].paper.id.slice(0, 4), '2506', 'the API starts with a real paper');

  const preview = await runCommand(registerDigest, ['digest', 'preview', '--db', file]);
  assert.match(preview.out, new RegExp(REAL_TITLES[1]));
  for (const t of demoTitles) assert.ok(!preview.out.includes(t), `demo paper "${t}" is not in the digest`);
  const weekly = await runCommand(registerDigest, ['digest', 'preview', '--frequency', 'weekly', '--db', file]);
  assert.match(weekly.out, new RegExp(REAL_TITLES[0]));

  const status = await runCommand(registerDemo, ['demo', '--db', file]);
  assert.match(status.out, /no demo corpus/);
  assert.equal(await importDemoIfEmpty(store, { now: NOW }), null, 'serve does not bring the demo back');
});
