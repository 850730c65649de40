/**
 * The pruned top-k (block-max AND, windowed MaxScore OR) returns exactly what
 * exhaustive BM25 returns on the same index: same keys, same order, same
 * scores, on thousands of random queries, with several segments, deletes,
 * phrases, prefixes and filters.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { porterStem } from '../../../src/domain/tokenize.js';
import { LexicalIndex, type EngineQuery, type ClauseSpec } from '../../../src/search/index/lexical-index.js';
import { WORDS, makeDocs, rng, word } from './corpus.js';

function buildIndex(): LexicalIndex {
  const idx = LexicalIndex.inMemory();
  const docs = makeDocs(3000, 11);
  docs.forEach((d, i) => {
    idx.add(d, { fresh: true });
    if (i % 1000 === 999) idx.flush();
  });
  // Updates (new versions) and deletes across segments and the memory segment.
  const r = rng(5);
  for (let i = 0; i < 150; i++) {
    const victim = docs[Math.floor(r() * docs.length)];
    if (i % 3 === 0) idx.delete(victim.key);
    else idx.add({ ...victim, abstract: `${victim.abstract} learning models attention` });
  }
  return idx;
}

function randomQuery(r: () => number): EngineQuery {
  const n = 1 + Math.floor(r() * 3);
  const must: ClauseSpec[] = [];
  for (let i = 0; i < n; i++) {
    const x = r();
    if (x < 0.1) must.push({ terms: [porterStem(word(r)), porterStem(word(r))] });
    else if (x < 0.18) must.push({ terms: [porterStem(word(r)).slice(0, 3)], prefixLast: true });
    else must.push({ terms: [porterStem(word(r))] });
  }
  const q: EngineQuery = { must, mode: r() < 0.3 ? 'or' : 'and' };
  if (r() < 0.15) q.mustNot = [{ terms: [porterStem(word(r))] }];
  if (r() < 0.15) q.categories = ['cs.LG'];
  if (r() < 0.1) q.organizations = ['OpenLab'];
  if (r() < 0.15) {
    q.dateFrom = 19050 + Math.floor(r() * 100);
    q.dateTo = q.dateFrom + Math.floor(r() * 200);
  }
  if (r() < 0.05) must.push({ terms: ['wang'], authors: { near: 2 } });
  if (r() < 0.03) must.push({ terms: ['li', 'wang'], authors: { near: 2 } });
  return q;
}

test('pruned top-k equals exhaustive BM25 on 2000 random queries', () => {
  const idx = buildIndex();
  assert.ok(idx.segmentCount >= 3, 'the index has several segments');
  const r = rng(42);
  let nonEmpty = 0;
  for (let i = 0; i < 2000; i++) {
    const q = randomQuery(r);
    const k = [1, 10, 20, 50][i % 4];
    const fast = idx.search(q, k);
    const slow = idx.search(q, k, { exhaustive: true });
    assert.equal(fast.length, slow.length, `query ${i} ${JSON.stringify(q)}: result count`);
    for (let j = 0; j < fast.length; j++) {
      assert.equal(fast[j].key, slow[j].key, `query ${i} ${JSON.stringify(q)}: rank ${j}`);
      assert.ok(Math.abs(fast[j].score - slow[j].score) <= 1e-6, `query ${i}: score at rank ${j}`);
    }
    if (fast.length) nonEmpty++;
  }
  assert.ok(nonEmpty > 1300, `most queries have results (${nonEmpty})`);
});

test('long any-word queries (pasted sentences) equal exhaustive BM25 across windows of documents', () => {
  const idx = buildIndex();
  const r = rng(314);
  let multiWindow = 0;
  for (let i = 0; i < 400; i++) {
    const n = 4 + Math.floor(r() * 27);
    const must: ClauseSpec[] = [];
    for (let c = 0; c < n; c++) {
      const x = r();
      if (x < 0.05) must.push({ terms: [porterStem(word(r)), porterStem(word(r))] });
      else if (x < 0.08) must.push({ terms: [porterStem(word(r)).slice(0, 3)], prefixLast: true });
      else if (x < 0.1) must.push({ terms: ['nosuchword'] });
      else must.push({ terms: [porterStem(word(r))] });
    }
    const q: EngineQuery = { must, mode: 'or' };
    if (r() < 0.15) q.mustNot = [{ terms: [porterStem(word(r))] }];
    if (r() < 0.15) q.categories = ['cs.LG'];
    if (r() < 0.15) {
      q.dateFrom = 19050 + Math.floor(r() * 100);
      q.dateTo = q.dateFrom + Math.floor(r() * 200);
    }
    const k = [1, 10, 20, 100][i % 4];
    // Windows of 32 and 100 documents cross many window edges on these 1,000-document segments; the default one.
    const orWindow = [32, 100, undefined][i % 3];
    if (orWindow) multiWindow++;
    const fast = idx.search(q, k, { orWindow });
    const slow = idx.search(q, k, { exhaustive: true });
    assert.equal(fast.length, slow.length, `query ${i} ${JSON.stringify(q)}: result count`);
    for (let j = 0; j < fast.length; j++) {
      assert.equal(fast[j].key, slow[j].key, `query ${i} window ${orWindow} ${JSON.stringify(q)}: rank ${j}`);
      assert.ok(Math.abs(fast[j].score - slow[j].score) <= 1e-12 * Math.abs(slow[j].score), `query ${i}: score at rank ${j}`);
    }
  }
  assert.ok(multiWindow > 200);
});

test('long every-word queries of common words (rarest list intersected as bitsets) equal exhaustive BM25', () => {
  const idx = buildIndex();
  const r = rng(2718);
  let matched = 0;
  for (let i = 0; i < 400; i++) {
    // Words ranked 5–45 in the corpus: each in many documents (no clause is a cheap lead), few under the idf floor.
    const n = i % 4 === 0 ? 2 + Math.floor(r() * 2) : 8 + Math.floor(r() * 13);
    const must: ClauseSpec[] = Array.from({ length: n }, () => ({ terms: [porterStem(WORDS[5 + Math.floor(r() * 40)])] }));
    const q: EngineQuery = { must, mode: 'and' };
    if (r() < 0.2) q.mustNot = [{ terms: [porterStem(word(r))] }];
    if (r() < 0.2) q.categories = ['cs.LG'];
    if (r() < 0.2) {
      q.dateFrom = 19050 + Math.floor(r() * 100);
      q.dateTo = q.dateFrom + Math.floor(r() * 200);
    }
    const k = [1, 10, 50][i % 3];
    const fast = idx.search(q, k);
    const slow = idx.search(q, k, { exhaustive: true });
    assert.deepEqual(fast.map((h) => [h.key, h.score]), slow.map((h) => [h.key, h.score]), `query ${i} ${JSON.stringify(q)}`);
    if (fast.length) matched++;
  }
  assert.ok(idx.counters.bitsetAnd > 600, `the bitset path ran (${idx.counters.bitsetAnd} segments)`);
  assert.ok(matched > 100, `many queries match (${matched}), so scores are compared too`);
});

test('every-word pairs and triples of words in a few percent of the papers (bitsets, tiers not tried) equal exhaustive BM25', () => {
  // Marker words in 2–9% of the documents each: pairs expected in ≈ 0.1–0.5% of them, the bitset path's share.
  const markers = ['alphaword', 'betaword', 'gammaword', 'deltaword', 'epsilonword', 'zetaword'];
  const r = rng(99);
  const idx = LexicalIndex.inMemory();
  makeDocs(4000, 17).forEach((d, i) => {
    const extra = markers.filter((_, m) => r() < 0.02 + 0.014 * m);
    idx.add({ ...d, abstract: `${d.abstract} ${extra.join(' ')}`, title: r() < 0.3 && extra.length ? `${d.title} ${extra[0]}` : d.title }, { fresh: true });
    if (i % 1000 === 999) idx.flush();
  });
  let matched = 0;
  for (let i = 0; i < 200; i++) {
    const n = 2 + (i % 2);
    const must: ClauseSpec[] = Array.from({ length: n }, () => ({ terms: [porterStem(markers[Math.floor(r() * markers.length)])] }));
    const q: EngineQuery = { must, mode: 'and' };
    if (i % 5 === 0) q.categories = ['cs.LG'];
    if (i % 7 === 0) q.mustNot = [{ terms: [porterStem(word(r))] }];
    const k = [1, 5, 20][i % 3];
    const fast = idx.search(q, k);
    const slow = idx.search(q, k, { exhaustive: true });
    assert.deepEqual(fast.map((h) => [h.key, h.score]), slow.map((h) => [h.key, h.score]), `query ${i} ${JSON.stringify(q)}`);
    if (fast.length) matched++;
  }
  assert.ok(idx.counters.bitsetAnd > 200, `the bitset path ran (${idx.counters.bitsetAnd} segments)`);
  assert.ok(matched > 100, `most queries match (${matched})`);
});

test('an any-word query answered by its every-word top k equals exhaustive any-word BM25', () => {
  const idx = buildIndex();
  const common = ['learning', 'models', 'model', 'language', 'reasoning', 'video', 'generation', 'diffusion', 'attention', 'graph'];
  const r = rng(2718);
  for (let i = 0; i < 600; i++) {
    const n = 2 + Math.floor(r() * 3);
    const must: ClauseSpec[] = Array.from({ length: n }, () => ({ terms: [porterStem(r() < 0.8 ? common[Math.floor(r() * common.length)] : word(r))] }));
    const q: EngineQuery = { must, mode: 'or' };
    if (r() < 0.15) q.categories = ['cs.LG'];
    if (r() < 0.1) q.mustNot = [{ terms: [porterStem(word(r))] }];
    const k = [1, 5, 10, 20][i % 4];
    const fast = idx.search(q, k);
    const slow = idx.search(q, k, { exhaustive: true });
    assert.equal(fast.length, slow.length, `query ${i} ${JSON.stringify(q)}: result count`);
    for (let j = 0; j < fast.length; j++) {
      assert.equal(fast[j].key, slow[j].key, `query ${i} ${JSON.stringify(q)}: rank ${j}`);
      assert.ok(Math.abs(fast[j].score - slow[j].score) <= 1e-12 * Math.abs(slow[j].score), `query ${i}: score at rank ${j}`);
    }
  }
  const c = idx.counters;
  assert.ok(c.orFromAnd > 50, `the every-word top k answered many any-word queries (${JSON.stringify(c)})`);
  assert.ok(c.orFromAndFallback > 5, `and its proof failed on others (${JSON.stringify(c)})`);
});

test('tier lists answer conjunctions of rarer words beside a word under the idf floor (read in full), exactly', () => {
  const idx = buildIndex();
  const stems = [...new Set(WORDS.map(porterStem))];
  const { docs, df } = idx.documentFrequencies(stems);
  const floored = stems.filter((_, i) => df[i] > docs / 2);
  const tiered = stems.filter((_, i) => df[i] >= docs * 0.08 && df[i] < docs * 0.4);
  assert.ok(floored.length >= 1 && tiered.length >= 3, `the corpus has floored (${floored}) and tiered (${tiered}) words`);
  const r = rng(1618);
  const before = idx.counters.tiered2 + idx.counters.tiered;
  for (let i = 0; i < 400; i++) {
    const must: ClauseSpec[] = [{ terms: [floored[Math.floor(r() * floored.length)]] }];
    for (let n = 1 + Math.floor(r() * 2); n > 0; n--) must.push({ terms: [tiered[Math.floor(r() * tiered.length)]] });
    const q: EngineQuery = { must };
    if (r() < 0.15) q.categories = ['cs.LG'];
    const k = [1, 5, 10, 20][i % 4];
    const fast = idx.search(q, k);
    const slow = idx.search(q, k, { exhaustive: true });
    assert.equal(fast.length, slow.length, `query ${i} ${JSON.stringify(q)}: result count`);
    for (let j = 0; j < fast.length; j++) {
      assert.equal(fast[j].key, slow[j].key, `query ${i} ${JSON.stringify(q)}: rank ${j}`);
      assert.ok(Math.abs(fast[j].score - slow[j].score) <= 1e-12 * Math.abs(slow[j].score), `query ${i}: score at rank ${j}`);
    }
  }
  const answered = idx.counters.tiered2 + idx.counters.tiered - before;
  assert.ok(answered > 40, `tier lists answered such queries (${answered}; ${JSON.stringify(idx.counters)})`);
});

test('any-word counts equal the number of documents exhaustive any-word scoring finds', () => {
  const idx = buildIndex();
  const r = rng(11);
  let checked = 0;
  for (let i = 0; i < 300; i++) {
    const q = { ...randomQuery(r), mode: 'or' as const };
    const all = idx.search(q, 1_000_000, { exhaustive: true });
    assert.deepEqual(idx.countAny(q), { count: all.length, complete: true }, `query ${i} ${JSON.stringify(q)}`);
    // Windows of 40 documents: many window edges on these 1,000-document segments.
    assert.deepEqual(idx.countAny(q, Infinity, 40), { count: all.length, complete: true }, `query ${i} (small windows)`);
    if (all.length > 3) {
      assert.deepEqual(idx.countAny(q, 3), { count: 3, complete: false });
      checked++;
    }
  }
  assert.ok(checked > 100, `${checked} queries with more than 3 matches`);
});

test('a merge keeps the same results and drops deleted documents', () => {
  const idx = buildIndex();
  const r = rng(9);
  const queries = Array.from({ length: 200 }, () => randomQuery(r));
  const before = queries.map((q) => idx.search(q, 20).map((h) => h.key));
  const live = idx.liveDocs;
  idx.flush();
  assert.ok(idx.merge({ all: true }));
  assert.equal(idx.segmentCount, 1);
  assert.equal(idx.stats().docs, live, 'deleted documents are gone after the merge');
  // Statistics change (deleted docs no longer count), so compare the sets of the top results with pruning on both sides.
  queries.forEach((q, i) => {
    const after = idx.search(q, 20);
    const exact = idx.search(q, 20, { exhaustive: true });
    assert.deepEqual(after.map((h) => h.key), exact.map((h) => h.key));
    assert.equal(after.length, before[i].length, `query ${i}: same number of results`);
  });
});

test('tier lists answer conjunctions of common words exactly (same keys, order and scores as exhaustive)', () => {
  const idx = buildIndex();
  const common = ['learning', 'models', 'model', 'language', 'reasoning', 'video', 'generation', 'diffusion', 'attention', 'graph'];
  const r = rng(77);
  const check = (label: string): void => {
    for (let i = 0; i < 600; i++) {
      const n = 2 + Math.floor(r() * 2);
      const must: ClauseSpec[] = Array.from({ length: n }, () => ({ terms: [porterStem(common[Math.floor(r() * common.length)])] }));
      const q: EngineQuery = { must };
      if (r() < 0.15) q.categories = ['cs.LG'];
      if (r() < 0.1) q.mustNot = [{ terms: [porterStem(word(r))] }];
      if (r() < 0.1) {
        q.dateFrom = 19050 + Math.floor(r() * 100);
        q.dateTo = q.dateFrom + Math.floor(r() * 200);
      }
      const k = [1, 5, 10, 20][i % 4];
      const fast = idx.search(q, k);
      const slow = idx.search(q, k, { exhaustive: true });
      assert.equal(fast.length, slow.length, `${label} ${i} ${JSON.stringify(q)}: result count`);
      for (let j = 0; j < fast.length; j++) {
        assert.equal(fast[j].key, slow[j].key, `${label} ${i} ${JSON.stringify(q)}: rank ${j}`);
        // Common words score ≈ 1e-6 (FTS5's idf floor): compare relatively, not just to 1e-6.
        assert.ok(Math.abs(fast[j].score - slow[j].score) <= 1e-12 * Math.abs(slow[j].score), `${label} ${i}: score at rank ${j}`);
      }
    }
  };
  const c = idx.counters;
  const seen = (): string => JSON.stringify(c);
  check('segments');
  // Both levels answer (the second tier first; the first when the second's proof fails; the full search last).
  assert.ok(c.tiered2 > 50, `the second tier lists answered many queries (${seen()})`);
  assert.ok(c.tier2Fallback > 50 && c.tiered > 20, `queries fell back from the second tier to the first (${seen()})`);
  idx.flush();
  const before = c.tiered + c.tiered2;
  assert.ok(idx.merge({ all: true }));
  check('merged');
  assert.ok(c.tiered + c.tiered2 > before, 'the merged segment has tier lists again');
});

test('every-word pairs after a failed tier probe (one word from its tier list, or the full search from the probe\'s floor) equal exhaustive BM25', () => {
  const idx = buildIndex();
  const stems = [...new Set(WORDS.map(porterStem))];
  const r = rng(4242);
  const c = idx.counters;
  const before = { ...c };
  for (let i = 0; i < 500; i++) {
    // Words ranked 10–40 (in 30–70% of the documents here, each with tier lists): their top k mixes title hits of
    // one word with abstract hits of the other, so the probe over both tiers often cannot prove its answer.
    // Every fifth pair is of the ten commonest words (under or near the idf floor).
    const commonest = i % 5 === 0;
    const pick = (): string => stems[commonest ? Math.floor(r() * 10) : 10 + Math.floor(r() * 30)];
    const q: EngineQuery = { must: [{ terms: [pick()] }, { terms: [pick()] }] };
    if (r() < 0.15) q.categories = ['cs.LG'];
    if (r() < 0.1) q.mustNot = [{ terms: [porterStem(word(r))] }];
    if (r() < 0.1) {
      q.dateFrom = 19050 + Math.floor(r() * 100);
      q.dateTo = q.dateFrom + Math.floor(r() * 200);
    }
    const k = [1, 5, 10, 20][i % 4];
    const fast = idx.search(q, k);
    const slow = idx.search(q, k, { exhaustive: true });
    assert.deepEqual(fast.map((h) => [h.key, h.score]), slow.map((h) => [h.key, h.score]), `query ${i} ${JSON.stringify(q)}`);
  }
  const ran = (name: keyof typeof c): number => c[name] - before[name];
  assert.ok(ran('tier2Fallback') > 80, `the probe failed often (${JSON.stringify(c)})`);
  assert.ok(ran('tiered') > 20, `per-word tier lists then answered (${JSON.stringify(c)})`);
  assert.ok(ran('tieredFallback') > 40, `and the full search ran from the probe's floor (${JSON.stringify(c)})`);
});

test('block-max AND over blocks of very different bounds (kept per stretch of blocks, taken again past it) equals exhaustive BM25', () => {
  // "beta" (in 40% of the papers) alternates between blocks of title hits (high bounds) and blocks of one abstract hit
  // in long papers (low bounds); "alpha" (≈ 1%) leads and jumps across them. A candidate in a high block scored with a
  // low block's bound would be dropped although it belongs in the top k.
  let matched = 0;
  // Alpha in under 1% of the papers: block-max AND leads with it (not the bitset path, not the tier lists).
  for (const period of [101, 131, 211]) {
    const idx = LexicalIndex.inMemory();
    let betas = 0;
    for (let i = 0; i < 8000; i++) {
      const beta = i % 5 < 2;
      const high = beta && Math.floor(betas / 128) % 2 === 1;
      if (beta) betas++;
      const filler = 'lorem ipsum dolor '.repeat(high ? 3 : 20 + (i % 7));
      idx.add({
        key: i + 1, title: high ? `beta study ${i % 11}` : `study ${i % 11}`, authors: 'A. Author',
        // Later papers repeat alpha more often (up to 4 times), so the top k is not simply the first matches.
        abstract: `${i % period === 0 ? 'alpha '.repeat(1 + ((i / period) % 4)) : ''}${beta && !high ? 'beta ' : ''}${filler}`,
        date: 19000 + (i >> 4), categories: ['cs.LG'], organization: null,
      }, { fresh: true });
      if (i % 3000 === 2999) idx.flush();
    }
    for (const k of [1, 2, 3, 5, 8, 13]) {
      const q: EngineQuery = { must: [{ terms: ['alpha'] }, { terms: ['beta'] }] };
      const fast = idx.search(q, k);
      const slow = idx.search(q, k, { exhaustive: true });
      assert.deepEqual(fast.map((h) => [h.key, h.score]), slow.map((h) => [h.key, h.score]), `period ${period} k ${k}`);
      if (fast.length === k) matched++;
    }
  }
  assert.ok(matched >= 15, `the heap filled (${matched} of 18 queries), so bounds pruned`);
});

test('equal exact scores whose window sums differ in the last bits keep their exhaustive order (lower doc id first)', () => {
  // 300 copies of one paper spread among 3,000 others: every copy has the same exact score, but windows add a copy's
  // terms in different orders (their essential clauses differ), so window sums differ by an ulp or two. The top k must
  // still be the copies with the lowest doc ids, as exhaustive BM25 ranks them (the documents the heap let go near its
  // threshold are ranked exactly: top-k.ts exactTopOr).
  const idx = LexicalIndex.inMemory();
  const docs = makeDocs(3300, 29);
  const r = rng(3);
  const copy = docs[0];
  let key = 1;
  for (let i = 0; i < docs.length; i++) {
    const d = i % 11 === 0 ? { ...copy } : docs[i];
    idx.add({ ...d, key: key++ }, { fresh: true });
    if (i % 1100 === 1099) idx.flush();
  }
  const words = [...new Set(`${copy.title} ${copy.abstract}`.toLowerCase().match(/[a-z]+/g)!)].map(porterStem);
  let checked = 0;
  for (let i = 0; i < 120; i++) {
    const n = 5 + Math.floor(r() * Math.min(25, words.length - 5));
    const must: ClauseSpec[] = Array.from({ length: n }, () => ({ terms: [words[Math.floor(r() * words.length)]] }));
    for (let j = 0; j < 3; j++) must.push({ terms: [porterStem(word(r))] });
    const q: EngineQuery = { must, mode: 'or' };
    const k = [5, 17, 40, 150][i % 4];
    const orWindow = [32, 100, undefined][i % 3];
    const fast = idx.search(q, k, { orWindow });
    const slow = idx.search(q, k, { exhaustive: true });
    assert.deepEqual(fast.map((h) => h.key), slow.map((h) => h.key), `query ${i} k ${k} window ${orWindow}`);
    for (let j = 0; j < fast.length; j++) assert.equal(fast[j].score, slow[j].score, `query ${i}: score at rank ${j}`);
    checked++;
  }
  assert.equal(checked, 120);
});
