/**
 * What SQLite's single writer gives for free, PostgreSQL's role files must
 * lock for: writes racing on one paper, each through its own connection of
 * the pool, answer by the rule instead of failing on a unique index — two
 * approvals of one author name (one is 'taken'), one user's two claims of a
 * paper at once (one is a 'duplicate'), two moves of one daily entry (one
 * moves, the other finds no entry), and a move beside a re-import of the
 * entry's day (the entry ends on its new day only). On a real PostgreSQL server
 * (test/helpers/postgres-server.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openBackend } from '../../src/store/open-backend.js';
import type { Backend } from '../../src/store/backend.js';
import { paper, record } from '../helpers/papers.js';
import { freshDatabase, requirePostgres } from '../helpers/postgres-server.js';

const NOW = new Date('2025-06-04T12:00:00.000Z');
const ROUNDS = 8;

async function withBackend(fn: (b: Backend, users: number[]) => Promise<void>): Promise<void> {
  const b = await openBackend(await freshDatabase());
  try {
    const users: number[] = [];
    for (const name of ['root', 'ada', 'bob']) {
      users.push((await b.accounts.createUser({ username: name, email: `${name}@example.org`, passwordHash: 'h', role: name === 'root' ? 'admin' : 'user', now: NOW })).id);
    }
    await fn(b, users);
  } finally {
    await b.close();
  }
}

const listed = (id: string, day: string, upvotes: number) => record(paper(id, { authors: [{ name: 'Ada Lovelace', affiliations: [] }] }),
  { day, submittedAt: `${day}T08:00:00.000Z`, submittedBy: null, upvotes, numComments: 0 });

if (requirePostgres()) {
  test('PostgreSQL: racing claims and approvals of one author name answer by the rules, never an index error', async () => {
    await withBackend(async (b, [root, ada, bob]) => {
      for (let i = 0; i < ROUNDS; i++) {
        const id = `2506.7${String(i).padStart(4, '0')}`;
        await b.store.upsertRecords([listed(id, '2025-06-02', 1)]);
        // One user's two claims at once: one is made, the other sees it.
        const twice = await Promise.all([1, 2].map(() => b.authorship.claim({ paperId: id, userId: ada, authorName: 'Ada Lovelace', now: NOW })));
        assert.deepEqual(twice.map((r) => r.kind).sort(), ['claimed', 'duplicate']);
        const mine = twice.find((r) => r.kind === 'claimed')!;
        const rival = await b.authorship.claim({ paperId: id, userId: bob, authorName: 'Ada Lovelace', now: NOW });
        assert.equal(rival.kind, 'claimed');
        // Both approved at once: one wins, the other is told the name is taken.
        const ids = [mine, rival].map((r) => (r as { claim: { id: number } }).claim.id);
        const decided = await Promise.all(ids.map((cid) => b.authorship.decide(cid, { by: root, status: 'approved', note: '', now: NOW })));
        assert.deepEqual(decided.map((d) => (d === 'taken' ? 'taken' : d?.status)).sort(), ['approved', 'taken']);
        const approved = (await b.authorship.claimsOfPaper(id)).filter((c) => c.status === 'approved');
        assert.equal(approved.length, 1);
      }
    });
  });

  test('PostgreSQL: two moves of one entry at once move it once; a move beside a re-import of its day stays a move', async () => {
    await withBackend(async (b, [root]) => {
      for (let i = 0; i < ROUNDS; i++) {
        const id = `2506.8${String(i).padStart(4, '0')}`;
        await b.store.upsertRecords([listed(id, '2025-06-02', 5)]);
        const moves = await Promise.all(['2025-06-03', '2025-06-05'].map((to) => b.curation.moveEntry(id, '2025-06-02', to, root, NOW)));
        assert.deepEqual(moves.slice().sort(), ['moved', 'no_entry']);
        // A re-import of the entry's day racing its move away: whichever goes first, the entry ends on the new day only.
        const shown = (await b.store.getPaper(id))!.daily.map((e) => e.day);
        assert.equal(shown.length, 1);
        const [, moved] = await Promise.all([
          b.store.upsertRecords([listed(id, shown[0], 9)]),
          b.curation.moveEntry(id, shown[0], '2025-06-06', root, NOW),
        ]);
        assert.equal(moved, 'moved');
        assert.deepEqual((await b.store.getPaper(id))!.daily.map((e) => e.day), ['2025-06-06']);
        for (const day of ['2025-06-02', shown[0]]) {
          const list = await b.store.listDaily({ from: day, to: day, sort: 'upvotes', limit: 10, offset: 0 });
          assert.equal(list.items.filter((it) => it.paper.id === id).length, 0, `nothing shown on ${day}`);
        }
      }
    });
  });
}
