/**
 * Claiming authorship over the real app: a verified user claims one of the
 * paper's author names (names it does not list are refused, a second claim
 * is refused); only admins decide at /admin/claims (users and moderators get
 * 403); approved, the name links to the user's profile and the profile lists
 * the paper; a rejected claim is reopened by an admin and approved after all.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openTestApp, type TestApp } from '../../helpers/test-app.js';
import { tempDbPath } from '../../helpers/temp-db.js';
import { signedIn } from '../../helpers/signed-in.js';
import { fixtureRecords, NOW } from '../pages/site-fixture.js';

let t: TestApp;
let cleanup: () => void;
before(async () => {
  const db = tempDbPath();
  cleanup = db.cleanup;
  t = await openTestApp(db.file, { records: fixtureRecords(), env: { PAPERBOY_SECRET: 'authorship-test-secret' }, now: () => NOW });
});
after(async () => {
  await t.close();
  cleanup();
});

const get = (url: string) => t.app.inject({ method: 'GET', url });
const claimId = (body: string) => Number(/id="claim-(\d+)"/.exec(body)?.[1]);

test('claim, approve: the author name links to the profile, which lists the paper', async () => {
  const { c: ada, name } = await signedIn(t, NOW);
  const { c: admin } = await signedIn(t, NOW, { role: 'admin' });
  const page = await ada.get('/papers/2405.00001');
  assert.match(page.body, /I am an author of this paper/);
  assert.match(page.body, /<option value="Ada Lovelace">/);
  assert.equal((await ada.post('/papers/2405.00001/claim', { author: 'Somebody Else' })).statusCode, 400);
  const sent = await ada.post('/papers/2405.00001/claim', { author: 'Ada Lovelace' });
  assert.equal(sent.statusCode, 200);
  assert.match(sent.body, /An admin will check that you are Ada Lovelace/);
  assert.equal((await ada.post('/papers/2405.00001/claim', { author: 'Alan Turing' })).statusCode, 409, 'one claim per paper');
  assert.match((await ada.get('/papers/2405.00001')).body, /Your claim to be Ada Lovelace waits for an admin/);
  assert.ok(!(await get('/papers/2405.00001')).body.includes('class="claimed-author"'), 'not linked before approval');

  const queue = await admin.get('/admin/claims');
  assert.match(queue.body, new RegExp(`<a href="/users/${name}">${name}</a> claims to be <strong>Ada Lovelace</strong>`));
  const id = claimId(queue.body);
  assert.equal((await admin.post(`/admin/claims/${id}/approve`, {})).statusCode, 303);
  assert.match((await get('/papers/2405.00001')).body, new RegExp(`<a href="/users/${name}" class="claimed-author">Ada Lovelace</a>`));
  const profile = await get(`/users/${name}`);
  assert.match(profile.body, new RegExp(`Papers by ${name}`));
  assert.match(profile.body, /<a href="\/papers\/2405\.00001">Sparse Attention Transformers for Long Documents<\/a>/);
  assert.equal((await admin.post(`/admin/claims/${id}/approve`, {})).statusCode, 404, 'decided already');

  const { c: bob } = await signedIn(t, NOW);
  await bob.get('/papers/2405.00001');
  assert.equal((await bob.post('/papers/2405.00001/claim', { author: 'Ada Lovelace' })).statusCode, 409, 'the name is taken');
});

test('only admins decide; a wrongly rejected claim is reopened and approved', async () => {
  const { c: grace, name } = await signedIn(t, NOW);
  const { c: user } = await signedIn(t, NOW);
  const { c: mod } = await signedIn(t, NOW, { role: 'moderator' });
  const { c: admin } = await signedIn(t, NOW, { role: 'admin' });
  await grace.get('/papers/2404.00009');
  assert.equal((await grace.post('/papers/2404.00009/claim', { author: 'Grace Hopper' })).statusCode, 200);
  const id = claimId((await admin.get('/admin/claims')).body);
  for (const c of [user, mod, grace]) {
    assert.equal((await c.get('/admin/claims')).statusCode, 403);
    await c.get('/papers/2404.00009');
    for (const action of ['approve', 'reject', 'reopen']) assert.equal((await c.post(`/admin/claims/${id}/${action}`, {})).statusCode, 403);
  }
  assert.equal((await get('/admin/claims')).statusCode, 303, 'visitors are sent to log in');
  await admin.get('/admin/claims');
  assert.equal((await admin.post(`/admin/claims/${id}/reject`, { note: 'no <proof>' })).statusCode, 303);
  assert.equal((await t.backend.authorship.getClaim(id))?.status, 'rejected');
  assert.match((await admin.get('/admin/claims')).body, /no &lt;proof&gt;/);
  assert.ok(!(await get(`/users/${name}`)).body.includes('/papers/2404.00009"'));
  assert.equal((await admin.post(`/admin/claims/${id}/reopen`, {})).statusCode, 303);
  assert.equal((await admin.post(`/admin/claims/${id}/approve`, {})).statusCode, 303);
  assert.ok((await get(`/users/${name}`)).body.includes('/papers/2404.00009"'));
  assert.equal((await admin.post('/admin/claims/abc/approve', {})).statusCode, 404);
});
