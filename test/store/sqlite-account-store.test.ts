/**
 * The AccountStore conformance suite on a real SQLite file (through the
 * Backend, as the app opens it), and what only SQLite shows: the schema
 * migration that creates the account tables.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openBackend } from '../../src/store/open-backend.js';
import type { Backend } from '../../src/store/backend.js';
import { tempDbPath } from '../helpers/temp-db.js';
import { describeAccountStore } from '../conformance/account-store.js';
import { SqliteBackend } from '../../src/store/sqlite/sqlite-backend.js';

describeAccountStore('sqlite', async () => {
  const { file, cleanup } = tempDbPath();
  let backend: Backend = await openBackend(file);
  return {
    accounts: backend.accounts,
    async reopen() {
      await backend.close();
      backend = await openBackend(file);
      return backend.accounts;
    },
    async close() {
      await backend.close();
      cleanup();
    },
  };
});

test('the account tables exist after opening and hold no passwords or tokens in clear columns', async () => {
  const { file, cleanup } = tempDbPath();
  const backend = new SqliteBackend(file);
  try {
    const cols = (t: string) => (backend.store.db.prepare(`PRAGMA table_info(${t})`).all() as { name: string }[]).map((c) => c.name);
    assert.ok(cols('users').includes('password_hash'));
    assert.ok(!cols('users').includes('password'));
    assert.ok(cols('sessions').includes('token_hash') && !cols('sessions').includes('token'));
    assert.ok(cols('api_tokens').includes('token_hash') && !cols('api_tokens').includes('token'));
    assert.ok(cols('email_tokens').includes('token_hash'));
  } finally {
    await backend.close();
    cleanup();
  }
});
