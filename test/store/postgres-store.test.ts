/**
 * The PostgreSQL backend: the Store and ChangeFeed conformance suites on a
 * real server (a throwaway one, test/helpers/postgres-server.ts; a fresh
 * database per test), and what only PostgreSQL has: migrations under an
 * advisory lock when several processes start at once, numbered and named
 * as SQLite's, a schema holding every table and column migrate-db copies,
 * a location without the password, and its doctor checks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PostgresBackend } from '../../src/store/postgres/postgres-backend.js';
import { openBackend } from '../../src/store/open-backend.js';
import { LATEST_VERSION, MIGRATIONS } from '../../src/store/postgres/postgres-migrations.js';
import { MIGRATIONS as SQLITE_MIGRATIONS } from '../../src/store/sqlite/sqlite-migrations.js';
import { TRANSFER_TABLES } from '../../src/store/transfer.js';
import { paper, record } from '../helpers/papers.js';
import { describeStore } from '../conformance/store.js';
import { describeChangeFeed } from '../conformance/change-feed.js';
import { freshDatabase, requirePostgres } from '../helpers/postgres-server.js';
import { tempDir } from '../helpers/temp-db.js';

if (requirePostgres()) {
  describeStore('postgres', async () => {
    const url = await freshDatabase();
    let backend = await PostgresBackend.open(url);
    return {
      store: backend.store,
      async reopen() {
        await backend.close();
        backend = await PostgresBackend.open(url);
        return backend.store;
      },
      async close() {
        await backend.close();
      },
    };
  });

  describeChangeFeed('postgres', async () => {
    const url = await freshDatabase();
    let backend = await PostgresBackend.open(url);
    return {
      backend,
      async deletePaper(id) {
        await backend.pool.query('DELETE FROM papers WHERE id = $1', [id]);
      },
      async reopen() {
        await backend.close();
        backend = await PostgresBackend.open(url);
        return backend;
      },
      async close() {
        await backend.close();
      },
    };
  });

  test('eight processes opening one new database together migrate it once', async () => {
    const url = await freshDatabase('test', { empty: true });
    const backends = await Promise.all(Array.from({ length: 8 }, () => PostgresBackend.open(url)));
    try {
      const applied = await backends[0].pool.query<{ version: number; n: number }>(
        'SELECT version, COUNT(*) AS n FROM schema_migrations GROUP BY version ORDER BY version');
      assert.deepEqual(applied.rows.map((r) => r.version), Array.from({ length: LATEST_VERSION }, (_, i) => i + 1));
      assert.ok(applied.rows.every((r) => r.n === 1), 'each migration recorded once');
      for (const b of backends) assert.deepEqual(await b.store.schemaVersion(), { current: LATEST_VERSION, latest: LATEST_VERSION });
      // All of them work on the one schema.
      await Promise.all(backends.map((b, i) => b.store.upsertRecords([record(paper(`2601.0000${i}`, { title: `Paper ${i}` }))])));
      assert.equal(await backends[7].store.countPapers(), 8);
    } finally {
      await Promise.all(backends.map((b) => b.close()));
    }
  });

  test('migrations carry SQLite\'s numbers and names; the schema has every table and column the transfer list names, and no other', async () => {
    assert.deepEqual(MIGRATIONS.map((m) => [m.version, m.name]), SQLITE_MIGRATIONS.map((m) => [m.version, m.name]));
    const backend = await PostgresBackend.open(await freshDatabase());
    try {
      const rows = (await backend.pool.query<{ table_name: string; column_name: string }>(`SELECT table_name, column_name
        FROM information_schema.columns WHERE table_schema = current_schema()`)).rows;
      // Derived state the target rebuilds (change log, search vectors, trigger-kept counts) and the schema's bookkeeping.
      const derived = /^(paper_changes|schema_migrations)\.|^papers\.search_tsv$|^daily_entries\.local_(upvotes|comments)$/;
      const schema = rows.map((r) => `${r.table_name}.${r.column_name}`).filter((c) => !derived.test(c)).sort();
      const listed = TRANSFER_TABLES.flatMap((t) => t.columns.map((c) => `${t.name}.${c.name}`)).sort();
      assert.deepEqual(schema, listed);
    } finally {
      await backend.close();
    }
  });

  test('openBackend picks PostgreSQL for a postgres:// URL; the location and errors never show the password', async () => {
    const url = await freshDatabase();
    const withPassword = url.replace('postgres@', 'postgres:s3cret-pw@');
    const { dir, cleanup } = tempDir();
    const backend = await openBackend(withPassword, { indexDir: dir });
    try {
      assert.equal(backend.kind, 'postgres');
      assert.ok(!backend.location.includes('s3cret-pw'), backend.location);
      assert.equal(backend.store.location, backend.location);
      assert.equal(backend.indexDir, dir);
      const checks = await backend.doctorChecks();
      assert.deepEqual(checks.map((c) => [c.name, c.level]), [['database', 'ok'], ['schema', 'ok'], ['full-text fallback', 'ok']]);
      assert.ok(checks.every((c) => !c.message.includes('s3cret-pw')));
    } finally {
      await backend.close();
      cleanup();
    }
    const unreachable = withPassword.replace(/:\d+\//, ':1/');
    await assert.rejects(openBackend(unreachable), (err: Error) => {
      assert.match(err.message, /PostgreSQL at postgres:\/\/postgres@127\.0\.0\.1:1\//);
      assert.ok(!err.message.includes('s3cret-pw'), err.message);
      return true;
    });
  });

  test('search vectors: written with the paper under PAPERBOY_SEARCH=fts5, else filled in the background; new text is refilled', async () => {
    const url = await freshDatabase();
    const bulk = await PostgresBackend.open(url);
    const inline = await PostgresBackend.open(url, { nativeLexical: true });
    const missing = async () => (await bulk.pool.query<{ id: string }>('SELECT id FROM papers WHERE search_tsv IS NULL ORDER BY id')).rows.map((r) => r.id);
    try {
      await bulk.store.upsertRecords([record(paper('2601.00001', { title: 'Quantum walks' })), record(paper('2601.00002', { title: 'Graph cuts' }))]);
      await inline.store.upsertRecords([record(paper('2601.00003', { title: 'Inline vectors' }))]);
      assert.deepEqual(await missing(), ['2601.00001', '2601.00002']);
      assert.deepEqual((await bulk.doctorChecks()).find((c) => c.name === 'full-text fallback')?.level, 'warn');
      assert.equal(await bulk.maintainNativeLexical(), 2);
      assert.equal(await bulk.maintainNativeLexical(), 0);
      assert.deepEqual(await missing(), []);
      // New upvotes keep the vector; a new title drops it until the next fill.
      await bulk.store.upsertRecords([record(paper('2601.00001', { title: 'Quantum walks' }), { day: '2026-01-02', submittedAt: null, submittedBy: null, upvotes: 4, numComments: 0 })]);
      assert.deepEqual(await missing(), []);
      await bulk.store.upsertRecords([record(paper('2601.00002', { title: 'Graph cuts, revised', version: 2 }))]);
      assert.deepEqual(await missing(), ['2601.00002']);
      await bulk.maintainNativeLexical();
      const hits = await bulk.nativeLexical!.search({
        query: { include: [{ kind: 'term', tokens: ['revised'], prefix: false }], exclude: [], authors: [], categories: [], organizations: [] },
        filters: { categories: [], organizations: [] }, sort: 'relevance', limit: 10, offset: 0, countCap: 10,
      });
      assert.equal(hits.total, 1);
      assert.deepEqual((await bulk.doctorChecks()).find((c) => c.name === 'full-text fallback')?.level, 'ok');
    } finally {
      await bulk.close();
      await inline.close();
    }
  });

  test('bulk-import storage: a paper\'s categories go with it (a trigger, not a key), a re-categorised paper keeps only its new ones, rows stay in the heap', async () => {
    const url = await freshDatabase();
    const backend = await PostgresBackend.open(url);
    const categories = async () => (await backend.pool.query<{ id: string; category: string }>(`SELECT p.id, c.category
      FROM paper_categories c JOIN papers p ON p.pk = c.paper_pk ORDER BY p.id, c.category`)).rows.map((r) => `${r.id} ${r.category}`);
    const orphans = async () => (await backend.pool.query<{ n: number }>(`SELECT COUNT(*) AS n FROM paper_categories c
      WHERE NOT EXISTS (SELECT 1 FROM papers p WHERE p.pk = c.paper_pk)`)).rows[0].n;
    try {
      await backend.store.upsertRecords([
        record(paper('2601.00001', { categories: ['cs.LG', 'stat.ML'] })),
        record(paper('2601.00002', { categories: ['cs.CL'] })),
        record(paper('2601.00003', { categories: ['cs.CL', 'cs.LG'] })),
      ]);
      await backend.store.upsertRecords([record(paper('2601.00002', { version: 2, categories: ['cs.CV', 'cs.CL'] }))]);
      assert.deepEqual(await categories(), ['2601.00001 cs.LG', '2601.00001 stat.ML', '2601.00002 cs.CL', '2601.00002 cs.CV',
        '2601.00003 cs.CL', '2601.00003 cs.LG']);
      assert.equal(await backend.store.deletePapers(['2601.00001', '2601.00003']), 2);
      assert.deepEqual(await categories(), ['2601.00002 cs.CL', '2601.00002 cs.CV']);
      await backend.pool.query("DELETE FROM papers WHERE id = '2601.00002'");
      assert.equal(await orphans(), 0);
      const target = (await backend.pool.query<{ o: string[] }>("SELECT reloptions AS o FROM pg_class WHERE relname = 'papers'")).rows[0].o;
      assert.deepEqual(target, ['toast_tuple_target=8160']);
    } finally {
      await backend.close();
    }
  });

  test('the default index folder is named after the database, under the data folder', async () => {
    const url = await freshDatabase();
    const backend = await PostgresBackend.open(url, { dataDir: '/srv/paperboy' });
    try {
      const name = new URL(url).pathname.slice(1);
      assert.equal(backend.indexDir, `/srv/paperboy/pg-${name}.idx`);
    } finally {
      await backend.close();
    }
  });

  test('a read-only backend migrates nothing: doctor on an empty database says the schema is missing', async () => {
    const url = await freshDatabase('test', { empty: true });
    const backend = await openBackend(url, { readonly: true });
    try {
      const checks = await backend.doctorChecks();
      assert.deepEqual(checks.map((c) => [c.name, c.level]), [['database', 'ok'], ['schema', 'warn']]);
      assert.equal((await backend.store.schemaVersion()).current, 0);
    } finally {
      await backend.close();
    }
  });
}
