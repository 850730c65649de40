/**
 * The ChangeFeed conformance suite: every paper insert, text change and
 * delete appears after the cursor a consumer saved, in commit order, one
 * entry per key with the paper's current state; unrelated writes (daily-list
 * upvotes) do not; scan() lists every paper in publication order; cursors
 * are durable per consumer. `describeChangeFeed(name, open)` runs it on one
 * backend.
 */
import { describe, test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import type { Backend } from '../../src/store/backend.js';
import type { PaperText } from '../../src/store/change-feed.js';
import { paper, record } from '../helpers/papers.js';

export interface OpenedFeed {
  backend: Backend;
  /** Deletes a paper the way an operator would (the Store has no delete yet). */
  deletePaper(id: string): Promise<void>;
  /** Closes the backend and opens the same database again. */
  reopen(): Promise<Backend>;
  close(): Promise<void>;
}

async function readAll(b: Backend, cursor: number, limit = 1000): Promise<{ changes: { key: number; title: string | null }[]; next: number }> {
  const r = await b.changes.read(cursor, limit);
  return { changes: r.changes.map((c) => ({ key: c.key, title: c.paper?.title ?? null })), next: r.next };
}

export function describeChangeFeed(name: string, open: () => Promise<OpenedFeed>): void {
  describe(`ChangeFeed conformance: ${name}`, () => {
    let opened: OpenedFeed;
    let b: Backend;
    beforeEach(async () => {
      opened = await open();
      b = opened.backend;
    });
    afterEach(async () => {
      await opened.close();
    });

    test('inserts, text changes and deletes arrive after the cursor, once per key, with the current state', async () => {
      assert.equal(await b.changes.head(), 0);
      assert.deepEqual(await readAll(b, 0), { changes: [], next: 0 });
      await b.store.upsertRecords([record(paper('2501.00001', { title: 'First' })), record(paper('2501.00002', { title: 'Second' }))]);
      const first = await readAll(b, 0);
      assert.deepEqual(first.changes.map((c) => c.title), ['First', 'Second']);
      assert.equal(first.next, await b.changes.head());
      const [k1, k2] = first.changes.map((c) => c.key);
      // A new version changes the text; re-importing the same record is no change at all.
      await b.store.upsertRecords([record(paper('2501.00001', { title: 'First, revised', version: 2 }))]);
      await b.store.upsertRecords([record(paper('2501.00002', { title: 'Second' }))]);
      const second = await readAll(b, first.next);
      assert.deepEqual(second.changes, [{ key: k1, title: 'First, revised' }]);
      // Upvotes on the daily list are not paper text: no change.
      await b.store.upsertRecords([record(paper('2501.00002', { title: 'Second' }), { day: '2025-01-02', submittedAt: null, submittedBy: null, upvotes: 3, numComments: 0 })]);
      assert.deepEqual((await readAll(b, second.next)).changes, []);
      await opened.deletePaper('2501.00002');
      const third = await readAll(b, second.next);
      assert.deepEqual(third.changes, [{ key: k2, title: null }], 'a delete carries no paper');
      // From the start: one entry per key, in the order of its latest change.
      assert.deepEqual((await readAll(b, 0)).changes, [{ key: k1, title: 'First, revised' }, { key: k2, title: null }]);
    });

    test('a limited read resumes exactly where it stopped', async () => {
      await b.store.upsertRecords(Array.from({ length: 25 }, (_, i) => record(paper(`2502.${String(10000 + i)}`, { title: `Paper ${i}` }))));
      const seen: string[] = [];
      let cursor = 0;
      for (let i = 0; i < 10; i++) {
        const r = await readAll(b, cursor, 7);
        if (r.next === cursor) break;
        seen.push(...r.changes.map((c) => c.title!));
        cursor = r.next;
      }
      assert.deepEqual(seen, Array.from({ length: 25 }, (_, i) => `Paper ${i}`));
      assert.equal(cursor, await b.changes.head());
    });

    test('scan lists every paper in publication order, undated last, with the text an index needs', async () => {
      await b.store.upsertRecords([
        record(paper('2503.00003', { title: 'C', publishedAt: '2025-03-03T00:00:00Z', authors: [{ name: 'Ann Lee', affiliations: [] }, { name: 'Bo Li', affiliations: [] }], categories: ['cs.CL'] })),
        record(paper('2503.00001', { title: 'A', publishedAt: '2025-03-01T00:00:00Z' })),
        record(paper('2503.00009', { title: 'Undated', publishedAt: null })),
        record(paper('2503.00002', { title: 'B', publishedAt: '2025-03-02T00:00:00Z', organization: 'Acme' })),
      ]);
      const pages: PaperText[][] = [];
      for await (const page of b.changes.scan(2)) pages.push(page);
      const all = pages.flat();
      assert.deepEqual(all.map((p) => p.title), ['A', 'B', 'C', 'Undated']);
      assert.ok(pages.every((p) => p.length <= 2), 'pages of the asked size');
      const c = all[2];
      assert.equal(c.authors, 'Ann Lee, Bo Li');
      assert.deepEqual(c.categories, ['cs.CL']);
      assert.equal(all[1].organization, 'Acme');
      assert.equal(await b.changes.size(), 4);
    });

    test('a paper hidden by an admin reads as deleted, is left out of scan and size, and comes back when shown', async () => {
      const now = new Date('2025-01-05T00:00:00.000Z');
      await b.store.upsertRecords([record(paper('2501.00001', { title: 'Kept', publishedAt: '2025-01-01T00:00:00.000Z' })),
        record(paper('2501.00002', { title: 'Hidden', publishedAt: '2025-01-02T00:00:00.000Z' }))]);
      const admin = await b.accounts.createUser({ username: 'admin', email: 'admin@example.org', passwordHash: 'h', role: 'admin', now });
      const start = await b.changes.head();
      const key = (await readAll(b, 0)).changes.find((c) => c.title === 'Hidden')!.key;
      assert.equal(await b.curation.hidePaper('2501.00002', admin.id, 'spam', now), true);
      const hidden = await readAll(b, start);
      assert.deepEqual(hidden.changes, [{ key, title: null }], 'hiding is a change that carries no paper');
      assert.equal(await b.changes.size(), 1);
      const scanned: string[] = [];
      for await (const page of b.changes.scan()) scanned.push(...page.map((p) => p.title));
      assert.deepEqual(scanned, ['Kept']);
      // A text change of a hidden paper still reads as gone.
      await b.store.upsertRecords([record(paper('2501.00002', { title: 'Hidden, revised', version: 2, publishedAt: '2025-01-02T00:00:00.000Z' }))]);
      const revised = await readAll(b, hidden.next);
      assert.deepEqual(revised.changes, [{ key, title: null }]);
      assert.equal(await b.curation.unhidePaper('2501.00002'), true);
      assert.deepEqual((await readAll(b, revised.next)).changes, [{ key, title: 'Hidden, revised' }], 'shown again, with its text');
      assert.equal(await b.changes.size(), 2);
    });

    test('cursors are kept per consumer and survive reopening', async () => {
      assert.equal(await b.changes.cursor('lexical'), 0);
      await b.changes.saveCursor('lexical', 42);
      await b.changes.saveCursor('vectors', 7);
      b = await opened.reopen();
      assert.equal(await b.changes.cursor('lexical'), 42);
      assert.equal(await b.changes.cursor('vectors'), 7);
    });
  });
}
