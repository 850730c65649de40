import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestApp } from '../helpers/test-app.js';
import { tempDbPath } from '../helpers/temp-db.js';

test('a malformed %-encoding gets a 400 in the one error shape, HTML or JSON', async () => {
  const { file, cleanup } = tempDbPath();
  const t = await openTestApp(file);
  try {
    const app = t.app;
    const api = await app.inject({ method: 'GET', url: '/api/papers/%E0%A4%A' });
    assert.equal(api.statusCode, 400);
    assert.equal(api.json().error.code, 'bad_request');
    const page = await app.inject({ method: 'GET', url: '/papers/%E0%A4%A', headers: { accept: 'text/html' } });
    assert.equal(page.statusCode, 400);
    assert.match(page.headers['content-type'] as string, /text\/html/);
    assert.doesNotMatch(page.body, /at .*\.js:\d+/); // no stack trace
    const missing = await app.inject({ method: 'GET', url: '/api/nothing-here' });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().error.code, 'not_found');
  } finally {
    await t.close();
    cleanup();
  }
});
