import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { siteFixture, type SiteFixture } from './site-fixture.js';

let f: SiteFixture;
before(async () => { f = await siteFixture(); });
after(async () => { await f.close(); });

const get = (url: string) => f.app.inject({ url });

test("an organization page lists the organization's papers, newest first, with its feed", async () => {
  const r = await get('/orgs/ByteDance');
  assert.equal(r.statusCode, 200);
  assert.equal(r.headers['content-type'], 'text/html; charset=utf-8');
  const b = r.body;
  assert.match(b, /<h1>ByteDance Seed<\/h1>/);
  assert.match(b, /2 papers on the daily lists/);
  const links = [...b.matchAll(/<h2 class="card-title"><a href="([^"]+)">/g)].map((m) => m[1]);
  assert.deepEqual(links, ['/papers/2405.00001', '/papers/2404.00009']);
  assert.match(b, /<link rel="alternate" type="application\/rss\+xml" title="[^"]*" href="\/feeds\/orgs\/ByteDance.rss">/);
  assert.match(b, /<link rel="canonical" href="https:\/\/papers.example.org\/orgs\/ByteDance">/);
  assert.match(b, /name="_csrf"/);
});

test('a hostile organization name is escaped in the heading, links and feed URL', async () => {
  const r = await get('/orgs/' + encodeURIComponent('Evil"<Org>&'));
  assert.equal(r.statusCode, 200);
  assert.match(r.body, /<h1>Evil&quot;&lt;Org&gt;&amp;<\/h1>/);
  assert.match(r.body, /href="\/feeds\/orgs\/Evil%22%3COrg%3E%26.rss"/);
  assert.doesNotMatch(r.body, /<Org>/);
});

test('an unknown organization is a 404 page; a bad page number is a 400', async () => {
  const r = await get('/orgs/NoSuchLab');
  assert.equal(r.statusCode, 404);
  assert.match(r.body, /No organization named &quot;NoSuchLab&quot;/);
  assert.equal((await get('/orgs/ByteDance?page=x')).statusCode, 400);
  assert.equal((await get('/orgs/ByteDance?page=2')).statusCode, 404);
});
