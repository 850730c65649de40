/**
 * Reading lists through the site: save a paper from its page into a new
 * list and an existing one, the list page, its RSS/Atom feeds and BibTeX
 * export; a private list is a 404 for everyone but its owner (feeds and
 * BibTeX too); only the owner removes, renames, publishes or deletes;
 * names are stored as written and shown escaped.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openTestApp, TEST_SCRYPT, type TestApp } from '../../helpers/test-app.js';
import { tempDbPath } from '../../helpers/temp-db.js';
import { WebClient } from '../../helpers/web-client.js';
import { hashPassword } from '../../../src/accounts/passwords.js';
import { fixtureRecords, NOW } from '../pages/site-fixture.js';
import { slugify } from '../../../src/web/community/reading-list-routes.js';

let t: TestApp;
let cleanup: () => void;
/** The app's clock; moved on between saves so "newest first" has an order to show. */
const clock = { now: NOW };
before(async () => {
  const db = tempDbPath();
  cleanup = db.cleanup;
  t = await openTestApp(db.file, { records: fixtureRecords(), env: { PAPERBOY_SECRET: 'lists-test-secret' }, now: () => clock.now });
});
after(async () => {
  await t.close();
  cleanup();
});

async function user(name: string, verified = true): Promise<WebClient> {
  await t.backend.accounts.createUser({ username: name, email: `${name}@example.org`, passwordHash: await hashPassword('lists password', TEST_SCRYPT), emailVerified: verified, now: NOW });
  const c = new WebClient(t.app);
  assert.equal((await c.submit('/login', '/login', { login: name, password: 'lists password' })).statusCode, 303);
  return c;
}

test('slugs are URL-safe and never empty', () => {
  assert.equal(slugify('Reading group — Week 3: Diffusion!'), 'reading-group-week-3-diffusion');
  assert.equal(slugify('Café Élan'), 'cafe-elan');
  assert.equal(slugify('<script>'), 'script');
  assert.equal(slugify('日本語'), 'list');
  assert.ok(slugify('x'.repeat(300)).length <= 60);
});

test('save from the paper page into a new private list, then a public one; the page, feeds and BibTeX follow', async () => {
  const ada = await user('lister');
  const page = await ada.get('/papers/2405.00001');
  assert.match(page.body, /Your reading lists/);
  assert.match(page.body, /Not in any of your lists/);
  const made = await ada.post('/papers/2405.00001/save', { list: 'new', name: 'Group <b>reading</b> & more' });
  assert.equal(made.statusCode, 303);
  assert.equal(made.headers.location, '/papers/2405.00001#lists');
  const after = await ada.follow(made);
  assert.match(after.body, /href="\/users\/lister\/lists\/group-b-reading-b-more">Group &lt;b&gt;reading&lt;\/b&gt; &amp; more<\/a> <span class="muted">\(private\)<\/span>/);
  const listId = /name="list" value="(\d+)"><button type="submit" aria-label="Remove from/.exec(after.body)![1];
  clock.now = new Date(NOW.getTime() + 60_000);
  await ada.get('/papers/2405.00002');
  assert.equal((await ada.post('/papers/2405.00002/save', { list: listId })).statusCode, 303);

  const path = '/users/lister/lists/group-b-reading-b-more';
  const own = await ada.get(path);
  assert.equal(own.statusCode, 200);
  assert.match(own.body, /2 papers · private: only you see it/);
  assert.ok(own.body.indexOf('/papers/2405.00002') < own.body.indexOf('/papers/2405.00001'), 'newest first');
  // Private: a 404 for anyone else, page, feeds and BibTeX alike.
  for (const suffix of ['', '.rss', '.atom', '.bib']) {
    assert.equal((await t.app.inject({ method: 'GET', url: path + suffix })).statusCode, 404, suffix);
  }
  const bob = await user('other-reader');
  assert.equal((await bob.get(path)).statusCode, 404);
  assert.ok(!(await t.app.inject({ method: 'GET', url: '/users/lister/lists' })).body.includes('Group'), 'not listed for others');

  // Made public by its owner: everyone sees it, with feeds and BibTeX.
  await ada.get(path);
  assert.equal((await ada.post(`${path}/settings`, { name: 'Group <b>reading</b> & more', public: 'on' })).statusCode, 303);
  const pub = await t.app.inject({ method: 'GET', url: path });
  assert.equal(pub.statusCode, 200);
  assert.match(pub.body, /<link rel="alternate" type="application\/rss\+xml"/);
  const rss = await t.app.inject({ method: 'GET', url: `${path}.rss` });
  assert.equal(rss.statusCode, 200);
  assert.match(String(rss.headers['content-type']), /application\/rss\+xml/);
  assert.match(rss.body, /<item>[\s\S]*2405\.00002[\s\S]*<\/item>/);
  assert.equal((await t.app.inject({ method: 'GET', url: `${path}.atom` })).statusCode, 200);
  const bib = await t.app.inject({ method: 'GET', url: `${path}.bib` });
  assert.equal(bib.statusCode, 200);
  assert.match(String(bib.headers['content-disposition']), /filename="group-b-reading-b-more\.bib"/);
  assert.equal((bib.body.match(/^@/gm) ?? []).length, 2, 'one entry per paper');
  assert.match((await t.app.inject({ method: 'GET', url: '/users/lister/lists' })).body, /Group &lt;b&gt;reading/);
});

test('only the owner changes a list; unverified users cannot save', async () => {
  const ada = await user('owner-x');
  await ada.get('/users/owner-x/lists');
  const made = await ada.post('/lists', { name: 'Shared thoughts', public: 'on' });
  assert.equal(made.statusCode, 303);
  const path = String(made.headers.location);
  assert.equal(path, '/users/owner-x/lists/shared-thoughts');
  await ada.get('/papers/2405.00001');
  const list = (await t.backend.readingLists.getList((await t.backend.accounts.getUserByUsername('owner-x'))!.id, 'shared-thoughts'))!;
  await ada.post('/papers/2405.00001/save', { list: String(list.id) });

  const eve = await user('eve-x');
  await eve.get('/papers/2405.00001');
  assert.equal((await eve.post('/papers/2405.00002/save', { list: String(list.id) })).statusCode, 404, "cannot save into someone else's list");
  assert.equal((await eve.post('/papers/2405.00001/unsave', { list: String(list.id) })).statusCode, 404);
  for (const [action, fields] of [['remove', { paper: '2405.00001' }], ['settings', { name: 'pwned' }], ['delete', {}]] as const) {
    assert.equal((await eve.post(`${path}/${action}`, fields)).statusCode, 403, action);
  }
  const still = await t.backend.readingLists.getList(list.ownerId, 'shared-thoughts');
  assert.equal(still?.name, 'Shared thoughts');
  assert.equal(still?.size, 1);

  assert.equal((await ada.post(`${path}/remove`, { paper: '2405.00001' })).statusCode, 303);
  assert.equal((await t.backend.readingLists.getList(list.ownerId, 'shared-thoughts'))?.size, 0);
  assert.equal((await ada.post(`${path}/delete`, {})).statusCode, 303);
  assert.equal((await t.app.inject({ method: 'GET', url: path })).statusCode, 404);

  const unverified = await user('unverified-x', false);
  await unverified.get('/papers/2405.00001');
  assert.ok(!(await unverified.get('/papers/2405.00001')).body.includes('Your reading lists'));
  assert.equal((await unverified.post('/papers/2405.00001/save', { list: 'new', name: 'x' })).statusCode, 403);
  assert.equal((await ada.post('/papers/2405.00001/save', { list: 'new', name: '' })).statusCode, 400);
  assert.equal((await ada.post('/papers/2405.00001/save', { list: 'abc' })).statusCode, 400);
});
