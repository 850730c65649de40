/**
 * Several processes opening one new SQLite file at the same moment (N
 * `serve`s started together, or after an upgrade) all start, and every
 * migration is applied once: each runs in an IMMEDIATE transaction that
 * re-reads the schema version. (Without it, 2 of 24 processes failed here with
 * "duplicate column name" / "table already exists".)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { LATEST_VERSION, MIGRATIONS } from '../../src/store/sqlite/sqlite-migrations.js';
import { tempDir } from '../helpers/temp-db.js';

const OPEN_BACKEND = new URL('../../src/store/open-backend.js', import.meta.url).href;

function openInChild(file: string): Promise<{ code: number; stderr: string }> {
  const script = `const { openBackend } = await import(${JSON.stringify(OPEN_BACKEND)}); await (await openBackend(${JSON.stringify(file)})).close();`;
  return new Promise((ok) => {
    execFile(process.execPath, ['--input-type=module', '-e', script], (err, _out, stderr) => ok({ code: err ? 1 : 0, stderr }));
  });
}

test('4 processes opening one new SQLite file at once (6 times): all open it, each migration applied once', { timeout: 120_000 }, async () => {
  const { dir, cleanup } = tempDir();
  try {
    for (let round = 0; round < 6; round++) {
      const file = join(dir, `race-${round}.db`);
      const results = await Promise.all([1, 2, 3, 4].map(() => openInChild(file)));
      for (const r of results) assert.equal(r.code, 0, r.stderr);
      const db = new Database(file, { readonly: true });
      try {
        const versions = (db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as { version: number }[]).map((r) => r.version);
        assert.deepEqual(versions, MIGRATIONS.map((m) => m.version));
        assert.equal(versions.at(-1), LATEST_VERSION);
      } finally {
        db.close();
      }
    }
  } finally {
    cleanup();
  }
});
