/**
 * The CurationStore conformance suite, with what the Store's reads must do
 * about it: a hidden paper is absent from getPaper, getPapers, batched
 * reads, daily lists, browse and the upvote map, keeps its votes and comes
 * back as it was; a moved entry keeps its counts and submitter on its new
 * day and leaves nothing shown on the old one, even after the old day is
 * imported again; a removed entry leaves the lists (and latestDay), survives
 * a re-import as removed, and can be put back; a hidden paper cannot be
 * submitted, a removed one can.
 * `describeCurationStore(name, open)` runs it on one backend.
 */
import { describe, test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import type { Backend } from '../../src/store/backend.js';
import type { PaperRecord } from '../../src/domain/paper.js';
import { paper, record } from '../helpers/papers.js';

export interface OpenedCurationBackend {
  backend: Backend;
  close(): Promise<void>;
}

const NOW = new Date('2025-06-04T12:00:00.000Z');
const later = (m: number) => new Date(NOW.getTime() + m * 60_000);
const ALL = { from: '2025-01-01', to: '2025-12-31', sort: 'upvotes' as const, limit: 50, offset: 0 };

function listed(id: string, day: string, upvotes: number, by: string | null = null): PaperRecord {
  return record(paper(id, { publishedAt: `${day}T00:00:00Z`, organization: 'lab' }), {
    day, submittedAt: `${day}T08:00:00.000Z`, submittedBy: by ? { user: by, fullname: null, avatarUrl: null } : null, upvotes, numComments: 1,
  }, { name: 'lab', fullname: 'The Lab', avatarUrl: null });
}

export function describeCurationStore(name: string, open: () => Promise<OpenedCurationBackend>): void {
  describe(`CurationStore conformance: ${name}`, () => {
    let opened: OpenedCurationBackend;
    let b: Backend;
    let admin: number, ada: number;
    beforeEach(async () => {
      opened = await open();
      b = opened.backend;
      admin = (await b.accounts.createUser({ username: 'root', email: 'root@example.org', passwordHash: 'h', role: 'admin', now: NOW })).id;
      ada = (await b.accounts.createUser({ username: 'ada', email: 'ada@example.org', passwordHash: 'h', now: NOW })).id;
      await b.store.upsertRecords([
        listed('2506.60001', '2025-06-02', 10, 'sub1'),
        listed('2506.60002', '2025-06-02', 5),
        listed('2506.60003', '2025-06-03', 7),
      ]);
    });
    afterEach(async () => {
      await opened.close();
    });

    const ids = async (q = ALL) => (await b.store.listDaily(q)).items.map((it) => it.paper.id);

    test('a hidden paper vanishes from every read of papers and lists, and comes back with its votes', async () => {
      await b.votes.setVote(ada, '2506.60001', true, NOW);
      assert.equal(await b.curation.hidePaper('2506.60001', admin, 'spam', NOW), true);
      assert.equal(await b.curation.hidePaper('2506.60001', admin, 'again', NOW), false, 'hidden already');
      assert.equal(await b.curation.hidePaper('2506.99999', admin, 'x', NOW), false, 'no such paper');
      assert.equal(await b.store.getPaper('2506.60001'), null);
      assert.deepEqual((await b.store.getPapers(['2506.60001', '2506.60002'])).map((p) => p.id), ['2506.60002']);
      assert.deepEqual(await ids(), ['2506.60003', '2506.60002']);
      assert.equal((await b.store.listDaily({ ...ALL, organization: 'lab' })).total, 2);
      const browse = await b.store.browsePapers({ categories: [], organizations: [] }, 'newest', 10, 0);
      assert.equal(browse.total, 2);
      const details = await b.store.getPaperDetailsByKeys(browse.keys);
      assert.deepEqual([...details.values()].map((d) => d.paper.id).sort(), ['2506.60002', '2506.60003']);
      const allKeys = [...(await b.store.upvotesByKey()).keys()];
      assert.equal(allKeys.length, 2, 'the upvote map leaves the hidden paper out');
      const hiddenKeys = (await b.store.getPaperDetailsByKeys([1, 2, 3, 4])).size;
      assert.equal(hiddenKeys, 2, 'batched reads by key skip the hidden paper');

      const h = await b.curation.hiddenPaper('2506.60001');
      assert.deepEqual([h?.paperId, h?.by, h?.reason, h?.title], ['2506.60001', 'root', 'spam', 'Paper 2506.60001']);
      assert.equal(await b.curation.hiddenPaper('2506.60002'), null);
      const page = await b.curation.hiddenPapers(10, 0);
      assert.equal(page.total, 1);
      assert.equal(page.items[0].hiddenAt, NOW.toISOString());

      assert.equal(await b.curation.unhidePaper('2506.60001'), true);
      assert.equal(await b.curation.unhidePaper('2506.60001'), false);
      const back = await b.store.getPaper('2506.60001');
      assert.equal(back?.upvotes, 11, 'its imported count plus the local vote, as before');
      assert.deepEqual(await ids(), ['2506.60001', '2506.60003', '2506.60002']);
    });

    test('a paper hidden under its local id stays hidden when it takes its arXiv id; deleting it deletes the hide', async () => {
      await b.store.upsertRecords([record(paper('local-x1', { title: 'A Local Paper' }, 'seed'), { day: '2025-06-03', submittedAt: null, submittedBy: null, upvotes: 0, numComments: 0 })]);
      await b.curation.hidePaper('local-x1', admin, 'dup', NOW);
      await b.store.upsertRecords([record(paper('2506.60009', { title: 'A Local Paper' }))]);
      assert.equal(await b.store.getPaper('2506.60009'), null);
      assert.equal((await b.curation.hiddenPaper('2506.60009'))?.reason, 'dup');
      await b.store.deletePapers(['2506.60009']);
      assert.equal((await b.curation.hiddenPapers(10, 0)).total, 0);
    });

    test('moving an entry takes its counts and submitter to the new day; the old day stays empty after a re-import', async () => {
      await b.votes.setVote(ada, '2506.60001', true, NOW);
      assert.equal(await b.curation.moveEntry('2506.60001', '2025-06-02', '2025-06-03', admin, NOW), 'moved');
      const day2 = await b.store.listDaily({ ...ALL, from: '2025-06-02', to: '2025-06-02' });
      assert.deepEqual(day2.items.map((it) => it.paper.id), ['2506.60002']);
      const day3 = await b.store.listDaily({ ...ALL, from: '2025-06-03', to: '2025-06-03' });
      assert.deepEqual(day3.items.map((it) => it.paper.id), ['2506.60001', '2506.60003']);
      const moved = day3.items[0].entry;
      assert.equal(moved.upvotes, 11);
      assert.equal(moved.submittedBy?.user, 'sub1');
      assert.deepEqual((await b.store.getPaper('2506.60001'))?.daily.map((e) => e.day), ['2025-06-03']);

      // Day 2 imported again (the source still lists the paper there): it stays off day 2.
      await b.store.upsertRecords([listed('2506.60001', '2025-06-02', 12, 'sub1')]);
      assert.deepEqual((await b.store.listDaily({ ...ALL, from: '2025-06-02', to: '2025-06-02' })).items.map((it) => it.paper.id), ['2506.60002']);
      const removed = await b.curation.removedEntries(10, 0);
      assert.deepEqual(removed.items.map((e) => [e.paperId, e.day, e.movedTo]), [['2506.60001', '2025-06-02', '2025-06-03']]);

      assert.equal(await b.curation.moveEntry('2506.60001', '2025-06-02', '2025-06-04', admin, NOW), 'no_entry', 'nothing shown on the old day');
      assert.equal(await b.curation.moveEntry('2506.60003', '2025-06-03', '2025-06-03', admin, NOW), 'taken', 'the same day');
      await b.store.upsertRecords([listed('2506.60003', '2025-06-04', 1)]);
      assert.equal(await b.curation.moveEntry('2506.60003', '2025-06-03', '2025-06-04', admin, NOW), 'taken', 'on the target day already');
      // Moving back onto the day it left replaces the removed copy there.
      assert.equal(await b.curation.moveEntry('2506.60001', '2025-06-03', '2025-06-02', admin, later(1)), 'moved');
      assert.deepEqual((await b.store.getPaper('2506.60001'))?.daily.map((e) => e.day), ['2025-06-02']);
      assert.equal((await b.store.getPaper('2506.60001'))?.upvotes, 11, 'the entry that moved back kept its counts');
    });

    test('a removed entry leaves the lists and the latest day, survives a re-import, and can be put back', async () => {
      assert.equal(await b.curation.removeEntry('2506.60003', '2025-06-03', admin, NOW), true);
      assert.equal(await b.curation.removeEntry('2506.60003', '2025-06-03', admin, NOW), false, 'removed already');
      assert.equal(await b.curation.removeEntry('2506.60002', '2025-06-09', admin, NOW), false, 'no entry that day');
      assert.deepEqual(await ids(), ['2506.60001', '2506.60002']);
      assert.equal(await b.store.latestDay(), '2025-06-02');
      assert.equal(await b.store.adjacentDay('2025-06-01', 1), '2025-06-02');
      assert.equal(await b.store.adjacentDay('2025-06-02', 1), null);
      const detail = await b.store.getPaper('2506.60003');
      assert.ok(detail, 'the paper itself stays');
      assert.deepEqual(detail.daily, []);
      await b.store.upsertRecords([listed('2506.60003', '2025-06-03', 9)]);
      assert.deepEqual(await ids(), ['2506.60001', '2506.60002'], 'a re-import of the day does not bring it back');
      assert.deepEqual((await b.curation.removedEntries(10, 0)).items.map((e) => [e.paperId, e.day, e.movedTo]), [['2506.60003', '2025-06-03', null]]);
      assert.equal(await b.curation.restoreEntry('2506.60003', '2025-06-03'), true);
      assert.equal(await b.curation.restoreEntry('2506.60003', '2025-06-03'), false);
      assert.equal((await b.store.getPaper('2506.60003'))?.daily[0].upvotes, 9, 'back with the re-imported count');
      assert.equal(await b.store.latestDay(), '2025-06-03');
    });

    test('submitting: a hidden paper is refused, a paper whose entry was removed may be submitted again', async () => {
      const opts = (day: string) => ({ day, submittedAt: `${day}T09:00:00.000Z`, submitter: { user: 'ada', fullname: null, avatarUrl: null }, dailyCap: 5 });
      await b.curation.hidePaper('2506.60002', admin, 'spam', NOW);
      assert.deepEqual(await b.submissions.submit(paper('2506.60002'), opts('2025-06-04')), { kind: 'hidden' });
      await b.curation.removeEntry('2506.60003', '2025-06-03', admin, NOW);
      assert.deepEqual(await b.submissions.submit(paper('2506.60003'), opts('2025-06-04')), { kind: 'added' });
      assert.deepEqual(await b.submissions.submit(paper('2506.60001'), opts('2025-06-04')), { kind: 'duplicate', day: '2025-06-02' });
    });
  });
}
