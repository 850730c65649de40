/**
 * The discussion through the site and the API: visitors are asked to log in,
 * unverified users to verify; a verified user comments and replies (a
 * thread), edits and deletes their own; moderators hide and show anyone's;
 * nobody edits, deletes or hides what is not theirs to (403, nothing
 * changes); Markdown is rendered safely (no raw HTML, no javascript: links,
 * rel="nofollow ugc", no images) while the body is stored as written; the
 * count moves the same on the card, the paper page and the API;
 * `GET /api/papers/{id}?field=comments`; CSRF, bad input and the rate limit.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openTestApp, TEST_SCRYPT, type TestApp } from '../../helpers/test-app.js';
import { tempDbPath } from '../../helpers/temp-db.js';
import { WebClient } from '../../helpers/web-client.js';
import { hashPassword } from '../../../src/accounts/passwords.js';
import { fixtureRecords, NOW, LATEST_DAY } from '../pages/site-fixture.js';
import type { Role } from '../../../src/store/account-store.js';
import { WRITE_LIMITS } from '../../../src/web/community/rate-limits.js';
import { MAX_COMMENT_CHARS } from '../../../src/web/community/comments-view.js';

let t: TestApp;
let cleanup: () => void;
before(async () => {
  const db = tempDbPath();
  cleanup = db.cleanup;
  t = await openTestApp(db.file, { records: fixtureRecords(), env: { PAPERBOY_SECRET: 'comments-test-secret' }, now: () => NOW });
});
after(async () => {
  await t.close();
  cleanup();
});

let seq = 0;
async function user(opts: { verified?: boolean; role?: Role } = {}): Promise<{ c: WebClient; name: string }> {
  const name = `talker${++seq}`;
  await t.backend.accounts.createUser({
    username: name, email: `${name}@example.org`, passwordHash: await hashPassword('talker password', TEST_SCRYPT),
    emailVerified: opts.verified ?? true, role: opts.role, now: NOW,
  });
  const c = new WebClient(t.app, `10.1.0.${seq}`);
  assert.equal((await c.submit('/login', '/login', { login: name, password: 'talker password' })).statusCode, 303);
  return { c, name };
}

const PAPER = '2405.00001';

async function post(c: WebClient, action: string, fields: Record<string, string>, paper = PAPER) {
  await c.get(`/papers/${paper}`);
  return c.post(`/papers/${paper}/${action}`, fields);
}

function commentIdOf(location: string | string[] | undefined): number {
  const m = /#comment-(\d+)$/.exec(String(location));
  assert.ok(m, `redirect to a comment: ${String(location)}`);
  return Number(m[1]);
}

async function apiComments(paper = PAPER) {
  return (await t.app.inject({ method: 'GET', url: `/api/papers/${paper}?field=comments` })).json() as {
    id: string; numComments: number;
    comments: { id: string; parentId: string | null; author: { name: string } | null; data: { latest: { raw: string; html: string }; hidden: boolean; deleted: boolean; edited: boolean; hiddenReason?: string } }[];
  };
}

test('visitors are asked to log in, unverified users to verify; neither can post', async () => {
  const page = await t.app.inject({ method: 'GET', url: `/papers/${PAPER}` });
  assert.match(page.body, /<section id="comments"/);
  assert.match(page.body, /Log in to comment/);
  assert.ok(!page.body.includes('name="body"'), 'no comment form for visitors');
  const { c } = await user({ verified: false });
  const p2 = await c.get(`/papers/${PAPER}`);
  assert.match(p2.body, /Verify your email address to comment/);
  const res = await c.post(`/papers/${PAPER}/comments`, { body: 'hello' });
  assert.equal(res.statusCode, 403);
  assert.equal((await apiComments()).comments.length, 0);
});

test('a comment and a reply form a thread; the count moves on the card, the page and the API', async () => {
  const before = (await apiComments()).numComments;
  const cardBefore = (await t.app.inject({ method: 'GET', url: `/api/daily_papers?date=${LATEST_DAY}` })).json()
    .find((d: { paper: { id: string } }) => d.paper.id === PAPER).numComments;
  const { c: ada, name: adaName } = await user();
  const { c: bob, name: bobName } = await user();
  const r1 = await post(ada, 'comments', { body: 'Great paper. **Bold** claim, see https://example.org/x' });
  assert.equal(r1.statusCode, 303);
  const id1 = commentIdOf(r1.headers.location);
  assert.equal(r1.headers.location, `/papers/${PAPER}#comment-${id1}`);
  const r2 = await post(bob, 'comments', { body: 'I disagree.', parent: String(id1) });
  const id2 = commentIdOf(r2.headers.location);

  const page = await bob.get(`/papers/${PAPER}`);
  assert.match(page.body, new RegExp(`<li class="comment" id="comment-${id1}">[\\s\\S]*<ol class="comments"><li class="comment" id="comment-${id2}">`), 'the reply is nested');
  assert.match(page.body, /<strong>Bold<\/strong>/);
  assert.match(page.body, /<a href="https:\/\/example.org\/x" rel="nofollow ugc noopener">/);
  assert.match(page.body, new RegExp(`<strong><a href="/users/${adaName}">${adaName}</a></strong>`), "the author links to their profile");
  const api = await apiComments();
  assert.equal(api.numComments, before + 2);
  assert.deepEqual(api.comments.map((x) => [x.id, x.parentId, x.author?.name]), [[String(id1), null, adaName], [String(id2), String(id1), bobName]]);
  const paperApi = (await t.app.inject({ method: 'GET', url: `/api/papers/${PAPER}` })).json();
  assert.equal(paperApi.numComments, before + 2);
  const cardAfter = (await t.app.inject({ method: 'GET', url: `/api/daily_papers?date=${LATEST_DAY}` })).json()
    .find((d: { paper: { id: string } }) => d.paper.id === PAPER).numComments;
  assert.equal(cardAfter, cardBefore + 2);
  const list = await bob.get(`/papers/date/${LATEST_DAY}`);
  assert.match(list.body, new RegExp(`${before + 2} comments`));
});

test('Markdown is rendered safely while the body is stored exactly as written', async () => {
  const { c } = await user();
  const body = [
    '<script>alert("x")</script>',
    '<img src=x onerror=alert(1)>',
    '[click](javascript:alert(1)) [data](data:text/html;base64,PHNjcmlwdD4=)',
    '![tracker](https://tracker.example/p.gif)',
    '# Big heading',
    '**unclosed *broken _markdown',
    '`code <b>` and \u202e odd Unicode \u0007 🧪',
  ].join('\n\n');
  const res = await post(c, 'comments', { body });
  const id = commentIdOf(res.headers.location);
  const page = await c.get(`/papers/${PAPER}`);
  const at = page.body.indexOf(`id="comment-${id}"`);
  const html = page.body.slice(at, page.body.indexOf('</article>', at));
  assert.ok(!/<script>alert/.test(html), 'no raw script');
  assert.ok(!/<img/.test(html), 'no image, raw or Markdown');
  assert.ok(!/href="javascript:/i.test(html) && !/href="data:/i.test(html), 'no javascript: or data: links');
  assert.ok(!/<h1/.test(html), 'no headings inside a comment');
  assert.match(html, /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt;/);
  assert.match(html, /<code>code &lt;b&gt;<\/code>/);
  const stored = (await apiComments()).comments.find((x) => x.id === String(id))!;
  assert.equal(stored.data.latest.raw, body, 'stored intact');
  assert.ok(!stored.data.latest.html.includes('<script>'));
});

test('editing and deleting are for the author only; others get 403 and nothing changes', async () => {
  const { c: ada } = await user();
  const { c: eve } = await user();
  const id = commentIdOf((await post(ada, 'comments', { body: 'original' })).headers.location);
  const reply = commentIdOf((await post(eve, 'comments', { body: 'a reply', parent: String(id) })).headers.location);
  const forbiddenEdit = await post(eve, `comments/${id}/edit`, { body: 'defaced' });
  assert.equal(forbiddenEdit.statusCode, 403);
  assert.match(forbiddenEdit.body, /only edit your own/);
  assert.equal((await post(eve, `comments/${id}/delete`, {})).statusCode, 403);
  assert.equal((await post(eve, `comments/${id}/hide`, { reason: 'mine now' })).statusCode, 403, 'not a moderator');
  let api = (await apiComments()).comments.find((x) => x.id === String(id))!;
  assert.equal(api.data.latest.raw, 'original');
  assert.equal(api.data.hidden, false);

  const edited = await post(ada, `comments/${id}/edit`, { body: 'original, edited' });
  assert.equal(edited.statusCode, 303);
  api = (await apiComments()).comments.find((x) => x.id === String(id))!;
  assert.equal(api.data.latest.raw, 'original, edited');
  assert.equal(api.data.edited, true);
  const page = await ada.get(`/papers/${PAPER}`);
  assert.match(page.body, new RegExp(`action="/papers/${PAPER.replace('.', '\\.')}/comments/${id}/edit"`), 'the author sees Edit');
  const evePage = await eve.get(`/papers/${PAPER}`);
  assert.ok(!evePage.body.includes(`/comments/${id}/edit"`), 'others do not');

  const before = (await apiComments()).numComments;
  assert.equal((await post(ada, `comments/${id}/delete`, {})).statusCode, 303);
  assert.equal((await apiComments()).numComments, before - 1);
  const after = await eve.get(`/papers/${PAPER}`);
  assert.match(after.body, new RegExp(`id="comment-${id}">[\\s\\S]*?\\[deleted\\][\\s\\S]*?id="comment-${reply}"`), 'the reply keeps its place under [deleted]');
  assert.equal((await post(ada, `comments/${id}/edit`, { body: 'resurrect' })).statusCode, 404, 'a deleted comment cannot be edited');
});

test('moderators hide anyone\'s comment with a reason and show it again; others see a placeholder', async () => {
  const { c: ada } = await user();
  const { c: mod, name: modName } = await user({ role: 'moderator' });
  const { c: reader } = await user();
  const id = commentIdOf((await post(ada, 'comments', { body: 'buy cheap pills' })).headers.location);
  const before = (await apiComments()).numComments;
  const hidden = await post(mod, `comments/${id}/hide`, { reason: 'spam <b>ad</b>' });
  assert.equal(hidden.statusCode, 303);
  const forReader = await reader.get(`/papers/${PAPER}`);
  assert.match(forReader.body, /\[hidden by a moderator: spam &lt;b&gt;ad&lt;\/b&gt;\]/);
  assert.ok(!forReader.body.includes('buy cheap pills'));
  const forMod = await mod.get(`/papers/${PAPER}`);
  assert.match(forMod.body, /buy cheap pills/);
  assert.match(forMod.body, new RegExp(`/comments/${id}/unhide`));
  const api = (await apiComments()).comments.find((x) => x.id === String(id))!;
  assert.equal(api.data.hidden, true);
  assert.equal(api.data.latest.raw, '', 'hidden text is not served');
  assert.equal(api.data.hiddenReason, 'spam <b>ad</b>');
  assert.equal((await apiComments()).numComments, before - 1);
  assert.equal((await post(ada, `comments/${id}/edit`, { body: 'sneaky edit' })).statusCode, 403, 'no edits while hidden');
  assert.equal((await post(mod, `comments/${id}/hide`, { reason: '' })).statusCode, 400, 'a reason is required');
  assert.equal((await post(mod, `comments/${id}/unhide`, {})).statusCode, 303);
  assert.equal((await apiComments()).numComments, before);
  assert.match((await reader.get(`/papers/${PAPER}`)).body, /buy cheap pills/);
  void modName;
});

test('bad input is a clear 4xx: empty, too long, a megabyte, a foreign parent, a comment of another paper, no CSRF', async () => {
  const { c } = await user();
  assert.equal((await post(c, 'comments', { body: '   \n ' })).statusCode, 400);
  const long = await post(c, 'comments', { body: 'x'.repeat(MAX_COMMENT_CHARS + 1) });
  assert.equal(long.statusCode, 400);
  assert.match(long.body, /at most 10,000 characters/);
  assert.equal((await post(c, 'comments', { body: 'y'.repeat(1_100_000) })).statusCode, 413);
  const elsewhere = commentIdOf((await post(c, 'comments', { body: 'on another paper' }, '2405.00002')).headers.location);
  assert.equal((await post(c, 'comments', { body: 'reply', parent: String(elsewhere) })).statusCode, 400);
  assert.equal((await post(c, 'comments', { body: 'reply', parent: 'abc' })).statusCode, 400);
  assert.equal((await post(c, `comments/${elsewhere}/edit`, { body: 'via the wrong paper' })).statusCode, 404);
  assert.equal((await post(c, 'comments/999999/delete', {})).statusCode, 404);
  await c.get(`/papers/${PAPER}`);
  assert.equal((await c.post(`/papers/${PAPER}/comments`, { _csrf: null, body: 'no token' })).statusCode, 403);
  assert.equal((await t.app.inject({ method: 'GET', url: `/api/papers/${PAPER}?field=nope` })).statusCode, 400);
});

test('comments are rate limited per user (429 with Retry-After)', async () => {
  const { c } = await user();
  let last = null;
  await c.get(`/papers/${PAPER}`);
  for (let i = 0; i <= WRITE_LIMITS.comment.max; i++) last = await c.post(`/papers/2405.00002/comments`, { body: `comment ${i}` });
  assert.equal(last!.statusCode, 429);
  assert.ok(Number(last!.headers['retry-after']) > 0);
});
