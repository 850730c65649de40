/** OutageLog: one line when the database goes away, one when it is back; faults that are not an outage every time. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OutageLog } from '../../src/store/outage-log.js';

const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

test('outage log: the first failure of an outage and the recovery are logged, the retries between them are not', () => {
  const lines: string[] = [];
  let now = 1_000_000;
  const log = new OutageLog('search index catch-up', (l) => lines.push(l), () => now);
  log.succeeded();
  assert.deepEqual(lines, [], 'nothing to tell while all is well');
  for (let i = 0; i < 30; i++) {
    log.failed(refused());
    now += 1_000;
  }
  assert.equal(lines.length, 1);
  assert.match(lines[0], /^paperboy: search index catch-up failed: the database does not answer \(connect ECONNREFUSED 127\.0\.0\.1:5432\); retrying quietly/);
  assert.equal(log.inOutage, true);
  log.succeeded();
  log.succeeded();
  assert.deepEqual(lines.slice(1), ['paperboy: search index catch-up works again: the database answers (down 30 s, 30 failed attempts)']);
  assert.equal(log.inOutage, false);
  // A second outage is told again.
  log.failed(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }));
  assert.equal(lines.length, 3);
});

test('outage log: a failure that is not the database being away is logged every time', () => {
  const lines: string[] = [];
  const log = new OutageLog('vector index update', (l) => lines.push(l));
  log.failed(new TypeError('x is undefined'));
  log.failed(new TypeError('x is undefined'));
  assert.deepEqual(lines, ['paperboy: vector index update failed: x is undefined', 'paperboy: vector index update failed: x is undefined']);
  // A caller that knows better (a worker thread's error, cloned across threads) says so.
  log.failed(new Error('Connection terminated'), true);
  log.failed(new Error('Connection terminated'), true);
  assert.equal(lines.length, 3);
});
