/**
 * Upvoting through the site and the API: a visitor is asked to log in; a
 * verified user upvotes with a plain form (303 back) or in place (JSON),
 * and the count moves the same on the list, the paper page, the JSON API,
 * the trending list, the feeds and a digest; votes are idempotent; only
 * verified users vote; CSRF, tokens, unknown papers and the rate limit.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openTestApp, TEST_SCRYPT, type TestApp } from '../../helpers/test-app.js';
import { tempDbPath } from '../../helpers/temp-db.js';
import { WebClient } from '../../helpers/web-client.js';
import { hashPassword } from '../../../src/accounts/passwords.js';
import { fixtureRecords, NOW, LATEST_DAY } from '../pages/site-fixture.js';
import { loadCandidates } from '../../../src/digest/select.js';
import { periodContaining } from '../../../src/domain/periods.js';
import { WRITE_LIMITS } from '../../../src/web/community/rate-limits.js';

let t: TestApp;
let cleanup: () => void;
before(async () => {
  const db = tempDbPath();
  cleanup = db.cleanup;
  t = await openTestApp(db.file, { records: fixtureRecords(), env: { PAPERBOY_SECRET: 'votes-test-secret' }, now: () => NOW });
});
after(async () => {
  await t.close();
  cleanup();
});

let seq = 0;
async function user(opts: { verified?: boolean } = {}): Promise<{ c: WebClient; name: string; id: number }> {
  const name = `voter${++seq}`;
  const u = await t.backend.accounts.createUser({
    username: name, email: `${name}@example.org`, passwordHash: await hashPassword('voter password', TEST_SCRYPT),
    emailVerified: opts.verified ?? true, now: NOW,
  });
  const c = new WebClient(t.app, `10.0.0.${seq}`);
  const r = await c.submit('/login', '/login', { login: name, password: 'voter password' });
  assert.equal(r.statusCode, 303);
  return { c, name, id: u.id };
}

async function apiToken(c: WebClient): Promise<string> {
  const res = await c.submit('/settings', '/settings/tokens', { name: 'votes' });
  return /<code id="new-token">(pb_[^<]+)<\/code>/.exec(res.body)![1];
}

const PAPER = '2405.00001';

async function apiUpvotes(id = PAPER): Promise<number> {
  return (await t.app.inject({ method: 'GET', url: `/api/papers/${id}` })).json().upvotes;
}

/** The count a card shows for the paper on a list page's HTML. */
function cardCount(html: string, id: string): number {
  const at = html.indexOf(`data-paper="${id}"`) >= 0 ? html.indexOf(`data-paper="${id}"`) : html.indexOf(`href="/login?next=%2Fpapers%2F${id}"`);
  assert.ok(at >= 0, `a vote control for ${id}`);
  return Number(/<span class="count">(\d+)<\/span>/.exec(html.slice(at))![1]);
}

test('a visitor sees counts and a link to log in, never a vote form', async () => {
  const res = await t.app.inject({ method: 'GET', url: `/papers/date/${LATEST_DAY}` });
  assert.equal(res.statusCode, 200);
  assert.ok(!res.body.includes('/upvote"'), 'no vote form for visitors');
  assert.match(res.body, new RegExp(`<a class="votes" href="/login\\?next=%2Fpapers%2F${PAPER.replace('.', '\\.')}" title="Log in to upvote"`));
  const page = await t.app.inject({ method: 'GET', url: `/papers/${PAPER}` });
  assert.match(page.body, /class="votes big" href="\/login\?next=/);
  // Posting anyway (a stale page, a crafted form) sends the visitor to log in, changing nothing.
  const anon = new WebClient(t.app);
  await anon.get('/subscribe');
  const before = await apiUpvotes();
  const res2 = await anon.post(`/papers/${PAPER}/upvote`, { vote: '1', back: `/papers/date/${LATEST_DAY}` });
  assert.equal(res2.statusCode, 303);
  assert.equal(res2.headers.location, `/login?next=${encodeURIComponent(`/papers/date/${LATEST_DAY}`)}`);
  assert.equal(await apiUpvotes(), before);
});

test('the form upvotes (303 back) and the count moves on the list, the paper page, the API, trending and a digest', async () => {
  const { c } = await user();
  const list = await c.get(`/papers/date/${LATEST_DAY}`);
  const before = cardCount(list.body, PAPER);
  assert.match(list.body, new RegExp(`<form class="votes upvote" method="post" action="/papers/${PAPER.replace('.', '\\.')}/upvote"`));
  assert.equal(await apiUpvotes(), before, 'the API and the card agree');
  const trendingBefore = cardCount((await c.get('/papers/trending')).body, PAPER);
  const digestBefore = (await loadCandidates(t.store, periodContaining('day', LATEST_DAY), NOW)).find((d) => d.paper.id === PAPER)!.entry.upvotes;

  const res = await c.post(`/papers/${PAPER}/upvote`, { vote: '1', back: `/papers/date/${LATEST_DAY}` });
  assert.equal(res.statusCode, 303);
  assert.equal(res.headers.location, `/papers/date/${LATEST_DAY}`);
  const after = await c.follow(res);
  assert.equal(cardCount(after.body, PAPER), before + 1);
  assert.match(after.body, new RegExp(`data-paper="${PAPER.replace('.', '\\.')}">\\s*<input type="hidden" name="_csrf" value="[^"]+"><input type="hidden" name="vote" value="0">`), 'the next click removes it');
  assert.match(after.body, /aria-pressed="true"/);
  assert.equal(await apiUpvotes(), before + 1);
  const paperPage = await c.get(`/papers/${PAPER}`);
  assert.match(paperPage.body, new RegExp(`<span class="count">${before + 1}</span><small>upvoted</small>`));
  assert.equal(cardCount((await c.get('/papers/trending')).body, PAPER), trendingBefore + 1);
  const daily = (await t.app.inject({ method: 'GET', url: `/api/daily_papers?date=${LATEST_DAY}` })).json() as { paper: { id: string; upvotes: number } }[];
  assert.equal(daily.find((d) => d.paper.id === PAPER)!.paper.upvotes, before + 1);
  const digest = (await loadCandidates(t.store, periodContaining('day', LATEST_DAY), NOW)).find((d) => d.paper.id === PAPER)!;
  assert.equal(digest.entry.upvotes, digestBefore + 1);
  const feed = await t.app.inject({ method: 'GET', url: `/feeds/daily.rss?date=${LATEST_DAY}` });
  assert.match(feed.body, new RegExp(`${before + 1} upvotes`));
  // Visitors see the new count too once the short list cache turns over; the paper page at once.
  assert.match((await t.app.inject({ method: 'GET', url: `/papers/${PAPER}` })).body, new RegExp(`<span class="count">${before + 1}</span>`));

  // The same form again (a double click) is still one vote; vote=0 takes it off.
  await c.post(`/papers/${PAPER}/upvote`, { vote: '1', back: '/' });
  assert.equal(await apiUpvotes(), before + 1);
  await c.post(`/papers/${PAPER}/upvote`, { vote: '0', back: '/' });
  assert.equal(await apiUpvotes(), before);
});

test('in place: the script asks for JSON and gets the new state and count', async () => {
  const { c } = await user();
  const page = await c.get(`/papers/${PAPER}`);
  const before = await apiUpvotes();
  const res = await c.post(`/papers/${PAPER}/upvote`, { vote: '1', back: `/papers/${PAPER}` }, { accept: 'application/json' });
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(res.json(), { paperId: PAPER, upvoted: true, changed: true, upvotes: before + 1 });
  const again = await c.post(`/papers/${PAPER}/upvote`, { vote: '1', back: `/papers/${PAPER}` }, { accept: 'application/json' });
  assert.deepEqual(again.json(), { paperId: PAPER, upvoted: true, changed: false, upvotes: before + 1 });
  assert.ok(page.body.includes('/assets/app.js'), 'the page loads the script that does this');
  const js = await t.app.inject({ method: 'GET', url: '/assets/app.js' });
  assert.match(js.body, /form\.upvote/);
  await c.post(`/papers/${PAPER}/upvote`, { vote: '0', back: '/' });
});

test('an unverified user cannot vote (403 saying why); bad values, CSRF and unknown papers change nothing', async () => {
  const before = await apiUpvotes();
  const { c } = await user({ verified: false });
  await c.get(`/papers/${PAPER}`);
  const res = await c.post(`/papers/${PAPER}/upvote`, { vote: '1', back: '/' });
  assert.equal(res.statusCode, 403);
  assert.match(res.body, /Verify your email address first/);
  const { c: v } = await user();
  await v.get(`/papers/${PAPER}`);
  assert.equal((await v.post(`/papers/${PAPER}/upvote`, { vote: 'maybe', back: '/' })).statusCode, 400);
  assert.equal((await v.post(`/papers/${PAPER}/upvote`, { vote: '1', back: 'https://evil.example/' })).statusCode, 400);
  assert.equal((await v.post(`/papers/${PAPER}/upvote`, { _csrf: null, vote: '1', back: '/' })).statusCode, 403);
  assert.equal((await v.post('/papers/2405.99999/upvote', { vote: '1', back: '/' })).statusCode, 404);
  assert.equal((await v.post(`/papers/${PAPER}/frobnicate`, { vote: '1', back: '/' })).statusCode, 404);
  assert.equal(await apiUpvotes(), before);
});

test('the write API: POST and DELETE /api/papers/{id}/upvote with a token; 401 without; versioned ids resolve', async () => {
  const { c } = await user();
  const token = await apiToken(c);
  const auth = { authorization: `Bearer ${token}` };
  const before = await apiUpvotes();
  const up = await t.app.inject({ method: 'POST', url: `/api/papers/${PAPER}v2/upvote`, headers: auth });
  assert.equal(up.statusCode, 200, up.body);
  assert.deepEqual(up.json(), { paperId: PAPER, upvoted: true, changed: true, upvotes: before + 1 });
  const twice = await t.app.inject({ method: 'POST', url: `/api/papers/${PAPER}/upvote`, headers: auth });
  assert.equal(twice.json().changed, false);
  const down = await t.app.inject({ method: 'DELETE', url: `/api/papers/${PAPER}/upvote`, headers: auth });
  assert.deepEqual(down.json(), { paperId: PAPER, upvoted: false, changed: true, upvotes: before });
  const none = await t.app.inject({ method: 'POST', url: `/api/papers/${PAPER}/upvote` });
  assert.equal(none.statusCode, 401);
  assert.equal(none.json().error.code, 'unauthorized');
  // A browser session is not enough for the JSON API (a cross-site request would carry it).
  const cookie = [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  assert.equal((await t.app.inject({ method: 'POST', url: `/api/papers/${PAPER}/upvote`, headers: { cookie } })).statusCode, 401);
  assert.equal((await t.app.inject({ method: 'POST', url: '/api/papers/2405.99999/upvote', headers: auth })).statusCode, 404);
  assert.equal((await t.app.inject({ method: 'POST', url: `/api/papers/${PAPER}`, headers: auth })).statusCode, 404);
  assert.equal(await apiUpvotes(), before);
});

test('votes are rate limited per user: 429 with Retry-After', async () => {
  const { c } = await user();
  const token = await apiToken(c);
  let last = null;
  for (let i = 0; i <= WRITE_LIMITS.vote.max; i++) {
    last = await t.app.inject({ method: i % 2 ? 'DELETE' : 'POST', url: `/api/papers/${PAPER}/upvote`, headers: { authorization: `Bearer ${token}` } });
  }
  assert.equal(last!.statusCode, 429);
  assert.ok(Number(last!.headers['retry-after']) > 0);
  // Another user is not limited by this one.
  const { c: other } = await user();
  const t2 = await apiToken(other);
  assert.equal((await t.app.inject({ method: 'POST', url: `/api/papers/${PAPER}/upvote`, headers: { authorization: `Bearer ${t2}` } })).statusCode, 200);
  await t.app.inject({ method: 'DELETE', url: `/api/papers/${PAPER}/upvote`, headers: { authorization: `Bearer ${t2}` } });
});
