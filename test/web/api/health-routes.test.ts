/**
 * /healthz answers while the process runs; /readyz is 503 + Retry-After while the search index is far behind the database, 200 once it caught up,
 * and 503 with a plain message (never the driver's words) while the database does not answer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { READY_LAG_MAX } from '../../../src/web/api/health-routes.js';
import { paper, record } from '../../helpers/papers.js';
import { tempDbPath } from '../../helpers/temp-db.js';
import { openTestApp } from '../../helpers/test-app.js';

test('/healthz and /readyz report liveness and whether search is current', async () => {
  const { file, cleanup } = tempDbPath();
  const t = await openTestApp(file, { records: [record(paper('2401.00001'))] });
  try {
    assert.deepEqual((await t.app.inject({ url: '/healthz' })).json(), { status: 'ok' });
    assert.deepEqual((await t.app.inject({ url: '/readyz' })).json(), { status: 'ready', lag: 0 });
    // A bulk import from another process: the index is behind until it catches up.
    await t.store.upsertRecords(Array.from({ length: READY_LAG_MAX + 200 }, (_, i) => record(paper(`2402.${String(10000 + i)}`))));
    const behind = await t.app.inject({ url: '/readyz' });
    assert.equal(behind.statusCode, 503);
    assert.equal(behind.headers['retry-after'], '5');
    assert.equal(behind.json().error.code, 'not_ready');
    assert.equal(behind.json().lag, READY_LAG_MAX + 200);
    assert.equal((await t.app.inject({ url: '/healthz' })).statusCode, 200, 'alive all the same');
    await t.search.blockMax!.catchUp();
    assert.deepEqual((await t.app.inject({ url: '/readyz' })).json(), { status: 'ready', lag: 0 });
  } finally {
    await t.close();
    cleanup();
  }
});

test('/readyz while the database does not answer: 503 + Retry-After with a plain message, not the driver\'s', async () => {
  const { file, cleanup } = tempDbPath();
  const t = await openTestApp(file, { records: [record(paper('2401.00001'))] });
  try {
    const latestDay = t.backend.store.latestDay.bind(t.backend.store);
    t.backend.store.latestDay = async () => {
      throw Object.assign(new Error('connect ECONNREFUSED 10.1.2.3:5432 (password authentication failed for user "paperboy")'), { code: 'ECONNREFUSED' });
    };
    const down = await t.app.inject({ url: '/readyz' });
    assert.equal(down.statusCode, 503);
    assert.equal(down.headers['retry-after'], '5');
    assert.deepEqual(down.json(), { error: { code: 'not_ready', message: 'The database does not answer; this process is not ready to serve.' } });
    assert.doesNotMatch(down.body, /ECONNREFUSED|10\.1\.2\.3|5432|password/);
    t.backend.store.latestDay = latestDay;
    assert.equal((await t.app.inject({ url: '/readyz' })).statusCode, 200);
  } finally {
    await t.close();
    cleanup();
  }
});
