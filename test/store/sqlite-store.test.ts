/**
 * The SQLite backend: the Store and ChangeFeed conformance suites on a real
 * file, and what only SQLite has (WAL, the FTS5 table kept current when FTS5
 * answers searches, IMMEDIATE write transactions).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { SqliteBackend } from '../../src/store/sqlite/sqlite-backend.js';
import { tempDbPath } from '../helpers/temp-db.js';
import { paper, record } from '../helpers/papers.js';
import { describeStore } from '../conformance/store.js';
import { describeChangeFeed } from '../conformance/change-feed.js';

describeStore('sqlite', async () => {
  const { file, cleanup } = tempDbPath();
  let store = new SqliteStore(file);
  return {
    store,
    async reopen() {
      await store.close();
      store = new SqliteStore(file);
      return store;
    },
    async close() {
      await store.close();
      cleanup();
    },
  };
});

describeChangeFeed('sqlite', async () => {
  const { file, cleanup } = tempDbPath();
  let backend = new SqliteBackend(file);
  return {
    backend,
    async deletePaper(id) {
      backend.store.db.prepare('DELETE FROM papers WHERE id = ?').run(id);
    },
    async reopen() {
      await backend.close();
      backend = new SqliteBackend(file);
      return backend;
    },
    async close() {
      await backend.close();
      cleanup();
    },
  };
});

function withStore(fn: (s: SqliteStore, file: string) => Promise<void>, opts: { fts5?: boolean } = {}) {
  return async () => {
    const { file, cleanup } = tempDbPath();
    const s = new SqliteStore(file, opts);
    try {
      await fn(s, file);
    } finally {
      await s.close();
      cleanup();
    }
  };
}

test('opens a real file in WAL mode with foreign keys and the latest schema', withStore(async (s) => {
  assert.equal(s.db.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(s.db.pragma('foreign_keys', { simple: true }), 1);
  const v = await s.schemaVersion();
  assert.equal(v.current, v.latest);
}));

test('with fts5, the FTS5 rows follow the text of every version', withStore(async (s) => {
  const fts = (word: string) => s.db.prepare('SELECT rowid FROM papers_fts WHERE papers_fts MATCH ?').all(word).length;
  await s.upsertRecords([record(paper('2401.00001', { version: 1, title: 'Old title', abstract: 'old words' }))]);
  assert.equal(fts('old'), 1);
  await s.upsertRecords([record(paper('2401.00001', { version: 2, title: 'New title', abstract: 'new words' }))]);
  assert.equal(fts('new'), 1);
  assert.equal(fts('old'), 0);
}, { fts5: true }));

test('without fts5 no FTS5 rows are written; an FTS5 process refills the table at open', async () => {
  const { file, cleanup } = tempDbPath();
  try {
    const plain = new SqliteStore(file);
    await plain.upsertRecords([record(paper('2401.00001', { title: 'Platypus studies' })), record(paper('2401.00002', { title: 'Wombat studies' }))]);
    assert.equal(plain.fts5Rows(), 0, 'the import paid nothing for FTS5');
    await plain.close();
    const withFts = new SqliteBackend(file, { nativeLexical: true });
    assert.equal(withFts.store.fts5Rows(), 2, 'refilled before it answers');
    assert.equal(withFts.store.ensureFts5Current(), null, 'and marked current');
    await withFts.close();
  } finally {
    cleanup();
  }
});

test('a batch waits for another process\'s write lock instead of failing (IMMEDIATE transactions honour the busy timeout)', async () => {
  const { file, cleanup } = tempDbPath();
  const store = new SqliteStore(file);
  try {
    await store.upsertRecords([record(paper('2401.00001'))]);
    // Another process reads, then holds the write lock for 400 ms and commits a paper.
    const child = spawn(process.execPath, ['--input-type=module', '-e', `
      import Database from 'better-sqlite3';
      const db = new Database(${JSON.stringify(file)});
      db.exec('BEGIN IMMEDIATE');
      db.prepare("UPDATE papers SET title = 'Held' WHERE id = '2401.00001'").run();
      process.stdout.write('locked\\n');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 400);
      db.exec('COMMIT');
      db.close();`], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = once(child, 'exit');
    await new Promise<void>((ok) => child.stdout.once('data', () => ok()));
    // This batch reads before it writes: a deferred transaction would fail with SQLITE_BUSY at once.
    assert.equal((await store.upsertRecords([record(paper('2401.00001')), record(paper('2401.00002'))]))[1], 'added');
    assert.deepEqual(await exited, [0, null]);
    assert.equal(await store.countPapers(), 2);
  } finally {
    await store.close();
    cleanup();
  }
});
