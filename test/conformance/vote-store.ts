/**
 * The VoteStore conformance suite, with the Store's counts it feeds: one
 * upvote per user per paper (idempotent both ways), unknown papers refused,
 * which papers a user upvoted; and every count the site reads — daily
 * lists (upvotes sort and trending), paper details, upvotes by key, browse
 * by upvotes — is the imported count plus local votes, through re-imports
 * (which overwrite the imported part only), a paper listed after it was
 * upvoted, a local paper taking its arXiv id, and deleted users and papers.
 * `describeVoteStore(name, open)` runs it on one backend.
 */
import { describe, test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import type { Backend } from '../../src/store/backend.js';
import type { PaperRecord } from '../../src/domain/paper.js';
import { paper, record } from '../helpers/papers.js';

export interface OpenedBackend {
  backend: Backend;
  close(): Promise<void>;
}

const NOW = new Date('2025-06-02T12:00:00.000Z');
const day = (d: string, upvotes: number): PaperRecord['daily'] => ({ day: d, submittedAt: `${d}T08:00:00.000Z`, submittedBy: null, upvotes, numComments: 0 });

export function describeVoteStore(name: string, open: () => Promise<OpenedBackend>): void {
  describe(`VoteStore conformance: ${name}`, () => {
    let opened: OpenedBackend;
    let b: Backend;
    let users: number[];
    beforeEach(async () => {
      opened = await open();
      b = opened.backend;
      users = [];
      for (const u of ['ada', 'bob', 'cy']) {
        users.push((await b.accounts.createUser({ username: u, email: `${u}@example.org`, passwordHash: 'h', now: NOW })).id);
      }
    });
    afterEach(async () => {
      await opened.close();
    });

    const shown = async (id: string) => (await b.store.getPaper(id))!.upvotes;

    test('one upvote per user per paper: upvoting twice is one vote, removing twice is a no-op', async () => {
      await b.store.upsertRecords([record(paper('2506.00001'), day('2025-06-02', 10))]);
      assert.deepEqual(await b.votes.setVote(users[0], '2506.00001', true, NOW), { upvoted: true, changed: true, localVotes: 1 });
      assert.deepEqual(await b.votes.setVote(users[0], '2506.00001', true, NOW), { upvoted: true, changed: false, localVotes: 1 });
      await b.votes.setVote(users[1], '2506.00001', true, NOW);
      assert.equal(await b.votes.localVotes('2506.00001'), 2);
      assert.equal(await shown('2506.00001'), 12, 'imported 10 + 2 local');
      assert.deepEqual(await b.votes.setVote(users[0], '2506.00001', false, NOW), { upvoted: false, changed: true, localVotes: 1 });
      assert.deepEqual(await b.votes.setVote(users[0], '2506.00001', false, NOW), { upvoted: false, changed: false, localVotes: 1 });
      assert.equal(await shown('2506.00001'), 11);
    });

    test('two votes of one user at once still count once', async () => {
      await b.store.upsertRecords([record(paper('2506.00002'), day('2025-06-02', 0))]);
      await Promise.all([1, 2, 3, 4].map(() => b.votes.setVote(users[0], '2506.00002', true, NOW)));
      assert.equal(await b.votes.localVotes('2506.00002'), 1);
      assert.equal(await shown('2506.00002'), 1);
    });

    test('a vote on an unknown paper is refused with null', async () => {
      assert.equal(await b.votes.setVote(users[0], '9999.99999', true, NOW), null);
      assert.equal(await b.votes.localVotes('9999.99999'), 0);
    });

    test("a user's upvoted papers: which of a set, and all of them newest first", async () => {
      await b.store.upsertRecords([record(paper('2506.00003')), record(paper('2506.00004')), record(paper('2506.00005'))]);
      await b.votes.setVote(users[0], '2506.00003', true, new Date('2025-06-01T00:00:00Z'));
      await b.votes.setVote(users[0], '2506.00005', true, new Date('2025-06-02T00:00:00Z'));
      await b.votes.setVote(users[1], '2506.00004', true, NOW);
      assert.deepEqual([...await b.votes.votedPapers(users[0], ['2506.00003', '2506.00004', '2506.00005', 'x'])].sort(), ['2506.00003', '2506.00005']);
      assert.deepEqual([...await b.votes.votedPapers(users[0], ['2506.00004'])], []);
      assert.deepEqual([...await b.votes.votedPapers(users[0], [])], []);
      assert.deepEqual(await b.votes.userVotes(users[0], 10, 0), { paperIds: ['2506.00005', '2506.00003'], total: 2 });
      assert.deepEqual(await b.votes.userVotes(users[0], 1, 1), { paperIds: ['2506.00003'], total: 2 });
    });

    test('re-importing a day overwrites the imported count and keeps local votes', async () => {
      await b.store.upsertRecords([record(paper('2506.00006'), day('2025-06-02', 5))]);
      await b.votes.setVote(users[0], '2506.00006', true, NOW);
      await b.votes.setVote(users[1], '2506.00006', true, NOW);
      await b.store.upsertRecords([record(paper('2506.00006'), day('2025-06-02', 40))]);
      assert.equal(await shown('2506.00006'), 42);
      const list = await b.store.listDaily({ from: '2025-06-02', to: '2025-06-02', sort: 'upvotes', limit: 10, offset: 0 });
      assert.equal(list.items[0].entry.upvotes, 42);
    });

    test('daily lists rank and trending score by imported + local votes', async () => {
      await b.store.upsertRecords([
        record(paper('2506.00007'), day('2025-06-02', 3)),
        record(paper('2506.00008'), day('2025-06-02', 4)),
      ]);
      const order = async (sort: 'upvotes' | 'trending') => (await b.store.listDaily({ from: '2025-06-02', to: '2025-06-02', sort, limit: 10, offset: 0, now: NOW }))
        .items.map((i) => [i.paper.id, i.entry.upvotes]);
      assert.deepEqual(await order('upvotes'), [['2506.00008', 4], ['2506.00007', 3]]);
      for (const u of users.slice(0, 2)) await b.votes.setVote(u, '2506.00007', true, NOW);
      assert.deepEqual(await order('upvotes'), [['2506.00007', 5], ['2506.00008', 4]]);
      assert.deepEqual(await order('trending'), [['2506.00007', 5], ['2506.00008', 4]], 'same age: trending follows the votes');
    });

    test('upvotes by key and browsing by upvotes include local votes', async () => {
      await b.store.upsertRecords([
        record(paper('2506.00009', { publishedAt: '2025-06-01T00:00:00Z' }), day('2025-06-02', 1)),
        record(paper('2506.00010', { publishedAt: '2025-06-01T00:00:00Z' }), day('2025-06-02', 2)),
      ]);
      for (const u of users) await b.votes.setVote(u, '2506.00009', true, NOW);
      const browse = await b.store.browsePapers({ categories: [], organizations: [] }, 'upvotes', 10, 0);
      const details = await b.store.getPaperDetailsByKeys(browse.keys);
      assert.deepEqual(browse.keys.map((k) => details.get(k)!.paper.id), ['2506.00009', '2506.00010']);
      const byKey = await b.store.upvotesByKey();
      assert.equal(byKey.get(browse.keys[0]), 4);
      assert.equal(details.get(browse.keys[0])!.upvotes, 4);
    });

    test('a paper upvoted before it is on a daily list shows its votes, and brings them to the list', async () => {
      await b.store.upsertRecords([record(paper('2506.00011'))]);
      await b.votes.setVote(users[0], '2506.00011', true, NOW);
      assert.equal(await shown('2506.00011'), 1, 'never listed: the local votes alone');
      const keys = (await b.store.browsePapers({ categories: [], organizations: [] }, 'newest', 10, 0)).keys;
      assert.equal([...(await b.store.getPaperDetailsByKeys(keys)).values()][0].upvotes, 1);
      await b.store.upsertRecords([record(paper('2506.00011'), day('2025-06-02', 7))]);
      assert.equal(await shown('2506.00011'), 8);
    });

    test('a local paper that takes its arXiv id keeps its votes', async () => {
      await b.store.upsertRecords([record(paper('local-abc', { title: 'A Paper Known By Title' }, 'seed'), day('2025-06-02', 2))]);
      await b.votes.setVote(users[0], 'local-abc', true, NOW);
      await b.store.upsertRecords([record(paper('2506.00012', { title: 'A Paper Known By Title' }))]);
      assert.equal(await b.store.getPaper('local-abc'), null);
      assert.equal(await shown('2506.00012'), 3);
      assert.deepEqual([...await b.votes.votedPapers(users[0], ['2506.00012'])], ['2506.00012']);
    });

    test("deleting a user takes their votes off every count; deleting a paper takes its votes", async () => {
      await b.store.upsertRecords([record(paper('2506.00013'), day('2025-06-02', 1)), record(paper('2506.00014'), day('2025-06-02', 1))]);
      await b.votes.setVote(users[0], '2506.00013', true, NOW);
      await b.votes.setVote(users[1], '2506.00013', true, NOW);
      await b.votes.setVote(users[0], '2506.00014', true, NOW);
      await b.accounts.deleteUser(users[0]);
      assert.equal(await shown('2506.00013'), 2);
      assert.equal(await shown('2506.00014'), 1);
      await b.store.deletePapers(['2506.00013']);
      assert.equal(await b.votes.localVotes('2506.00013'), 0);
      assert.deepEqual(await b.votes.userVotes(users[1], 10, 0), { paperIds: [], total: 0 });
    });
  });
}
