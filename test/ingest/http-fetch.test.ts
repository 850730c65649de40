/**
 * The polite HTTP client against a real local server: spacing between calls,
 * Retry-After, backoff on 5xx and network errors, bounded attempts, timeouts,
 * User-Agent. Spacing is checked as a lower bound on the server's clock.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HttpFetchError, parseRetryAfter, PoliteHttpClient } from '../../src/ingest/http-fetch.js';
import { startFixtureServer } from '../helpers/fixture-server.js';

const quick = { minDelayMs: 40, baseBackoffMs: 10, maxBackoffMs: 100, maxAttempts: 4, timeoutMs: 2000 };

test('spaces consecutive calls by at least minDelayMs, as seen by the server', async () => {
  const srv = await startFixtureServer(() => ({ body: 'ok' }));
  try {
    const client = new PoliteHttpClient(quick);
    for (let i = 0; i < 3; i++) assert.equal((await client.getText(`${srv.url}/p${i}`)).body, 'ok');
    // Overlapping callers are serialised too.
    await Promise.all([client.getText(`${srv.url}/a`), client.getText(`${srv.url}/b`)]);
    assert.equal(srv.requests.length, 5);
    for (let i = 1; i < srv.requests.length; i++) {
      assert.ok(srv.requests[i].at - srv.requests[i - 1].at >= 40, `gap ${i} was ${srv.requests[i].at - srv.requests[i - 1].at} ms`);
    }
  } finally {
    await srv.close();
  }
});

test('sends a User-Agent naming paperboy', async () => {
  const srv = await startFixtureServer([{ body: 'ok' }]);
  try {
    await new PoliteHttpClient(quick).getText(srv.url + '/');
    assert.match(String(srv.requests[0].headers['user-agent']), /^paperboy\//);
  } finally {
    await srv.close();
  }
});

test('honours Retry-After (seconds) on 503 and on 429', async () => {
  for (const status of [503, 429]) {
    const srv = await startFixtureServer([{ status, headers: { 'retry-after': '1' }, body: 'slow down' }, { body: 'done' }]);
    try {
      const retries: string[] = [];
      const client = new PoliteHttpClient({ ...quick, onRetry: (r) => retries.push(r.reason) });
      assert.equal((await client.getText(srv.url + '/x')).body, 'done');
      assert.equal(srv.requests.length, 2);
      assert.ok(srv.requests[1].at - srv.requests[0].at >= 1000, 'waited the Retry-After second');
      assert.match(retries[0], new RegExp(`HTTP ${status}.*Retry-After 1 s`));
    } finally {
      await srv.close();
    }
  }
});

test('refuses to wait for a Retry-After beyond maxRetryAfterMs', async () => {
  const srv = await startFixtureServer([{ status: 503, headers: { 'retry-after': '3600' } }]);
  try {
    const client = new PoliteHttpClient({ ...quick, maxRetryAfterMs: 5000 });
    await assert.rejects(client.getText(srv.url + '/'), (e: unknown) =>
      e instanceof HttpFetchError && e.status === 503 && /asked to wait 3600 s/.test(e.message));
    assert.equal(srv.requests.length, 1);
  } finally {
    await srv.close();
  }
});

test('parseRetryAfter reads delta-seconds and HTTP dates', () => {
  const now = Date.parse('2024-05-28T12:00:00Z');
  assert.equal(parseRetryAfter('120', now), 120_000);
  assert.equal(parseRetryAfter('Tue, 28 May 2024 12:00:30 GMT', now), 30_000);
  assert.equal(parseRetryAfter('Tue, 28 May 2024 11:00:00 GMT', now), 0, 'a past date means now');
  assert.equal(parseRetryAfter('soon', now), null);
  assert.equal(parseRetryAfter(null, now), null);
});

test('retries 5xx and dropped connections with exponential backoff, then succeeds', async () => {
  const srv = await startFixtureServer([{ status: 500 }, { drop: true }, { status: 502 }, { body: 'finally' }]);
  try {
    const waits: number[] = [];
    const client = new PoliteHttpClient({ ...quick, minDelayMs: 1, baseBackoffMs: 20, onRetry: (r) => waits.push(r.waitMs) });
    assert.equal((await client.getText(srv.url + '/')).body, 'finally');
    assert.deepEqual(waits, [20, 40, 80]);
    const r = srv.requests;
    assert.equal(r.length, 4);
    assert.ok(r[1].at - r[0].at >= 20 && r[2].at - r[1].at >= 40 && r[3].at - r[2].at >= 80);
  } finally {
    await srv.close();
  }
});

test('gives up after maxAttempts with a clear error carrying the last status', async () => {
  const srv = await startFixtureServer(() => ({ status: 500, body: 'broken' }));
  try {
    const client = new PoliteHttpClient({ ...quick, maxAttempts: 3 });
    await assert.rejects(client.getText(srv.url + '/'), (e: unknown) =>
      e instanceof HttpFetchError && e.status === 500 && e.attempts === 3 && e.body === 'broken' &&
      /gave up after 3 attempts \(last: HTTP 500\)/.test(e.message));
    assert.equal(srv.requests.length, 3);
  } finally {
    await srv.close();
  }
});

test('does not retry a 404', async () => {
  const srv = await startFixtureServer(() => ({ status: 404, body: 'nope' }));
  try {
    await assert.rejects(new PoliteHttpClient(quick).getText(srv.url + '/missing'), (e: unknown) =>
      e instanceof HttpFetchError && e.status === 404 && e.attempts === 1);
    assert.equal(srv.requests.length, 1);
  } finally {
    await srv.close();
  }
});

test('times out a slow answer and retries it', async () => {
  const srv = await startFixtureServer([{ delayMs: 1000, body: 'late' }, { body: 'fast' }]);
  try {
    const reasons: string[] = [];
    const client = new PoliteHttpClient({ ...quick, timeoutMs: 100, onRetry: (r) => reasons.push(r.reason) });
    assert.equal((await client.getText(srv.url + '/')).body, 'fast');
    assert.deepEqual(reasons, ['timed out']);
  } finally {
    await srv.close();
  }
});

test('a network error on every attempt ends with status null', async () => {
  const srv = await startFixtureServer(() => ({ drop: true }));
  try {
    await assert.rejects(new PoliteHttpClient({ ...quick, maxAttempts: 2 }).getText(srv.url + '/'), (e: unknown) =>
      e instanceof HttpFetchError && e.status === null && e.attempts === 2);
  } finally {
    await srv.close();
  }
});
