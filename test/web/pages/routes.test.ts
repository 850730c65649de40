import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { siteFixture, type SiteFixture } from './site-fixture.js';

let f: SiteFixture;
before(async () => { f = await siteFixture(); });
after(async () => { await f.close(); });

test('the stylesheet and script are served with a content hash and long cache headers', async () => {
  const home = (await f.app.inject({ url: '/' })).body;
  const css = /<link rel="stylesheet" href="(\/assets\/app.css\?v=([0-9a-f]{12}))">/.exec(home);
  const js = /<script src="(\/assets\/app.js\?v=[0-9a-f]{12})" defer><\/script>/.exec(home);
  assert.ok(css && js, 'layout links versioned assets');
  const r = await f.app.inject({ url: css[1] });
  assert.equal(r.statusCode, 200);
  assert.equal(r.headers['content-type'], 'text/css; charset=utf-8');
  assert.equal(r.headers['cache-control'], 'public, max-age=31536000, immutable');
  assert.equal(r.headers.etag, `"${css[2]}"`);
  assert.match(r.body, /prefers-color-scheme: ?dark/);
  const stale = await f.app.inject({ url: '/assets/app.css?v=old' });
  assert.equal(stale.headers['cache-control'], 'public, max-age=300');
  const again = await f.app.inject({ url: css[1], headers: { 'if-none-match': `"${css[2]}"` } });
  assert.equal(again.statusCode, 304);
  const script = await f.app.inject({ url: js[1] });
  assert.equal(script.headers['content-type'], 'text/javascript; charset=utf-8');
  assert.equal((await f.app.inject({ url: '/assets/nope.css' })).statusCode, 404);
  assert.equal((await f.app.inject({ url: '/assets/__proto__' })).statusCode, 404);
});

test('the theme form sets or clears the theme cookie and comes back; the layout honours it', async () => {
  const dark = await f.app.inject({ method: 'POST', url: '/theme', payload: { theme: 'dark', back: '/papers/trending' } });
  assert.equal(dark.statusCode, 303);
  assert.equal(dark.headers.location, '/papers/trending');
  assert.match(String(dark.headers['set-cookie']), /theme=dark;.*Path=\//);
  const page = await f.app.inject({ url: '/', cookies: { theme: 'dark' } });
  assert.match(page.body, /<html lang="en" data-theme="dark">/);
  assert.match(page.body, /value="dark" aria-pressed="true"/);
  const auto = await f.app.inject({ method: 'POST', url: '/theme', payload: { theme: 'auto', back: '/' } });
  assert.match(String(auto.headers['set-cookie']), /theme=;/);
  assert.doesNotMatch((await f.app.inject({ url: '/', cookies: { theme: 'evil"><script>' } })).body, /data-theme/);
});

test('the theme form never redirects off-site (a target off the site is a 400; more in hardening.test.ts)', async () => {
  for (const back of ['//evil.example', 'https://evil.example', '/\\evil.example', 'javascript:alert(1)']) {
    const r = await f.app.inject({ method: 'POST', url: '/theme', payload: { theme: 'light', back } });
    assert.equal(r.statusCode, 400, back);
    assert.equal(r.headers.location, undefined, back);
  }
});

test('unknown URLs get the friendly 404 page in the site layout; JSON clients get JSON', async () => {
  const r = await f.app.inject({ url: '/no/such/page?<x>' });
  assert.equal(r.statusCode, 404);
  assert.equal(r.headers['content-type'], 'text/html; charset=utf-8');
  assert.match(r.body, /<h1>Page not found<\/h1>/);
  assert.match(r.body, /<header class="site-header">/);
  assert.match(r.body, /Back to today's papers/);
  const j = await f.app.inject({ url: '/no/such/page', headers: { accept: 'application/json' } });
  assert.equal(j.statusCode, 404);
  assert.match(String(j.headers['content-type']), /application\/json/);
});

test('the favicon redirects to the versioned icon', async () => {
  const r = await f.app.inject({ url: '/favicon.ico' });
  assert.equal(r.statusCode, 301);
  assert.match(String(r.headers.location), /^\/assets\/icon.svg\?v=/);
});
