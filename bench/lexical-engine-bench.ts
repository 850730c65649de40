/**
 * Benchmark: paperboy's block-max lexical engine against FTS5's exhaustive
 * ranking, on the same synthetic corpus (bench/corpus.ts), in the same run.
 *
 *   node --import tsx bench/lexical-engine-bench.ts [papers=1000000] [--rebuild] [--rebuild-index] [--fts-only] [--no-fts]
 *     [--reps N] [--segment-docs N] [--threads N] [--pregenerate]
 *
 * Step 1 (cached in bench/out/lexical-engine-N.db): an FTS5 table shaped
 * like papers_fts, and the raw text size. Step 2 (cached in
 * lexical-engine-N.idx/, redone with --rebuild): the engine's index, built
 * from the same generated papers; only the engine's own work is timed (the
 * generator is not: papers come in batches of 10,000, each batch's indexing
 * timed in wall-clock and CPU time; a segment is flushed every
 * --segment-docs papers, default REBUILD_SEGMENT_DOCS). Step 3: 1–3 word
 * queries (top 20) on both: p50/p95/p99, p95 less the GC pauses inside the
 * runs, speed-up, whether the engine's top 20 equals FTS5's bm25(10,5,1)
 * top 20, build papers/s, index size against the raw text, resident memory.
 * Run the queries in a fresh process (without --rebuild*) for clean figures.
 * --threads N (N ≥ 2) builds alternate segments in N worker threads
 * (ParallelSegmentWriter); the whole build, generator included, is then the
 * comparable figure ("build with the generator", printed for any N), or,
 * with --pregenerate, all papers are generated in memory first (small N
 * only: ≈ 3 KB a paper) and the build alone is timed.
 * Non-goals: the HTTP layer (search-bench.ts).
 */
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { paperRecords } from './corpus.js';
import { LexicalIndex, type EngineQuery } from '../src/search/index/lexical-index.js';
import { ParallelSegmentWriter } from '../src/search/index/parallel-segment-writer.js';
import { dayNumber, type IndexDoc } from '../src/search/index/segment-builder.js';
import { DEFAULT_FIELD_WEIGHTS } from '../src/search/index/bm25.js';
import { porterStem, foldedTokens } from '../src/domain/tokenize.js';
import { REBUILD_SEGMENT_DOCS } from '../src/search/block-max-engine.js';

const args = process.argv.slice(2);
const n = Number(args.find((a, i) => /^\d+$/.test(a) && !['--reps', '--segment-docs', '--threads'].includes(args[i - 1])) ?? 1_000_000);
const rebuild = args.includes('--rebuild');
const rebuildIndex = rebuild || args.includes('--rebuild-index');
const ftsOnly = args.includes('--fts-only');
// --no-fts: engine only (no FTS5 table, no FTS5 timings or agreement; raw text measured during the index build).
const noFts = args.includes('--no-fts');
const repsArg = args.indexOf('--reps');
const reps = repsArg >= 0 ? Number(args[repsArg + 1]) : 30;
// --segment-docs N: the build flushes a segment every N papers (as `paperboy index --lexical` does), bounding its memory.
const segArg = args.indexOf('--segment-docs');
const segmentDocs = segArg >= 0 ? Number(args[segArg + 1]) : REBUILD_SEGMENT_DOCS;
// --threads N: N ≥ 2 builds alternate segments in N worker threads (ParallelSegmentWriter, as `paperboy index --lexical`).
const thrArg = args.indexOf('--threads');
const threads = thrArg >= 0 ? Number(args[thrArg + 1]) : 1;
const pregenerate = args.includes('--pregenerate');
const out = join(import.meta.dirname, 'out');
mkdirSync(out, { recursive: true });
const dbFile = join(out, `lexical-engine-${n}.db`);
const idxDir = join(out, `lexical-engine-${n}.idx`);
const ftsMetaFile = join(out, `lexical-engine-${n}.fts.json`);
const idxMetaFile = join(out, `lexical-engine-${n}.idx.json`);
const mb = (b: number): string => `${(b / 1048576).toFixed(0)} MB`;

function* docs(): Generator<IndexDoc> {
  let pk = 0;
  for (const rec of paperRecords(n)) {
    const p = rec.paper;
    yield {
      key: ++pk, title: p.title, authors: p.authors.map((a) => a.name).join(', '), abstract: p.abstract,
      date: dayNumber(p.publishedAt), categories: p.categories, organization: p.organization,
    };
  }
}

interface FtsMeta { rawBytes: number; ftsSeconds: number }
interface IdxMeta { engineSeconds: number; cpuSeconds?: number; threads?: number; pregenerated?: boolean; totalSeconds?: number; totalCpuSeconds?: number; segmentDocs?: number; peakRss?: number; rssAfterBuild: number; rawBytes?: number }

function buildFts(): FtsMeta {
  for (const p of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`]) rmSync(p, { force: true });
  const db = new Database(dbFile);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  db.exec(`CREATE VIRTUAL TABLE papers_fts USING fts5(title, authors, abstract, content='', contentless_delete=1,
    tokenize='porter unicode61 remove_diacritics 2')`);
  const ins = db.prepare('INSERT INTO papers_fts (rowid, title, authors, abstract) VALUES (?, ?, ?, ?)');
  let ftsMs = 0;
  let rawBytes = 0;
  let batch: IndexDoc[] = [];
  const insertBatch = db.transaction((rows: IndexDoc[]) => {
    for (const r of rows) ins.run(r.key, r.title, r.authors, r.abstract);
  });
  for (const d of docs()) {
    rawBytes += Buffer.byteLength(d.title) + Buffer.byteLength(d.authors) + Buffer.byteLength(d.abstract);
    batch.push(d);
    if (batch.length === 10_000) {
      const t1 = performance.now();
      insertBatch(batch);
      ftsMs += performance.now() - t1;
      batch = [];
      if (d.key % 100_000 === 0) process.stderr.write(`  FTS5: ${d.key} papers\n`);
    }
  }
  const t1 = performance.now();
  insertBatch(batch);
  db.exec("INSERT INTO papers_fts(papers_fts) VALUES ('optimize')");
  ftsMs += performance.now() - t1;
  db.close();
  const meta = { rawBytes, ftsSeconds: ftsMs / 1000 };
  writeFileSync(ftsMetaFile, JSON.stringify(meta));
  return meta;
}

function buildIndex(): IdxMeta {
  rmSync(idxDir, { recursive: true, force: true });
  const idx = LexicalIndex.open(idxDir);
  let engineMs = 0;
  let cpuMs = 0;
  let rawBytes = 0;
  let peakRss = 0;
  let done = 0;
  // Papers are generated in batches outside the timed part; a batch is timed in wall-clock and CPU time.
  const timed = (f: () => void): void => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    f();
    engineMs += performance.now() - t0;
    const c = process.cpuUsage(c0);
    cpuMs += (c.user + c.system) / 1000;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  };
  // --pregenerate: every paper in memory first, so the whole-build figure below is the build alone.
  const source: Iterable<IndexDoc> = pregenerate ? [...docs()] : docs();
  // Whole build, generator included (wall and CPU of all threads): the figure comparable across --threads.
  const t0all = performance.now();
  const c0all = process.cpuUsage();
  const par = threads > 1 ? new ParallelSegmentWriter(idx, threads, segmentDocs) : null;
  let batch: IndexDoc[] = [];
  const addBatch = (): void => timed(() => {
    for (const d of batch) {
      if (par) {
        par.add(d);
        continue;
      }
      idx.add(d, { fresh: true });
      if (++done % segmentDocs === 0) idx.flush();
    }
  });
  for (const d of source) {
    rawBytes += Buffer.byteLength(d.title) + Buffer.byteLength(d.authors) + Buffer.byteLength(d.abstract);
    batch.push(d);
    if (batch.length === 10_000) {
      addBatch();
      batch = [];
      if (d.key % 100_000 === 0) {
        process.stderr.write(`  engine: ${d.key} papers, ${(d.key / (engineMs / 1000)).toFixed(0)} papers/s, ` +
          `${(d.key / (cpuMs / 1000)).toFixed(0)} papers/CPU-s, RSS ${mb(process.memoryUsage().rss)}\n`);
      }
    }
  }
  addBatch();
  timed(() => (par ? par.finish() : idx.flush()));
  const totalSeconds = (performance.now() - t0all) / 1000;
  const ca = process.cpuUsage(c0all);
  const totalCpuSeconds = (ca.user + ca.system) / 1e6;
  const meta: IdxMeta = { engineSeconds: engineMs / 1000, cpuSeconds: cpuMs / 1000, threads, pregenerated: pregenerate, totalSeconds, totalCpuSeconds, segmentDocs, peakRss, rssAfterBuild: process.memoryUsage().rss, rawBytes };
  idx.close();
  writeFileSync(idxMetaFile, JSON.stringify(meta));
  return meta;
}

const ftsMeta: FtsMeta | null = noFts ? null
  : !rebuild && existsSync(ftsMetaFile) && existsSync(dbFile) ? JSON.parse(readFileSync(ftsMetaFile, 'utf8')) as FtsMeta : buildFts();
if (ftsOnly) process.exit(0);
const idxMeta: IdxMeta = !rebuildIndex && existsSync(idxMetaFile) && existsSync(idxDir) ? JSON.parse(readFileSync(idxMetaFile, 'utf8')) as IdxMeta : buildIndex();
const rawBytes = ftsMeta?.rawBytes ?? idxMeta.rawBytes ?? NaN;
if (global.gc) global.gc();
const rssBefore = process.memoryUsage().rss;
const idx = LexicalIndex.open(idxDir);
const rssLoaded = process.memoryUsage().rss;
const db = noFts ? null : new Database(dbFile, { readonly: true });
const fts = db?.prepare('SELECT rowid FROM papers_fts WHERE papers_fts MATCH ? ORDER BY rank LIMIT 20');
const ftsWeighted = db?.prepare(`SELECT rowid, bm25(papers_fts, ${DEFAULT_FIELD_WEIGHTS.join(', ')}) AS s FROM papers_fts WHERE papers_fts MATCH ?
  ORDER BY s, rowid LIMIT 20`);

const QUERIES = ['learning', 'models', 'language model reasoning', 'video generation', 'diffusion models', 'attention',
  'graph neural', 'neural networks', 'reinforcement learning', 'large language models', 'image segmentation', 'transformer'];
const engineQuery = (q: string): EngineQuery => ({ must: foldedTokens(q).map((t) => ({ terms: [porterStem(t)] })) });
const ftsMatch = (q: string): string => foldedTokens(q).map((t) => `"${t}"`).join(' AND ');

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}
/** Times f `times` times; pushes each run's [start, end] (performance.now()) onto spans, to find GC pauses inside runs. */
function time(f: () => void, times: number, spans?: [number, number][]): number[] {
  const res: number[] = [];
  for (let i = 0; i < times; i++) {
    const t = performance.now();
    f();
    const e = performance.now();
    res.push(e - t);
    spans?.push([t, e]);
  }
  return res;
}
// GC pauses (PerformanceObserver 'gc' entries: start, duration, kind).
const gcPauses: { start: number; ms: number; kind: number }[] = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcPauses.push({ start: e.startTime, ms: e.duration, kind: (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? 0 });
}).observe({ entryTypes: ['gc'] });

const rows: string[] = [];
const perQuerySpans: [number, number][][] = [];
const allEngine: number[] = [];
const allFts: number[] = [];
const common = new Set(['learning', 'models', 'language model reasoning', 'video generation', 'diffusion models', 'attention']);
const commonRatios: number[] = [];
let agree = 0;
for (const q of QUERIES) {
  const eq = engineQuery(q);
  idx.search(eq, 20); // warm
  const spans: [number, number][] = [];
  const e = time(() => idx.search(eq, 20), reps, spans);
  perQuerySpans.push(spans);
  const f = fts ? time(() => fts.all(ftsMatch(q)), 3) : [NaN];
  allEngine.push(...e);
  allFts.push(...f);
  const mine = idx.search(eq, 20);
  const theirs = (ftsWeighted ? ftsWeighted.all(ftsMatch(q)) : []) as { rowid: number; s: number }[];
  let same = 0;
  for (let i = 0; i < Math.min(mine.length, theirs.length); i++) {
    if (mine[i].key === theirs[i].rowid && Math.abs(mine[i].score + theirs[i].s) <= 1e-6) same++;
  }
  agree += same;
  const ratio = pct(f, 50) / pct(e, 50);
  if (common.has(q)) commonRatios.push(ratio);
  rows.push(`| ${q} | ${pct(e, 50).toFixed(2)} | ${pct(e, 95).toFixed(2)} | ${pct(e, 99).toFixed(2)} | @GC${rows.length}@ | ${pct(f, 50).toFixed(1)} | ${ratio.toFixed(0)}× | ${same}/${theirs.length} |`);
}
const idxBytes = readdirSync(idxDir).reduce((a, f) => a + statSync(join(idxDir, f)).size, 0);
const rssQuery = process.memoryUsage().rss;
// GC entries are delivered asynchronously: let the observer run first, then subtract each run's GC pauses.
await new Promise((r) => setTimeout(r, 100));
const gcIn = ([a, b]: [number, number]): number => gcPauses.reduce((sum, g) => sum + (g.start >= a && g.start < b ? g.ms : 0), 0);
const lessGc = perQuerySpans.map((spans) => spans.map((sp) => sp[1] - sp[0] - gcIn(sp)));
lessGc.forEach((xs, i) => {
  rows[i] = rows[i].replace(`@GC${i}@`, pct(xs, 95).toFixed(2));
});
console.log(`\n## Lexical engine vs FTS5, ${n.toLocaleString('en')} papers (shared 2-core machine)\n`);
console.log('| query | engine p50 ms | p95 | p99 | p95 less GC pauses | FTS5 ORDER BY rank p50 ms | speed-up (p50) | same ids+scores, in order, as FTS5 bm25(10,5,1) |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows) console.log(r);
console.log(`| all queries | ${pct(allEngine, 50).toFixed(2)} | ${pct(allEngine, 95).toFixed(2)} | ${pct(allEngine, 99).toFixed(2)} | ${pct(lessGc.flat(), 95).toFixed(2)} | ${pct(allFts, 50).toFixed(1)} | | ${agree} |`);
const inRuns = gcPauses.filter((g) => perQuerySpans.some((spans) => spans.some(([a, b]) => g.start >= a && g.start < b)));
console.log(`GC pauses inside timed engine runs: ${inRuns.length} (${inRuns.filter((g) => g.kind !== 1).length} not scavenges), ` +
  `${inRuns.reduce((a, g) => a + g.ms, 0).toFixed(1)} ms in all, longest ${Math.max(0, ...inRuns.map((g) => g.ms)).toFixed(1)} ms`);
console.log(`\nmin speed-up on the common-word queries: ${Math.min(...commonRatios).toFixed(0)}×`);
console.log(`build: engine ${(n / idxMeta.engineSeconds).toFixed(0)} papers/s (${idxMeta.engineSeconds.toFixed(1)} s, generator excluded` +
  (idxMeta.cpuSeconds ? `; ${(n / idxMeta.cpuSeconds).toFixed(0)} papers per CPU-second; segments of ${idxMeta.segmentDocs}; peak RSS ${mb(idxMeta.peakRss ?? 0)}` : '') + ')' +
  (ftsMeta ? `, FTS5 ${(n / ftsMeta.ftsSeconds).toFixed(0)} papers/s` : ''));
if (idxMeta.totalSeconds && idxMeta.totalCpuSeconds) {
  console.log(`build${idxMeta.pregenerated ? ' (papers generated beforehand)' : ' with the generator'}: ${idxMeta.threads ?? 1} thread(s), ${(n / idxMeta.totalSeconds).toFixed(0)} papers/s wall ` +
    `(${idxMeta.totalSeconds.toFixed(1)} s), ${(n / idxMeta.totalCpuSeconds).toFixed(0)} papers per CPU-second (all threads)`);
}
console.log(`index on disk: ${mb(idxBytes)} = ${((100 * idxBytes) / rawBytes).toFixed(1)}% of raw text ${mb(rawBytes)}` +
  (ftsMeta ? `; FTS5 database ${mb(statSync(dbFile).size)}` : ''));
console.log(`tier lists: the probe (second tiers) answered ${idx.counters.tiered2} queries (failed ${idx.counters.tier2Fallback} times), per-word tier lists ${idx.counters.tiered}, the full search from the probe's floor ${idx.counters.tieredFallback}`);
console.log(`segments: ${idx.segmentCount}`);
console.log(`RSS: before open ${mb(rssBefore)}, after opening the index ${mb(rssLoaded)}, after queries ${mb(rssQuery)}; at the end of the build ${mb(idxMeta.rssAfterBuild)}`);
console.log(`stats: ${JSON.stringify(idx.stats())}`);
