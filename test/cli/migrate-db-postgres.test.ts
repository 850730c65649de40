/**
 * `paperboy migrate-db` between SQLite and a real PostgreSQL server (the
 * throwaway server of test/helpers/postgres-server.ts): SQLite → PostgreSQL
 * → SQLite arrives row for row with ids, escaped text and counters right;
 * papers are found by PostgreSQL's full-text search once their vectors are filled; a copy into PostgreSQL
 * killed with SIGKILL resumes and finishes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { openBackend } from '../../src/store/open-backend.js';
import { TRANSFER_PROGRESS_KEY, TRANSFER_TABLES, type TransferProgress } from '../../src/store/transfer.js';
import { populateEveryTable } from '../helpers/every-table.js';
import { tempDir } from '../helpers/temp-db.js';
import { dumpAll } from '../helpers/dump-tables.js';
import { FIXTURES_DIR } from '../helpers/fixture-server.js';
import { freshDatabase, requirePostgres } from '../helpers/postgres-server.js';

const ROOT = resolve(FIXTURES_DIR, '..', '..');
const NUL = String.fromCharCode(0);

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((ok) => {
    execFile(process.execPath, ['dist/src/cli/main.js', ...args], { cwd: ROOT, maxBuffer: 1 << 24 },
      (err, stdout, stderr) => ok({ code: err ? 1 : 0, stdout, stderr }));
  });
}

async function makeSource(db: string, papers?: number) {
  const b = await openBackend(db);
  try {
    const made = await populateEveryTable(b, { papers });
    // Text PostgreSQL cannot hold as is (NUL) in the columns users write.
    const u = await b.accounts.createUser({ username: `nul${NUL}name`, email: 'nul@example.org', passwordHash: `scrypt$${NUL}$\uE000`, now: new Date() });
    const c = await b.comments.addComment({ paperId: made.papers[5], parentId: null, userId: u.id, body: `a${NUL}b \uE000 c`, now: new Date(), maxDepth: 6 });
    assert.ok(typeof c !== 'string');
    return made;
  } finally {
    await b.close();
  }
}

async function sql<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(text, values)).rows;
  } finally {
    await c.end();
  }
}

if (requirePostgres()) {
  test('migrate-db SQLite → PostgreSQL → SQLite: every row, ids, escaped text, counters and full-text search', { timeout: 240_000 }, async () => {
    const { dir, cleanup } = tempDir();
    try {
      const from = join(dir, 'from.db'), back = join(dir, 'back.db');
      const url = await freshDatabase('migrate');
      const made = await makeSource(from);
      const there = await cli(['migrate-db', '--from', from, '--to', url, '--batch', '7']);
      assert.equal(there.code, 0, there.stderr);
      assert.match(there.stdout, /counts match/);
      assert.doesNotMatch(there.stdout + there.stderr, /:[^@/]*@127/, 'no password-like part printed');

      const source = await dumpAll(from);
      for (const t of TRANSFER_TABLES) assert.ok(source[t.name].length > 0, `the source fills ${t.name}`);
      assert.deepEqual(await dumpAll(url), source, 'PostgreSQL holds what SQLite held');
      // The planner has statistics at once (a serve started right after the copy otherwise plans blind).
      const unanalyzed = await sql<{ relname: string }>(url, `SELECT relname FROM pg_stat_user_tables
        WHERE relname IN ('papers', 'daily_entries', 'paper_changes', 'paper_categories') AND last_analyze IS NULL AND last_autoanalyze IS NULL`);
      assert.deepEqual(unanalyzed, [], 'the copied tables were analyzed');

      const target = await openBackend(url);
      try {
        assert.equal((await target.accounts.getUserByEmail('nul@example.org'))?.username, `nul${NUL}name`, 'escaped text reads back');
        assert.equal(await target.store.getState(TRANSFER_PROGRESS_KEY), null);
        // The change feed leaves the one hidden paper out.
        assert.equal(await target.changes.size(), made.papers.length - 1);
        assert.ok(await target.votes.localVotes(made.papers[0]) > 0);
        const u = await target.accounts.createUser({ username: 'newcomer', email: 'new@example.org', passwordHash: 'scrypt$x$z', now: new Date() });
        assert.ok(u.id > made.deletedUserId, `new user id ${u.id} > deleted ${made.deletedUserId}`);
        const c = await target.comments.addComment({ paperId: made.papers[3], parentId: null, userId: u.id, body: 'hi', now: new Date(), maxDepth: 6 });
        assert.ok(typeof c !== 'string' && c.id > made.deletedCommentId);
        await target.accounts.deleteUser(u.id);
      } finally {
        await target.close();
      }
      // Search vectors are left to serve, as after an import; filling them makes the papers findable by full-text search.
      const missing = await sql<{ n: number }>(url, 'SELECT COUNT(*)::int AS n FROM papers WHERE search_tsv IS NULL');
      assert.equal(missing[0].n, made.papers.length);
      const filler = await openBackend(url);
      try {
        while ((await filler.maintainNativeLexical?.()) ?? 0) { /* until none is missing */ }
      } finally {
        await filler.close();
      }
      assert.equal((await sql<{ n: number }>(url, 'SELECT COUNT(*)::int AS n FROM papers WHERE search_tsv IS NULL'))[0].n, 0);
      const found = await sql<{ id: string }>(url, "SELECT id FROM papers WHERE search_tsv @@ to_tsquery('english', 'sparse & attention') ORDER BY id LIMIT 1");
      assert.equal(found[0].id, made.papers[0]);

      // And back: the PostgreSQL database (with the newcomer's comment) into a new SQLite file.
      const home = await cli(['migrate-db', '--from', url, '--to', back]);
      assert.equal(home.code, 0, home.stderr);
      assert.deepEqual(await dumpAll(back), await dumpAll(url), 'SQLite holds what PostgreSQL held');
    } finally {
      cleanup();
    }
  });

  test('migrate-db into PostgreSQL killed with SIGKILL resumes; a non-empty PostgreSQL target is refused', { timeout: 240_000 }, async () => {
    const { dir, cleanup } = tempDir();
    try {
      const from = join(dir, 'from.db');
      const url = await freshDatabase('migrate_kill');
      await makeSource(from, 6_000);
      const child = spawn(process.execPath, ['dist/src/cli/main.js', 'migrate-db', '--from', from, '--to', url, '--batch', '10'],
        { cwd: ROOT, stdio: 'ignore' });
      const exited = once(child, 'exit');
      let p: TransferProgress | null = null;
      for (let i = 0; i < 20_000 && !(p && p.copied >= 500); i++) {
        await new Promise((r) => setTimeout(r, 10));
        try {
          const rows = await sql<{ value: string }>(url, 'SELECT value FROM job_state WHERE key = $1', [TRANSFER_PROGRESS_KEY]);
          p = rows[0] ? JSON.parse(rows[0].value) as TransferProgress : null;
        } catch {
          p = null; // the schema is still being created
        }
      }
      child.kill('SIGKILL');
      const [code, signal] = await exited;
      assert.equal(signal, 'SIGKILL', `the copy ended before it could be killed (exit code ${code})`);

      const held = (await sql<{ value: string }>(url, 'SELECT value FROM job_state WHERE key = $1', [TRANSFER_PROGRESS_KEY]))[0];
      const progress = JSON.parse(held.value) as TransferProgress;
      let rows = 0;
      for (const t of TRANSFER_TABLES) rows += (await sql<{ n: number }>(url, `SELECT COUNT(*)::int AS n FROM ${t.name}`))[0].n;
      assert.equal(rows - 1, progress.copied, 'rows in the target (less the progress record) = rows the record says were copied');

      const rerun = await cli(['migrate-db', '--from', from, '--to', url, '--batch', '1000']);
      assert.equal(rerun.code, 0, rerun.stderr);
      assert.match(rerun.stdout, /^resumed and finished/);
      assert.deepEqual(await dumpAll(url), await dumpAll(from));

      const again = await cli(['migrate-db', '--from', from, '--to', url]);
      assert.equal(again.code, 1);
      assert.match(again.stderr, /is not empty/);
    } finally {
      cleanup();
    }
  });
}
