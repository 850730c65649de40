/**
 * The quantized-scan index (PQ scan, 8-bit re-rank) against exact float
 * search on generated vectors (seeded, clustered like topic embeddings, and
 * isotropic — the hard case): recall@10 ≥ 0.95;
 * filters give exactly the filtered exact answer; papers replaced and
 * removed in place; a snapshot written and read back answers alike.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VectorIndex, type VectorDoc } from '../../../src/search/vectors/vector-index.js';
import { decodeIndex, encodeIndex } from '../../../src/search/vectors/vector-file.js';
import { rng } from '../../helpers/prng.js';

const DIM = 64;

/** Unit vectors around `clusters` random centres (spread 0.6), and queries near other points of the same clusters. */
function clustered(n: number, clusters: number, seed: number): { vectors: Float32Array[]; queries: Float32Array[] } {
  const rnd = rng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());
  const unit = (v: Float32Array) => {
    const n2 = Math.hypot(...v);
    for (let i = 0; i < v.length; i++) v[i] /= n2;
    return v;
  };
  const centres = Array.from({ length: clusters }, () => unit(Float32Array.from({ length: DIM }, gauss)));
  const near = () => {
    const c = centres[Math.floor(rnd() * clusters)];
    return unit(Float32Array.from(c, (x) => x + (0.6 * gauss()) / Math.sqrt(DIM)));
  };
  return { vectors: Array.from({ length: n }, near), queries: Array.from({ length: 100 }, near) };
}

function exact(vectors: Float32Array[], q: Float32Array, k: number, allow: (i: number) => boolean = () => true): number[] {
  const scored: [number, number][] = [];
  vectors.forEach((v, i) => {
    if (!allow(i)) return;
    let s = 0;
    for (let c = 0; c < DIM; c++) s += v[c] * q[c];
    scored.push([s, i]);
  });
  return scored.sort((a, b) => b[0] - a[0] || a[1] - b[1]).slice(0, k).map(([, i]) => i);
}

const doc = (i: number): VectorDoc => ({
  key: i,
  publishedAt: `2024-${String(1 + (i % 12)).padStart(2, '0')}-15`,
  categories: i % 3 === 0 ? ['cs.CL', 'cs.LG'] : ['cs.CV'],
  organization: i % 5 === 0 ? 'Lab' : null,
});

for (const [name, clusters] of [['clustered', 200], ['isotropic', 0]] as const) {
  test(`recall@10 against exact float search is at least 0.95 (20,000 ${name} vectors)`, () => {
    const n = 20_000;
    const { vectors, queries } = clusters > 0 ? clustered(n, clusters, 7) : clustered(n, n, 7);
    const index = VectorIndex.train(vectors.filter((_, i) => i % 4 === 0), DIM);
    vectors.forEach((v, i) => index.add(doc(i), v));
    let found = 0;
    for (const q of queries) {
      const truth = new Set(exact(vectors, q, 10));
      for (const h of index.search(q, 10)) if (truth.has(h.key)) found++;
    }
    const recall = found / (queries.length * 10);
    assert.ok(recall >= 0.95, `recall@10 ${recall}`);
  });
}

test('filters: dates, categories and organizations give the filtered exact answer', () => {
  const { vectors, queries } = clustered(3_000, 30, 11);
  const index = VectorIndex.train(vectors, DIM, vectors.length);
  vectors.forEach((v, i) => index.add(doc(i), v));
  const filters = { from: '2024-03-01', to: '2024-06-30', categories: ['cs.CL'], organizations: ['Lab'] };
  const allow = (i: number) => { const m = 1 + (i % 12); return m >= 3 && m <= 6 && i % 3 === 0 && i % 5 === 0; };
  for (const q of queries.slice(0, 20)) {
    const got = index.search(q, 10, filters).map((h) => h.key);
    assert.ok(got.every(allow), 'every hit passes the filters');
    const truth = exact(vectors, q, 10, allow);
    assert.ok(got.filter((k) => truth.includes(k)).length >= 9, `filtered top 10 ${got} vs exact ${truth}`);
  }
  assert.deepEqual(index.search(queries[0], 10, { categories: ['math.AG'], organizations: [] }), [], 'an unknown category matches nothing');
});

test('a paper replaced or removed in place; a snapshot read back answers alike', () => {
  const { vectors, queries } = clustered(2_000, 20, 13);
  const index = VectorIndex.train(vectors, DIM, vectors.length);
  vectors.forEach((v, i) => index.add(doc(i), v));
  const q = queries[0];
  // Replace paper 5's vector with the query itself: it comes first.
  index.add(doc(5), q);
  assert.equal(index.search(q, 1)[0].key, 5);
  assert.equal(index.size, 2_000);
  index.remove(5);
  assert.ok(!index.search(q, 50).some((h) => h.key === 5));
  assert.equal(index.size, 1_999);
  assert.equal(index.remove(5), false);

  const back = decodeIndex(Buffer.concat(encodeIndex(index)));
  assert.equal(back.size, index.size);
  for (const query of queries.slice(0, 10)) {
    assert.deepEqual(back.search(query, 10, { from: '2024-02-01', categories: ['cs.CV'], organizations: [] }),
      index.search(query, 10, { from: '2024-02-01', categories: ['cs.CV'], organizations: [] }));
  }
});

test('a dimension whose PQ pieces are not a multiple of four is scanned byte by byte, with the same recall', () => {
  // 30 dimensions: 30 one-dimension pieces (subspacesFor), so the four-codes-per-word scan does not apply.
  const dim = 30;
  const rnd = rng(11);
  const unit = (v: Float32Array) => v.map((x) => x / Math.hypot(...v));
  const vectors = Array.from({ length: 5_000 }, () => unit(Float32Array.from({ length: dim }, () => rnd() - 0.5)));
  const index = VectorIndex.train(vectors, dim);
  assert.equal(index.pq.m % 4 === 0, false, `m = ${index.pq.m}`);
  vectors.forEach((v, i) => index.add(doc(i), v));
  let found = 0;
  for (let qi = 0; qi < 50; qi++) {
    const q = unit(Float32Array.from({ length: dim }, () => rnd() - 0.5));
    const truth = new Set(vectors.map((v, i) => [v.reduce((s, x, c) => s + x * q[c], 0), i] as [number, number])
      .sort((a, b) => b[0] - a[0]).slice(0, 10).map(([, i]) => i));
    for (const h of index.search(q, 10)) if (truth.has(h.key)) found++;
  }
  assert.ok(found / 500 >= 0.95, `recall@10 ${found / 500}`);
});

test('maxSimilarity bounds every score search() and similarity() give, after adds, replacements and a snapshot read back', () => {
  const { vectors, queries } = clustered(3_000, 30, 17);
  const index = VectorIndex.train(vectors.slice(0, 500), DIM);
  vectors.slice(0, 2_000).forEach((v, i) => index.add(doc(i), v));
  const check = (ix: VectorIndex, label: string, unit: boolean) => {
    for (const q of queries.slice(0, 30)) {
      const bound = ix.maxSimilarity(q);
      if (unit) assert.ok(bound < 1.05, `${label}: the bound (${bound}) stays near 1 for unit vectors`);
      const scores = [...ix.search(q, 50).map((h) => h.score), ...[...ix.entries()].map(({ key }) => ix.similarity(q, key))];
      for (const s of scores) assert.ok(s <= bound, `${label}: score ${s} above the bound ${bound}`);
      // A longer query scales the bound (nothing assumes unit queries).
      const twice = q.map((x) => 2 * x);
      assert.ok(ix.search(twice, 1)[0].score <= ix.maxSimilarity(twice));
    }
  };
  check(index, 'built', true);
  // A paper replaced by a query itself: the highest score any paper can have with it, just under the bound.
  index.add(doc(7), queries[0]);
  check(index, 'replaced', true);
  assert.ok(index.search(queries[0], 1)[0].score > 0.95 * index.maxSimilarity(queries[0]), 'the bound is tight for a paper equal to the query');
  // Papers added after the first bound, longer than unit (they reach past the training sample: codes clip).
  vectors.slice(2_000).forEach((v, i) => index.add(doc(2_000 + i), v.map((x) => x * 1.5)));
  check(index, 'after adds', false);
  check(decodeIndex(Buffer.concat(encodeIndex(index))), 'read back', false);
});

test('measureBound, in slices, gives the bound measured in one go, counting papers added and slots reused meanwhile', async () => {
  const { vectors, queries } = clustered(80_000, 30, 23);
  const index = VectorIndex.train(vectors.slice(0, 500), DIM);
  vectors.slice(0, 70_000).forEach((v, i) => index.add(doc(i), v));
  // Freed slots, reused by the adds below while the measurement is past them.
  for (let i = 0; i < 100; i++) index.remove(i);
  const measuring = index.measureBound();
  // More than one slice: the adds land between two of them.
  await new Promise((resolve) => setImmediate(resolve));
  const long = vectors[70_000].map((x) => x * 3);
  index.add(doc(70_000), long);
  vectors.slice(70_001).forEach((v, i) => index.add(doc(70_001 + i), v));
  await measuring;
  const oneGo = decodeIndex(Buffer.concat(encodeIndex(index)));
  for (const q of queries.slice(0, 10)) {
    assert.ok(Math.abs(index.maxSimilarity(q) - oneGo.maxSimilarity(q)) < 1e-9, 'the same bound as measured at once');
    assert.ok(index.similarity(q, 70_000) <= index.maxSimilarity(q), 'the long paper added during the measurement is under the bound');
  }
  assert.ok(index.maxSimilarity(queries[0]) > 2, 'the bound counts the long paper (3× a unit vector)');
});
