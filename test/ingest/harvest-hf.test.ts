/**
 * `paperboy harvest hf` against a local fixture Hub: `/api/daily_papers?date=`
 * answered from the project's daily fixtures, two items a page (the Hub caps
 * `limit`), with a 429 + Retry-After thrown in; first run, resume after a run
 * stopped by a dead endpoint, resume after kill -9 of the real command, and
 * upvote/comment updates on a re-run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { spawn, execFile } from 'node:child_process';
import { once } from 'node:events';
import { registerHarvest } from '../../src/cli/harvest.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { harvestHf, HfHarvestError } from '../../src/ingest/harvest-hf.js';
import { importItems } from '../../src/ingest/importer.js';
import { FIXTURES_DIR, fixtureText, startFixtureServer, type RecordedRequest, type Reply } from '../helpers/fixture-server.js';
import { runCommand } from '../helpers/run-command.js';
import { tempDir } from '../helpers/temp-db.js';

type Item = { paper: { id: string; upvotes: number }; numComments: number };
const DAYS: Record<string, Item[]> = {
  '2025-06-02': JSON.parse(fixtureText('api/daily-2025-06-02.json')) as Item[],
  '2025-06-03': JSON.parse(fixtureText('api/daily-2025-06-03.json')) as Item[],
};

/** The Hub's daily_papers, two items a page whatever `limit` says. */
function hub(days: Record<string, Item[]>, extra: (req: RecordedRequest, n: number) => Reply | null = () => null) {
  return (req: RecordedRequest, n: number): Reply => {
    const special = extra(req, n);
    if (special) return special;
    if (req.path !== '/api/daily_papers') return { status: 404, body: 'not found' };
    const list = days[req.query.get('date') ?? ''] ?? [];
    const p = Number(req.query.get('p') ?? 0);
    return { body: JSON.stringify(list.slice(p * 2, p * 2 + 2)), headers: { 'content-type': 'application/json' } };
  };
}

const deps = (fetchText: (u: string) => Promise<string>) => ({ fetchText, importItems, log: () => undefined, now: () => new Date('2025-06-03T20:00:00Z') });
const plainFetch = async (u: string) => {
  const r = await fetch(u);
  if (!r.ok) throw new Error(`HTTP ${r.status}`);
  return r.text();
};

test('harvest hf: every page of every day, through a 429 with Retry-After; the day comes from ?date=', async () => {
  let told429 = false;
  const srv = await startFixtureServer(hub(DAYS, (req) => {
    if (!told429 && req.query.get('date') === '2025-06-03') {
      told429 = true;
      return { status: 429, headers: { 'retry-after': '0' }, body: 'slow down' };
    }
    return null;
  }));
  const { dir, cleanup } = tempDir();
  try {
    const db = join(dir, 'p.db');
    const r = await runCommand(registerHarvest, ['harvest', 'hf', '--endpoint', srv.url, '--from', '2025-06-02', '--to', '2025-06-03', '--db', db, '--delay-ms', '0']);
    assert.equal(r.exitCode, 0, r.out);
    assert.match(r.out, /HTTP 429 \(Retry-After 0 s\); retrying/);
    assert.match(r.out, /done: 2025-06-02 to 2025-06-03, 2 days, 4 pages: added 6/);
    // Pages p=0, 1 of each day (the second holds the third item and is short), plus the retried 429.
    const asked = srv.requests.map((q) => `${q.query.get('date')}:${q.query.get('p') ?? '0'}`);
    assert.deepEqual(asked, ['2025-06-02:0', '2025-06-02:1', '2025-06-03:0', '2025-06-03:0', '2025-06-03:1']);
    const store = new SqliteStore(db);
    try {
      for (const day of Object.keys(DAYS)) {
        const list = await store.listDaily({ from: day, to: day, sort: 'upvotes', limit: 10, offset: 0 });
        assert.equal(list.total, 3, `${day}: all three papers`);
      }
    } finally {
      await store.close();
    }
  } finally {
    await srv.close();
    cleanup();
  }
});

test('harvest hf: a run stopped by a dead endpoint resumes at the day it was on; a re-run updates upvotes and comments', async () => {
  const { dir, cleanup } = tempDir();
  const store = new SqliteStore(join(dir, 'p.db'));
  let down = true;
  const changed: Record<string, Item[]> = {
    ...DAYS,
    '2025-06-03': DAYS['2025-06-03'].map((it, i) => ({ ...it, paper: { ...it.paper, upvotes: it.paper.upvotes + 100 + i }, numComments: it.numComments + 1 })),
  };
  let days = DAYS;
  const srv = await startFixtureServer((req, n) => {
    if (down && req.query.get('date') === '2025-06-03') return { status: 500, body: 'down' };
    return hub(days)(req, n);
  });
  try {
    const opts = { endpoint: srv.url, from: '2025-06-02', to: '2025-06-03' };
    await assert.rejects(harvestHf(store, opts, deps(plainFetch)), (e: unknown) => e instanceof HfHarvestError && /run the same command again to resume/.test(e.message));
    assert.equal((await store.listDaily({ from: '2025-06-02', to: '2025-06-02', sort: 'upvotes', limit: 10, offset: 0 })).total, 3, 'the finished day is kept');
    down = false;
    const before = srv.requests.length;
    // Resume: no --from, so it starts at the day it was on.
    const r = await harvestHf(store, { endpoint: srv.url, to: '2025-06-03' }, deps(plainFetch));
    assert.equal(r.from, '2025-06-02', 'the last finished day is taken again (its votes keep changing)');
    assert.equal(r.added, 3);
    assert.ok(srv.requests.slice(before).every((q) => q.query.get('date') !== '2025-06-01'));

    // The endpoint's numbers changed: a re-run updates them and keeps everything else.
    days = changed;
    const again = await harvestHf(store, { endpoint: srv.url, from: '2025-06-03', to: '2025-06-03' }, deps(plainFetch));
    assert.equal(again.updated, 3);
    const list = await store.listDaily({ from: '2025-06-03', to: '2025-06-03', sort: 'upvotes', limit: 10, offset: 0 });
    for (const it of list.items) {
      const src = changed['2025-06-03'].find((x) => x.paper.id === it.paper.id)!;
      assert.equal(it.entry.upvotes, src.paper.upvotes);
      assert.equal(it.entry.numComments, src.numComments);
      assert.ok(it.paper.abstract.length > 0, 'the stored paper is intact');
    }
  } finally {
    await srv.close();
    await store.close();
    cleanup();
  }
});

test('harvest hf: kill -9 mid-harvest keeps the finished days; the same command again completes it', { timeout: 120_000 }, async () => {
  const ROOT = dirname(dirname(FIXTURES_DIR));
  const { dir, cleanup } = tempDir();
  const db = join(dir, 'k.db');
  let stall = true;
  let stalled = 0;
  const srv = await startFixtureServer((req, n) => {
    // The second day never answers while `stall` holds: the process is killed while it waits.
    if (stall && req.query.get('date') === '2025-06-03') { stalled++; return { delayMs: 5_000, body: '[]' }; }
    return hub(DAYS)(req, n);
  });
  const args = ['dist/src/cli/main.js', 'harvest', 'hf', '--endpoint', srv.url, '--from', '2025-06-02', '--to', '2025-06-03', '--db', db, '--delay-ms', '0'];
  try {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: 'ignore' });
    const exited = once(child, 'exit');
    for (let i = 0; i < 600 && stalled === 0; i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(stalled > 0, 'the harvest reached the second day');
    child.kill('SIGKILL');
    assert.equal((await exited)[1], 'SIGKILL');
    const mid = new SqliteStore(db);
    assert.equal((await mid.listDaily({ from: '2025-06-02', to: '2025-06-02', sort: 'upvotes', limit: 10, offset: 0 })).total, 3, 'the finished day survived the kill');
    assert.equal((await mid.listDaily({ from: '2025-06-03', to: '2025-06-03', sort: 'upvotes', limit: 10, offset: 0 })).total, 0);
    await mid.close();
    stall = false;
    const rerun = await new Promise<{ code: number; stdout: string }>((ok) => execFile(process.execPath, args, { cwd: ROOT },
      (err, stdout) => ok({ code: err ? 1 : 0, stdout })));
    assert.equal(rerun.code, 0, rerun.stdout);
    const after = new SqliteStore(db);
    assert.equal((await after.listDaily({ from: '2025-06-03', to: '2025-06-03', sort: 'upvotes', limit: 10, offset: 0 })).total, DAYS['2025-06-03'].length, 'the re-run completed the second day');
    assert.equal((await after.listDaily({ from: '2025-06-02', to: '2025-06-02', sort: 'upvotes', limit: 10, offset: 0 })).total, 3, 'nothing doubled');
    await after.close();
  } finally {
    await srv.close();
    cleanup();
  }
});
