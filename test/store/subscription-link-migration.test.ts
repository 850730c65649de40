/**
 * Migration 16 on a database that has accounts and subscriptions already
 * (schema 15, as an older paperboy left it), on SQLite and PostgreSQL: a
 * subscription whose address an account has verified (in any case) is
 * linked to it, one of an unverified account's address or of an address
 * without an account stays unlinked, and every subscription keeps its row.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import pg from 'pg';
import { openBackend } from '../../src/store/open-backend.js';
import { MIGRATIONS as SQLITE_MIGRATIONS } from '../../src/store/sqlite/sqlite-migrations.js';
import { MIGRATIONS as PG_MIGRATIONS } from '../../src/store/postgres/postgres-migrations.js';
import { tempDbPath } from '../helpers/temp-db.js';
import { freshDatabase, requirePostgres } from '../helpers/postgres-server.js';

const AT = '2025-06-01T00:00:00.000Z';
/** Rows an older paperboy wrote: two verified accounts, one unverified, and four subscriptions. */
const ROWS = [
  `INSERT INTO users (username, email, password_hash, email_verified_at, created_at, updated_at) VALUES
    ('ada', 'Ada@Example.org', 'h', '${AT}', '${AT}', '${AT}'),
    ('bob', 'bob@example.org', 'h', NULL, '${AT}', '${AT}'),
    ('cy', 'cy@example.org', 'h', '${AT}', '${AT}', '${AT}')`,
  `INSERT INTO subscriptions (email, frequency, status, created_at, updated_at) VALUES
    ('ada@example.org', 'daily', 'active', '${AT}', '${AT}'),
    ('bob@example.org', 'weekly', 'active', '${AT}', '${AT}'),
    ('stranger@example.org', 'daily', 'pending', '${AT}', '${AT}'),
    ('CY@example.org', 'weekly', 'paused', '${AT}', '${AT}')`,
];

async function expectLinks(url: string): Promise<void> {
  const b = await openBackend(url);
  try {
    const ada = await b.accounts.getUserByUsername('ada');
    const cy = await b.accounts.getUserByUsername('cy');
    const got = await Promise.all(['ada@example.org', 'bob@example.org', 'stranger@example.org', 'cy@example.org']
      .map(async (e) => [e, (await b.subscriptions.findByEmail(e))?.userId] as const));
    assert.deepEqual(got, [['ada@example.org', ada!.id], ['bob@example.org', null], ['stranger@example.org', null], ['cy@example.org', cy!.id]]);
    assert.equal((await b.subscriptions.findByEmail('cy@example.org'))?.status, 'paused', 'nothing else changed');
  } finally {
    await b.close();
  }
}

test('SQLite: migration 16 links the subscriptions of verified addresses', async () => {
  const { file, cleanup } = tempDbPath();
  try {
    const db = new Database(file);
    db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    for (const m of SQLITE_MIGRATIONS.filter((x) => x.version <= 15)) {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(m.version, m.name, AT);
    }
    for (const sql of ROWS) db.exec(sql);
    db.close();
    await expectLinks(file);
  } finally {
    cleanup();
  }
});

if (requirePostgres()) {
  test('PostgreSQL: migration 16 links the subscriptions of verified addresses', async () => {
    const url = await freshDatabase();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      // A fresh test database may come migrated (a template copy): start from an empty schema.
      await client.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
      await client.query('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
      for (const m of PG_MIGRATIONS.filter((x) => x.version <= 15)) {
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations VALUES ($1, $2, $3)', [m.version, m.name, AT]);
      }
      for (const sql of ROWS) await client.query(sql);
    } finally {
      await client.end();
    }
    await expectLinks(url);
  });
}
