import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { renderPaperMarkdown, escapeMarkdown } from '../../../src/web/api/paper-markdown.js';
import { fixtureApp, PUBLIC_URL, type TestApp } from './api-fixtures.js';

describe('renderPaperMarkdown', () => {
  let t: TestApp;
  before(async () => { t = await fixtureApp(); });
  after(async () => { await t.close(); });

  it('renders title, authors, facts, links, abstract, AI summary and keywords', async () => {
    const md = renderPaperMarkdown((await t.store.getPaper('2506.01001'))!, PUBLIC_URL);
    assert.match(md, /^# Sparse Diffusion Transformers for Fast Image Generation\n/);
    assert.match(md, /- \*\*Authors:\*\* Ada Lovelace, Alan Turing/);
    assert.match(md, /- \*\*Organization:\*\* Acme AI Research/);
    assert.match(md, /- \*\*Published:\*\* 2025-05-30/);
    assert.match(md, /- \*\*Daily papers:\*\* 2025-06-02 by AK · 42 upvotes · 5 comments/);
    assert.match(md, /- Paper page: <http:\/\/papers\.test\/papers\/2506\.01001>/);
    assert.match(md, /- arXiv abstract: <https:\/\/arxiv\.org\/abs\/2506\.01001>/);
    assert.match(md, /- PDF: <https:\/\/arxiv\.org\/pdf\/2506\.01001>/);
    assert.match(md, /- Code: <https:\/\/github\.com\/acme\/sdt>/);
    assert.match(md, /- Project page: <https:\/\/acme\.example\/sdt>/);
    assert.match(md, /## Abstract\n\nWe present sparse diffusion transformers/);
    assert.match(md, /## AI summary\n\nSparse attention makes diffusion transformers faster\./);
    assert.match(md, /## Keywords\n\ndiffusion, sparse attention/);
  });

  it('labels an extracted TL;DR and keywords as such (the Markdown route reads through the notes)', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/papers/2401.09999.md' });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /## TL;DR \(a sentence of the abstract\)\n\nWe revisit quantum error correction codes with new decoders\./);
    assert.match(res.body, /## Keywords \(extracted\)\n\n.*quantum error correction codes/i);
  });

  it('says how many authors when only the count is known, and keeps slashed ids in links', async () => {
    const md = renderPaperMarkdown((await t.store.getPaper('hep-th/9901001'))!, PUBLIC_URL);
    assert.match(md, /- \*\*Authors:\*\* 4 authors \(names not known\)/);
    assert.match(md, /<http:\/\/papers\.test\/papers\/hep-th\/9901001>/);
    assert.match(md, /- \*\*Categories:\*\* hep-th/);
  });

  it('escapes hostile text so it cannot inject HTML, links or headings', async () => {
    const md = renderPaperMarkdown((await t.store.getPaper('2506.01003'))!, PUBLIC_URL);
    assert.doesNotMatch(md, /<script>|<img|<b>/);
    assert.match(md, /^# Evil &lt;script&gt;alert\\\(1\\\)&lt;\/script&gt; &amp; "Quotes" \\\]\\\]&gt; Paper\n/);
    assert.equal(escapeMarkdown('[click](javascript:alert(1))'), '\\[click\\]\\(javascript:alert\\(1\\)\\)');
    assert.equal(escapeMarkdown('# not a heading'), '\\# not a heading');
    assert.equal(escapeMarkdown('1. not a list'), '1\\. not a list');
  });

  it('drops links that are not http(s)', async () => {
    const detail = (await t.store.getPaper('2506.01002'))!;
    const md = renderPaperMarkdown({ ...detail, paper: { ...detail.paper, githubRepo: 'javascript:alert(1)', projectPage: 'not a url' } }, PUBLIC_URL);
    assert.doesNotMatch(md, /javascript:/);
    assert.doesNotMatch(md, /Project page/);
  });
});

describe('GET /papers/{id}.md (route owned by the pages)', () => {
  let t: TestApp;
  before(async () => { t = await fixtureApp(); });
  after(async () => { await t.close(); });

  it('serves the Markdown for .md and for Accept: text/markdown', async () => {
    const md = await t.app.inject({ method: 'GET', url: '/papers/2506.01001.md' });
    assert.equal(md.statusCode, 200);
    assert.match(md.headers['content-type'] as string, /^text\/markdown/);
    assert.match(md.body, /^# Sparse Diffusion Transformers/);
    const neg = await t.app.inject({ method: 'GET', url: '/papers/2506.01001', headers: { accept: 'text/markdown' } });
    assert.equal(neg.statusCode, 200);
    assert.match(neg.headers['content-type'] as string, /^text\/markdown/);
    assert.equal(neg.body, md.body);
  });

  it('answers 404 for an unknown paper', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/papers/9999.99999.md' });
    assert.equal(res.statusCode, 404);
  });
});
