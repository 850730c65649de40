import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fixtureApp, PUBLIC_URL, type TestApp } from './api-fixtures.js';

interface Item {
  paper: Record<string, unknown> & { id: string; upvotes: number; authors: { name: string; hidden: boolean }[] };
  [k: string]: unknown;
}

describe('GET /api/daily_papers', () => {
  let t: TestApp;
  before(async () => { t = await fixtureApp(); });
  after(async () => { await t.close(); });

  const get = async (qs: string) => t.app.inject({ method: 'GET', url: `/api/daily_papers${qs}` });

  it('lists the newest day by submission time when no date is given (as the Hub does)', async () => {
    const res = await get('');
    assert.equal(res.statusCode, 200);
    assert.match(res.headers['content-type'] as string, /^application\/json; charset=utf-8/);
    const items = res.json() as Item[];
    assert.deepEqual(items.map((i) => i.paper.id), ['2506.02003', '2506.02002', '2506.02001']);
    assert.equal(res.headers.link, undefined, 'one page only: no Link header');
  });

  it('returns each item in the Hub shape', async () => {
    const items = (await get('?date=2025-06-02')).json() as Item[];
    const it0 = items.find((i) => i.paper.id === '2506.01001')!;
    assert.deepEqual(Object.keys(it0), ['paper', 'publishedAt', 'title', 'summary', 'thumbnail', 'numComments', 'submittedBy', 'organization', 'isAuthorParticipating']);
    assert.deepEqual(it0.paper, {
      id: '2506.01001',
      authors: [{ name: 'Ada Lovelace', hidden: false }, { name: 'Alan Turing', hidden: false }],
      publishedAt: '2025-05-30T17:59:01.000Z',
      submittedOnDailyAt: '2025-06-02T03:12:44.120Z',
      title: 'Sparse Diffusion Transformers for Fast Image Generation',
      submittedOnDailyBy: { user: 'akhaliq', fullname: 'AK', avatarUrl: '/avatars/akhaliq.svg', type: 'user' },
      summary: 'We present sparse diffusion transformers that generate images quickly. Our models reduce attention cost while keeping quality.',
      upvotes: 42,
      discussionId: '2506.01001',
      ai_summary: 'Sparse attention makes diffusion transformers faster.',
      ai_keywords: ['diffusion', 'sparse attention'],
      githubRepo: 'https://github.com/acme/sdt',
      githubStars: 321,
      projectPage: 'https://acme.example/sdt',
      organization: { name: 'AcmeAI', fullname: 'Acme AI Research', avatar: 'https://example.org/acme.png' },
    });
    assert.equal(it0.publishedAt, '2025-05-30T17:59:01.000Z');
    assert.equal(it0.title, it0.paper.title);
    assert.equal(it0.summary, it0.paper.summary);
    assert.equal(it0.thumbnail, 'https://thumbnails.example.org/social-thumbnails/papers/2506.01001.png', 'the thumbnail as the source gave it');
    assert.equal(it0.numComments, 5);
    assert.deepEqual(it0.submittedBy, { name: 'akhaliq', fullname: 'AK', avatarUrl: '/avatars/akhaliq.svg', type: 'user' });
    assert.deepEqual(it0.organization, { name: 'AcmeAI', fullname: 'Acme AI Research', avatar: 'https://example.org/acme.png' });
    assert.equal(it0.isAuthorParticipating, false);
  });

  it('orders a chosen day by upvotes', async () => {
    const items = (await get('?date=2025-06-02')).json() as Item[];
    assert.deepEqual(items.map((i) => i.paper.upvotes), [42, 17, 3]);
  });

  it('omits what is unknown and invents no authors (author count only → [])', async () => {
    const items = (await get('?date=2025-05-28')).json() as Item[];
    assert.equal(items.length, 1);
    const p = items[0].paper;
    assert.equal(p.id, 'hep-th/9901001');
    assert.deepEqual(p.authors, []);
    assert.equal(p.submittedOnDailyAt, '2025-05-28T00:00:00.000Z');
    for (const k of ['submittedOnDailyBy', 'githubRepo', 'githubStars', 'projectPage', 'organization']) {
      assert.equal(k in p, false, `${k} is absent`);
    }
    // The AI fields the source did not give are extracted from the paper's own text (docs/API.md).
    assert.equal(p.ai_summary, 'A demo-corpus paper whose author names are unknown.');
    assert.ok(Array.isArray(p.ai_keywords) && p.ai_keywords.length > 0);
    assert.equal('submittedBy' in items[0], false);
  });

  it('selects an ISO week and a month on the daily-list day', async () => {
    const week = (await get('?week=2025-W23')).json() as Item[];
    assert.equal(week.length, 6);
    assert.deepEqual(week.slice(0, 2).map((i) => i.paper.upvotes), [42, 25]);
    const month = (await get('?month=2025-05')).json() as Item[];
    assert.deepEqual(month.map((i) => i.paper.id), ['hep-th/9901001']);
    const empty = await get('?date=2024-01-01');
    assert.equal(empty.statusCode, 200);
    assert.deepEqual(empty.json(), []);
  });

  it('filters by submitter', async () => {
    const items = (await get('?week=2025-W23&submitter=grace')).json() as Item[];
    assert.deepEqual(items.map((i) => i.paper.id).sort(), ['2506.01002', '2506.02002']);
  });

  it('sorts by trending over the trending window', async () => {
    const items = (await get('?sort=trending')).json() as Item[];
    // Seven fixture entries fall within 14 days of 2025-06-03; today's 25-upvote paper leads.
    assert.equal(items.length, 7);
    assert.equal(items[0].paper.id, '2506.02002');
    assert.ok(items.some((i) => i.paper.id === 'hep-th/9901001'));
  });

  it('pages with p and limit and links the next page with an absolute URL', async () => {
    const first = await get('?week=2025-W23&limit=4&submitter=');
    assert.equal(first.statusCode, 200);
    assert.equal((first.json() as Item[]).length, 4);
    assert.equal(first.headers.link, `<${PUBLIC_URL}/api/daily_papers?week=2025-W23&limit=4&p=1>; rel="next"`);
    const second = await get('?week=2025-W23&limit=4&p=1');
    assert.equal((second.json() as Item[]).length, 2);
    assert.equal(second.headers.link, undefined);
    const firstIds = (first.json() as Item[]).map((i) => i.paper.id);
    const secondIds = (second.json() as Item[]).map((i) => i.paper.id);
    assert.equal(new Set([...firstIds, ...secondIds]).size, 6);
  });

  for (const [qs, param] of [
    ['?limit=0', 'limit'],
    ['?limit=101', 'limit'],
    ['?limit=ten', 'limit'],
    ['?p=-1', 'p'],
    ['?p=1.5', 'p'],
    ['?date=2025-02-30', 'date'],
    ['?date=yesterday', 'date'],
    ['?week=2025-W54', 'week'],
    ['?month=2025-13', 'month'],
    ['?sort=upvotes', 'sort'],
    ['?date=2025-06-02&week=2025-W23', 'week'],
    ['?limit=1&limit=2', 'limit'],
    [`?submitter=${'x'.repeat(101)}`, 'submitter'],
  ] as const) {
    it(`rejects ${qs.slice(0, 40)} with a 400 naming "${param}"`, async () => {
      const res = await get(qs);
      assert.equal(res.statusCode, 400);
      assert.match(res.headers['content-type'] as string, /application\/json/);
      const body = res.json() as { error: { code: string; message: string } };
      assert.equal(body.error.code, 'invalid_parameter');
      assert.match(body.error.message, new RegExp(`"${param}"`));
    });
  }
});

describe('GET /api/daily_papers on an empty store', () => {
  it('returns an empty list, not an error', async () => {
    const t = await fixtureApp({ empty: true });
    try {
      for (const qs of ['', '?sort=trending']) {
        const res = await t.app.inject({ method: 'GET', url: `/api/daily_papers${qs}` });
        assert.equal(res.statusCode, 200);
        assert.deepEqual(res.json(), []);
      }
    } finally {
      await t.close();
    }
  });
});
