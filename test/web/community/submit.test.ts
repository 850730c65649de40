/**
 * Submitting papers, with arXiv played by a local fixture server: the form
 * takes an id or a link, previews what arXiv says, and adds the paper to
 * today's list with its submitter; the rules answer plainly — duplicates
 * (with a link), papers older than the age limit (admins may), the daily
 * cap (429 + Retry-After), a paper arXiv does not have, arXiv unreachable
 * (nothing saved), bad input; the token API `POST /api/daily_papers`.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openTestApp, TEST_SCRYPT, type TestApp } from '../../helpers/test-app.js';
import { tempDbPath } from '../../helpers/temp-db.js';
import { WebClient } from '../../helpers/web-client.js';
import { startFixtureServer, type FixtureServer } from '../../helpers/fixture-server.js';
import { hashPassword } from '../../../src/accounts/passwords.js';
import type { Role } from '../../../src/store/account-store.js';
import { WRITE_LIMITS } from '../../../src/web/community/rate-limits.js';

const NOW = new Date('2025-06-24T10:00:00Z');
const TODAY = '2025-06-24';
const DOWN = '2506.29999';

let arxiv: FixtureServer;
let t: TestApp;
let cleanup: () => void;
before(async () => {
  arxiv = await startFixtureServer((req) => {
    const id = req.query.get('id_list') ?? '';
    if (id === DOWN) return { status: 503, body: 'arXiv is down for maintenance' };
    if (/^(2506\.2000[1-4]|2401\.00077)$/.test(id)) return { file: `submit/arxiv-${id}.xml` };
    return { file: 'ingest/atom-empty-feed.xml' };
  });
  const db = tempDbPath();
  cleanup = db.cleanup;
  t = await openTestApp(db.file, {
    env: { PAPERBOY_SECRET: 'submit-test-secret', ARXIV_API_URL: `${arxiv.url}/api/query`, PAPERBOY_SUBMIT_DAILY_CAP: '2' },
    now: () => NOW,
    arxivFetch: { minDelayMs: 0, baseBackoffMs: 5, maxAttempts: 2, timeoutMs: 5000 },
  });
});
after(async () => {
  await t.close();
  await arxiv.close();
  cleanup();
});

let seq = 0;
async function user(opts: { verified?: boolean; role?: Role } = {}): Promise<{ c: WebClient; name: string }> {
  const name = `submitter${++seq}`;
  await t.backend.accounts.createUser({
    username: name, email: `${name}@example.org`, passwordHash: await hashPassword('submit password', TEST_SCRYPT),
    emailVerified: opts.verified ?? true, role: opts.role, now: NOW,
  });
  const c = new WebClient(t.app, `10.2.0.${seq}`);
  assert.equal((await c.submit('/login', '/login', { login: name, password: 'submit password' })).statusCode, 303);
  return { c, name };
}

const asked = (id: string) => arxiv.requests.filter((r) => r.query.get('id_list') === id).length;

test('signed-out visitors are sent to log in; unverified users are told to verify', async () => {
  const anon = await t.app.inject({ method: 'GET', url: '/submit' });
  assert.equal(anon.statusCode, 303);
  assert.equal(anon.headers.location, '/login?next=%2Fsubmit');
  const { c } = await user({ verified: false });
  const res = await c.get('/submit');
  assert.equal(res.statusCode, 403);
  assert.match(res.body, /Verify your email address first/);
});

test('a link → preview of what arXiv says → added to today\'s list with its submitter (arXiv asked once)', async () => {
  const { c, name } = await user();
  const form = await c.get('/submit');
  assert.equal(form.statusCode, 200);
  assert.match(form.body, /you can submit 2 more papers today/);
  const preview = await c.post('/submit', { paper: 'https://arxiv.org/abs/2506.20001v2' });
  assert.equal(preview.statusCode, 200, preview.body.slice(0, 500));
  assert.match(preview.body, /Add this paper to today&#39;s list\?|Add this paper to today's list\?/);
  assert.match(preview.body, /Sparse Mixture Routers for Streaming Speech/);
  assert.match(preview.body, /Ada Lovelace, Grace Hopper/);
  assert.equal(await t.store.getPaper('2506.20001'), null, 'nothing saved at the preview');
  assert.equal(asked('2506.20001'), 1);
  assert.match(String(arxiv.requests.at(-1)!.headers['user-agent']), /^paperboy/);

  const done = await c.post('/submit/confirm', { id: '2506.20001' });
  assert.equal(done.statusCode, 303);
  assert.equal(done.headers.location, '/papers/2506.20001');
  assert.equal(asked('2506.20001'), 1, 'confirming used the preview\'s answer');
  const detail = (await t.store.getPaper('2506.20001'))!;
  assert.deepEqual(detail.daily.map((e) => [e.day, e.submittedBy?.user, e.upvotes]), [[TODAY, name, 0]]);
  const list = await c.get(`/papers/date/${TODAY}`);
  assert.match(list.body, /Sparse Mixture Routers for Streaming Speech/);
  assert.match(list.body, new RegExp(`Submitted by ${name}`));
  const api = (await t.app.inject({ method: 'GET', url: `/api/daily_papers?date=${TODAY}` })).json() as { paper: { id: string }; submittedBy: { name: string } }[];
  assert.equal(api.find((i) => i.paper.id === '2506.20001')!.submittedBy.name, name);
  assert.match((await c.get('/submit')).body, /you can submit 1 more paper today/);
});

test('a paper already on a daily list is not added twice; the answer links to it', async () => {
  const { c } = await user();
  await c.get('/submit');
  const res = await c.post('/submit', { paper: '2506.20001' });
  assert.equal(res.statusCode, 409);
  assert.match(res.body, /is already on the daily list/);
  assert.match(res.body, new RegExp(`href="/papers/date/${TODAY}"`));
  assert.match(res.body, /href="\/papers\/2506\.20001"/);
  // Even straight to the confirmation (a stale preview), the store refuses the duplicate.
  assert.equal((await c.post('/submit/confirm', { id: '2506.20001' })).statusCode, 409);
  assert.equal((await t.store.getPaper('2506.20001'))!.daily.length, 1);
});

test('papers older than the age limit are refused; an admin may add them', async () => {
  const { c } = await user();
  await c.get('/submit');
  const old = await c.post('/submit', { paper: 'arXiv:2401.00077' });
  assert.equal(old.statusCode, 422);
  assert.match(old.body, /more than 14 days ago: the daily list is for new papers/);
  assert.equal((await c.post('/submit/confirm', { id: '2401.00077' })).statusCode, 422);
  const { c: admin } = await user({ role: 'admin' });
  await admin.get('/submit');
  const preview = await admin.post('/submit', { paper: '2401.00077' });
  assert.equal(preview.statusCode, 200);
  assert.match(preview.body, /you may add it as an admin/);
  assert.equal((await admin.post('/submit/confirm', { id: '2401.00077' })).statusCode, 303);
  assert.equal((await t.store.getPaper('2401.00077'))!.daily[0].day, TODAY);
});

test('the daily cap: the third submission of a day is refused with 429 and Retry-After until midnight', async () => {
  const { c } = await user();
  await c.get('/submit');
  for (const id of ['2506.20003', '2506.20004']) {
    await c.post('/submit', { paper: id });
    assert.equal((await c.post('/submit/confirm', { id })).statusCode, 303);
  }
  const third = await c.post('/submit', { paper: '2506.20002' });
  assert.equal(third.statusCode, 429);
  assert.equal(third.headers['retry-after'], String(14 * 3600), 'until 00:00 UTC');
  assert.match(third.body, /the most a day \(2\)/);
  assert.equal(await t.store.getPaper('2506.20002'), null);
});

test('arXiv without the paper, arXiv unreachable, and input that names no paper: clear answers, nothing saved', async () => {
  const { c } = await user();
  await c.get('/submit');
  const missing = await c.post('/submit', { paper: '2506.28888' });
  assert.equal(missing.statusCode, 404);
  assert.match(missing.body, /arXiv has no paper 2506\.28888/);
  const down = await c.post('/submit', { paper: DOWN });
  assert.equal(down.statusCode, 503);
  assert.match(down.body, /arXiv cannot be reached right now, so nothing was saved/);
  assert.equal(down.headers['retry-after'], '60');
  assert.equal(asked(DOWN), 2, 'retried once, politely');
  assert.equal(await t.store.getPaper(DOWN), null);
  for (const bad of ['', 'not a paper', 'https://evil.example/abs/2506.20001', '<script>alert(1)</script>']) {
    const res = await c.post('/submit', { paper: bad });
    assert.equal(res.statusCode, 400, bad);
    assert.ok(!res.body.includes('<script>alert(1)</script>'), 'escaped');
  }
});

test('POST /api/daily_papers with a token: 201 with the Hub-shaped item; 401, 415, 400 and 409 otherwise', async () => {
  const { c, name } = await user();
  const tokenPage = await c.submit('/settings', '/settings/tokens', { name: 'submit' });
  const token = /<code id="new-token">(pb_[^<]+)<\/code>/.exec(tokenPage.body)![1];
  const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const res = await t.app.inject({ method: 'POST', url: '/api/daily_papers', headers: auth, payload: JSON.stringify({ paper: 'https://huggingface.co/papers/2506.20002' }) });
  assert.equal(res.statusCode, 201, res.body);
  const item = res.json();
  assert.equal(item.paper.id, '2506.20002');
  assert.equal(item.title, 'Tiny Transformers Know <b>Grammar</b> & More', 'stored intact');
  assert.equal(item.submittedBy.name, name);
  assert.equal(item.paper.submittedOnDailyBy.user, name);
  assert.equal(item.paper.upvotes, 0);
  const page = await c.get('/papers/2506.20002');
  assert.match(page.body, /Tiny Transformers Know &lt;b&gt;Grammar&lt;\/b&gt; &amp; More/, 'shown escaped');

  const dup = await t.app.inject({ method: 'POST', url: '/api/daily_papers', headers: auth, payload: JSON.stringify({ arxivId: '2506.20002' }) });
  assert.equal(dup.statusCode, 409);
  assert.equal(dup.json().error.code, 'duplicate');
  assert.equal((await t.app.inject({ method: 'POST', url: '/api/daily_papers', headers: { 'content-type': 'application/json' }, payload: '{"paper":"2506.20003"}' })).statusCode, 401);
  assert.equal((await t.app.inject({ method: 'POST', url: '/api/daily_papers', headers: { ...auth, 'content-type': 'text/plain' }, payload: '2506.20003' })).statusCode, 415);
  assert.equal((await t.app.inject({ method: 'POST', url: '/api/daily_papers', headers: auth, payload: '{"paper": 12}' })).statusCode, 400);
  assert.equal((await t.app.inject({ method: 'POST', url: '/api/daily_papers', headers: auth, payload: '{"nope": "x"}' })).statusCode, 400);
  assert.equal((await t.app.inject({ method: 'POST', url: '/api/daily_papers', headers: auth, payload: '{}' })).statusCode, 400);
});

test('submissions are rate limited per user (429 with Retry-After)', async () => {
  const { c } = await user();
  await c.get('/submit');
  let last = null;
  for (let i = 0; i <= WRITE_LIMITS.submit.max; i++) last = await c.post('/submit', { paper: 'not a paper' });
  assert.equal(last!.statusCode, 429);
  assert.ok(Number(last!.headers['retry-after']) > 0);
});
