/**
 * `paperboy index --vectors` on a real database file: builds the vector index
 * (model and vectors on disk, manifest complete, cursor at the feed's head)
 * and, run again, retrains into a new generation that a reopened engine
 * uses without rebuilding.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { registerIndex } from '../../src/cli/index-command.js';
import { SqliteBackend } from '../../src/store/sqlite/sqlite-backend.js';
import { IndexedVectorEngine } from '../../src/search/vectors/vector-engine.js';
import { readManifest } from '../../src/search/vectors/vector-file.js';
import { runCommand } from '../helpers/run-command.js';
import { tempDbPath } from '../helpers/temp-db.js';
import { topicPapers } from '../helpers/topic-papers.js';

test('index --vectors builds the vector index on disk; a second run writes a new generation a reopen uses as is', async () => {
  const { file, cleanup } = tempDbPath();
  try {
    const backend = new SqliteBackend(file);
    await backend.store.upsertRecords(topicPapers());
    const head = await backend.changes.head();
    await backend.close();

    const { out, exitCode } = await runCommand(registerIndex, ['index', '--vectors', '--no-progress', '--db', file]);
    assert.equal(exitCode, 0);
    assert.match(out, /embedded 20 papers into .*vectors/);
    const dir = `${file}.idx/vectors`;
    const first = readManifest(dir)!;
    assert.equal(first.complete, true);
    assert.equal(first.papers, 20);
    assert.equal(first.changeSeq, head);
    assert.ok(existsSync(join(dir, first.vectorsFile)) && first.modelFile && existsSync(join(dir, first.modelFile)));
    assert.ok(!existsSync(`${file}.idx/lexical/manifest.json`), '--vectors alone leaves the lexical index alone');

    await runCommand(registerIndex, ['index', '--vectors', '--no-progress', '--db', file]);
    const second = readManifest(dir)!;
    assert.ok(second.generation > first.generation);
    assert.ok(!existsSync(join(dir, first.vectorsFile)), 'the old generation is removed');

    const again = new SqliteBackend(file);
    const engine = await IndexedVectorEngine.open(again.changes, again.indexDir);
    assert.equal(engine.embedder.id, second.model.id);
    assert.equal(readManifest(dir)!.generation, second.generation, 'opened as is, not rebuilt');
    await engine.close();
    await again.close();
  } finally {
    cleanup();
  }
});
