import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { siteFixture, type SiteFixture } from './site-fixture.js';

let f: SiteFixture;
before(async () => { f = await siteFixture(); });
after(async () => { await f.close(); });

const get = (url: string, headers: Record<string, string> = {}) => f.app.inject({ url, headers });

test('a paper page shows title, authors with affiliations, abstract, dates, versions, categories, links and upvotes', async () => {
  const r = await get('/papers/2405.00001');
  assert.equal(r.statusCode, 200);
  assert.equal(r.headers['content-type'], 'text/html; charset=utf-8');
  const b = r.body;
  assert.match(b, /<h1>Sparse Attention Transformers for Long Documents<\/h1>/);
  assert.equal((b.match(/<h1[ >]/g) ?? []).length, 1);
  assert.match(b, /<span>Ada Lovelace<\/span> <span class="muted">\(Analytical Engine Lab\)<\/span>/);
  assert.match(b, /We present sparse attention transformers/);
  assert.match(b, /<dt>Published<\/dt><dd>May 1, 2024<\/dd>/);
  assert.match(b, /<dt>Updated<\/dt><dd>May 2, 2024<\/dd>/);
  assert.match(b, /v1 \(May 1, 2024\), v2 \(May 2, 2024\)/);
  assert.match(b, /<a href="\/papers\?category=cs.CL">cs.CL<\/a>/);
  assert.match(b, /href="https:\/\/arxiv.org\/abs\/2405.00001"/);
  assert.match(b, /href="https:\/\/arxiv.org\/pdf\/2405.00001"/);
  assert.match(b, /href="https:\/\/doi.org\/10.1234\/sparse.2024"/);
  assert.match(b, /href="https:\/\/github.com\/example\/sparse-attn" rel="noopener">GitHub ★ 1.2k</);
  assert.match(b, /href="https:\/\/example.org\/sparse" rel="noopener">Project page</);
  assert.match(b, /42 upvotes/);
  assert.match(b, /<a class="badge" href="\/orgs\/ByteDance">ByteDance Seed<\/a>/);
  assert.match(b, /<a href="\/papers\/date\/2024-05-03">May 3, 2024<\/a> \(submitted by Alice Adams\)/);
  assert.match(b, /<h2 id="similar-h">Similar papers<\/h2>/);
});

test('the paper page has a BibTeX cite box that works without JavaScript', async () => {
  const b = (await get('/papers/2405.00001')).body;
  assert.match(b, /<details class="cite">\s*<summary>Cite this paper \(BibTeX\)<\/summary>/);
  assert.match(b, /@misc\{lovelace2024sparse,\n {2}title=\{Sparse Attention Transformers for Long Documents\},\n {2}author=\{Ada Lovelace and Alan Turing\}/);
  assert.match(b, /eprint=\{2405.00001\}/);
  assert.match(b, /<button type="button" class="copy" data-copy="bibtex">/);
});

test('Open Graph, Twitter, citation meta tags, canonical URL and the Markdown alternate', async () => {
  const b = (await get('/papers/2405.00001')).body;
  assert.match(b, /<meta property="og:title" content="Sparse Attention Transformers for Long Documents">/);
  assert.match(b, /<meta property="og:url" content="https:\/\/papers.example.org\/papers\/2405.00001">/);
  assert.match(b, /<meta property="og:description" content="We present sparse attention/);
  assert.match(b, /<meta name="twitter:card" content="summary">/);
  assert.match(b, /<meta name="citation_author" content="Alan Turing">/);
  assert.match(b, /<link rel="canonical" href="https:\/\/papers.example.org\/papers\/2405.00001">/);
  assert.match(b, /<link rel="alternate" type="text\/markdown" title="[^"]+" href="\/papers\/2405.00001.md">/);
});

test('old-style ids with a slash and local ids have pages', async () => {
  const old = await get('/papers/hep-th/9901001');
  assert.equal(old.statusCode, 200);
  assert.match(old.body, /<h1>Strings on Old-Style Identifiers<\/h1>/);
  assert.match(old.body, /href="https:\/\/arxiv.org\/abs\/hep-th\/9901001"/);
  const local = await get('/papers/local-demo-1');
  assert.equal(local.statusCode, 200);
  assert.match(local.body, /A Paper Without an arXiv Id/);
  assert.match(local.body, /3 authors \(names not known yet\)/);
  assert.doesNotMatch(local.body, /arxiv.org\/abs/);
  // Known only by its title: a title search on arXiv is the way on.
  assert.match(local.body, /href="https:\/\/arxiv.org\/search\/\?searchtype=title&amp;query=A%20Paper%20Without%20an%20arXiv%20Id"[^>]*>Find on arXiv</);
});

test('a versioned or prefixed id redirects (301) to the canonical paper URL', async () => {
  const r = await get('/papers/2405.00001v2');
  assert.equal(r.statusCode, 301);
  assert.equal(r.headers.location, '/papers/2405.00001');
  assert.equal((await get('/papers/hep-th/9901001v3')).headers.location, '/papers/hep-th/9901001');
  assert.equal((await get('/papers/2405.00001v1.md')).headers.location, '/papers/2405.00001.md');
});

test('Markdown: /papers/{id}.md and Accept: text/markdown', async () => {
  const md = await get('/papers/2405.00001.md');
  assert.equal(md.statusCode, 200);
  assert.equal(md.headers['content-type'], 'text/markdown; charset=utf-8');
  assert.match(md.body, /^# Sparse Attention Transformers for Long Documents/);
  const neg = await get('/papers/hep-th/9901001', { accept: 'text/markdown' });
  assert.equal(neg.statusCode, 200);
  assert.equal(neg.headers['content-type'], 'text/markdown; charset=utf-8');
  assert.match(String(neg.headers.vary), /Accept/);
  // A browser's Accept (text/html first) gets HTML.
  const browser = await get('/papers/2405.00001', { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' });
  assert.equal(browser.headers['content-type'], 'text/html; charset=utf-8');
  assert.equal((await get('/papers/2499.99999.md')).statusCode, 404);
});

test('unknown papers are a friendly 404 that links to arXiv; non-ids are a plain 404', async () => {
  const r = await get('/papers/2499.99999');
  assert.equal(r.statusCode, 404);
  assert.equal(r.headers['content-type'], 'text/html; charset=utf-8');
  assert.match(r.body, /<h1>Page not found<\/h1>/);
  assert.match(r.body, /No paper 2499.99999 in this hub/);
  assert.match(r.body, /href="https:\/\/arxiv.org\/abs\/2499.99999"/);
  const junk = await get('/papers/not-a-paper');
  assert.equal(junk.statusCode, 404);
  assert.match(junk.body, /not a paper id/);
  const hostile = await get('/papers/%3Cscript%3Ealert(1)%3C%2Fscript%3E');
  assert.equal(hostile.statusCode, 404);
  assert.doesNotMatch(hostile.body, /<script>alert/);
});

test('a hostile title, abstract, author and org are escaped on the paper page and in its meta tags', async () => {
  const r = await get('/papers/2405.00002');
  assert.equal(r.statusCode, 200);
  const b = r.body;
  assert.doesNotMatch(b, /<script>alert/);
  assert.doesNotMatch(b, /<img src=x/);
  assert.doesNotMatch(b, /<b>(Mallory|models)/);
  assert.match(b, /<h1>&lt;script&gt;alert\(&quot;t&quot;\)&lt;\/script&gt; Tom &amp; Jerry&#39;s &quot;Diffusion&quot;<\/h1>/);
  assert.match(b, /<title>&lt;script&gt;alert/);
  assert.match(b, /<meta property="og:title" content="&lt;script&gt;alert\(&quot;t&quot;\)/);
  assert.match(b, /We study &lt;img src=x onerror=alert\(1\)&gt; diffusion &amp; &quot;quotes&quot;/);
  assert.match(b, /\(&quot;Quote&quot; &amp; Co\)/);
  // javascript: URLs from the data are never links.
  assert.doesNotMatch(b, /javascript:/);
});

test('similar papers: a page, a fragment for the script, then inline on the paper page once known', async () => {
  const before = (await get('/papers/hep-th/9901001')).body;
  assert.match(before, /<div data-similar="\/papers\/hep-th\/9901001\/similar\?fragment=1"><a href="\/papers\/hep-th\/9901001\/similar">Show similar papers<\/a><\/div>/);
  const page = await get('/papers/hep-th/9901001/similar');
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /<h1>Papers similar to “Strings on Old-Style Identifiers”<\/h1>/);
  assert.match(page.body, /<header class="site-header">/);
  const frag = await get('/papers/hep-th/9901001/similar?fragment=1');
  assert.equal(frag.statusCode, 200);
  assert.equal(frag.headers['content-type'], 'text/html; charset=utf-8');
  assert.doesNotMatch(frag.body, /<html|<header/);
  assert.match(frag.body, /^<(ul class="similar"|p class="muted")>/);
  // Now cached: the paper page renders the list itself, no link.
  const after = (await get('/papers/hep-th/9901001')).body;
  assert.doesNotMatch(after, /data-similar=/);
  assert.equal((await get('/papers/2499.99999/similar')).statusCode, 404);
  assert.equal((await get('/papers/2405.00001v3/similar')).headers.location, '/papers/2405.00001/similar');
});

test('similar papers of a hostile paper are escaped', async () => {
  const { paper, record } = await import('../../helpers/papers.js');
  const { HOSTILE_TITLE } = await import('./site-fixture.js');
  const twins = [1, 2, 3].map((i) => record(paper(`2408.0000${i}`, {
    title: `${HOSTILE_TITLE} quokka marsupial ${i}`, abstract: 'quokka marsupial island rottnest wallaby',
  })));
  const fx = await siteFixture(twins);
  try {
    const r = await fx.app.inject({ url: '/papers/2408.00001/similar?fragment=1' });
    assert.equal(r.statusCode, 200);
    assert.doesNotMatch(r.body, /<script>/);
    assert.match(r.body, /^<ul class="similar"><li><a href="\/papers\/2408.0000[23]">&lt;script&gt;alert/);
  } finally {
    await fx.close();
  }
});
