/**
 * The table list `paperboy migrate-db` copies (store/transfer.ts) names every
 * table and column of the SQLite schema that holds data of its own: a
 * migration that adds one fails here until the copy carries it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { openBackend } from '../../src/store/open-backend.js';
import { TRANSFER_TABLES } from '../../src/store/transfer.js';
import { tempDbPath } from '../helpers/temp-db.js';

/** Derived state the target rebuilds itself (change log, FTS5), and the schema's own bookkeeping. */
const DERIVED_TABLES = /^(sqlite_|papers_fts|paper_changes$|schema_migrations$)/;
/** Counters the target's triggers recompute from the copied votes and comments. */
const DERIVED_COLUMNS = new Set(['daily_entries.local_upvotes', 'daily_entries.local_comments']);

test('the transfer table list covers every table and column of the SQLite schema, parents first', async () => {
  const { file, cleanup } = tempDbPath();
  try {
    await (await openBackend(file)).close();
    const db = new Database(file, { readonly: true });
    try {
      const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[])
        .map((r) => r.name).filter((n) => !DERIVED_TABLES.test(n)).sort();
      assert.deepEqual(TRANSFER_TABLES.map((t) => t.name).sort(), tables);
      for (const t of TRANSFER_TABLES) {
        const columns = (db.prepare(`PRAGMA table_info(${t.name})`).all() as { name: string }[])
          .map((c) => c.name).filter((c) => !DERIVED_COLUMNS.has(`${t.name}.${c}`)).sort();
        assert.deepEqual(t.columns.map((c) => c.name).sort(), columns, t.name);
        for (const k of t.key) assert.ok(t.columns.some((c) => c.name === k), `${t.name}: key ${k} is a column`);
        // Every foreign key points at a table copied earlier (or at itself).
        const position = TRANSFER_TABLES.indexOf(t);
        for (const fk of db.prepare(`PRAGMA foreign_key_list(${t.name})`).all() as { table: string }[]) {
          const parent = TRANSFER_TABLES.findIndex((x) => x.name === fk.table);
          assert.ok(parent >= 0 && parent <= position, `${t.name} → ${fk.table}: the parent is copied first`);
        }
      }
    } finally {
      db.close();
    }
  } finally {
    cleanup();
  }
});
