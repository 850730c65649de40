/**
 * Benchmark: paperboy's block-max lexical engine against FTS5's exhaustive
 * ranking, on the same synthetic corpus (bench/corpus.ts), in the same run.
 *
 *   node --import tsx bench/lexical-engine-bench.ts [papers=1000000] [--rebuild] [--rebuild-index] [--fts-only] [--reps N]
 *
 * Step 1 (cached in bench/out/lexical-engine-N.db): an FTS5 table shaped
 * like papers_fts, and the raw text size. Step 2 (cached in
 * lexical-engine-N.idx/, redone with --rebuild): the engine's index, built
 * from the same generated papers; only the engine's own work is timed (the
 * generator is not). Step 3: 1–3 word queries (top 20) on both: p50/p95/p99,
 * speed-up, whether the engine's top 20 equals FTS5's bm25(10,5,1) top 20,
 * build papers/s, index size against the raw text, resident memory.
 * Non-goals: the HTTP layer (search-bench.ts).
 */
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { paperRecords } from './corpus.js';
import { LexicalIndex, type EngineQuery } from '../src/search/index/lexical-index.js';
import { dayNumber, type IndexDoc } from '../src/search/index/segment-builder.js';
import { DEFAULT_FIELD_WEIGHTS } from '../src/search/index/bm25.js';
import { porterStem, foldedTokens } from '../src/search/tokenize.js';

const args = process.argv.slice(2);
const n = Number(args.find((a) => /^\d+$/.test(a)) ?? 1_000_000);
const rebuild = args.includes('--rebuild');
const rebuildIndex = rebuild || args.includes('--rebuild-index');
const ftsOnly = args.includes('--fts-only');
// --no-fts: engine only (no FTS5 table, no FTS5 timings or agreement; raw text measured during the index build).
const noFts = args.includes('--no-fts');
const repsArg = args.indexOf('--reps');
const reps = repsArg >= 0 ? Number(args[repsArg + 1]) : 30;
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
interface IdxMeta { engineSeconds: number; rssAfterBuild: number; rawBytes?: number }

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
  let rawBytes = 0;
  for (const d of docs()) {
    rawBytes += Buffer.byteLength(d.title) + Buffer.byteLength(d.authors) + Buffer.byteLength(d.abstract);
    const t0 = performance.now();
    idx.add(d, { fresh: true });
    engineMs += performance.now() - t0;
    if (d.key % 100_000 === 0) process.stderr.write(`  engine: ${d.key} papers, ${(d.key / (engineMs / 1000)).toFixed(0)} papers/s\n`);
  }
  const t0 = performance.now();
  idx.flush();
  engineMs += performance.now() - t0;
  const meta = { engineSeconds: engineMs / 1000, rssAfterBuild: process.memoryUsage().rss, rawBytes };
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
function time(f: () => void, times: number): number[] {
  const res: number[] = [];
  for (let i = 0; i < times; i++) {
    const t = performance.now();
    f();
    res.push(performance.now() - t);
  }
  return res;
}

const rows: string[] = [];
const allEngine: number[] = [];
const allFts: number[] = [];
const common = new Set(['learning', 'models', 'language model reasoning', 'video generation', 'diffusion models', 'attention']);
const commonRatios: number[] = [];
let agree = 0;
for (const q of QUERIES) {
  const eq = engineQuery(q);
  idx.search(eq, 20); // warm
  const e = time(() => idx.search(eq, 20), reps);
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
  rows.push(`| ${q} | ${pct(e, 50).toFixed(2)} | ${pct(e, 95).toFixed(2)} | ${pct(e, 99).toFixed(2)} | ${pct(f, 50).toFixed(1)} | ${ratio.toFixed(0)}× | ${same}/${theirs.length} |`);
}
const idxBytes = readdirSync(idxDir).reduce((a, f) => a + statSync(join(idxDir, f)).size, 0);
const rssQuery = process.memoryUsage().rss;
console.log(`\n## Lexical engine vs FTS5, ${n.toLocaleString('en')} papers (shared 2-core machine)\n`);
console.log('| query | engine p50 ms | p95 | p99 | FTS5 ORDER BY rank p50 ms | speed-up (p50) | same ids+scores, in order, as FTS5 bm25(10,5,1) |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows) console.log(r);
console.log(`| all queries | ${pct(allEngine, 50).toFixed(2)} | ${pct(allEngine, 95).toFixed(2)} | ${pct(allEngine, 99).toFixed(2)} | ${pct(allFts, 50).toFixed(1)} | | ${agree} |`);
console.log(`\nmin speed-up on the common-word queries: ${Math.min(...commonRatios).toFixed(0)}×`);
console.log(`build: engine ${(n / idxMeta.engineSeconds).toFixed(0)} papers/s (${idxMeta.engineSeconds.toFixed(1)} s, generator excluded)` +
  (ftsMeta ? `, FTS5 ${(n / ftsMeta.ftsSeconds).toFixed(0)} papers/s` : ''));
console.log(`index on disk: ${mb(idxBytes)} = ${((100 * idxBytes) / rawBytes).toFixed(1)}% of raw text ${mb(rawBytes)}` +
  (ftsMeta ? `; FTS5 database ${mb(statSync(dbFile).size)}` : ''));
console.log(`tier lists answered ${idx.counters.tiered} queries, fell back ${idx.counters.tieredFallback} times`);
console.log(`RSS: before open ${mb(rssBefore)}, after opening the index ${mb(rssLoaded)}, after queries ${mb(rssQuery)}; at the end of the build ${mb(idxMeta.rssAfterBuild)}`);
console.log(`stats: ${JSON.stringify(idx.stats())}`);
