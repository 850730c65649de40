/**
 * Reliability: kill -9 at random points of an import and of the index's
 * catch-up, segment writes and merges, 20 rounds. Each round a real
 * `paperboy import` (new papers and new versions of stored ones, small
 * batches) runs beside a process that owns the index and churns it
 * (helpers/index-churn.ts: catch-up, a flush after every 150 changes,
 * merges of every 3 segments); both are killed with SIGKILL at a moment
 * drawn from a seeded generator. After every round the index, opened by
 * its next owner (verify, repair, catch-up), equals a fresh rebuild from the
 * database: the same keys, the same top 20 for a query set. Counts only, no
 * clock: the kill moments are random, not asserted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SqliteBackend } from '../../src/store/sqlite/sqlite-backend.js';
import { BlockMaxEngine } from '../../src/search/block-max-engine.js';
import { tempDbPath } from '../helpers/temp-db.js';
import { rng } from '../helpers/prng.js';
import { spawnCli, until } from '../helpers/cli-process.js';
import { assertEqualsRebuild, wordPapers, wordSnapshotLines } from '../helpers/word-papers.js';

const ROUNDS = 20;
const CHURN = fileURLToPath(new URL('../helpers/index-churn.js', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test(`kill -9 of import and index churn at random points, ${ROUNDS} rounds: the index always equals a fresh rebuild`, async (t) => {
  const { file, cleanup } = tempDbPath();
  const random = rng(9);
  try {
    const seed = new SqliteBackend(file);
    await seed.store.upsertRecords(wordPapers(400, 1));
    await seed.close();
    let stored = 400;
    const outcomes = { importKilled: 0, importFinished: 0, churnKilled: 0, churnOwned: 0, repaired: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      // 250 new papers and 60 new versions of stored ones, committed 40 at a time.
      const lines = [
        ...wordSnapshotLines(250, 100 + round, { first: stored }),
        ...wordSnapshotLines(60, 500 + round, { first: Math.floor(random() * (stored - 60)), version: 2 + round }),
      ];
      stored += 250;
      const jsonl = join(dirname(file), `round-${round}.jsonl`);
      writeFileSync(jsonl, lines.join('\n') + '\n');
      const churn = spawnCli([file], CHURN);
      // The random moment is counted from when the churn process holds the index (start-up time varies with the load).
      await until('the churn process owns the index', async () => churn.output().includes('OWNER') || churn.child.exitCode !== null);
      const importer = spawnCli(['import', jsonl, '--db', file, '--batch-size', '40']);
      await sleep(100 + Math.floor(random() * 1_500));
      // Mostly both at once; sometimes only one of them (the other then finishes its work or is killed a little later).
      const order = random();
      if (order < 0.7 || importer.child.exitCode !== null) {
        importer.child.kill('SIGKILL');
        churn.child.kill('SIGKILL');
      } else {
        churn.child.kill('SIGKILL');
        await sleep(Math.floor(random() * 300));
        importer.child.kill('SIGKILL');
      }
      const [imp, ch] = await Promise.all([importer.done, churn.done]);
      if (imp.signal === 'SIGKILL') outcomes.importKilled++;
      else {
        assert.equal(imp.code, 0, imp.out);
        outcomes.importFinished++;
      }
      assert.equal(ch.signal, 'SIGKILL', `the churn process ran until killed: ${ch.out}`);
      outcomes.churnKilled++;
      if (ch.out.includes('OWNER')) outcomes.churnOwned++;

      const backend = new SqliteBackend(file);
      const log: string[] = [];
      const engine = await BlockMaxEngine.open({ changes: backend.changes, upvotes: async () => new Map() }, backend.indexDir, { log: (l) => log.push(l) });
      try {
        if (log.some((l) => l.includes('repaired'))) outcomes.repaired++;
        assert.equal(engine.role, 'owner', 'the lock of the killed owner was taken over');
        await assertEqualsRebuild(engine, backend.changes, `round ${round}`);
      } finally {
        await engine.close();
        await backend.close();
      }
    }
    t.diagnostic(JSON.stringify(outcomes));
    assert.equal(outcomes.churnKilled, ROUNDS);
    assert.equal(outcomes.churnOwned, ROUNDS, `every kill hit a working index owner (${JSON.stringify(outcomes)})`);
    assert.ok(outcomes.importKilled > 0, `some imports were killed mid-way (${JSON.stringify(outcomes)})`);
  } finally {
    cleanup();
  }
});
