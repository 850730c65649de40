/**
 * The vector index's maintainer thread (serve's way of keeping it): a real
 * worker thread over a real SQLite file owns `<db>.idx/vectors/`, builds
 * it and says so; the serving thread's follower loads the complete
 * snapshot (never before it is complete), follows new papers from the
 * feed in memory, writes nothing, and swaps in a retrained snapshot; the
 * thread releases the folder when stopped.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteBackend } from '../../../src/store/sqlite/sqlite-backend.js';
import { IndexedVectorEngine } from '../../../src/search/vectors/vector-engine.js';
import { startVectorMaintainer } from '../../../src/search/vectors/vector-maintainer.js';
import { readManifest } from '../../../src/search/vectors/vector-file.js';
import { tempDbPath } from '../../helpers/temp-db.js';
import { topicPapers } from '../../helpers/topic-papers.js';
import { until } from '../../helpers/cli-process.js';

const none = { categories: [], organizations: [] };

test('a maintainer thread builds and owns the vectors folder; the follower loads only complete snapshots, follows the feed, writes nothing', async () => {
  const { file, cleanup } = tempDbPath();
  const backend = new SqliteBackend(file);
  const indexDir = backend.indexDir!;
  const dir = join(indexDir, 'vectors');
  const logs: string[] = [];
  let rebuilt = 0;
  try {
    await backend.store.upsertRecords(topicPapers().slice(0, 12));
    assert.equal(await IndexedVectorEngine.openFollower(backend.changes, indexDir), null, 'no snapshot yet: nothing to follow');
    const thread = startVectorMaintainer(file, indexDir, null, (l) => logs.push(l), () => { rebuilt++; });
    try {
      await until('the worker built the index', async () => rebuilt > 0 && readManifest(dir)?.complete === true);
      assert.ok(existsSync(join(dir, 'owner.lock')), 'the worker holds the lock');
      assert.equal(await IndexedVectorEngine.openOwner(backend.changes, indexDir), null, 'a second owner is refused while the worker owns the folder');

      const follower = await IndexedVectorEngine.openFollower(backend.changes, indexDir);
      assert.ok(follower, 'a complete snapshot is followed');
      assert.equal(follower.index.size, 12);
      const generation = readManifest(dir)!.generation;
      // New papers reach the follower from the feed at its next search, embedded by the owner's model.
      await backend.store.upsertRecords(topicPapers().slice(12, 14));
      const hits = await follower.search(await follower.embedQuery('robot reinforcement learning'), 3, none);
      assert.equal(follower.index.size, 14);
      assert.ok(hits.length > 0);
      await follower.close();
      assert.ok(existsSync(join(dir, 'owner.lock')), 'closing the follower leaves the owner\'s lock');
      assert.ok(readManifest(dir)!.generation >= generation);

      // The corpus doubled: the worker retrains (a new model id) and says so; a new follower loads the new model.
      const before = rebuilt;
      const modelBefore = readManifest(dir)!.model.id;
      await backend.store.upsertRecords(topicPapers().slice(14));
      await backend.store.upsertRecords(topicPapers().map((p, i) => ({ ...p, paper: { ...p.paper, id: `2403.${String(i).padStart(5, '0')}` } })));
      await until('the worker retrained', async () => rebuilt > before && readManifest(dir)!.model.id !== modelBefore);
      const again = await IndexedVectorEngine.openFollower(backend.changes, indexDir);
      assert.ok(again);
      assert.equal(again.embedder.id, readManifest(dir)!.model.id);
      assert.equal(again.index.size, 40);
      await again.close();
    } finally {
      await thread.stop();
    }
    assert.ok(!existsSync(join(dir, 'owner.lock')), 'the stopped worker released the folder');
    assert.deepEqual(logs.filter((l) => /failed|stopped/.test(l)), [], logs.join('\n'));
  } finally {
    await backend.close();
    cleanup();
  }
});
