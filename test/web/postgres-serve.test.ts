/**
 * `paperboy` on PostgreSQL end to end, as an operator runs it: `import` of
 * fixture files in the Hub's daily-papers format into a new database (real
 * CLI processes), then a real `paperboy serve` on that database answering
 * the day page, the search page and the JSON API over HTTP, then `index`
 * (full-text vectors, a block-max replica), `stats` and `doctor`; the
 * database password never appears in any output.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ROOT, startCli, startServe } from '../helpers/serve-process.js';
import { tempDir } from '../helpers/temp-db.js';
import { freshDatabase, requirePostgres } from '../helpers/postgres-server.js';

const PASSWORD = 'pw-that-must-not-leak';

async function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; out: string }> {
  const p = startCli(args, env);
  const { code } = await p.exited;
  return { code, out: p.output() };
}

async function until<T>(what: string, fn: () => Promise<T | null>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== null) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

if (requirePostgres()) {
  test('import, then serve the day page, search and the API from PostgreSQL; stats and doctor too', async () => {
    const url = (await freshDatabase()).replace('postgres@', `postgres:${PASSWORD}@`);
    const { dir, cleanup } = tempDir();
    const env = { PAPERBOY_INDEX_DIR: join(dir, 'idx'), PAPERBOY_IMAGE_CACHE: join(dir, 'images'), PAPERBOY_VECTORS: '0' };
    let serve: Awaited<ReturnType<typeof startServe>> | null = null;
    try {
      for (const f of ['hf-daily-2024.json', 'hf-daily-2025.json']) {
        const r = await run(['import', join(ROOT, 'test', 'fixtures', 'ingest', f), '--db', url], env);
        assert.equal(r.code, 0, r.out);
        assert.ok(!r.out.includes(PASSWORD), r.out);
      }
      serve = await startServe(['--db', url], env);
      const get = async (path: string) => {
        const res = await fetch(serve!.url + path);
        return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
      };

      const api = await get('/api/daily_papers?limit=50');
      assert.equal(api.status, 200, api.body);
      const ids = (body: string) => (JSON.parse(body) as { paper: { id: string } }[]).map((d) => d.paper.id).sort();
      assert.deepEqual(ids(api.body), ['2512.22525'], 'the latest day');
      const older = await get('/api/daily_papers?date=2024-05-27');
      assert.equal(older.status, 200, older.body);
      assert.ok(ids(older.body).includes('2405.17247'), older.body);

      const paperApi = await get('/api/papers/2512.22525');
      assert.equal(paperApi.status, 200, paperApi.body);
      assert.equal((JSON.parse(paperApi.body) as { title: string }).title, 'DreamOmni3: Scribble-based Editing and Generation');

      const latest = await get('/');
      assert.equal(latest.status, 200);
      assert.match(latest.body, /DreamOmni3: Scribble-based Editing and Generation/);
      const day = await get('/papers/date/2024-05-27');
      assert.equal(day.status, 200);
      assert.match(day.type, /text\/html/);
      assert.match(day.body, /ConvLLaVA/);

      // A fresh process answers searches at once (full-text search while its index builds, then the index).
      const page = await until('the search page to find the paper', async () => {
        const r = await get('/papers?q=scribble');
        return r.status === 200 && r.body.includes('DreamOmni3') ? r : null;
      });
      assert.match(page.type, /text\/html/);
      const found = await until('the search API to find the paper', async () => {
        const r = await get('/api/papers/search?q=scribble');
        return r.status === 200 && r.body.includes('2512.22525') ? r : null;
      });
      assert.equal(found.status, 200);
      const none = await get('/api/papers/search?q=nonexistentwordxyz');
      assert.equal(none.status, 200);
      assert.deepEqual(JSON.parse(none.body), []);
      assert.equal((await get('/papers/date/2024-13-99')).status, 400, 'a bad request is a 4xx, not a 500');

      const fts = await run(['index', '--fts5', '--db', url], env);
      assert.equal(fts.code, 0, fts.out);
      assert.match(fts.out, /indexed 3 papers for full-text search/);
      const lexical = await run(['index', '--lexical', '--db', url, '--index-dir', join(dir, 'replica')], env);
      assert.equal(lexical.code, 0, lexical.out);

      const stats = await run(['stats', '--db', url], env);
      assert.equal(stats.code, 0, stats.out);
      assert.match(stats.out, /\b3\b/);
      const doctor = await run(['doctor', '--db', url], env);
      assert.match(doctor.out, /database.*answers/);
      assert.match(doctor.out, /schema.*latest/);
      for (const out of [serve.output(), fts.out, lexical.out, stats.out, doctor.out]) assert.ok(!out.includes(PASSWORD), out);
    } finally {
      await serve?.stop();
      cleanup();
    }
  });
}
