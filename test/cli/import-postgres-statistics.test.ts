/**
 * A bulk import into PostgreSQL gathers the planner's statistics at its end
 * (Backend.refreshStatistics), so a serve that starts right after does not
 * plan its queries blind until autovacuum comes; a small import leaves it
 * to autovacuum. Real `paperboy import` processes, a real PostgreSQL server.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { freshDatabase, requirePostgres } from '../helpers/postgres-server.js';
import { spawnCli } from '../helpers/cli-process.js';
import { tempDir } from '../helpers/temp-db.js';
import { wordSnapshotLines } from '../helpers/word-papers.js';

async function analyzed(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query<{ n: string }>(`SELECT COUNT(*) AS n FROM pg_stat_user_tables
      WHERE relname = 'papers' AND (last_analyze IS NOT NULL OR last_autoanalyze IS NOT NULL)`);
    return Number(r.rows[0].n) === 1;
  } finally {
    await c.end();
  }
}

if (requirePostgres()) {
  test('an import of 10,000 papers into PostgreSQL leaves the planner statistics; one of 50 leaves it to autovacuum', { timeout: 240_000 }, async () => {
    const { dir, cleanup } = tempDir();
    try {
      const small = await freshDatabase('stats_small');
      writeFileSync(join(dir, 'small.jsonl'), wordSnapshotLines(50, 5).join('\n') + '\n');
      const s = await spawnCli(['import', join(dir, 'small.jsonl'), '--db', small]).done;
      assert.equal(s.code, 0, s.out);
      assert.equal(await analyzed(small), false, 'a small import does not analyze (autovacuum has not come within the test either)');

      const big = await freshDatabase('stats_big');
      writeFileSync(join(dir, 'big.jsonl'), wordSnapshotLines(10_000, 6).join('\n') + '\n');
      const b = await spawnCli(['import', join(dir, 'big.jsonl'), '--db', big]).done;
      assert.equal(b.code, 0, b.out);
      assert.match(b.out, /added\s+10,?000/);
      assert.equal(await analyzed(big), true, 'the bulk import analyzed papers');
    } finally {
      cleanup();
    }
  });
}
