import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { siteFixture, type SiteFixture } from './site-fixture.js';

let f: SiteFixture;
before(async () => { f = await siteFixture(); });
after(async () => { await f.close(); });

const get = (url: string) => f.app.inject({ url });

function titles(body: string): string[] {
  return [...body.matchAll(/<h2 class="card-title"><a href="([^"]+)">/g)].map((m) => m[1]);
}

test('search shows a result count and cards with matches marked in title and snippet', async () => {
  const r = await get('/papers?q=transformers');
  assert.equal(r.statusCode, 200);
  assert.equal(r.headers['content-type'], 'text/html; charset=utf-8');
  const b = r.body;
  assert.match(b, /<h1>Search: “transformers”<\/h1>/);
  assert.match(b, /<p class="result-count" role="status">2 papers<\/p>/);
  assert.match(b, /<a href="\/papers\/2405.00001">Sparse Attention <mark>Transformers<\/mark> for Long Documents<\/a>/);
  assert.match(b, /<p class="snippet">.*<mark>transformers<\/mark>/);
  assert.match(b, /<input id="q" type="search" name="q" value="transformers"/);
  assert.match(b, /<link rel="alternate" type="application\/rss\+xml" title="[^"]*" href="\/feeds\/search.rss\?q=transformers">/);
  assert.match(b, /<meta name="robots" content="noindex, follow">/);
});

test('every search field is labelled, and the form keeps the chosen filters and sort', async () => {
  const b = (await get('/papers?q=diffusion&from=2024-04-01&to=2024-05-31&category=cs.CL&org=ByteDance&sort=newest')).body;
  for (const id of ['q', 'from', 'to', 'category', 'org', 'sort']) {
    assert.match(b, new RegExp(`<label for="${id}">`), id);
  }
  assert.match(b, /name="from" value="2024-04-01"/);
  assert.match(b, /name="to" value="2024-05-31"/);
  assert.match(b, /name="category" value="cs.CL"/);
  assert.match(b, /name="org" value="ByteDance"/);
  assert.match(b, /<option value="newest" selected>Newest<\/option>/);
});

test('sort by most upvoted orders results by upvotes', async () => {
  const b = (await get('/papers?q=diffusion&sort=upvotes')).body;
  assert.deepEqual(titles(b), ['/papers/2405.00003', '/papers/2405.00002']);
});

test('filters narrow the results (organization, date range)', async () => {
  const org = (await get('/papers?q=transformers&org=ByteDance')).body;
  assert.ok(titles(org).length >= 1);
  for (const t of titles(org)) assert.ok(['/papers/2405.00001', '/papers/2404.00009'].includes(t), t);
  const range = (await get('/papers?q=transformers&from=2024-05-01&to=2024-05-31')).body;
  assert.deepEqual(titles(range), ['/papers/2405.00001']);
});

test('search with only a filter browses that filter', async () => {
  const r = await get('/papers?category=hep-th');
  assert.equal(r.statusCode, 200);
  assert.deepEqual(titles(r.body), ['/papers/hep-th/9901001']);
});

test('an empty query shows the search form with help, not an error', async () => {
  const r = await get('/papers?q=');
  assert.equal(r.statusCode, 200);
  assert.match(r.body, /<h1>Search papers<\/h1>/);
  assert.match(r.body, /Paste an arXiv id/);
});

test('no results is a friendly message', async () => {
  const r = await get('/papers?q=zzzyxqqq');
  assert.equal(r.statusCode, 200);
  assert.match(r.body, /No papers match\./);
});

test('pasting an arXiv id or an arXiv / Hugging Face URL redirects (303) to the paper', async () => {
  const cases: [string, string][] = [
    ['2405.00001', '/papers/2405.00001'],
    ['arXiv:2405.00001v2', '/papers/2405.00001'],
    ['https://arxiv.org/abs/2405.00001v1', '/papers/2405.00001'],
    ['https://arxiv.org/pdf/2405.00001.pdf', '/papers/2405.00001'],
    ['https://huggingface.co/papers/2405.00001', '/papers/2405.00001'],
    ['hep-th/9901001', '/papers/hep-th/9901001'],
  ];
  for (const [q, to] of cases) {
    const r = await get(`/papers?q=${encodeURIComponent(q)}`);
    assert.equal(r.statusCode, 303, q);
    assert.equal(r.headers.location, to, q);
  }
});

test('bad parameters get a 400 page naming the parameter, never a 500', async () => {
  const cases: [string, RegExp][] = [
    ['/papers?q=x&from=2024-99-01', /&quot;from&quot;/],
    ['/papers?q=x&to=tomorrow', /&quot;to&quot;/],
    ['/papers?q=x&from=2024-05-02&to=2024-05-01', /after/],
    ['/papers?q=x&sort=best', /&quot;sort&quot;/],
    ['/papers?q=x&page=0', /&quot;page&quot;/],
    ['/papers?q=x&category=%3Cscript%3E', /&quot;category&quot;/],
    [`/papers?q=${'a'.repeat(251)}`, /at most 250/],
    ['/papers?q=a&q=b', /more than once/],
  ];
  for (const [url, msg] of cases) {
    const r = await get(url);
    assert.equal(r.statusCode, 400, url);
    assert.equal(r.headers['content-type'], 'text/html; charset=utf-8', url);
    assert.match(r.body, msg, url);
    assert.doesNotMatch(r.body, /<script>/, url);
  }
});

test('FTS syntax and hostile input in the query never become a 500 and are escaped', async () => {
  for (const q of ['"unbalanced', 'a OR', 'NEAR(', '*', '(((', 'col:x', '<script>alert(1)</script>', '" OR 1=1 --', '^a', 'a AND NOT']) {
    const r = await get(`/papers?q=${encodeURIComponent(q)}`);
    assert.equal(r.statusCode, 200, q);
    assert.doesNotMatch(r.body, /<script>alert/, q);
  }
});

test('hostile titles and abstracts stay escaped when highlighted', async () => {
  const b = (await get('/papers?q=diffusion')).body;
  assert.doesNotMatch(b, /<script>alert/);
  assert.doesNotMatch(b, /<img src=x/);
  assert.match(b, /&lt;script&gt;alert\(&quot;t&quot;\)&lt;\/script&gt; Tom &amp; Jerry&#39;s &quot;<mark>Diffusion<\/mark>&quot;/);
  assert.match(b, /We study &lt;img src=x onerror=alert\(1\)&gt; <mark>diffusion<\/mark>/);
});

test('search pages keep the query and filters in paging links', async () => {
  const { paper, record } = await import('../../helpers/papers.js');
  const many = [];
  for (let i = 0; i < 25; i++) many.push(record(paper(`2407.${String(20000 + i)}`, { title: `Quasar study ${i}`, publishedAt: '2024-07-01T00:00:00Z' })));
  const big = await siteFixture(many);
  try {
    const p1 = await big.app.inject({ url: '/papers?q=quasar&sort=newest' });
    assert.equal(titles(p1.body).length, 20);
    assert.match(p1.body, /25 papers · page 1 of 2/);
    assert.match(p1.body, /href="\/papers\?q=quasar&amp;sort=newest&amp;page=2"/);
    const p2 = await big.app.inject({ url: '/papers?q=quasar&sort=newest&page=2' });
    assert.equal(titles(p2.body).length, 5);
  } finally {
    await big.close();
  }
});
