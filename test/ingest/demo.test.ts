import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { demoCorpusPath, importDemoIfEmpty } from '../../src/ingest/demo.js';
import { tempDbPath } from '../helpers/temp-db.js';
import { paper, record } from '../helpers/papers.js';

test('demo: loads the shipped seed listing into an empty store, with daily lists', async () => {
  const { file, cleanup } = tempDbPath();
  const store = new SqliteStore(file);
  try {
    assert.ok(existsSync(demoCorpusPath()));
    const expected = (JSON.parse(readFileSync(demoCorpusPath(), 'utf8')) as { papers: unknown[] }).papers.length;
    assert.equal(await importDemoIfEmpty(store), expected);
    assert.equal(await store.countPapers(), expected);
    assert.notEqual(await store.latestDay(), null);
    // Not again: the store is no longer empty.
    assert.equal(await importDemoIfEmpty(store), null);
    assert.equal(await store.countPapers(), expected);
  } finally {
    await store.close();
    cleanup();
  }
});

test('demo: a store that already holds papers is left alone', async () => {
  const { file, cleanup } = tempDbPath();
  const store = new SqliteStore(file);
  try {
    await store.upsertRecords([record(paper('2401.00001'))]);
    assert.equal(await importDemoIfEmpty(store), null);
    assert.equal(await store.countPapers(), 1);
  } finally {
    await store.close();
    cleanup();
  }
});
