import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fixtureApp, type TestApp } from './api-fixtures.js';

describe('GET /api/papers/{id}', () => {
  let t: TestApp;
  before(async () => { t = await fixtureApp(); });
  after(async () => { await t.close(); });

  it('returns the paper object in the Hub shape with its comment count', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/papers/2506.02002' });
    assert.equal(res.statusCode, 200);
    assert.match(res.headers['content-type'] as string, /^application\/json; charset=utf-8/);
    const p = res.json() as Record<string, unknown>;
    assert.equal(p.id, '2506.02002');
    assert.equal(p.title, 'Efficient Attention for Long Context Language Models');
    assert.deepEqual(p.authors, [{ name: 'Claude Shannon', hidden: false }]);
    assert.equal(p.publishedAt, '2025-06-02T13:00:00.000Z');
    assert.equal(p.submittedOnDailyAt, '2025-06-03T04:30:00.000Z');
    assert.deepEqual(p.submittedOnDailyBy, { user: 'grace', fullname: 'Grace H.', avatarUrl: '/avatars/grace.svg', type: 'user' });
    assert.equal(p.upvotes, 25);
    assert.equal(p.numComments, 7);
    assert.equal(p.discussionId, '2506.02002');
  });

  it('serves extracted ai_keywords and a TL;DR ai_summary where the source gave none', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/papers/2401.09999' });
    const p = res.json() as { ai_summary?: string; ai_keywords?: string[] };
    assert.equal(p.ai_summary, 'We revisit quantum error correction codes with new decoders.');
    assert.ok(Array.isArray(p.ai_keywords) && p.ai_keywords.length > 0, JSON.stringify(p.ai_keywords));
    assert.ok(p.ai_keywords.some((k) => /quantum error correction codes/i.test(k)), JSON.stringify(p.ai_keywords));
  });

  it('accepts old-style ids with a slash, also percent-encoded', async () => {
    for (const url of ['/api/papers/hep-th/9901001', '/api/papers/hep-th%2F9901001']) {
      const res = await t.app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 200, url);
      const p = res.json() as { id: string; authors: unknown[] };
      assert.equal(p.id, 'hep-th/9901001');
      assert.deepEqual(p.authors, []);
    }
  });

  it('resolves a version suffix and an arXiv: prefix to the stored paper', async () => {
    for (const id of ['2506.01001v2', 'arXiv:2506.01001']) {
      const res = await t.app.inject({ method: 'GET', url: `/api/papers/${encodeURIComponent(id)}` });
      assert.equal(res.statusCode, 200, id);
      assert.equal((res.json() as { id: string }).id, '2506.01001');
    }
  });

  it('gives a paper never on a daily list upvotes 0 and no daily fields', async () => {
    const p = (await t.app.inject({ method: 'GET', url: '/api/papers/2401.09999' })).json() as Record<string, unknown>;
    assert.equal(p.upvotes, 0);
    assert.equal(p.numComments, 0);
    assert.equal('submittedOnDailyAt' in p, false);
    assert.equal('submittedOnDailyBy' in p, false);
  });

  it('answers 404 JSON for an unknown paper', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/papers/9999.99999' });
    assert.equal(res.statusCode, 404);
    assert.match(res.headers['content-type'] as string, /application\/json/);
    const body = res.json() as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'not_found');
    assert.match(body.error.message, /9999\.99999/);
  });

  it('answers 400 naming "id" for an empty or oversized id, never 500', async () => {
    for (const url of ['/api/papers/', `/api/papers/${'a'.repeat(300)}`]) {
      const res = await t.app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 400, url);
      assert.match((res.json() as { error: { message: string } }).error.message, /"id"/);
    }
    for (const url of ['/api/papers/%00', '/api/papers/..%2F..%2Fetc', "/api/papers/1'%20OR%201=1"]) {
      const res = await t.app.inject({ method: 'GET', url });
      assert.ok(res.statusCode === 404 || res.statusCode === 400, `${url} → ${res.statusCode}`);
    }
  });

  it('/similar lists papers like it, in the paper shape, never the paper itself; limit is checked', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/papers/2506.02002/similar?limit=3' });
    assert.equal(res.statusCode, 200);
    const list = res.json() as { id: string; title: string }[];
    assert.ok(list.length > 0 && list.length <= 3, `${list.length} papers`);
    assert.ok(!list.some((p) => p.id === '2506.02002'));
    assert.ok(list.every((p) => typeof p.title === 'string'));
    const viaSearch = await t.app.inject({ method: 'GET', url: '/api/papers/2506.02002/similar' });
    assert.deepEqual((viaSearch.json() as { id: string }[]).slice(0, list.length).map((p) => p.id), list.map((p) => p.id), 'the limit only cuts the same ranking');
    assert.equal((await t.app.inject({ method: 'GET', url: '/api/papers/2506.02002/similar?limit=51' })).statusCode, 400);
    assert.equal((await t.app.inject({ method: 'GET', url: '/api/papers/9999.99999/similar' })).statusCode, 404);
  });
});
