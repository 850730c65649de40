/**
 * Hybrid ranking skips the vector search when no paper it could add may
 * enter the page (hybrid.ts scanSkippable): on a real backend with both
 * indexes, every page of 600 random queries — words of four topics and of a
 * generated vocabulary, 1–8 words, several limits and offsets, with and
 * without counts — equals the page computed with the vector search always
 * run (same keys, order and scores), and the skip happened for many of them
 * and not for others; with a bound of 0 (a broken rule) pages differ.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestBackend, type TestBackend } from '../helpers/test-app.js';
import { tempDbPath } from '../helpers/temp-db.js';
import { topicPapers } from '../helpers/topic-papers.js';
import { wordPapers } from '../helpers/word-papers.js';
import { rng } from '../helpers/prng.js';
import { paper, record } from '../helpers/papers.js';
import { hybridSearch } from '../../src/search/hybrid.js';
import { parseQuery } from '../../src/domain/query-parser.js';
import type { VectorEngine } from '../../src/search/vectors/vector-engine.js';

let t: TestBackend;
let cleanup: () => void;
before(async () => {
  const db = tempDbPath();
  cleanup = db.cleanup;
  // Fillers share two words found in most papers (BM25 gives them almost nothing) and otherwise words of their own: a
  // query with them has weak lexical candidates that papers found by meaning can outrank (the vector search must run).
  const fillers = Array.from({ length: 700 }, (_, i) => record(paper(`2402.${String(20000 + i)}`, {
    title: `Notes ${i} on common practice`,
    abstract: `A common remark: ${['ka', 'lo', 'mi', 'nu', 'pe', 'ra', 'si', 'to'].map((x, j) => x + ((i * 7 + j * 13) % 97)).join(' ')}.`,
  })));
  t = await openTestBackend(db.file, { records: [...topicPapers(), ...wordPapers(600, 5), ...fillers], engine: 'engine' });
  assert.ok(t.search.vectors, 'the vector index is open');
});
after(async () => {
  await t.close();
  cleanup();
});

/** The vector engine with its search() counted and, optionally, another maxSimilarity. */
function wrap(v: VectorEngine, maxSimilarity?: (q: Float32Array) => number): VectorEngine & { scans: number } {
  const w = {
    scans: 0,
    name: v.name,
    embedder: v.embedder,
    embedQuery: (text: string) => v.embedQuery(text),
    search: (q: Float32Array, k: number, f: Parameters<VectorEngine['search']>[2]) => { w.scans++; return v.search(q, k, f); },
    similarity: (q: Float32Array, keys: number[]) => v.similarity(q, keys),
    maxSimilarity: async (q: Float32Array) => (maxSimilarity ? maxSimilarity(q) : v.maxSimilarity(q)),
    vectorsOf: (keys: number[]) => v.vectorsOf(keys),
    close: () => v.close(),
  };
  return w;
}

const WORDS = ['diffusion', 'graph', 'neural', 'language', 'model', 'robot', 'policy', 'reward', 'image', 'video', 'protein',
  'molecule', 'attention', 'sparse', 'quantum', 'speech', 'agent', 'vision', 'planning', 'denoising', 'jailbreak', 'safety',
  'alignment', 'prompts', 'atoms', 'bonds', 'manipulation', 'grasping', 'kalox', 'molecular', 'harmful', 'sampler', 'zzyzx', 'common', 'practice', 'common', 'practice',
  // Words of one title each: the other papers of that topic are found by meaning only.
  'photographs', 'autoencoder', 'distillation', 'refusal', 'teaming', 'compounds', 'yields', 'equivariant'];

test('pages with the vector search skipped equal pages with it run, on 600 random queries', async () => {
  const vectors = t.search.vectors!;
  const skipping = wrap(vectors);
  const always = wrap(vectors, () => Infinity);
  // The test can fail: a bound below the real scores skips searches that would add papers to the page.
  const broken = wrap(vectors, () => 0);
  const r = rng(23);
  let skipped = 0;
  let scanned = 0;
  let brokenDiffers = 0;
  for (let i = 0; i < 600; i++) {
    const n = 1 + Math.floor(r() * 6);
    const text = Array.from({ length: n }, () => WORDS[Math.floor(r() * WORDS.length)]).join(' ');
    const query = parseQuery(text, { prefixLast: false });
    const limit = [5, 10, 20][i % 3];
    const offset = i % 7 === 0 ? 10 : 0;
    const countCap = i % 5 === 0 ? 10_000 : 0;
    const req = { query, text, filters: { categories: [], organizations: [] }, limit, offset, countCap, mode: 'hybrid' as const };
    const before = skipping.scans;
    const got = await hybridSearch(t.search.engine, skipping, req);
    const want = await hybridSearch(t.search.engine, always, req);
    assert.deepEqual(got.hits, want.hits, `"${text}" limit ${limit} offset ${offset}: the same page`);
    if (skipping.scans === before) skipped++;
    else scanned++;
    if (JSON.stringify((await hybridSearch(t.search.engine, broken, req)).hits) !== JSON.stringify(want.hits)) brokenDiffers++;
  }
  assert.ok(skipped > 100, `the scan was skipped ${skipped} times`);
  assert.ok(scanned > 50, `the scan ran ${scanned} times (weak lexical evidence)`);
  assert.ok(brokenDiffers > 5, `with a bound of 0, ${brokenDiffers} pages lost papers found by meaning`);
});
