/**
 * Profiles (`/users/{name}`): submitted papers, comments (not hidden ones,
 * escaped), upvotes only when the user shows them (always to themselves,
 * marked private), no address anywhere; unknown names are a 404, another
 * case redirects to the user's own spelling.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openTestApp, TEST_SCRYPT, type TestApp } from '../../helpers/test-app.js';
import { tempDbPath } from '../../helpers/temp-db.js';
import { WebClient } from '../../helpers/web-client.js';
import { hashPassword } from '../../../src/accounts/passwords.js';
import { fixtureRecords, NOW } from '../pages/site-fixture.js';
import { paper } from '../../helpers/papers.js';

let t: TestApp;
let cleanup: () => void;
let adaId: number;
before(async () => {
  const db = tempDbPath();
  cleanup = db.cleanup;
  t = await openTestApp(db.file, { records: fixtureRecords(), env: { PAPERBOY_SECRET: 'profiles-test-secret' }, now: () => NOW });
  const a = t.backend.accounts;
  adaId = (await a.createUser({ username: 'Ada', email: 'ada-secret@example.org', passwordHash: await hashPassword('ada password', TEST_SCRYPT), emailVerified: true, now: NOW })).id;
  const mod = await a.createUser({ username: 'mod', email: 'mod@example.org', passwordHash: await hashPassword('mod password', TEST_SCRYPT), role: 'moderator', emailVerified: true, now: NOW });
  await a.createUser({ username: 'bob', email: 'bob@example.org', passwordHash: await hashPassword('bob password', TEST_SCRYPT), emailVerified: true, now: NOW });
  await t.backend.submissions.submit(paper('2406.30001', { title: 'A Paper Ada Submitted', publishedAt: '2024-05-02T00:00:00Z' }),
    { day: '2024-05-03', submittedAt: NOW.toISOString(), submitter: { user: 'Ada', fullname: null, avatarUrl: null }, dailyCap: null });
  const c = t.backend.comments;
  await c.addComment({ paperId: '2405.00001', parentId: null, userId: adaId, body: 'Ada says <script>alert(1)</script> **hi**', now: NOW, maxDepth: 8 });
  const hidden = await c.addComment({ paperId: '2405.00001', parentId: null, userId: adaId, body: 'something a moderator hid', now: NOW, maxDepth: 8 });
  if (typeof hidden === 'object') await c.setHidden(hidden.id, { byUserId: mod.id, reason: 'rude' }, NOW);
  await t.backend.votes.setVote(adaId, '2405.00002', true, NOW);
});
after(async () => {
  await t.close();
  cleanup();
});

async function login(name: string, password: string): Promise<WebClient> {
  const c = new WebClient(t.app);
  assert.equal((await c.submit('/login', '/login', { login: name, password })).statusCode, 303);
  return c;
}

test('a profile lists submitted papers and visible comments, escaped, and never the address', async () => {
  const res = await t.app.inject({ method: 'GET', url: '/users/Ada' });
  assert.equal(res.statusCode, 200);
  assert.match(res.body, /<h1>Ada<\/h1>/);
  assert.match(res.body, /A Paper Ada Submitted/);
  assert.match(res.body, /1 paper submitted · 2 comments/);
  assert.match(res.body, /Ada says &lt;script&gt;alert\(1\)&lt;\/script&gt; \*\*hi\*\*/);
  assert.match(res.body, /href="\/papers\/2405\.00001#comment-\d+"/);
  assert.ok(!res.body.includes('something a moderator hid'), 'hidden comments are not listed');
  assert.ok(!res.body.includes('ada-secret@example.org'), 'no address');
  assert.ok(!res.body.includes('Upvoted papers'), 'upvotes are private by default');
});

test('unknown names are a 404; another case redirects to the user\'s spelling', async () => {
  assert.equal((await t.app.inject({ method: 'GET', url: '/users/nobody' })).statusCode, 404);
  const r = await t.app.inject({ method: 'GET', url: '/users/ada' });
  assert.equal(r.statusCode, 301);
  assert.equal(r.headers.location, '/users/Ada');
});

test('upvotes: the user sees their own (marked private) and can make them public for everyone', async () => {
  const ada = await login('Ada', 'ada password');
  const own = await ada.get('/users/Ada');
  assert.match(own.body, /Upvoted papers/);
  assert.match(own.body, /Only you see this list/);
  const bob = await login('bob', 'bob password');
  assert.ok(!(await bob.get('/users/Ada')).body.includes('Upvoted papers'));
  const saved = await ada.submit('/settings', '/settings/profile', { public_votes: 'on' });
  assert.equal(saved.statusCode, 200);
  assert.match(saved.body, /Your profile now shows the papers you upvote/);
  const now = await bob.get('/users/Ada');
  assert.match(now.body, /Upvoted papers/);
  assert.match(now.body, /href="\/papers\/2405\.00002"/);
  assert.ok(!now.body.includes('Only you see this list'));
  await ada.submit('/settings', '/settings/profile', {});
  assert.ok(!(await bob.get('/users/Ada')).body.includes('Upvoted papers'), 'private again');
});
