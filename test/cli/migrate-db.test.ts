/**
 * `paperboy migrate-db` between two SQLite files: every table arrives row for
 * row with its ids, counters continue past the copied (and deleted) ids,
 * derived counts are recomputed by the target's triggers, a non-empty target
 * is refused, and a copy killed with SIGKILL resumes and finishes. (The same
 * checks between SQLite and PostgreSQL: migrate-db-postgres.test.ts.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { openBackend } from '../../src/store/open-backend.js';
import { openTransfer } from '../../src/store/open-transfer.js';
import { copyDatabase } from '../../src/store/copy-database.js';
import { TRANSFER_PROGRESS_KEY, TRANSFER_TABLES, type TransferProgress } from '../../src/store/transfer.js';
import { populateEveryTable } from '../helpers/every-table.js';
import { tempDir } from '../helpers/temp-db.js';
import { dumpAll } from '../helpers/dump-tables.js';
import { FIXTURES_DIR } from '../helpers/fixture-server.js';

const ROOT = resolve(FIXTURES_DIR, '..', '..');

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((ok) => {
    execFile(process.execPath, ['dist/src/cli/main.js', ...args], { cwd: ROOT, maxBuffer: 1 << 24 },
      (err, stdout, stderr) => ok({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
}

async function makeSource(file: string, papers?: number) {
  const b = await openBackend(file);
  try {
    return await populateEveryTable(b, { papers });
  } finally {
    await b.close();
  }
}

test('migrate-db SQLite → SQLite: every table row for row, ids kept, counters continue, counts recomputed', { timeout: 120_000 }, async () => {
  const { dir, cleanup } = tempDir();
  try {
    const from = join(dir, 'from.db'), to = join(dir, 'to.db');
    const made = await makeSource(from);
    const r = await cli(['migrate-db', '--from', from, '--to', to, '--batch', '7']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /counts match/);
    assert.match(r.stdout, /papers\s+39\n/);

    const [a, b] = [await dumpAll(from), await dumpAll(to)];
    for (const t of TRANSFER_TABLES) assert.ok(a[t.name].length > 0, `the source fills ${t.name}`);
    assert.deepEqual(b, a);

    const target = await openBackend(to);
    const source = await openBackend(from);
    try {
      // Derived state: feed cursors stay behind; the target's change log holds every paper; shown upvotes match.
      assert.equal(await target.store.getState('feed.lexical'), null);
      assert.equal(await target.store.getState('harvest:last:hf'), '{"ok":true}');
      assert.equal(await target.store.getState(TRANSFER_PROGRESS_KEY), null, 'the progress record is gone once verified');
      assert.equal(await target.changes.size(), 38, '39 papers, one hidden: the change feed leaves it out');
      assert.ok(await target.changes.head() >= 39);
      for (const day of ['2025-06-01', '2025-06-02', '2025-06-03']) {
        const [x, y] = [await source.store.listDaily({ from: day, to: day, sort: 'upvotes', limit: 100, offset: 0, now: new Date('2025-06-04T00:00:00Z') }),
          await target.store.listDaily({ from: day, to: day, sort: 'upvotes', limit: 100, offset: 0, now: new Date('2025-06-04T00:00:00Z') })];
        assert.deepEqual(JSON.parse(JSON.stringify(y)), JSON.parse(JSON.stringify(x)), `daily list ${day}`);
      }
      assert.equal(await target.votes.localVotes(made.papers[0]), await source.votes.localVotes(made.papers[0]));
      assert.ok(await target.votes.localVotes(made.papers[0]) > 0);
      assert.equal(await target.comments.countVisible(made.papers[0]), 2);
      // A session and an API token opened on the source open on the target.
      assert.equal((await target.accounts.sessionUser('a'.repeat(64), new Date('2025-06-04T00:00:00Z')))?.user.username, 'user2');
      // Counters continue past the copied ids, deleted ones included.
      const u = await target.accounts.createUser({ username: 'newcomer', email: 'new@example.org', passwordHash: 'scrypt$x$z', now: new Date() });
      assert.ok(u.id > made.deletedUserId, `new user id ${u.id} > deleted ${made.deletedUserId}`);
      const c = await target.comments.addComment({ paperId: made.papers[3], parentId: null, userId: u.id, body: 'hi', now: new Date(), maxDepth: 6 });
      assert.ok(typeof c !== 'string' && c.id > made.deletedCommentId, `new comment id > deleted ${made.deletedCommentId}`);
    } finally {
      await target.close();
      await source.close();
    }
  } finally {
    cleanup();
  }
});

test('migrate-db refuses a non-empty target, the same database, a missing source, and another copy\'s target', { timeout: 120_000 }, async () => {
  const { dir, cleanup } = tempDir();
  try {
    const from = join(dir, 'from.db'), to = join(dir, 'to.db'), other = join(dir, 'other.db');
    await makeSource(from);
    await makeSource(to);
    const before = await dumpAll(to);
    const r = await cli(['migrate-db', '--from', from, '--to', to]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /is not empty \(organizations holds \d+ rows\)/);
    assert.deepEqual(await dumpAll(to), before, 'the refused target is unchanged');

    assert.match((await cli(['migrate-db', '--from', from, '--to', from])).stderr, /same database/);
    assert.match((await cli(['migrate-db', '--from', join(dir, 'nope.db'), '--to', other])).stderr, /no database at .*nope\.db/);
    assert.match((await cli(['migrate-db', '--from', from, '--to', other, '--batch', '0'])).stderr, /--batch must be/);

    // A copy stopped part-way belongs to its source: another source is refused, the same one resumes.
    const fresh = join(dir, 'fresh.db');
    const a = await openTransfer(from), b = await openTransfer(fresh);
    try {
      const partial = await copyDatabase(a.endpoint, b.endpoint, { batchSize: 5, maxBatches: 4 });
      assert.equal(partial.complete, false);
      assert.ok(partial.copied > 0 && partial.copied <= 20, `4 batches of ≤ 5 rows, got ${partial.copied}`);
    } finally {
      await a.close();
      await b.close();
    }
    assert.match((await cli(['migrate-db', '--from', to, '--to', fresh])).stderr, /holds an unfinished copy from .*from\.db/);
    const resumed = await cli(['migrate-db', '--from', from, '--to', fresh]);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stdout, /^resumed and finished/);
    assert.deepEqual(await dumpAll(fresh), await dumpAll(from));
  } finally {
    cleanup();
  }
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function progressOf(file: string): TransferProgress | null {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch {
    return null;
  }
  try {
    const row = db.prepare('SELECT value FROM job_state WHERE key = ?').get(TRANSFER_PROGRESS_KEY) as { value: string } | undefined;
    return row ? JSON.parse(row.value) as TransferProgress : null;
  } catch {
    return null; // the schema is still being created
  } finally {
    db.close();
  }
}

test('migrate-db killed with SIGKILL mid-copy holds whole batches and its progress; the re-run finishes the same copy', { timeout: 240_000 }, async () => {
  const { dir, cleanup } = tempDir();
  try {
    const from = join(dir, 'from.db'), to = join(dir, 'to.db');
    const PAPERS = 6_000, BATCH = 10;
    await makeSource(from, PAPERS);
    const child = spawn(process.execPath, ['dist/src/cli/main.js', 'migrate-db', '--from', from, '--to', to, '--batch', String(BATCH)],
      { cwd: ROOT, stdio: 'ignore' });
    const exited = once(child, 'exit');
    let p: TransferProgress | null = null;
    for (let i = 0; i < 20_000 && !(p && p.copied >= 500); i++) {
      await sleep(5);
      p = progressOf(to);
    }
    child.kill('SIGKILL');
    const [code, signal] = await exited;
    assert.equal(signal, 'SIGKILL', `the copy ended before it could be killed (exit code ${code}); raise PAPERS`);

    // What the target holds is exactly what its progress record says: whole batches, nothing half-written.
    const held = progressOf(to);
    assert.ok(held && held.copied > 0 && held.table !== null, 'killed mid-copy, with a progress record');
    const db = new Database(to, { readonly: true });
    try {
      const rows = TRANSFER_TABLES.reduce((n, t) => n + (db.prepare(`SELECT COUNT(*) AS n FROM ${t.name}`).get() as { n: number }).n, 0);
      assert.equal(rows - 1, held.copied, 'rows in the target (less the progress record) = rows the record says were copied');
    } finally {
      db.close();
    }

    const rerun = await cli(['migrate-db', '--from', from, '--to', to, '--batch', '500']);
    assert.equal(rerun.code, 0, rerun.stderr);
    assert.match(rerun.stdout, /^resumed and finished/);
    assert.deepEqual(await dumpAll(to), await dumpAll(from));
  } finally {
    cleanup();
  }
});
