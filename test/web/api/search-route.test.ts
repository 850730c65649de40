import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fixtureApp, type TestApp } from './api-fixtures.js';

interface SearchItem {
  paper: { id: string; upvotes: number };
  title: string;
  highlightedTitle: string;
  highlightedSummary: string;
  numComments: number;
  thumbnail: string | null;
}

describe('GET /api/papers/search', () => {
  let t: TestApp;
  before(async () => { t = await fixtureApp(); });
  after(async () => { await t.close(); });

  const get = (qs: string) => t.app.inject({ method: 'GET', url: `/api/papers/search${qs}` });

  it('returns daily-list items plus highlighted title and summary', async () => {
    const res = await get('?q=diffusion');
    assert.equal(res.statusCode, 200);
    assert.match(res.headers['content-type'] as string, /^application\/json; charset=utf-8/);
    const items = res.json() as SearchItem[];
    assert.equal(items[0].paper.id, '2506.01001');
    assert.equal(items[0].paper.upvotes, 42);
    assert.equal(items[0].numComments, 5);
    assert.equal(items[0].thumbnail, 'https://thumbnails.example.org/social-thumbnails/papers/2506.01001.png');
    assert.match(items[0].highlightedTitle, /<mark>Diffusion<\/mark>/);
    assert.match(items[0].highlightedSummary, /<mark>diffusion<\/mark>/);
  });

  it('finds papers never on a daily list', async () => {
    const items = (await get('?q=quantum%20error')).json() as SearchItem[];
    assert.equal(items[0].paper.id, '2401.09999');
    assert.equal(items[0].paper.upvotes, 0);
  });

  it('honours limit', async () => {
    const items = (await get('?q=language%20models&limit=1')).json() as SearchItem[];
    assert.equal(items.length, 1);
  });

  it('escapes hostile titles in the highlighted HTML', async () => {
    const items = (await get('?q=evil')).json() as SearchItem[];
    const evil = items.find((i) => i.paper.id === '2506.01003')!;
    assert.ok(evil, 'the hostile paper is found');
    assert.doesNotMatch(evil.highlightedTitle, /<script>/);
    assert.match(evil.highlightedTitle, /&lt;script&gt;/);
    assert.doesNotMatch(evil.highlightedSummary, /<b>/);
  });

  it('treats FTS syntax in q as text, never a 500', async () => {
    for (const q of ['"unbalanced', 'NEAR(a b', 'a AND OR', '*', 'title:', '^-+', "'; DROP TABLE papers; --", '\u0000']) {
      const res = await get(`?q=${encodeURIComponent(q)}`);
      assert.ok(res.statusCode === 200 || res.statusCode === 400, `${JSON.stringify(q)} → ${res.statusCode}`);
      assert.notEqual(res.statusCode, 500);
    }
  });

  it('without q (or a blank one) answers the newest papers, as list_papers() expects', async () => {
    for (const qs of ['', '?q=', '?q=%20%20', '?limit=3']) {
      const res = await get(qs);
      assert.equal(res.statusCode, 200, qs);
      const items = res.json() as { paper: { publishedAt: string | null }; highlightedTitle: string }[];
      assert.ok(items.length > 0, `${qs}: papers`);
      const dates = items.map((i) => i.paper.publishedAt ?? '');
      assert.deepEqual(dates, [...dates].sort().reverse(), `${qs}: newest first`);
      assert.doesNotMatch(items[0].highlightedTitle, /<mark>/);
    }
    assert.equal(((await get('?limit=3')).json() as SearchItem[]).length, 3);
  });

  it('a query whose words no single paper holds still gets ranked answers, every-word matches first', async () => {
    const every = (await get('?q=diffusion%20models')).json() as SearchItem[];
    const sentence = (await get(`?q=${encodeURIComponent('papers that study diffusion for making pictures')}`)).json() as SearchItem[];
    assert.ok(sentence.length > 0, 'a sentence finds papers though no paper has all its words');
    assert.ok(sentence.some((i) => i.paper.id === '2506.01001'), 'the diffusion paper is among them');
    assert.ok(every.length > 0);
  });

  for (const [qs, param] of [
    [`?q=${'a'.repeat(251)}`, 'q'],
    ['?q=x&limit=0', 'limit'],
    ['?q=x&limit=121', 'limit'],
    ['?q=x&limit=abc', 'limit'],
  ] as const) {
    it(`rejects "${qs.slice(0, 30)}" with a 400 naming "${param}"`, async () => {
      const res = await get(qs);
      assert.equal(res.statusCode, 400);
      assert.match((res.json() as { error: { message: string } }).error.message, new RegExp(`"${param}"`));
    });
  }

  it('accepts q of exactly 250 characters', async () => {
    const res = await get(`?q=${'a'.repeat(250)}`);
    assert.equal(res.statusCode, 200);
  });
});
