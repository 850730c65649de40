/**
 * The PostgreSQL change feed never loses a change when transactions commit
 * out of order: two writers on two connections, the one that wrote its
 * change later committing first, and a consumer reading between the two
 * commits (postgres-change-feed.ts explains the design); then many writers
 * committing in random order while a consumer follows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type pg from 'pg';
import { PostgresBackend } from '../../src/store/postgres/postgres-backend.js';
import { titleHash } from '../../src/domain/paper.js';
import { freshDatabase, requirePostgres } from '../helpers/postgres-server.js';
import { rng } from '../helpers/prng.js';

/** Inserts a paper the way any writer would, inside the caller's open transaction. */
async function insertPaper(c: pg.PoolClient, id: string, title: string): Promise<void> {
  await c.query('INSERT INTO papers (id, title, title_hash) VALUES ($1, $2, $3)', [id, title, titleHash(title)]);
}

if (requirePostgres()) {
  test('a consumer reading between two out-of-order commits gets both changes, the earlier writer\'s after it commits', async () => {
    const b = await PostgresBackend.open(await freshDatabase());
    const a = await b.pool.connect();
    const later = await b.pool.connect();
    try {
      await a.query('BEGIN');
      await insertPaper(a, '2601.00001', 'Written first, committed last');
      await later.query('BEGIN');
      await insertPaper(later, '2601.00002', 'Written second, committed first');
      const ids = (await b.pool.query<{ id: number }>('SELECT id FROM paper_changes')).rows;
      assert.deepEqual(ids, [], 'neither write is visible yet');
      await later.query('COMMIT');

      const first = await b.changes.read(0, 100);
      assert.deepEqual(first.changes.map((c) => c.paper?.title), ['Written second, committed first']);
      assert.equal(await b.changes.head(), first.next);

      await a.query('COMMIT');
      // The write order: the first writer's change has the lower id. A cursor over ids (or over a
      // sequence taken at write time) saved after the first read would be past it for good.
      const log = (await b.pool.query<{ id: number; pk: number }>('SELECT id, pk FROM paper_changes ORDER BY id')).rows;
      const [earlierKey] = first.changes.map((c) => c.key);
      assert.equal(log.length, 2);
      assert.equal(log[1].pk, earlierKey, 'the committed-first change was written second');

      const second = await b.changes.read(first.next, 100);
      assert.deepEqual(second.changes.map((c) => c.paper?.title), ['Written first, committed last']);
      assert.ok(second.next > first.next);
      assert.deepEqual((await b.changes.read(second.next, 100)).changes, []);
      assert.equal(await b.changes.head(), second.next);
    } finally {
      a.release();
      later.release();
      await b.close();
    }
  });

  test('a rolled-back write leaves no change and no gap; positions stay 1..head', async () => {
    const b = await PostgresBackend.open(await freshDatabase());
    const c = await b.pool.connect();
    try {
      await c.query('BEGIN');
      await insertPaper(c, '2601.00009', 'Never committed');
      await c.query('ROLLBACK');
      await b.store.upsertRecords([]);
      const { rows } = await b.pool.query<{ id: number }>('SELECT id FROM paper_changes');
      assert.deepEqual(rows, []);
      await c.query('BEGIN');
      await insertPaper(c, '2601.00010', 'Committed');
      await c.query('COMMIT');
      const r = await b.changes.read(0, 10);
      assert.deepEqual(r.changes.map((x) => [x.seq, x.paper?.title]), [[1, 'Committed']]);
    } finally {
      c.release();
      await b.close();
    }
  });

  test('four writers committing in random order while a consumer follows: every change arrives exactly once', async () => {
    const url = await freshDatabase();
    const writer = await PostgresBackend.open(url);
    const reader = await PostgresBackend.open(url);
    const rnd = rng(13);
    const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const PER_WRITER = 15;
    try {
      let writing = 4;
      const writers = Array.from({ length: 4 }, async (_, w) => {
        const c = await writer.pool.connect();
        try {
          for (let i = 0; i < PER_WRITER; i++) {
            await c.query('BEGIN');
            await insertPaper(c, `26${w}1.${String(i).padStart(5, '0')}`, `Writer ${w} paper ${i}`);
            // Hold the transaction open a random while, so commits land out of write order.
            await pause(Math.floor(rnd() * 15));
            await c.query('COMMIT');
          }
        } finally {
          c.release();
          writing--;
        }
      });
      const seen: string[] = [];
      let cursor = 0;
      const consumer = (async () => {
        for (;;) {
          const done = writing === 0;
          const r = await reader.changes.read(cursor, 1 + Math.floor(rnd() * 5));
          for (const ch of r.changes) seen.push(ch.paper!.title);
          assert.ok(r.next >= cursor, 'the cursor never moves back');
          cursor = r.next;
          if (done && r.changes.length === 0) return;
          await pause(Math.floor(rnd() * 5));
        }
      })();
      await Promise.all([...writers, consumer]);
      assert.equal(seen.length, 4 * PER_WRITER, 'no change lost, none twice');
      assert.equal(new Set(seen).size, seen.length);
      assert.equal(cursor, await reader.changes.head());
    } finally {
      await writer.close();
      await reader.close();
    }
  });

  test('a read-only backend (doctor) counts committed changes no writer has numbered yet in the head, as the positions they will take', async () => {
    const url = await freshDatabase();
    const writer = await PostgresBackend.open(url);
    const reader = await PostgresBackend.open(url, { readonly: true });
    try {
      const c = await writer.pool.connect();
      try {
        for (let i = 0; i < 3; i++) await insertPaper(c, `2602.0000${i}`, `Unnumbered ${i}`);
      } finally {
        c.release();
      }
      const unnumbered = (await writer.pool.query<{ n: number }>('SELECT COUNT(*) AS n FROM paper_changes WHERE seq IS NULL')).rows[0].n;
      assert.equal(unnumbered, 3, 'nothing has numbered the import yet');
      assert.equal(await reader.changes.head(), 3, 'the read-only head counts them');
      assert.equal((await writer.pool.query<{ n: number }>('SELECT COUNT(*) AS n FROM paper_changes WHERE seq IS NULL')).rows[0].n, 3, 'and numbers nothing');
      assert.equal(await writer.changes.head(), 3, 'the writer-side head numbers them: the same figure');
      assert.equal(await reader.changes.head(), 3);
    } finally {
      await writer.close();
      await reader.close();
    }
  });
}
