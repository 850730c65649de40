/**
 * Reports, the moderation queue and the public moderation log: a verified
 * user reports another's comment (not their own; once counts once); only
 * moderators reach the queue and act on it (hide from the queue closes the
 * reports; dismiss; show again from the paper page), and every action
 * appears in the public log with who, what and why.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openTestApp, TEST_SCRYPT, type TestApp } from '../../helpers/test-app.js';
import { tempDbPath } from '../../helpers/temp-db.js';
import { WebClient } from '../../helpers/web-client.js';
import { hashPassword } from '../../../src/accounts/passwords.js';
import type { Role } from '../../../src/store/account-store.js';
import { fixtureRecords, NOW } from '../pages/site-fixture.js';

let t: TestApp;
let cleanup: () => void;
before(async () => {
  const db = tempDbPath();
  cleanup = db.cleanup;
  t = await openTestApp(db.file, { records: fixtureRecords(), env: { PAPERBOY_SECRET: 'moderation-test-secret' }, now: () => NOW });
});
after(async () => {
  await t.close();
  cleanup();
});

let seq = 0;
async function user(role: Role = 'user'): Promise<{ c: WebClient; name: string; id: number }> {
  const name = `mod${role}${++seq}`;
  const u = await t.backend.accounts.createUser({
    username: name, email: `${name}@example.org`, passwordHash: await hashPassword('moderation password', TEST_SCRYPT), role, emailVerified: true, now: NOW,
  });
  const c = new WebClient(t.app, `10.3.0.${seq}`);
  assert.equal((await c.submit('/login', '/login', { login: name, password: 'moderation password' })).statusCode, 303);
  return { c, name, id: u.id };
}

const PAPER = '2405.00001';

async function comment(c: WebClient, body: string): Promise<number> {
  await c.get(`/papers/${PAPER}`);
  const res = await c.post(`/papers/${PAPER}/comments`, { body });
  return Number(/#comment-(\d+)$/.exec(String(res.headers.location))![1]);
}

test('reporting: another user\'s comment, once; never one\'s own; visitors are sent to log in', async () => {
  const { c: ada } = await user();
  const { c: bob } = await user();
  const id = await comment(ada, 'buy my course');
  const page = await bob.get(`/papers/${PAPER}`);
  assert.match(page.body, new RegExp(`action="/papers/${PAPER.replace('.', '\\.')}/comments/${id}/report"`), 'others see Report');
  assert.ok(!(await ada.get(`/papers/${PAPER}`)).body.includes(`/comments/${id}/report"`), 'the author does not');
  const r = await bob.post(`/papers/${PAPER}/comments/${id}/report`, { reason: 'spam <b>link</b>' });
  assert.equal(r.statusCode, 200);
  assert.match(r.body, /A moderator will look at this comment/);
  assert.equal((await bob.post(`/papers/${PAPER}/comments/${id}/report`, { reason: 'again' })).statusCode, 200, 'a repeat looks the same');
  assert.equal((await bob.post(`/papers/${PAPER}/comments/${id}/report`, { reason: '' })).statusCode, 400);
  assert.equal((await ada.post(`/papers/${PAPER}/comments/${id}/report`, { reason: 'me' })).statusCode, 403);
  const anon = new WebClient(t.app);
  await anon.get('/subscribe');
  const redirect = await anon.post(`/papers/${PAPER}/comments/${id}/report`, { reason: 'x' });
  assert.equal(redirect.statusCode, 303);
  assert.match(String(redirect.headers.location), /^\/login\?next=/);
  const queue = await t.backend.moderation.openReports(10);
  assert.equal(queue.find((q) => q.commentId === id)?.count, 1);
});

test('the queue is for moderators only; hiding from it closes the reports; the public log says who, what and why', async () => {
  const { c: ada, name: adaName } = await user();
  const { c: bob } = await user();
  const { c: mod, name: modName } = await user('moderator');
  const id = await comment(ada, 'you are all idiots');
  await bob.get(`/papers/${PAPER}`);
  await bob.post(`/papers/${PAPER}/comments/${id}/report`, { reason: 'abusive' });

  assert.equal((await bob.get('/moderation')).statusCode, 403, 'users cannot open the queue');
  const anon = await t.app.inject({ method: 'GET', url: '/moderation' });
  assert.equal(anon.statusCode, 303);
  const q = await mod.get('/moderation');
  assert.equal(q.statusCode, 200);
  assert.match(q.body, new RegExp(`id="report-${id}"`));
  assert.match(q.body, /you are all idiots/);
  assert.match(q.body, /abusive/);
  assert.equal((await bob.post(`/moderation/reports/${id}/dismiss`, {})).statusCode, 403, 'users cannot dismiss');

  const hide = await mod.post(`/papers/${PAPER}/comments/${id}/hide`, { reason: 'abusive' });
  assert.equal(hide.statusCode, 303);
  assert.ok(!(await mod.get('/moderation')).body.includes(`id="report-${id}"`), 'its reports are closed');
  const log = await t.app.inject({ method: 'GET', url: '/moderation/log' });
  assert.equal(log.statusCode, 200);
  assert.match(log.body, new RegExp(`<td>${modName}</td>\\s*<td>hid a comment by ${adaName} on <a href="/papers/${PAPER.replace('.', '\\.')}#comment-${id}">`));
  assert.match(log.body, /<td>abusive<\/td>/);

  // Reversible: shown again from the paper page, and logged.
  assert.equal((await mod.post(`/papers/${PAPER}/comments/${id}/unhide`, {})).statusCode, 303);
  assert.match((await t.app.inject({ method: 'GET', url: '/moderation/log' })).body, /showed a comment again/);
});

test('dismissing reports empties the queue entry and is logged; a comment without reports is a 404', async () => {
  const { c: ada } = await user();
  const { c: bob } = await user();
  const { c: mod } = await user('admin');
  const id = await comment(ada, 'a fine comment');
  await bob.get(`/papers/${PAPER}`);
  await bob.post(`/papers/${PAPER}/comments/${id}/report`, { reason: 'I disagree' });
  await mod.get('/moderation');
  const res = await mod.post(`/moderation/reports/${id}/dismiss`, {});
  assert.equal(res.statusCode, 303);
  assert.equal(res.headers.location, '/moderation');
  assert.ok(!(await mod.get('/moderation')).body.includes(`id="report-${id}"`));
  assert.match((await t.app.inject({ method: 'GET', url: '/moderation/log' })).body, /dismissed the reports of a comment/);
  assert.equal((await mod.post(`/moderation/reports/${id}/dismiss`, {})).statusCode, 404);
  assert.equal((await mod.post('/moderation/reports/abc/dismiss', {})).statusCode, 404);
  assert.equal((await mod.post(`/moderation/reports/${id}/dismiss`, { _csrf: null })).statusCode, 403, 'CSRF');
});

test('a dismissal is undone from the log: moderators see a Reopen button, the reports are back in the queue, and that is logged too', async () => {
  const { c: ada } = await user();
  const { c: bob } = await user();
  const { c: mod } = await user('moderator');
  const id = await comment(ada, 'a comment someone dismissed too fast');
  await bob.get(`/papers/${PAPER}`);
  await bob.post(`/papers/${PAPER}/comments/${id}/report`, { reason: 'it is spam after all' });
  await mod.get('/moderation');
  assert.equal((await mod.post(`/moderation/reports/${id}/dismiss`, {})).statusCode, 303);
  const reopenAction = `action="/moderation/reports/${id}/reopen"`;
  assert.ok(!(await t.app.inject({ method: 'GET', url: '/moderation/log' })).body.includes(reopenAction), 'visitors see no button');
  assert.ok(!(await bob.get('/moderation/log')).body.includes(reopenAction), 'users see no button');
  assert.equal((await bob.post(`/moderation/reports/${id}/reopen`, {})).statusCode, 403, 'users cannot reopen');
  assert.ok((await mod.get('/moderation/log')).body.includes(reopenAction));
  const res = await mod.post(`/moderation/reports/${id}/reopen`, {});
  assert.equal(res.statusCode, 303);
  assert.match((await mod.get('/moderation')).body, new RegExp(`id="report-${id}"[\\s\\S]*it is spam after all`));
  assert.match((await t.app.inject({ method: 'GET', url: '/moderation/log' })).body, /reopened the dismissed reports of a comment[\s\S]*1 report reopened/);
  assert.equal((await mod.post(`/moderation/reports/${id}/reopen`, {})).statusCode, 404, 'nothing dismissed to reopen now');
  assert.equal((await mod.post(`/moderation/reports/${id}/reopen`, { _csrf: null })).statusCode, 403, 'CSRF');
});
