/**
 * The any-word top-k shared with a worker thread (parallel-or.ts,
 * LexicalIndex.searchAsync) returns exactly what exhaustive BM25 returns:
 * an index of segments read from files (shared memory), one segment written
 * after the reopen and the memory segment (both stay on the caller's
 * thread), deletes and new versions; 300 long queries of plain words with
 * exclusions, categories and dates; k from 1 to 100. The worker answered
 * most of them, and this thread pruned with the worker's k-th score in some
 * windows; after it stops, searches still answer (on the caller's thread),
 * exactly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { porterStem } from '../../../src/domain/tokenize.js';
import { LexicalIndex, type EngineQuery, type ClauseSpec } from '../../../src/search/index/lexical-index.js';
import { orWorker, sharedSegment } from '../../../src/search/index/parallel-or.js';
import { makeDocs, rng, word } from './corpus.js';

function randomLongQuery(r: () => number): EngineQuery {
  const n = 2 + Math.floor(r() * 29);
  const must: ClauseSpec[] = Array.from({ length: n }, () => ({ terms: [porterStem(word(r))] }));
  if (r() < 0.1) must.push({ terms: ['nosuchword'] });
  const q: EngineQuery = { must, mode: 'or' };
  if (r() < 0.15) q.mustNot = [{ terms: [porterStem(word(r))] }];
  if (r() < 0.15) q.categories = ['cs.LG'];
  if (r() < 0.15) {
    q.dateFrom = 19050 + Math.floor(r() * 100);
    q.dateTo = q.dateFrom + Math.floor(r() * 200);
  }
  return q;
}

async function assertExact(idx: LexicalIndex, r: () => number, queries: number, label: string): Promise<void> {
  for (let i = 0; i < queries; i++) {
    const q = randomLongQuery(r);
    const k = [1, 10, 20, 100][i % 4];
    const got = await idx.searchAsync(q, k);
    const want = idx.search(q, k, { exhaustive: true });
    assert.equal(got.length, want.length, `${label} query ${i} ${JSON.stringify(q)}: result count`);
    for (let j = 0; j < got.length; j++) {
      assert.equal(got[j].key, want[j].key, `${label} query ${i} k ${k} ${JSON.stringify(q)}: rank ${j}`);
      assert.ok(Math.abs(got[j].score - want[j].score) <= 1e-12 * Math.abs(want[j].score), `${label} query ${i}: score at rank ${j}`);
    }
  }
}

test('any-word top-k shared with the worker thread equals exhaustive BM25; after the worker stops, searches still do', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pb-parallel-or-'));
  try {
    const docs = makeDocs(4000, 19);
    const built = LexicalIndex.open(dir);
    docs.slice(0, 3000).forEach((d, i) => {
      built.add(d, { fresh: true });
      if (i % 1000 === 999) built.flush();
    });
    built.close();
    // Reopened: the three segments are read from their files into shared memory.
    const idx = LexicalIndex.open(dir);
    docs.slice(3000, 3600).forEach((d) => idx.add(d, { fresh: true }));
    idx.flush();
    docs.slice(3600).forEach((d) => idx.add(d, { fresh: true }));
    const r = rng(8);
    for (let i = 0; i < 200; i++) {
      const victim = docs[Math.floor(r() * docs.length)];
      if (i % 3 === 0) idx.delete(victim.key);
      else idx.add({ ...victim, abstract: `${victim.abstract} learning models attention` });
    }
    idx.searchThreads = 2;
    idx.parallelMinPostings = 0;
    idx.spareCore = () => true;
    const worker = orWorker();
    const before = worker.answered;
    await assertExact(idx, rng(77), 300, 'shared');
    assert.ok(worker.answered - before > 150, `the worker answered ${worker.answered - before} of 300`);
    assert.ok(idx.counters.orShared > 150 && idx.counters.orSharedRaised > 0, `pruned with the worker's k-th score: ${JSON.stringify(idx.counters)}`);
    assert.ok(idx.segmentCount >= 4, `${idx.segmentCount} segments`);

    // Segments that are not in shared memory never go to the worker: an index built in memory answers alone.
    const memory = LexicalIndex.inMemory();
    docs.slice(0, 2000).forEach((d, i) => {
      memory.add(d, { fresh: true });
      if (i % 1000 === 999) memory.flush();
    });
    memory.searchThreads = 2;
    memory.parallelMinPostings = 0;
    memory.spareCore = () => true;
    const answered = worker.answered;
    await assertExact(memory, rng(5), 40, 'memory');
    assert.equal(worker.answered, answered, 'no search of the in-memory index went to the worker');

    // The worker stops: its share runs on this thread.
    await worker.close();
    assert.ok(worker.broken);
    await assertExact(idx, rng(78), 60, 'stopped');
    idx.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('segments read from their files are in shared memory; segments built in memory are not', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pb-parallel-or-'));
  try {
    const idx = LexicalIndex.open(dir);
    makeDocs(300, 3).forEach((d) => idx.add(d, { fresh: true }));
    idx.flush();
    idx.close();
    const back = LexicalIndex.open(dir);
    const segs = (back as unknown as { segments: { seg: Parameters<typeof sharedSegment>[0] }[] }).segments;
    assert.equal(segs.length, 1);
    assert.ok(sharedSegment(segs[0].seg));
    back.close();
    const mem = LexicalIndex.inMemory();
    makeDocs(300, 3).forEach((d) => mem.add(d, { fresh: true }));
    mem.flush();
    assert.ok(!sharedSegment((mem as unknown as { segments: { seg: Parameters<typeof sharedSegment>[0] }[] }).segments[0].seg));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
