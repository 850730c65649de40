/**
 * Segments built in worker threads equal segments built in the main thread:
 * same files byte for byte, same order of doc ids across segments, same
 * search results after a reopen; a failing worker reports an error instead
 * of hanging.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { LexicalIndex } from '../../../src/search/index/lexical-index.js';
import { ParallelSegmentWriter } from '../../../src/search/index/parallel-segment-writer.js';
import { tempDir } from '../../helpers/temp-db.js';
import { makeDocs } from './corpus.js';

const q = (...words: string[]) => ({ must: words.map((w) => ({ terms: [w] })) });

test('two worker threads write the same segments, in the same order, as one thread', () => {
  const { dir, cleanup } = tempDir();
  try {
    const docs = makeDocs(1_700, 11);
    const seqDir = join(dir, 'seq.idx');
    const parDir = join(dir, 'par.idx');
    const seq = LexicalIndex.open(seqDir);
    docs.forEach((d, i) => {
      seq.add(d, { fresh: true });
      if ((i + 1) % 400 === 0) seq.flush();
    });
    seq.flush();
    const par = LexicalIndex.open(parDir);
    const w = new ParallelSegmentWriter(par, 2, 400);
    for (const d of docs) w.add(d);
    w.finish();
    assert.equal(par.segmentCount, 5, '1,700 papers in segments of 400');
    const segs = readdirSync(seqDir).filter((f) => f.endsWith('.seg')).sort();
    assert.deepEqual(readdirSync(parDir).filter((f) => f.endsWith('.seg')).sort(), segs);
    for (const f of segs) assert.ok(readFileSync(join(seqDir, f)).equals(readFileSync(join(parDir, f))), `${f} is byte-identical`);
    const reopened = LexicalIndex.open(parDir);
    for (const words of [['learn', 'model'], ['graph'], ['video', 'generat']]) {
      assert.deepEqual(reopened.search(q(...words), 20), seq.search(q(...words), 20), `same hits for ${words.join(' ')}`);
    }
    assert.equal(reopened.liveDocs, 1_700);
  } finally {
    cleanup();
  }
});

test('a worker that cannot write its segment makes finish() throw, not hang', () => {
  const { dir, cleanup } = tempDir();
  try {
    const idx = LexicalIndex.open(join(dir, 'x.idx'));
    const w = new ParallelSegmentWriter(idx, 2, 100);
    // The reserved path's folder disappears: writing the segment file fails in the worker.
    (idx as unknown as { dir: string }).dir = join(dir, 'missing', 'folder');
    for (const d of makeDocs(150, 5)) w.add(d);
    assert.throws(() => w.finish(), /segment worker failed/);
  } finally {
    cleanup();
  }
});
