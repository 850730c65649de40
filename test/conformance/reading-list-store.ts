/**
 * The ReadingListStore conformance suite: lists belong to their owner (no
 * other user's call changes them), slugs unique per owner, papers in a list
 * once and newest first, a size cap, public/private listing, papers that
 * take their arXiv id stay listed, and deletions cascade.
 * `describeReadingListStore(name, open)` runs it on one backend.
 */
import { describe, test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import type { Backend } from '../../src/store/backend.js';
import { paper, record } from '../helpers/papers.js';

export interface OpenedListBackend {
  backend: Backend;
  close(): Promise<void>;
}

const NOW = new Date('2025-06-02T12:00:00.000Z');
const later = (m: number) => new Date(NOW.getTime() + m * 60_000);

export function describeReadingListStore(name: string, open: () => Promise<OpenedListBackend>): void {
  describe(`ReadingListStore conformance: ${name}`, () => {
    let opened: OpenedListBackend;
    let b: Backend;
    let ada: number, bob: number;
    beforeEach(async () => {
      opened = await open();
      b = opened.backend;
      ada = (await b.accounts.createUser({ username: 'ada', email: 'ada@example.org', passwordHash: 'h', now: NOW })).id;
      bob = (await b.accounts.createUser({ username: 'bob', email: 'bob@example.org', passwordHash: 'h', now: NOW })).id;
      await b.store.upsertRecords([record(paper('2506.50001')), record(paper('2506.50002')), record(paper('2506.50003'))]);
    });
    afterEach(async () => {
      await opened.close();
    });

    test('a list is created with a slug unique for its owner; names are kept as written', async () => {
      const l1 = await b.readingLists.createList({ ownerId: ada, name: 'To <read>', slug: 'to-read', public: false, now: NOW });
      const l2 = await b.readingLists.createList({ ownerId: ada, name: 'To read!', slug: 'to-read', public: true, now: NOW });
      const l3 = await b.readingLists.createList({ ownerId: bob, name: 'To read', slug: 'to-read', public: true, now: NOW });
      assert.deepEqual([l1.slug, l2.slug, l3.slug], ['to-read', 'to-read-2', 'to-read']);
      assert.equal(l1.name, 'To <read>');
      assert.equal(l1.owner, 'ada');
      assert.equal((await b.readingLists.getList(ada, 'to-read-2'))?.id, l2.id);
      assert.equal(await b.readingLists.getList(bob, 'to-read-2'), null);
      assert.deepEqual((await b.readingLists.listsOf(ada, false)).map((l) => l.slug), ['to-read-2'], 'public only');
      assert.deepEqual((await b.readingLists.listsOf(ada, true)).map((l) => l.slug).sort(), ['to-read', 'to-read-2']);
    });

    test('papers are in a list once, newest first; removing and the cap work; unknown papers are refused', async () => {
      const l = await b.readingLists.createList({ ownerId: ada, name: 'L', slug: 'l', public: false, now: NOW });
      assert.equal(await b.readingLists.addPaper(ada, l.id, '2506.50001', NOW, 2), 'added');
      assert.equal(await b.readingLists.addPaper(ada, l.id, '2506.50001', later(1), 2), 'present');
      assert.equal(await b.readingLists.addPaper(ada, l.id, '2506.50002', later(2), 2), 'added');
      assert.equal(await b.readingLists.addPaper(ada, l.id, '2506.50003', later(3), 2), 'full');
      assert.equal(await b.readingLists.addPaper(ada, l.id, '2506.50002', later(3), 2), 'present', 'a paper already in a full list is present, not refused');
      assert.equal(await b.readingLists.addPaper(ada, l.id, '9999.99999', later(3), 5), 'no_paper');
      assert.deepEqual(await b.readingLists.items(l.id, 10, 0), { paperIds: ['2506.50002', '2506.50001'], total: 2 });
      assert.equal((await b.readingLists.getList(ada, 'l'))?.size, 2);
      assert.deepEqual(await b.readingLists.listsWithPaper(ada, '2506.50001'), [l.id]);
      assert.equal(await b.readingLists.removePaper(ada, l.id, '2506.50001', later(4)), true);
      assert.equal(await b.readingLists.removePaper(ada, l.id, '2506.50001', later(4)), false);
      assert.deepEqual(await b.readingLists.items(l.id, 10, 0), { paperIds: ['2506.50002'], total: 1 });
    });

    test("nobody but the owner changes a list", async () => {
      const l = await b.readingLists.createList({ ownerId: ada, name: 'Mine', slug: 'mine', public: true, now: NOW });
      await b.readingLists.addPaper(ada, l.id, '2506.50001', NOW, 10);
      assert.equal(await b.readingLists.addPaper(bob, l.id, '2506.50002', NOW, 10), 'no_list');
      assert.equal(await b.readingLists.removePaper(bob, l.id, '2506.50001', NOW), false);
      assert.equal(await b.readingLists.updateList(bob, l.id, { name: 'Stolen', public: false }, NOW), null);
      assert.equal(await b.readingLists.deleteList(bob, l.id), false);
      const after = await b.readingLists.getList(ada, 'mine');
      assert.equal(after?.name, 'Mine');
      assert.equal(after?.size, 1);
      const renamed = await b.readingLists.updateList(ada, l.id, { name: 'Ours', public: false }, later(1));
      assert.deepEqual([renamed?.name, renamed?.public, renamed?.slug], ['Ours', false, 'mine'], 'the slug (the URL) stays');
      assert.equal(await b.readingLists.deleteList(ada, l.id), true);
      assert.equal(await b.readingLists.getList(ada, 'mine'), null);
    });

    test('a local paper that takes its arXiv id stays listed; deleting a paper or the owner cascades', async () => {
      await b.store.upsertRecords([record(paper('local-xyz', { title: 'Known By Title Only' }, 'seed'))]);
      const l = await b.readingLists.createList({ ownerId: ada, name: 'L', slug: 'l', public: true, now: NOW });
      await b.readingLists.addPaper(ada, l.id, 'local-xyz', NOW, 10);
      await b.readingLists.addPaper(ada, l.id, '2506.50003', later(1), 10);
      await b.store.upsertRecords([record(paper('2506.59999', { title: 'Known By Title Only' }))]);
      assert.deepEqual((await b.readingLists.items(l.id, 10, 0)).paperIds.sort(), ['2506.50003', '2506.59999']);
      await b.store.deletePapers(['2506.50003']);
      assert.deepEqual((await b.readingLists.items(l.id, 10, 0)).paperIds, ['2506.59999']);
      await b.accounts.deleteUser(ada);
      assert.equal(await b.readingLists.getList(ada, 'l'), null);
    });

    test('names are kept as written, NUL and all (PostgreSQL\'s text refuses U+0000: stored escaped)', async () => {
      const odd = 'To\u0000read \uE000\uE0000 <i>';
      const l = await b.readingLists.createList({ ownerId: ada, name: odd, slug: 'to-read', public: true, now: NOW });
      assert.equal(l.name, odd);
      assert.equal((await b.readingLists.getList(ada, 'to-read'))?.name, odd);
      const renamed = await b.readingLists.updateList(ada, l.id, { name: `${odd}\u0000!` }, NOW);
      assert.equal(renamed?.name, `${odd}\u0000!`);
      assert.deepEqual((await b.readingLists.listsOf(ada, true)).map((x) => x.name), [`${odd}\u0000!`]);
    });
  });
}
