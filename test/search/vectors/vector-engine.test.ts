/**
 * The vector engine over a real SQLite backend's change feed: papers added,
 * changed and deleted after the build reach the index at the next search
 * and survive a reopen; an embedder with another id forces a rebuild (no
 * mixed vectors); the corpus model retrains when the corpus outgrows it; an
 * unfinished build resumes with its model.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteBackend } from '../../../src/store/sqlite/sqlite-backend.js';
import { IndexedVectorEngine, RETRAIN_GROWTH, VECTOR_CONSUMER } from '../../../src/search/vectors/vector-engine.js';
import { CorpusEmbedder } from '../../../src/search/embed/corpus-embedder.js';
import { paperText } from '../../../src/search/embed/embedder.js';
import { readManifest } from '../../../src/search/vectors/vector-file.js';
import { tempDbPath } from '../../helpers/temp-db.js';
import { paper, record } from '../../helpers/papers.js';
import { topicPapers } from '../../helpers/topic-papers.js';

const none = { categories: [], organizations: [] };

/** The index holds `v` for `key`, up to 8-bit quantization (a model that knows none of a paper's words gives it the zero vector). */
function assertStored(engine: IndexedVectorEngine, key: number, v: Float32Array): void {
  const stored = engine.index.vectorOf(key);
  assert.ok(stored, `paper ${key} is indexed`);
  const norm = Math.hypot(...v);
  if (norm === 0) {
    assert.equal(Math.hypot(...stored), 0, `paper ${key}: zero vector stored as zero`);
    return;
  }
  let dotp = 0;
  for (let i = 0; i < v.length; i++) dotp += v[i] * stored[i];
  const cos = dotp / (norm * Math.hypot(...stored));
  assert.ok(cos > 0.98, `paper ${key}: cosine ${cos} between the stored vector and the model's`);
}

async function keyOf(backend: SqliteBackend, id: string): Promise<number> {
  const d = await backend.store.getPaper(id);
  assert.ok(d, `paper ${id} stored`);
  for await (const page of backend.changes.scan()) {
    const details = await backend.store.getPaperDetailsByKeys(page.map((p) => p.key));
    for (const [key, det] of details) if (det.paper.id === id) return key;
  }
  throw new Error(`no key for ${id}`);
}

test('papers added, changed and deleted after the build are followed at the next search and after a reopen', async () => {
  const { file, cleanup } = tempDbPath();
  let backend = new SqliteBackend(file);
  try {
    await backend.store.upsertRecords(topicPapers());
    const engine = await IndexedVectorEngine.open(backend.changes, backend.indexDir);
    assert.equal(engine.index.size, 20);
    const nearest = async (e: IndexedVectorEngine, text: string) => (await e.search(await e.embedQuery(text), 3, none)).map((h) => h.key);

    // Added after the build: its own words find it first.
    const added = 'Denoising diffusion samplers for protein design';
    await backend.store.upsertRecords([record(paper('2402.00001', { title: added, abstract: 'Diffusion models generate molecules and proteins by denoising graph noise.' }))]);
    const key = await keyOf(backend, '2402.00001');
    assert.equal((await nearest(engine, `${added} diffusion denoising proteins molecules`))[0], key);
    assert.equal(engine.index.size, 21);

    // Changed (a new version about robots): the stored vector follows the new text.
    await backend.store.upsertRecords([record(paper('2402.00001', {
      title: 'Reward learning for robot arms', version: 2,
      abstract: 'Reinforcement learning policies for robot manipulation from rewards in simulation.',
    }))]);
    await engine.catchUp();
    const robots = await engine.embedQuery('robot manipulation reinforcement learning rewards');
    const diffusion = await engine.embedQuery('diffusion denoising images');
    assert.ok((await engine.similarity(robots, [key]))[0] > (await engine.similarity(diffusion, [key]))[0], 'the new text, not the old, decides');

    // Deleted: gone from every answer.
    backend.store.db.prepare('DELETE FROM papers WHERE id = ?').run('2402.00001');
    const after = await engine.search(robots, 25, none);
    assert.ok(!after.some((h) => h.key === key));
    assert.equal(engine.index.size, 20);

    // Reopen: the snapshot plus the feed give the same state; the cursor was saved under the engine's consumer name.
    await engine.close();
    await backend.close();
    backend = new SqliteBackend(file);
    const again = await IndexedVectorEngine.open(backend.changes, backend.indexDir);
    assert.equal(again.index.size, 20);
    assert.equal(again.embedder.id, engine.embedder.id, 'the stored model is reused, not retrained');
    assert.equal(again.changeSeq, await backend.changes.head());
    assert.equal(await backend.changes.cursor(VECTOR_CONSUMER), again.changeSeq);
    assert.ok(!(await again.search(robots, 25, none)).some((h) => h.key === key));
    await again.close();
  } finally {
    await backend.close();
    cleanup();
  }
});

test('a changed embedder forces a rebuild instead of mixing vectors', async () => {
  const { file, cleanup } = tempDbPath();
  const backend = new SqliteBackend(file);
  try {
    const papers = topicPapers();
    await backend.store.upsertRecords(papers);
    const texts = papers.map((r) => ({ title: r.paper.title, abstract: r.paper.abstract }));
    const a = CorpusEmbedder.train(texts.slice(0, 10));
    const b = CorpusEmbedder.train(texts.slice(10));
    assert.notEqual(a.id, b.id);
    const first = await IndexedVectorEngine.open(backend.changes, backend.indexDir, { embedder: a });
    await first.close();
    assert.equal(readManifest(join(backend.indexDir!, 'vectors'))?.model.id, a.id);

    const second = await IndexedVectorEngine.open(backend.changes, backend.indexDir, { embedder: b });
    assert.equal(readManifest(join(backend.indexDir!, 'vectors'))?.model.id, b.id, 'the manifest names the new model');
    assert.equal(second.index.size, 20);
    // Every stored vector is the new model's (cosine ≈ 1 up to 8-bit quantization).
    for await (const page of backend.changes.scan()) {
      for (const p of page) {
        const [v] = await b.embed([paperText(p)], 'document');
        assertStored(second, p.key, v);
      }
    }
    await second.close();
  } finally {
    await backend.close();
    cleanup();
  }
});

test('the corpus model retrains when the corpus has outgrown it', async () => {
  const { file, cleanup } = tempDbPath();
  const backend = new SqliteBackend(file);
  try {
    const papers = topicPapers();
    await backend.store.upsertRecords(papers.slice(0, 10));
    const engine = await IndexedVectorEngine.open(backend.changes, backend.indexDir);
    assert.equal(engine.trainedOn, 10);
    const before = engine.embedder.id;
    await backend.store.upsertRecords(papers.slice(10));
    await engine.catchUp();
    assert.equal(engine.index.size, 20);
    assert.ok(engine.index.size >= RETRAIN_GROWTH * engine.trainedOn);
    assert.equal(engine.shouldRetrain(), true);
    await engine.rebuild();
    assert.equal(engine.trainedOn, 20);
    assert.notEqual(engine.embedder.id, before, 'a retrained model has a new id');
    assert.equal(engine.shouldRetrain(), false);
    await engine.close();

    await backend.close();
  } finally {
    cleanup();
  }
});

test('an unfinished build resumes with the model it started with, embedding only the papers it had not reached', async () => {
  const { file, cleanup } = tempDbPath();
  let backend = new SqliteBackend(file);
  try {
    const papers = topicPapers();
    await backend.store.upsertRecords(papers.slice(0, 10));
    const first = await IndexedVectorEngine.open(backend.changes, backend.indexDir, { checkpoints: true });
    const model = first.embedder.id;
    await first.close();
    // As a build stopped part-way leaves it: a checkpoint of the first papers, complete: false.
    const dir = join(backend.indexDir!, 'vectors');
    const m = readManifest(dir)!;
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...m, complete: false, changeSeq: 0 }));
    await backend.store.upsertRecords(papers.slice(10));
    await backend.close();
    backend = new SqliteBackend(file);
    const resumed = await IndexedVectorEngine.open(backend.changes, backend.indexDir);
    assert.equal(resumed.embedder.id, model, 'resumed with its model, not retrained');
    assert.equal(resumed.trainedOn, 10);
    assert.equal(resumed.index.size, 20);
    const after = readManifest(dir)!;
    assert.equal(after.complete, true);
    assert.equal(after.changeSeq, await backend.changes.head());
    assert.ok(existsSync(join(dir, after.vectorsFile)));
    // The papers it had not reached are embedded with that model.
    for await (const page of backend.changes.scan()) {
      for (const p of page) {
        const [v] = await resumed.embedder.embed([paperText(p)], 'document');
        assertStored(resumed, p.key, v);
      }
    }
    await resumed.close()
  } finally {
    await backend.close();
    cleanup();
  }
});

test('one process owns the vectors folder: a second opener follows in memory and never writes; a rebuild under a live owner is refused', async () => {
  const { file, cleanup } = tempDbPath();
  const backend = new SqliteBackend(file);
  try {
    await backend.store.upsertRecords(topicPapers().slice(0, 12));
    const owner = await IndexedVectorEngine.open(backend.changes, backend.indexDir);
    const dir = join(backend.indexDir!, 'vectors');
    assert.ok(existsSync(join(dir, 'owner.lock')));
    const generation = readManifest(dir)!.generation;
    const follower = await IndexedVectorEngine.open(backend.changes, backend.indexDir);
    assert.equal(follower.embedder.id, owner.embedder.id, 'the follower loads the owner\'s model');
    await backend.store.upsertRecords(topicPapers().slice(12));
    await follower.catchUp();
    assert.equal(follower.index.size, 20);
    follower.flush();
    await follower.close();
    assert.equal(readManifest(dir)!.generation, generation, 'the follower wrote nothing');
    await assert.rejects(IndexedVectorEngine.open(backend.changes, backend.indexDir, { rebuild: true }), /owned by a running paperboy/);
    await owner.close();
    assert.ok(!existsSync(join(dir, 'owner.lock')), 'the owner releases its lock at close');
  } finally {
    await backend.close();
    cleanup();
  }
});
