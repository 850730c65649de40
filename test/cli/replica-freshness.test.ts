/**
 * Index replicas across processes: two `paperboy serve` processes on one
 * database, each with its own `--index-dir`, and a third process importing
 * papers. Every paper imported through any process becomes searchable on
 * both servers by itself (their background loops follow the change feed), and
 * /readyz reports each replica current afterwards. On SQLite and on
 * PostgreSQL (a throwaway server; skipped with a reason where none can run,
 * a failure under PAPERBOY_REQUIRE_ALL=1). The seconds it took are
 * printed as a diagnostic (a figure, not a threshold: the wait is bounded only
 * so that a replica that never catches up fails instead of hanging).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { openBackend } from '../../src/store/open-backend.js';
import { freshDatabase, requirePostgres } from '../helpers/postgres-server.js';
import { startCli, startServe, type ServeProcess } from '../helpers/serve-process.js';
import { tempDbPath } from '../helpers/temp-db.js';
import { topicPapers } from '../helpers/topic-papers.js';

/** Generous: far beyond the ~1 s follow interval, so only a replica that never catches up fails. */
const GIVE_UP_MS = 60_000;
const PAPERS = 300;

function snapshotLine(i: number): string {
  const id = `2405.${String(20000 + i)}`;
  return JSON.stringify({
    id, submitter: 'Test', authors: 'Ada Lovelace and Alan Turing', title: `Quokka replication study number ${i}`,
    comments: null, 'journal-ref': null, doi: null, 'report-no': null, categories: 'cs.LG', license: null,
    abstract: `We study quokka populations with replicated indexes, case ${i}.`,
    versions: [{ version: 'v1', created: 'Mon, 6 May 2024 10:00:00 GMT' }], update_date: '2024-05-06',
    authors_parsed: [['Lovelace', 'Ada', ''], ['Turing', 'Alan', '']],
  });
}

async function total(server: ServeProcess, q: string): Promise<number> {
  const res = await fetch(`${server.url}/api/papers/search?q=${encodeURIComponent(q)}&limit=120`);
  assert.equal(res.status, 200);
  return ((await res.json()) as unknown[]).length;
}

async function importedEverywhere(t: TestContext, db: string | null): Promise<void> {
  const { file: sqliteFile, dir, cleanup } = tempDbPath();
  const file = db ?? sqliteFile;
  const servers: ServeProcess[] = [];
  try {
    const seed = await openBackend(file);
    await seed.store.upsertRecords(topicPapers());
    await seed.close();
    const env = { PAPERBOY_VECTORS: '0', PAPERBOY_IMAGE_CACHE: join(dir, 'images') };
    servers.push(await startServe(['--db', file, '--index-dir', join(dir, 'replica-a')], env));
    servers.push(await startServe(['--db', file, '--index-dir', join(dir, 'replica-b')], env));
    for (const s of servers) assert.equal(await total(s, 'quokka'), 0);

    const source = join(dir, 'quokkas.jsonl');
    writeFileSync(source, Array.from({ length: PAPERS }, (_, i) => snapshotLine(i)).join('\n') + '\n');
    const importer = startCli(['import', source, '--db', file], env);
    const { code } = await importer.exited;
    assert.equal(code, 0, importer.output());
    const imported = Date.now();

    const seconds: number[] = [];
    for (const s of servers) {
      let found = 0;
      while (found < Math.min(PAPERS, 120) && Date.now() - imported < GIVE_UP_MS) {
        found = await total(s, 'quokka');
        if (found < Math.min(PAPERS, 120)) await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(found, 120, `${s.url} found every imported paper (a page of 120)`);
      seconds.push((Date.now() - imported) / 1000);
      const ready = await fetch(`${s.url}/readyz`);
      assert.equal(ready.status, 200);
      assert.equal(((await ready.json()) as { lag: number }).lag, 0, 'the replica is current');
    }
    t.diagnostic(`searchable on both replicas after ${seconds.map((x) => x.toFixed(1)).join(' s and ')} s`);
    // The papers exist once in each replica: an exact phrase matches each paper once.
    for (const s of servers) assert.equal(await total(s, '"replication study number 7"'), 1);
  } finally {
    for (const s of servers) await s.stop();
    cleanup();
  }
}

test('SQLite: a paper imported by another process is searchable on every replica within seconds', async (t) => {
  await importedEverywhere(t, null);
});

if (requirePostgres()) {
  test('PostgreSQL: a paper imported by another process is searchable on every replica within seconds', async (t) => {
    await importedEverywhere(t, await freshDatabase());
  });
}
