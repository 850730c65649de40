/**
 * Reliability: two real `serve` processes on one database while a third
 * process imports new papers and new versions. One of them owns the index
 * (its maintainer thread), the other follows; no search of either ever
 * shows a paper twice or fails, both end with the same answers, and after
 * kill -9 of both `paperboy doctor` finds the index clean — and a new serve
 * finds nothing to repair.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SqliteBackend } from '../../src/store/sqlite/sqlite-backend.js';
import { LexicalIndex } from '../../src/search/index/lexical-index.js';
import { lexicalIndexDir } from '../../src/search/block-max-engine.js';
import { tempDbPath } from '../helpers/temp-db.js';
import { readyLag, runCli, spawnCli, startServe, until, type ServeProcess } from '../helpers/cli-process.js';
import { wordPapers, wordSnapshotLines } from '../helpers/word-papers.js';

const QUERIES = ['diffusion', 'graph neural', 'language model', 'robot'];

test('two serve processes on one database while a third imports: never a paper twice, doctor clean after kill -9', async () => {
  const { file, cleanup } = tempDbPath();
  const servers: ServeProcess[] = [];
  try {
    const seed = new SqliteBackend(file);
    await seed.store.upsertRecords(wordPapers(1_500, 1));
    await seed.close();
    servers.push(await startServe(file), await startServe(file));
    for (const s of servers) await until('index current', async () => (await readyLag(s)) === 0);

    const jsonl = join(dirname(file), 'more.jsonl');
    writeFileSync(jsonl, [...wordSnapshotLines(6_000, 2, { first: 1_500 }), ...wordSnapshotLines(1_000, 3, { first: 200, version: 2 })].join('\n') + '\n');
    const importer = spawnCli(['import', jsonl, '--db', file, '--batch-size', '200']);
    let searches = 0;
    let running = true;
    void importer.done.then(() => { running = false; });
    const check = async () => {
      for (const s of servers) {
        for (const q of QUERIES) {
          const r = await fetch(`${s.url}/api/papers/search?q=${encodeURIComponent(q)}&limit=120&mode=lexical`);
          assert.equal(r.status, 200, `search ${q} on ${s.port}`);
          const ids = ((await r.json()) as { paper: { id: string } }[]).map((x) => x.paper.id);
          assert.equal(new Set(ids).size, ids.length, `no paper twice in ${q} on ${s.port}`);
          searches++;
        }
      }
    };
    while (running) await check();
    const imported = await importer.done;
    assert.equal(imported.code, 0, imported.out);
    for (const s of servers) await until('index current after the import', async () => (await readyLag(s)) === 0);
    await check();
    assert.ok(searches >= 16, `searches ran during the import (${searches})`);
    // Both answer alike.
    for (const q of QUERIES) {
      const [a, b] = await Promise.all(servers.map(async (s) =>
        ((await (await fetch(`${s.url}/api/papers/search?q=${encodeURIComponent(q)}&limit=120&mode=lexical`)).json()) as { paper: { id: string } }[]).map((x) => x.paper.id)));
      assert.deepEqual(a, b, `the same answer from both servers for ${q}`);
    }
    // The owner writes what it applied once it is idle; then kill -9 of both.
    const backend = new SqliteBackend(file, { readonly: true });
    const head = await backend.changes.head();
    const dir = lexicalIndexDir(backend.indexDir!);
    await backend.close();
    await until('the owner wrote everything it applied', async () => {
      const index = LexicalIndex.open(dir, undefined, { readonly: true });
      try {
        return index.changeSeq === head;
      } finally {
        index.close();
      }
    });
    for (const s of servers) await s.kill9();
    const doctor = await runCli(['doctor', '--db', file]);
    assert.match(doctor.out, /✓ search index\s+7,500 papers/, doctor.out);
    assert.doesNotMatch(doctor.out, /indexed twice|damaged/);
    // A new serve opens it without a repair and answers at once.
    const again = await startServe(file);
    servers.push(again);
    await until('ready', async () => (await readyLag(again)) === 0);
    assert.doesNotMatch(again.output(), /repair|damaged|rebuilding/);
  } finally {
    for (const s of servers) await s.kill9();
    cleanup();
  }
});
