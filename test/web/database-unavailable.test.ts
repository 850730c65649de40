/**
 * A database that cannot answer is a 503 with Retry-After, never a 500:
 * the classification of real driver errors (a refused connection, SQLite
 * still locked after its busy timeout), and the site over a SQLite file whose
 * write lock another process holds — the API answers JSON 503, nothing is
 * written, and the same request succeeds once the lock is gone. (PostgreSQL
 * stopped and restarted under requests: database-down-postgres.test.ts.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer, type AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import { isDatabaseUnavailable } from '../../src/store/database-unavailable.js';
import { digestSecret, newApiToken } from '../../src/accounts/tokens.js';
import { openTestApp } from '../helpers/test-app.js';
import { tempDbPath } from '../helpers/temp-db.js';
import { paper, record } from '../helpers/papers.js';

async function refusedConnectionError(): Promise<Error> {
  const srv = createServer();
  await new Promise<void>((ok) => srv.listen(0, '127.0.0.1', ok));
  const port = (srv.address() as AddressInfo).port;
  await new Promise<void>((ok) => srv.close(() => ok()));
  return new Promise((ok) => {
    const s = connect(port, '127.0.0.1');
    s.once('error', ok);
  });
}

test('isDatabaseUnavailable: refused connections, SQLITE_BUSY and PostgreSQL shutdown codes yes; faults no', async () => {
  assert.equal(isDatabaseUnavailable(await refusedConnectionError()), true);
  const { file, cleanup } = tempDbPath();
  try {
    const a = new Database(file), b = new Database(file);
    a.pragma('journal_mode = WAL');
    a.exec('CREATE TABLE t (x)');
    b.pragma('busy_timeout = 0');
    a.exec('BEGIN IMMEDIATE');
    let busy: unknown = null;
    try {
      b.exec('INSERT INTO t VALUES (1)');
    } catch (err) {
      busy = err;
    }
    assert.equal((busy as { code?: string }).code, 'SQLITE_BUSY');
    assert.equal(isDatabaseUnavailable(busy), true);
    a.exec('ROLLBACK');
    let constraint: unknown = null;
    a.exec('CREATE TABLE u (x UNIQUE); INSERT INTO u VALUES (1)');
    try {
      a.exec('INSERT INTO u VALUES (1)');
    } catch (err) {
      constraint = err;
    }
    assert.equal(isDatabaseUnavailable(constraint), false, 'a constraint violation is a fault, not an outage');
    a.close();
    b.close();
  } finally {
    cleanup();
  }
  // PostgreSQL reports these as SQLSTATEs on the error's code (node-postgres' DatabaseError).
  for (const code of ['57P01', '57P03', '08006', '08001', '53300']) {
    assert.equal(isDatabaseUnavailable(Object.assign(new Error('x'), { code })), true, code);
  }
  for (const code of ['23505', '42P01', '22P02']) assert.equal(isDatabaseUnavailable(Object.assign(new Error('x'), { code })), false, code);
  assert.equal(isDatabaseUnavailable(new Error('Connection terminated unexpectedly')), true);
  assert.equal(isDatabaseUnavailable(new Error('wrapped', { cause: await refusedConnectionError() })), true);
  assert.equal(isDatabaseUnavailable(new TypeError('x is undefined')), false);
  assert.equal(isDatabaseUnavailable(null), false);
});

test('a write while another process holds SQLite\'s write lock: 503 with Retry-After, nothing written; the retry succeeds', { timeout: 60_000 }, async () => {
  const { file, cleanup } = tempDbPath();
  const t = await openTestApp(file, { records: [record(paper('2506.00001'), { day: '2025-06-02', submittedAt: null, submittedBy: null, upvotes: 3, numComments: 0 })] });
  try {
    const u = await t.backend.accounts.createUser({ username: 'ada', email: 'ada@example.org', passwordHash: 'scrypt$x$y', emailVerified: true, now: new Date() });
    const { token, prefix } = newApiToken();
    await t.backend.accounts.createApiToken({ userId: u.id, name: 'script', tokenHash: digestSecret(token), prefix, now: new Date() });
    const auth = { authorization: `Bearer ${token}` };

    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE'); // another process writing, for longer than the 5 s busy timeout
    let res;
    try {
      res = await t.app.inject({ method: 'POST', url: '/api/papers/2506.00001/upvote', headers: auth });
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    assert.equal(res.statusCode, 503, res.body);
    assert.equal(res.headers['retry-after'], '5');
    assert.equal(res.json().error.code, 'database_unavailable');
    assert.match(res.json().error.message, /Nothing was changed; try again in a few seconds/);
    assert.equal(await t.backend.votes.localVotes('2506.00001'), 0, 'nothing written');

    const again = await t.app.inject({ method: 'POST', url: '/api/papers/2506.00001/upvote', headers: auth });
    assert.equal(again.statusCode, 200, again.body);
    assert.equal(again.json().upvotes, 4);
  } finally {
    await t.close();
    cleanup();
  }
});
