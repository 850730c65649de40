import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { siteFixture, HOSTILE_ORG, type SiteFixture } from './site-fixture.js';
import { paper, record } from '../../helpers/papers.js';

let f: SiteFixture;
before(async () => { f = await siteFixture(); });
after(async () => { await f.close(); });

const get = (url: string) => f.app.inject({ url });

/** The card titles of a list page, in order. */
function titles(body: string): string[] {
  return [...body.matchAll(/<h2 class="card-title"><a href="[^"]+">(.*?)<\/a><\/h2>/g)].map((m) => m[1]);
}

test('/ shows the latest day ordered by upvotes, with cards, nav, switch, feeds and the subscribe form', async () => {
  const r = await get('/');
  assert.equal(r.statusCode, 200);
  assert.equal(r.headers['content-type'], 'text/html; charset=utf-8');
  const b = r.body;
  assert.match(b, /<h1>Daily Papers<\/h1>/);
  assert.equal((b.match(/<h1[ >]/g) ?? []).length, 1, 'exactly one h1');
  assert.match(b, /<span class="current"[^>]*>May 3, 2024<\/span>/);
  const t = titles(b);
  assert.equal(t.length, 3);
  assert.equal(t[0], 'Sparse Attention Transformers for Long Documents'); // 42 upvotes
  assert.equal(t[1], 'Diffusion Models Without Names'); // 15
  // Card contents: authors, "N authors", org badge, comments, submitter, GitHub stars.
  assert.match(b, /<p class="authors">Ada Lovelace, Alan Turing<\/p>/);
  assert.match(b, /<p class="authors">7 authors<\/p>/);
  assert.match(b, /<a class="badge" href="\/orgs\/ByteDance">ByteDance Seed<\/a>/);
  assert.match(b, /3 comments/);
  assert.match(b, /Submitted by Alice Adams/);
  assert.match(b, /href="https:\/\/github.com\/example\/sparse-attn"[^>]*>GitHub <span aria-label="1,234 stars">★ 1.2k<\/span>/);
  // Prev arrow goes to the nearest earlier day with papers; no next day.
  assert.match(b, /href="\/papers\/date\/2024-04-29" rel="prev"/);
  assert.doesNotMatch(b, /rel="next"/);
  // Period switch.
  assert.match(b, /<a href="\/papers\/week\/2024-W18">Weekly<\/a>/);
  assert.match(b, /<a href="\/papers\/month\/2024-05">Monthly<\/a>/);
  // Feeds and subscribe box with a CSRF token and a cookie holding its secret.
  assert.match(b, /<link rel="alternate" type="application\/rss\+xml" title="[^"]*" href="\/feeds\/daily.rss">/);
  assert.match(b, /<link rel="alternate" type="application\/atom\+xml" title="[^"]*" href="\/feeds\/daily.atom">/);
  assert.match(b, /<form method="post" action="\/subscribe">/);
  assert.match(b, /<input type="hidden" name="_csrf" value="[^"]+">/);
  assert.match(b, /name="email"/);
  assert.match(b, /<select id="sub-frequency" name="frequency">/);
  assert.match(String(r.headers['set-cookie']), /_csrf=/);
  // Landmarks and the skip link.
  for (const re of [/<a class="skip" href="#main">/, /<header /, /<nav /, /<main id="main"/, /<footer /]) assert.match(b, re);
});

test('/papers without a query is the latest day too', async () => {
  const r = await get('/papers');
  assert.equal(r.statusCode, 200);
  assert.deepEqual(titles(r.body).length, 3);
  assert.match(r.body, /<link rel="canonical" href="https:\/\/papers.example.org\/papers">/);
});

test('a day page: the day list, prev and next to the nearest days with papers', async () => {
  const r = await get('/papers/date/2024-04-29');
  assert.equal(r.statusCode, 200);
  assert.deepEqual(titles(r.body), ['A Paper Without an arXiv Id']);
  assert.match(r.body, /href="\/papers\/date\/2024-04-22" rel="prev"/);
  assert.match(r.body, /href="\/papers\/date\/2024-05-03" rel="next"/);
  assert.match(r.body, /<link rel="canonical" href="https:\/\/papers.example.org\/papers\/date\/2024-04-29">/);
});

test('a valid day without papers is a friendly empty page, not an error', async () => {
  const r = await get('/papers/date/2024-05-01');
  assert.equal(r.statusCode, 200);
  assert.match(r.body, /No papers were featured on May 1, 2024/);
  assert.match(r.body, /href="\/papers\/date\/2024-04-29" rel="prev"/);
});

test('week and month lists with prev/next periods and the daily switch inside the period', async () => {
  const w = await get('/papers/week/2024-W18');
  assert.equal(w.statusCode, 200);
  assert.match(w.body, /<h1>Weekly Papers<\/h1>/);
  assert.match(w.body, /Week 18 · Apr 29 – May 5, 2024/);
  assert.deepEqual(titles(w.body).length, 4); // three on May 3 and one on Apr 29
  assert.match(w.body, /href="\/papers\/week\/2024-W17" rel="prev"/);
  assert.match(w.body, /<a href="\/papers\/date\/2024-05-03">Daily<\/a>/);
  assert.match(w.body, /<a href="\/papers\/week\/2024-W18" aria-current="page">Weekly<\/a>/);

  const m = await get('/papers/month/2024-04');
  assert.equal(m.statusCode, 200);
  assert.match(m.body, /<h1>Monthly Papers<\/h1>/);
  assert.match(m.body, /April 2024/);
  assert.deepEqual(titles(m.body), ['Earlier in April: Retrieval Augmented Generation', 'Strings on Old-Style Identifiers', 'A Paper Without an arXiv Id']);
  assert.match(m.body, /href="\/papers\/month\/2024-05" rel="next"/);
  assert.doesNotMatch(m.body, /rel="prev"/);
});

test('bare /papers/date, /papers/week and /papers/month redirect to the latest period', async () => {
  assert.equal((await get('/papers/date')).headers.location, '/papers/date/2024-05-03');
  assert.equal((await get('/papers/week')).headers.location, '/papers/week/2024-W18');
  assert.equal((await get('/papers/month')).headers.location, '/papers/month/2024-05');
});

test('trending ranks the window by the trending score at the pinned clock', async () => {
  const r = await get('/papers/trending');
  assert.equal(r.statusCode, 200);
  assert.match(r.body, /<h1>Trending Papers<\/h1>/);
  const t = titles(r.body);
  assert.equal(t[0], 'Sparse Attention Transformers for Long Documents');
  // An entry older than the window (Apr 10) is not trending.
  assert.ok(!t.includes('Earlier in April: Retrieval Augmented Generation'));
  assert.match(r.body, /href="\/feeds\/trending.rss"/);
  assert.match(r.body, /<a href="\/papers\/trending" aria-current="page">Trending<\/a>/);
});

test('long lists are paged: page 2 exists, a page past the end is a 404', async () => {
  const many = [];
  for (let i = 0; i < 60; i++) {
    many.push(record(paper(`2406.${String(10000 + i)}`, { title: `Bulk paper ${i}` }),
      { day: '2024-06-03', submittedAt: null, submittedBy: null, upvotes: i, numComments: 0 }));
  }
  const big = await siteFixture(many);
  try {
    const get = (url: string) => big.app.inject({ url });
    const p1 = await get('/papers/month/2024-06');
    assert.equal(titles(p1.body).length, 50);
    assert.match(p1.body, /Page 1 of 2/);
    assert.match(p1.body, /href="\/papers\/month\/2024-06\?page=2"/);
    const p2 = await get('/papers/month/2024-06?page=2');
    assert.equal(p2.statusCode, 200);
    assert.equal(titles(p2.body).length, 10);
    assert.match(p2.body, /href="\/papers\/month\/2024-06"/);
    assert.equal((await get('/papers/month/2024-06?page=3')).statusCode, 404);
  } finally {
    await big.close();
  }
});

test('bad periods and page numbers get a friendly 400 page naming the problem', async () => {
  for (const url of ['/papers/date/2024-02-30', '/papers/date/yesterday', '/papers/week/2024-W60', '/papers/week/2023-W53',
    '/papers/month/2024-13', '/papers/date/2024-05-03?page=0', '/papers/date/2024-05-03?page=abc', '/papers/trending?page=-1']) {
    const r = await get(url);
    assert.equal(r.statusCode, 400, url);
    assert.equal(r.headers['content-type'], 'text/html; charset=utf-8', url);
    assert.match(r.body, /<h1>Bad request<\/h1>/, url);
  }
  const r = await get('/papers/week/2024-W60');
  assert.match(r.body, /YYYY-Www/);
});

test('hostile titles, authors and organization names are escaped on list pages', async () => {
  const b = (await get('/')).body;
  assert.doesNotMatch(b, /<script>alert/);
  assert.doesNotMatch(b, /<b>Mallory/);
  assert.match(b, /&lt;script&gt;alert\(&quot;t&quot;\)&lt;\/script&gt; Tom &amp; Jerry&#39;s &quot;Diffusion&quot;/);
  assert.match(b, /href="\/orgs\/Evil%22%3COrg%3E%26">Evil&quot;&lt;Org&gt;&amp;<\/a>/);
  assert.ok(!b.includes(HOSTILE_ORG));
  // A javascript: repository URL never becomes a link.
  assert.doesNotMatch(b, /javascript:/);
});

test('an empty hub renders a helpful home page', async () => {
  const empty = await siteFixture([]);
  try {
    const r = await empty.app.inject({ url: '/' });
    assert.equal(r.statusCode, 200);
    assert.match(r.body, /No papers yet/);
    assert.equal((await empty.app.inject({ url: '/papers/trending' })).statusCode, 200);
    assert.equal((await empty.app.inject({ url: '/papers/week' })).headers.location, '/');
  } finally {
    await empty.close();
  }
});
