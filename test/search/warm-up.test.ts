/**
 * serve's search warm-up (search/warm-up.ts): the queries it makes of the
 * newest papers, and that it asks them through the real search layer once
 * the index is current, and asks nothing once told to stop.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { warmSearch, warmUpQueries } from '../../src/search/warm-up.js';
import { tempDbPath } from '../helpers/temp-db.js';
import { openTestBackend, type TestBackend } from '../helpers/test-app.js';
import { topicPapers } from '../helpers/topic-papers.js';

describe('warmUpQueries', () => {
  it('makes each paper\'s title, its first two words and its abstract\'s first 30 words, once each', () => {
    const abstract = Array.from({ length: 40 }, (_, i) => `word${String.fromCharCode(97 + (i % 26))}`).join(' ');
    const qs = warmUpQueries([
      { title: 'Sparse Mixture Routing (SMR): 2024', abstract },
      { title: 'Sparse Mixture', abstract: 'Too short.' },
    ]);
    assert.deepEqual(qs, ['Sparse Mixture Routing', 'Sparse Mixture', abstract.split(' ').slice(0, 30).join(' ')]);
  });
});

describe('warmSearch on a real database', () => {
  let t: TestBackend;
  let cleanup: () => void;
  before(async () => {
    const tmp = tempDbPath();
    cleanup = tmp.cleanup;
    t = await openTestBackend(tmp.file, { records: topicPapers() });
  });
  after(async () => { await t.close(); cleanup(); });

  it('asks every query in the lexical, auto and hybrid modes three times, through the search layer', async () => {
    const service = t.search.service;
    let searches = 0;
    const search = service.search.bind(service);
    service.search = async (req) => { searches++; return search(req); };
    try {
      const asked = await warmSearch(service, t.store);
      const newest = await t.store.browsePapers({ categories: [], organizations: [] }, 'newest', 6, 0);
      const papers = [...(await t.store.getPaperDetailsByKeys(newest.keys)).values()].map((d) => d.paper);
      const modes = service.vectors ? 3 : 2;
      assert.ok(warmUpQueries(papers).length > 0);
      assert.equal(asked, warmUpQueries(papers).length * modes * 3);
      assert.equal(searches, asked);
    } finally {
      service.search = search;
    }
  });

  it('asks nothing once stopped', async () => {
    assert.equal(await warmSearch(t.search.service, t.store, () => true), 0);
  });
});
