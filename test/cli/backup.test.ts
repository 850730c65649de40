/**
 * `paperboy backup FILE`: an online copy of a SQLite database that another
 * process keeps writing to — the copy opens as a paperboy database holding
 * every row the source held when the copy finished; an existing file is
 * never overwritten; a PostgreSQL URL is pointed at pg_dump.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openBackend } from '../../src/store/open-backend.js';
import { populateEveryTable } from '../helpers/every-table.js';
import { tempDir } from '../helpers/temp-db.js';
import { FIXTURES_DIR } from '../helpers/fixture-server.js';
import { dumpAll } from '../helpers/dump-tables.js';
import { paper, record } from '../helpers/papers.js';

const ROOT = resolve(FIXTURES_DIR, '..', '..');

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((ok) => {
    execFile(process.execPath, ['dist/src/cli/main.js', ...args], { cwd: ROOT, maxBuffer: 1 << 24 },
      (err, stdout, stderr) => ok({ code: err ? 1 : 0, stdout, stderr }));
  });
}

test('paperboy backup: a consistent copy while the database is written; never overwrites; PostgreSQL → pg_dump', { timeout: 120_000 }, async () => {
  const { dir, cleanup } = tempDir();
  try {
    const db = join(dir, 'live.db'), copy = join(dir, 'copy.db');
    const live = await openBackend(db);
    try {
      await populateEveryTable(live, { papers: 3_000 });
      // Writes go on while the backup runs (another process's writes would restart SQLite's copy the same way).
      let writing = true, n = 0;
      const writer = (async () => {
        while (writing) {
          await live.store.upsertRecords([record(paper(`2507.${String(10000 + n++)}`))]);
          await new Promise((r) => setTimeout(r, 2));
        }
      })();
      const r = await cli(['backup', copy, '--db', db]);
      writing = false;
      await writer;
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /backed up .*live\.db to .*copy\.db \([\d.]+ MB/);
    } finally {
      await live.close();
    }
    const b = await openBackend(copy, { readonly: true });
    try {
      const v = await b.store.schemaVersion();
      assert.equal(v.current, v.latest, 'the copy is a paperboy database at the latest schema');
      assert.ok(await b.store.countPapers() >= 2_999);
    } finally {
      await b.close();
    }
    // Every table but the papers written during the copy is identical.
    const [a, c] = [await dumpAll(db), await dumpAll(copy)];
    for (const t of Object.keys(a)) {
      if (t === 'papers' || t === 'paper_categories') continue;
      assert.deepEqual(c[t], a[t], t);
    }
    assert.deepEqual(c.papers, a.papers.slice(0, c.papers.length), 'the copy holds a prefix of the live papers, each whole');

    writeFileSync(join(dir, 'taken.db'), 'mine');
    const refused = await cli(['backup', join(dir, 'taken.db'), '--db', db]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /exists: give a new file name/);
    assert.equal(readFileSync(join(dir, 'taken.db'), 'utf8'), 'mine');
    const pg = await cli(['backup', join(dir, 'x.dump'), '--db', 'postgres://paperboy@127.0.0.1:1/paperboy']);
    assert.equal(pg.code, 1);
    assert.match(pg.stderr, /back it up with pg_dump/);
  } finally {
    cleanup();
  }
});
