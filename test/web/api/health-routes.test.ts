/** /healthz answers while the process runs; /readyz is 503 + Retry-After while the search index is far behind the database, 200 once it caught up. */
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
