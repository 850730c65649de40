/**
 * Search latency: the site's search layer, SearchService.search() (the
 * default block-max engine, or FTS5 with --engine fts5: parse, count up to
 * 10,000, top 20, batched load, highlight), beside the bare FTS5 query on
 * the same database, for typical 1–3 word queries including the commonest
 * words (--held-out: 12 queries never used for tuning), at 100k and
 * 1M synthetic papers (bench/corpus.ts). bench/api-search-bench.ts times the
 * same through HTTP.
 *
 *   npm run bench -- search                         # 100k and 1M papers
 *   npm run bench -- search --quick                 # 20k papers
 *   node --import tsx bench/search-bench.ts [--sizes 100000,1000000] [--runs 20] [--fresh]
 *
 * Databases are built once into bench/out/search-<N>.db and reused (pass
 * --fresh to rebuild). Columns: matches = papers matching the query;
 * search = the full SearchService call (match count + top 20 by weighted
 * BM25 + batched load + highlighting), with and without the last word as a prefix;
 * filtered = with a category filter; newest = sorted by date; bare FTS5 =
 * `SELECT rowid FROM papers_fts WHERE papers_fts MATCH ? ORDER BY rank LIMIT 20`
 * with the same MATCH expression. Target: search p95 ≤ 50 ms at 100k.
 * Non-goals: concurrency (one query at a time), cold-cache numbers.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { loadVocabulary, paperRecords } from './corpus.js';
import { SqliteBackend } from '../src/store/sqlite/sqlite-backend.js';
import { openSearch } from '../src/search/open-search.js';
import { buildMatch, parseQuery } from '../src/domain/query-parser.js';
import type { PaperRecord } from '../src/domain/paper.js';
import type { BenchOptions, BenchResult } from './run.js';

export const QUERIES = ['models', 'learning', 'language model reasoning', 'video generation', 'diffusion models', 'attention', 'graph neural'];
/**
 * Queries never used to tune the engine's constants (the tier thresholds were chosen on QUERIES and on
 * bench/lexical-engine-bench.ts's list): `--held-out` times these instead.
 */
export const HELD_OUT_QUERIES = ['protein structure prediction', 'speech recognition', 'robot manipulation policy', 'reinforcement learning reward',
  'knowledge distillation', 'point cloud segmentation', 'federated learning privacy', 'code generation benchmark', 'medical image',
  'multilingual translation', 'sparse mixture of experts', 'retrieval augmented generation'];

/** bench/out under the repository root (found by package.json), from bench/ or dist/bench/. */
function outDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5 && !existsSync(join(dir, 'package.json')); i++) dir = dirname(dir);
  return join(dir, 'bench', 'out');
}
const OUT_DIR = outDir();

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function time(runs: number, fn: () => unknown): Promise<{ p50: number; p95: number }> {
  await fn(); // warm the page cache and the statement cache
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { p50: percentile(ms, 50), p95: percentile(ms, 95) };
}

/** Opens (building when needed) a database of `n` synthetic papers. */
export async function benchDatabase(n: number, fresh: boolean, log: (s: string) => void): Promise<SqliteBackend> {
  mkdirSync(OUT_DIR, { recursive: true });
  const file = join(OUT_DIR, `search-${n}.db`);
  if (fresh) for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
  // FTS5 rows are kept: the benches compare the site's search with bare FTS5 on the same database.
  if (existsSync(file)) {
    const backend = new SqliteBackend(file, { nativeLexical: true });
    if ((await backend.store.countPapers()) === n) return backend;
    await backend.close();
    for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
  }
  const backend = new SqliteBackend(file, { nativeLexical: true });
  const store = backend.store;
  const t0 = performance.now();
  const vocabulary = loadVocabulary();
  let batch: PaperRecord[] = [];
  let done = 0;
  for (const r of paperRecords(n, { seed: 42, vocabulary })) {
    batch.push(r);
    if (batch.length === 5000) {
      await store.upsertRecords(batch);
      done += batch.length;
      batch = [];
      if (done % 100_000 === 0) log(`  built ${done.toLocaleString('en-US')} / ${n.toLocaleString('en-US')} papers`);
    }
  }
  if (batch.length) await store.upsertRecords(batch);
  store.db.exec("INSERT INTO papers_fts(papers_fts) VALUES ('optimize')");
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  log(`  built ${n.toLocaleString('en-US')} papers in ${((performance.now() - t0) / 1000).toFixed(0)} s (vocabulary: ${vocabulary.source})`);
  return backend;
}

const fmt = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(1));

export async function run(opts: BenchOptions): Promise<BenchResult> {
  const argv = opts.args;
  const flag = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const sizes = (flag('--sizes') ?? (opts.quick ? '20000' : '100000,1000000')).split(',').map(Number);
  const fresh = argv.includes('--fresh');
  // The site's search through the configured default engine (paperboy's block-max index); --engine fts5 for FTS5.
  const engine = flag('--engine') === 'fts5' ? 'fts5' : 'engine';
  const queries = argv.includes('--held-out') ? HELD_OUT_QUERIES : QUERIES;
  const rows: (string | number)[][] = [];
  const notes: string[] = [];
  for (const n of sizes) {
    const runs = Number(flag('--runs') ?? (n >= 1_000_000 ? 10 : 20));
    opts.log(`[search] ${n.toLocaleString('en-US')} papers`);
    const backend = await benchDatabase(n, fresh, opts.log);
    const store = backend.store;
    const opened = await openSearch(backend, engine);
    const search = opened.service;
    const bare = store.db.prepare('SELECT rowid FROM papers_fts WHERE papers_fts MATCH ? ORDER BY rank LIMIT 20');
    const count = store.db.prepare('SELECT count(*) AS n FROM papers_fts WHERE papers_fts MATCH ?');
    const category = (store.db.prepare('SELECT primary_category AS c FROM papers GROUP BY primary_category ORDER BY count(*) DESC LIMIT 1').get() as { c: string }).c;
    for (const q of queries) {
      const match = buildMatch(parseQuery(q))!;
      const matches = (count.get(match) as { n: number }).n;
      const base = { text: q, filters: {}, sort: 'relevance' as const, limit: 20, offset: 0 };
      const plain = await time(runs, () => search.search({ ...base, prefixLast: false }));
      const prefix = await time(runs, () => search.search({ ...base, prefixLast: true }));
      const filtered = await time(runs, () => search.search({ ...base, prefixLast: false, filters: { category } }));
      const newest = await time(runs, () => search.search({ ...base, prefixLast: false, sort: 'newest' }));
      const fts = await time(runs, () => bare.all(match));
      rows.push([n, q, matches, fmt(plain.p50), fmt(plain.p95), fmt(prefix.p95), fmt(filtered.p95), fmt(newest.p95), fmt(fts.p50), fmt(fts.p95)]);
      opts.log(`  ${q}: search p95 ${fmt(plain.p95)} ms, bare FTS5 p95 ${fmt(fts.p95)} ms`);
    }
    notes.push(`${n.toLocaleString('en-US')} papers: ${runs} runs per cell after one warm-up; filtered = category ${category}; search engine: ${engine}.`);
    await opened.close();
    await backend.close();
  }
  notes.push('Times in ms. Machine shared with other jobs: treat differences under ~20% as noise.');
  return {
    title: `Search latency (top 20), the site's search (${engine}) vs bare FTS5`,
    columns: ['papers', 'query', 'matches', 'search p50', 'search p95', 'prefix p95', 'filtered p95', 'newest p95', 'FTS5 p50', 'FTS5 p95'],
    rows,
    notes,
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { formatTable } = await import('./run.js');
  const argv = process.argv.slice(2);
  const result = await run({ quick: argv.includes('--quick'), args: argv, log: (s) => process.stderr.write(s + '\n') });
  process.stdout.write(formatTable(result));
}
