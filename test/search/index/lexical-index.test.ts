/**
 * The index folder: segments survive a reopen, a crash mid-write leaves the
 * last committed state, tombstones and updates take effect at once, filters
 * and phrases select the right papers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LexicalIndex } from '../../../src/search/index/lexical-index.js';
import { tempDir } from '../../helpers/temp-db.js';
import { makeDocs } from './corpus.js';

const q = (...words: string[]) => ({ must: words.map((w) => ({ terms: [w] })) });

test('segments, deletes and updates survive a reopen; unlisted files are ignored', () => {
  const { dir, cleanup } = tempDir();
  try {
    const path = join(dir, 'paperboy.db.idx');
    const idx = LexicalIndex.open(path);
    for (const d of makeDocs(600, 3)) idx.add(d, { fresh: true });
    idx.flush();
    idx.add({ key: 9001, title: 'Zebra finches sing', authors: 'Ana Lopez', abstract: 'Song learning in zebra finches.', date: 20000, categories: ['q-bio.NC'], organization: null });
    assert.deepEqual(idx.search(q('zebra'), 5).map((h) => h.key), [9001], 'the memory segment is searchable at once');
    assert.ok(idx.delete(5));
    const before = idx.search(q('learn', 'model'), 20);
    assert.ok(!before.some((h) => h.key === 5), 'a deleted paper is never returned');
    idx.flush();
    // A half-written segment from a crash: not in the manifest, so ignored and removed.
    writeFileSync(join(path, 'seg-999999.seg.tmp-1'), 'garbage');
    idx.close();
    const again = LexicalIndex.open(path);
    assert.equal(existsSync(join(path, 'seg-999999.seg.tmp-1')), false);
    assert.deepEqual(again.search(q('learn', 'model'), 20), before);
    assert.equal(again.liveDocs, 600);
    // An update (new version) replaces the old text.
    again.add({ key: 9001, title: 'Parrots talk', authors: 'Ana Lopez', abstract: 'Vocal learning in parrots.', date: 20001, categories: [], organization: null });
    assert.deepEqual(again.search(q('zebra'), 5), []);
    assert.deepEqual(again.search(q('parrot'), 5).map((h) => h.key), [9001]);
    again.flush();
    assert.ok(again.merge({ all: true }));
    assert.equal(readdirSync(path).filter((f) => f.endsWith('.seg')).length, 1);
    assert.deepEqual(again.search(q('parrot'), 5).map((h) => h.key), [9001]);
    again.close();
  } finally {
    cleanup();
  }
});

test('phrases, prefixes, author names and filters', () => {
  const idx = LexicalIndex.inMemory();
  const base = { categories: ['cs.CL'], organization: null, date: 19000 };
  idx.add({ ...base, key: 1, title: 'Large language models reason', authors: 'Richard Yuanzhe Pang', abstract: 'We study language models.' });
  idx.add({ ...base, key: 2, title: 'Models of language', authors: 'Pang Wei', abstract: 'Language is modelled.', categories: ['cs.LG'], date: 19010 });
  idx.add({ ...base, key: 3, title: 'Diffusion for video', authors: 'Lena Kim', abstract: 'Diffusers and diffusion.', organization: 'OpenLab', date: 19020 });
  const keys = (x: Parameters<LexicalIndex['search']>[0]) => idx.search(x, 10).map((h) => h.key).sort();
  assert.deepEqual(keys({ must: [{ terms: ['languag', 'model'] }] }), [1], 'a phrase needs adjacent words in order');
  assert.deepEqual(keys({ must: [{ terms: ['diffus'], prefixLast: true }] }), [3]);
  assert.deepEqual(keys({ must: [{ terms: ['richard', 'pang'], authors: { near: 2 } }] }), [1]);
  assert.deepEqual(keys({ must: [{ terms: ['pang'], authors: { near: 2 } }] }), [1, 2]);
  assert.deepEqual(keys({ ...q('model'), categories: ['cs.LG'] }), [2]);
  assert.deepEqual(keys({ ...q('video'), organizations: ['OpenLab'] }), [3]);
  assert.deepEqual(keys({ ...q('model'), dateFrom: 19005, dateTo: 19015 }), [2]);
  assert.deepEqual(keys({ ...q('model'), mustNot: [{ terms: ['larg'] }] }), [2]);
});

test('the tiered merge policy does not build a segment past maxDocs', () => {
  const idx = LexicalIndex.inMemory();
  for (let s = 0; s < 8; s++) {
    for (const d of makeDocs(50, 20 + s, 1 + s * 50)) idx.add(d, { fresh: true });
    idx.flush();
  }
  assert.equal(idx.segmentCount, 8);
  assert.equal(idx.merge({ maxDocs: 399 }), false);
  assert.equal(idx.segmentCount, 8);
  assert.equal(idx.merge({ maxDocs: 400 }), true);
  assert.equal(idx.segmentCount, 1);
  assert.equal(idx.liveDocs, 400);
});
