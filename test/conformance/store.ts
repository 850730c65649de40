/**
 * The Store conformance suite: what every backend's Store must do, asserted
 * through the Store interface only — merging and versions, local papers
 * becoming arXiv papers, all-or-nothing batches, daily lists, batched
 * loading by key, browsing with filters, upvotes, organizations, job state.
 * `describeStore(name, open)` runs it on one backend (test/store/ runs it on
 * SQLite; a new backend adds one line).
 */
import { describe, test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../src/store/store.js';
import { paper, record } from '../helpers/papers.js';

export interface OpenedStore {
  store: Store;
  /** Closes the store and opens the same database again (durability). */
  reopen(): Promise<Store>;
  close(): Promise<void>;
}

export function describeStore(name: string, open: () => Promise<OpenedStore>): void {
  describe(`Store conformance: ${name}`, () => {
    let opened: OpenedStore;
    let store: Store;
    beforeEach(async () => {
      opened = await open();
      store = opened.store;
    });
    afterEach(async () => {
      await opened.close();
    });

    test('re-importing the same record is unchanged; a newer version replaces versioned fields', async () => {
      const s = store;
      const v1 = paper('2401.00001', { version: 1, title: 'Old title', abstract: 'old words', categories: ['cs.LG'] });
      assert.deepEqual(await s.upsertRecords([record(v1)]), ['added']);
      assert.deepEqual(await s.upsertRecords([record(v1)]), ['unchanged']);
      const v2 = paper('2401.00001', { version: 2, title: 'New title', abstract: 'new words', categories: ['cs.CL'] });
      assert.deepEqual(await s.upsertRecords([record(v2)]), ['updated']);
      const got = (await s.getPaper('2401.00001'))!.paper;
      assert.equal(got.title, 'New title');
      assert.deepEqual(got.categories, ['cs.CL']);
      // An older version arriving later does not roll the paper back.
      assert.deepEqual(await s.upsertRecords([record(v1)]), ['unchanged']);
      assert.equal((await s.getPaper('2401.00001'))!.paper.title, 'New title');
    });


    test('a merged record keeps the richer fields of each source', async () => {
      const s = store;
      const fromHf = paper('2402.00002', { title: 'T', authors: [{ name: 'A B', affiliations: [] }], authorCount: 1, githubRepo: 'https://github.com/x/y' }, 'hf-daily');
      const fromArxiv = paper('2402.00002', { title: 'T', version: 1, doi: '10.1/x', authors: [{ name: 'A B', affiliations: ['MIT'] }], authorCount: 1 }, 'arxiv-atom');
      await s.upsertRecords([record(fromHf)]);
      await s.upsertRecords([record(fromArxiv)]);
      const got = (await s.getPaper('2402.00002'))!.paper;
      assert.equal(got.doi, '10.1/x');
      assert.equal(got.githubRepo, 'https://github.com/x/y');
      assert.deepEqual(got.authors[0].affiliations, ['MIT']);
      assert.deepEqual(got.sources.sort(), ['arxiv-atom', 'hf-daily']);
    });


    test('a local paper becomes the arXiv paper of the same title, daily entries follow', async () => {
      const s = store;
      const local = paper('local-abc', { title: 'Grokking: A Study', authorCount: 5 }, 'seed');
      await s.upsertRecords([record(local, { day: '2026-03-08', submittedAt: null, submittedBy: null, upvotes: 7, numComments: 0 })]);
      const arx = paper('2603.01234', { title: 'Grokking - a study', version: 1, authors: [{ name: 'X', affiliations: [] }], authorCount: 1 });
      assert.deepEqual(await s.upsertRecords([record(arx)]), ['updated']);
      assert.equal(await s.getPaper('local-abc'), null);
      const got = (await s.getPaper('2603.01234'))!;
      assert.equal(got.daily[0].upvotes, 7);
      assert.equal(await s.countPapers(), 1);
    });


    test('a failing batch writes nothing', async () => {
      const s = store;
      const good = paper('2403.00003');
      const bad = paper('2403.00004');
      (bad as unknown as { title: null }).title = null; // violates NOT NULL
      await assert.rejects(s.upsertRecords([record(good), record(bad)]));
      assert.equal(await s.countPapers(), 0);
    });


    test('daily lists: ordering by upvotes, latest and adjacent days, submitter filter', async () => {
      const s = store;
      const entry = (day: string, upvotes: number, user: string | null = null) =>
        ({ day, submittedAt: `${day}T08:00:00.000Z`, submittedBy: user ? { user, fullname: null, avatarUrl: null } : null, upvotes, numComments: 0 });
      await s.upsertRecords([
        record(paper('2404.00001'), entry('2024-04-01', 3, 'ak')),
        record(paper('2404.00002'), entry('2024-04-01', 9)),
        record(paper('2404.00003'), entry('2024-04-03', 1, 'ak')),
      ]);
      assert.equal(await s.latestDay(), '2024-04-03');
      assert.equal(await s.adjacentDay('2024-04-03', -1), '2024-04-01');
      assert.equal(await s.adjacentDay('2024-04-03', 1), null);
      const day = await s.listDaily({ from: '2024-04-01', to: '2024-04-01', sort: 'upvotes', limit: 10, offset: 0 });
      assert.deepEqual(day.items.map((i) => i.paper.id), ['2404.00002', '2404.00001']);
      assert.equal(day.total, 2);
      const byAk = await s.listDaily({ from: '2024-04-01', to: '2024-04-30', sort: 'publishedAt', limit: 10, offset: 0, submitter: 'ak' });
      assert.deepEqual(byAk.items.map((i) => i.paper.id), ['2404.00003', '2404.00001']);
      const st = await s.stats();
      assert.equal(st.papers, 3);
      assert.deepEqual(st.byDay, [{ day: '2024-04-03', count: 1 }, { day: '2024-04-01', count: 2 }]);
    });

    test('papers load by key in one call, with their daily entries (newest first) and organization', async () => {
      const s = store;
      await s.upsertRecords([
        record(paper('2410.00001', { organization: 'Acme' }), { day: '2024-10-02', submittedAt: null, submittedBy: null, upvotes: 4, numComments: 1 },
          { name: 'Acme', fullname: 'Acme Research', avatarUrl: null }),
        record(paper('2410.00002')),
      ]);
      await s.upsertRecords([record(paper('2410.00001', { organization: 'Acme' }), { day: '2024-10-05', submittedAt: null, submittedBy: null, upvotes: 9, numComments: 0 })]);
      const all = await s.browsePapers({ categories: [], organizations: [] }, 'newest', 10, 0);
      assert.equal(all.total, 2);
      const details = await s.getPaperDetailsByKeys([...all.keys, 987654321]);
      assert.equal(details.size, 2, 'a key without a paper is absent');
      const acme = [...details.values()].find((d) => d.paper.id === '2410.00001')!;
      assert.deepEqual(acme.daily.map((d) => [d.day, d.upvotes]), [['2024-10-05', 9], ['2024-10-02', 4]]);
      assert.equal(acme.org?.fullname, 'Acme Research');
      const upvotes = await s.upvotesByKey();
      const acmeKey = all.keys.find((k) => details.get(k)!.paper.id === '2410.00001')!;
      assert.equal(upvotes.get(acmeKey), 9, 'the highest upvote count of the paper\'s daily entries');
      assert.equal(upvotes.size, 1, 'papers never listed are absent');
      assert.deepEqual(await s.getPaperDetailsByKeys([]), new Map());
    });

    test('browsing without words: filters by dates, category and organization; newest or most upvoted first', async () => {
      const s = store;
      const day = (d: string, upvotes: number) => ({ day: d, submittedAt: null, submittedBy: null, upvotes, numComments: 0 });
      await s.upsertRecords([
        record(paper('2411.00001', { publishedAt: '2024-11-01T10:00:00Z', categories: ['cs.CL'], organization: 'Acme' }), day('2024-11-02', 5)),
        record(paper('2411.00002', { publishedAt: '2024-11-03T10:00:00Z', categories: ['cs.CL', 'cs.LG'] }), day('2024-11-04', 50)),
        record(paper('2411.00003', { publishedAt: '2024-11-05T23:59:59Z', categories: ['cs.CV'], organization: 'Acme' })),
      ]);
      const ids = async (f: Parameters<Store['browsePapers']>[0], sort: 'newest' | 'upvotes' = 'newest') => {
        const r = await s.browsePapers(f, sort, 10, 0);
        const d = await s.getPaperDetailsByKeys(r.keys);
        return { ids: r.keys.map((k) => d.get(k)!.paper.id), total: r.total };
      };
      assert.deepEqual(await ids({ categories: ['cs.CL'], organizations: [] }), { ids: ['2411.00002', '2411.00001'], total: 2 });
      assert.deepEqual(await ids({ categories: [], organizations: ['Acme'] }), { ids: ['2411.00003', '2411.00001'], total: 2 });
      assert.deepEqual(await ids({ from: '2024-11-03', to: '2024-11-05', categories: [], organizations: [] }), { ids: ['2411.00003', '2411.00002'], total: 2 });
      assert.deepEqual(await ids({ categories: [], organizations: [] }, 'upvotes'), { ids: ['2411.00002', '2411.00001', '2411.00003'], total: 3 });
      const page = await s.browsePapers({ categories: [], organizations: [] }, 'newest', 1, 1);
      assert.equal(page.keys.length, 1);
      assert.equal(page.total, 3);
    });

    test('organizations are found by name in any case', async () => {
      await store.upsertRecords([record(paper('2412.00001'), null, { name: 'ByteDance', fullname: 'ByteDance Seed', avatarUrl: null })]);
      assert.equal((await store.getOrganization('ByteDance'))?.fullname, 'ByteDance Seed');
      assert.equal((await store.getOrganization('bytedance'))?.name, 'ByteDance');
      assert.equal(await store.getOrganization('nobody'), null);
    });

    test('job state: a claim is taken once; a replacement happens only over the expected value', async () => {
      assert.equal(await store.claimState('run:a', 'one'), true);
      assert.equal(await store.claimState('run:a', 'two'), false, 'claimed already');
      assert.equal(await store.replaceState('run:a', 'two', 'three'), false, 'not over another value');
      assert.equal(await store.getState('run:a'), 'one');
      assert.equal(await store.replaceState('run:a', 'one', 'four'), true);
      assert.equal(await store.getState('run:a'), 'four');
      assert.equal(await store.replaceState('run:a', 'one', 'five'), false, 'the old value is gone: a second taker loses');
      assert.equal(await store.replaceState('run:none', 'x', 'y'), false, 'nothing to replace');
      assert.equal(await store.getState('run:none'), null);
    });

    test('job state survives reopening the database', async () => {
      await store.setState('harvest:cs.LG', 'token-1');
      store = await opened.reopen();
      assert.equal(await store.getState('harvest:cs.LG'), 'token-1');
      assert.equal(await store.getState('missing'), null);
    });
  });
}
