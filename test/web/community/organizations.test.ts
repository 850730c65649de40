/**
 * Organizations over the real app: admins create and edit organizations and
 * their members at /orgs and on the organization's page (users get 403);
 * an admin links any paper, a submitter links their paper only to an
 * organization they belong to; users follow an organization and its papers
 * are marked on the daily list; the organization page lists its papers.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openTestApp, type TestApp } from '../../helpers/test-app.js';
import { tempDbPath } from '../../helpers/temp-db.js';
import { signedIn } from '../../helpers/signed-in.js';
import { fixtureRecords, LATEST_DAY, NOW } from '../pages/site-fixture.js';

let t: TestApp;
let cleanup: () => void;
before(async () => {
  const db = tempDbPath();
  cleanup = db.cleanup;
  t = await openTestApp(db.file, { records: fixtureRecords(), env: { PAPERBOY_SECRET: 'org-test-secret' }, now: () => NOW });
});
after(async () => {
  await t.close();
  cleanup();
});

const get = (url: string) => t.app.inject({ method: 'GET', url });

test('admins create and edit organizations and members; users and moderators cannot', async () => {
  const { c: admin } = await signedIn(t, NOW, { role: 'admin' });
  const { c: user, name: userName } = await signedIn(t, NOW);
  const { c: mod } = await signedIn(t, NOW, { role: 'moderator' });
  const list = await admin.get('/orgs');
  assert.match(list.body, /Admin: new organization/);
  assert.ok(!(await user.get('/orgs')).body.includes('Admin: new organization'));
  assert.equal((await admin.post('/orgs', { name: 'bad name!', fullname: '' })).statusCode, 400);
  assert.equal((await admin.post('/orgs', { name: 'NewLab', fullname: 'New <Lab>', avatarUrl: 'javascript:alert(1)' })).statusCode, 400);
  const made = await admin.post('/orgs', { name: 'NewLab', fullname: 'New <Lab>', avatarUrl: 'https://example.org/newlab.png' });
  assert.equal(made.statusCode, 303);
  assert.equal(made.headers.location, '/orgs/NewLab');
  assert.equal((await admin.post('/orgs', { name: 'newlab', fullname: '' })).statusCode, 409, 'names are unique without case');
  assert.equal((await admin.post('/orgs', { name: 'bytedance', fullname: '' })).statusCode, 409, 'an imported organization exists');
  const page = await admin.get('/orgs/NewLab');
  assert.equal(page.statusCode, 200, 'a new organization has a page before it has papers');
  assert.match(page.body, /New &lt;Lab&gt;/);
  assert.match(page.body, /Admin: edit this organization/);

  assert.equal((await admin.post('/orgs/NewLab/edit', { fullname: 'New Lab', avatarUrl: '' })).statusCode, 303);
  assert.deepEqual(await t.store.getOrganization('NewLab'), { name: 'NewLab', fullname: 'New Lab', avatarUrl: null });
  assert.equal((await admin.post('/orgs/NewLab/members', { username: 'nobody-here' })).statusCode, 400);
  assert.equal((await admin.post('/orgs/NewLab/members', { username: userName })).statusCode, 303);
  assert.match((await get('/orgs/NewLab')).body, new RegExp(`<a href="/users/${userName}">${userName}</a>`));

  for (const c of [user, mod]) {
    await c.get('/orgs');
    assert.equal((await c.post('/orgs', { name: 'Mine', fullname: '' })).statusCode, 403);
    assert.equal((await c.post('/orgs/NewLab/edit', { fullname: 'Hacked' })).statusCode, 403);
    assert.equal((await c.post('/orgs/NewLab/members', { username: userName })).statusCode, 403);
    assert.equal((await c.post('/orgs/NewLab/members/remove', { username: userName })).statusCode, 403);
  }
  assert.equal((await t.store.getOrganization('NewLab'))?.fullname, 'New Lab');
  assert.equal((await admin.post('/orgs/NewLab/members/remove', { username: userName })).statusCode, 303);
  assert.deepEqual(await t.backend.organizations.members('NewLab'), []);
  assert.equal((await admin.post('/orgs/NoSuchLab/edit', { fullname: 'x' })).statusCode, 404);
});

test('linking a paper: admins any paper to any organization; a submitter only their paper, only to their organization', async () => {
  const { c: admin } = await signedIn(t, NOW, { role: 'admin' });
  const { c: sub, name: subName, id: subId } = await signedIn(t, NOW);
  const { c: other } = await signedIn(t, NOW);
  await t.backend.organizations.createOrganization({ name: 'SubLab', fullname: 'Sub Lab', avatarUrl: null });
  await t.backend.organizations.createOrganization({ name: 'RivalLab', fullname: null, avatarUrl: null });
  await t.backend.organizations.addMember('SubLab', subId, NOW);
  // The submitter's own paper on the latest day.
  await t.backend.submissions.submit({ ...(await t.store.getPaper('2405.00002'))!.paper, id: '2405.07777', arxivId: '2405.07777', title: 'Submitted By Sub', organization: null },
    { day: LATEST_DAY, submittedAt: NOW.toISOString(), submitter: { user: subName, fullname: null, avatarUrl: null }, dailyCap: null });

  const page = await sub.get('/papers/2405.07777');
  assert.match(page.body, /Link this paper to/);
  assert.match(page.body, /<option value="SubLab">SubLab<\/option>/);
  assert.ok(!page.body.includes('RivalLab'), 'only their own organizations are offered');
  assert.equal((await sub.post('/papers/2405.07777/organization', { organization: 'RivalLab' })).statusCode, 403, 'not a member');
  assert.equal((await sub.post('/papers/2405.07777/organization', { organization: 'SubLab' })).statusCode, 303);
  assert.equal((await t.store.getPaper('2405.07777'))?.paper.organization, 'SubLab');
  assert.ok((await get('/orgs/SubLab')).body.includes('/papers/2405.07777"'), 'the organization page lists it');

  await sub.get('/papers/2405.00003');
  assert.equal((await sub.post('/papers/2405.00003/organization', { organization: 'SubLab' })).statusCode, 403, 'not their paper');
  await other.get('/papers/2405.07777');
  assert.equal((await other.post('/papers/2405.07777/organization', { organization: '' })).statusCode, 403, 'not the submitter');
  assert.ok(!(await other.get('/papers/2405.07777')).body.includes('Link this paper to'));

  await admin.get('/papers/2405.00003');
  assert.equal((await admin.post('/papers/2405.00003/organization', { organization: 'NoSuchOrg' })).statusCode, 400);
  assert.equal((await admin.post('/papers/2405.00003/organization', { organization: 'rivallab' })).statusCode, 303, 'any case finds it');
  assert.equal((await t.store.getPaper('2405.00003'))?.paper.organization, 'RivalLab');
  assert.ok((await get('/orgs/RivalLab')).body.includes('/papers/2405.00003"'));
  assert.equal((await admin.post('/papers/2405.00003/organization', { organization: '' })).statusCode, 303);
  assert.equal((await t.store.getPaper('2405.00003'))?.paper.organization, null);
});

test('following an organization marks its papers on the daily list; unfollow removes the mark; visitors are asked to log in', async () => {
  const { c: ada } = await signedIn(t, NOW);
  const anonPage = await get('/orgs/ByteDance');
  assert.match(anonPage.body, /Log in to follow/);
  const page = await ada.get('/orgs/ByteDance');
  assert.match(page.body, />Follow<\/button>/);
  const before = await ada.get(`/papers/date/${LATEST_DAY}`);
  assert.ok(!before.body.includes('following-tag'));
  assert.equal((await ada.post('/orgs/ByteDance/follow', {})).statusCode, 303);
  assert.match((await ada.get('/orgs/ByteDance')).body, /Following ✓/);
  const list = await ada.get(`/papers/date/${LATEST_DAY}`);
  const card = list.body.split('<li class="').find((c) => c.includes('/papers/2405.00001"'))!;
  assert.match(card, /^card[^"]* followed"/);
  assert.match(card, /following-tag/);
  const others = list.body.split('<li class="').filter((c) => c.includes('/papers/2405.00003"'));
  assert.ok(others.every((c) => !c.includes('following-tag')), 'other organizations\' papers are not marked');
  assert.equal((await ada.post('/orgs/ByteDance/unfollow', {})).statusCode, 303);
  assert.ok(!(await ada.get(`/papers/date/${LATEST_DAY}`)).body.includes('following-tag'));
  assert.equal((await ada.post('/orgs/ByteDance/follow', { _csrf: null })).statusCode, 403, 'CSRF');
  assert.equal((await ada.post('/orgs/NoSuchOrg/follow', {})).statusCode, 404);
});
