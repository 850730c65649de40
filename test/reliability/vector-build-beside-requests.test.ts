/**
 * Reliability: building the vector index never stops `serve` answering. A
 * real `serve` with vectors on starts over a database whose vector index was
 * never built; it trains the corpus model and embeds every paper in its
 * maintainer thread (search/vectors/vector-maintainer.ts) while a prober asks
 * for the OpenAPI document and lexical searches. Compared as ratios within
 * this run (no clock threshold): the 99th percentile during the build stays
 * within TAIL_RATIO of the one after it. When the build ran on the serving
 * thread, one request waited for all of it (13.5 s at 5,841 papers) and
 * barely any were answered meanwhile. After the build, semantic search
 * answers from the followed snapshot.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { SqliteBackend } from '../../src/store/sqlite/sqlite-backend.js';
import { readManifest } from '../../src/search/vectors/vector-file.js';
import { tempDbPath } from '../helpers/temp-db.js';
import { startServe, until, type ServeProcess } from '../helpers/cli-process.js';
import { wordPapers } from '../helpers/word-papers.js';

/** As in searches-beside-import.test.ts: a single prober on a loaded 2-core machine sits at ≈ 1.5–2× while a worker takes a core. */
const TAIL_RATIO = 5;

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

test('serve answers while its vector index is built from scratch: the tail within a ratio of the one after, semantic search after', async (t) => {
  const { file, cleanup } = tempDbPath();
  let server: ServeProcess | null = null;
  try {
    const seed = new SqliteBackend(file);
    await seed.store.upsertRecords(wordPapers(8_000, 3));
    const vectorsDir = join(seed.indexDir!, 'vectors');
    await seed.close();
    const built = () => readManifest(vectorsDir)?.complete === true;
    server = await startServe(file, { PAPERBOY_VECTORS: '1' });
    const s = server;
    let i = 0;
    const probe = async (): Promise<number> => {
      const path = i++ % 2 ? '/api/openapi.json' : '/api/papers/search?q=model&limit=20&mode=lexical';
      const t0 = performance.now();
      const r = await fetch(`${s.url}${path}`);
      await r.arrayBuffer();
      assert.equal(r.status, 200, path);
      return performance.now() - t0;
    };
    const during: number[] = [];
    while (!built()) during.push(await probe());
    const after: number[] = [];
    for (let k = 0; k < 300; k++) after.push(await probe());

    const f = (xs: number[], p: number) => percentile(xs, p).toFixed(1);
    const summary = `during the build (${during.length} requests) p50 ${f(during, 50)} p99 ${f(during, 99)} max ${f(during, 100)} ms; after p50 ${f(after, 50)} p99 ${f(after, 99)} ms`;
    t.diagnostic(summary);
    assert.ok(during.length >= 30, `requests were answered during the build: ${summary}`);
    const ratio = percentile(during, 99) / percentile(after, 99);
    assert.ok(ratio <= TAIL_RATIO, `p99 ratio ${ratio.toFixed(2)} ≤ ${TAIL_RATIO}: ${summary}`);

    // The serving thread loads the finished snapshot: a semantic search answers from it.
    await until('semantic search answers', async () => {
      const r = await fetch(`${s.url}/api/papers/search?q=${encodeURIComponent('a sentence about models')}&mode=semantic&limit=5`);
      return r.status === 200 && ((await r.json()) as unknown[]).length > 0;
    });
    assert.doesNotMatch(s.output(), /failed|could not/i, s.output());
  } finally {
    await server?.kill9();
    cleanup();
  }
});
