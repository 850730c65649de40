/**
 * Benchmark: paperboy's block-max lexical engine against FTS5's exhaustive
 * ranking, on the same synthetic corpus, in the same run.
 *
 *   node --import tsx bench/lexical-engine-bench.ts [papers=1000000] [--rebuild]
 *
 * Builds (once, cached under bench/out/) an FTS5 table shaped like papers_fts
 * and the engine's index folder, then times 1–3 word queries (top 20) on
 * both: p50/p95/p99, speed-up, build papers/s, index size against the raw
 * text, and resident memory. Non-goals: the HTTP layer (search-bench.ts).
 */
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { paperRecords } from './corpus.js';
import { LexicalIndex, type EngineQuery } from '../src/search/index/lexical-index.js';
import { dayNumber } from '../src/search/index/segment-builder.js';
import { DEFAULT_FIELD_WEIGHTS } from '../src/search/index/bm25.js';
import { porterStem, foldedTokens } from '../src/search/tokenize.js';

const n = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 1_000_000);
const rebuild = process.argv.includes('--rebuild');
const out = join(import.meta.dirname, 'out');
mkdirSync(out, { recursive: true });
const dbFile = join(out, `lexical-engine-${n}.db`);
const idxDir = join(out, `lexical-engine-${n}.idx`);
const metaFile = join(out, `lexical-engine-${n}.json`);
const mb = (b: number): string => `${(b / 1048576).toFixed(0)} MB`;

interface BuildMeta { rawBytes: number; engineSeconds: number; ftsSeconds: number; rssAfterBuild: number }

function build(): BuildMeta {
  for (const p of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`]) rmSync(p, { force: true });
  rmSync(idxDir, { recursive: true, force: true });
  const db = new Database(dbFile);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  db.exec(`CREATE VIRTUAL TABLE papers_fts USING fts5(title, authors, abstract, content='', contentless_delete=1,
    tokenize='porter unicode61 remove_diacritics 2')`);
  const ins = db.prepare('INSERT INTO papers_fts (rowid, title, authors, abstract) VALUES (?, ?, ?, ?)');
  const idx = LexicalIndex.open(idxDir);
  let engineMs = 0;
  let ftsMs = 0;
  let rawBytes = 0;
  let pk = 0;
  let batch: [number, string, string, string][] = [];
  const insertBatch = db.transaction((rows: [number, string, string, string][]) => {
    for (const r of rows) ins.run(...r);
  });
  for (const rec of paperRecords(n)) {
    pk++;
    const p = rec.paper;
    const authors = p.authors.map((a) => a.name).join(', ');
    rawBytes += Buffer.byteLength(p.title) + Buffer.byteLength(authors) + Buffer.byteLength(p.abstract);
    const t0 = performance.now();
    idx.add({ key: pk, title: p.title, authors, abstract: p.abstract, date: dayNumber(p.publishedAt), categories: p.categories, organization: p.organization }, { fresh: true });
    if (pk % 100_000 === 0) idx.flush();
    engineMs += performance.now() - t0;
    batch.push([pk, p.title, authors, p.abstract]);
    if (batch.length === 10_000) {
      const t1 = performance.now();
      insertBatch(batch);
      ftsMs += performance.now() - t1;
      batch = [];
      if (pk % 100_000 === 0) process.stderr.write(`  built ${pk} papers\n`);
    }
  }
  const t1 = performance.now();
  insertBatch(batch);
  db.exec("INSERT INTO papers_fts(papers_fts) VALUES ('optimize')");
  ftsMs += performance.now() - t1;
  db.close();
  const t0 = performance.now();
  idx.flush();
  idx.merge({ all: true });
  engineMs += performance.now() - t0;
  const meta = { rawBytes, engineSeconds: engineMs / 1000, ftsSeconds: ftsMs / 1000, rssAfterBuild: process.memoryUsage().rss };
  idx.close();
  writeFileSync(metaFile, JSON.stringify(meta));
  return meta;
}

const meta: BuildMeta = !rebuild && existsSync(metaFile) && existsSync(idxDir) ? JSON.parse(readFileSync(metaFile, 'utf8')) as BuildMeta : build();
if (global.gc) global.gc();
const rssBefore = process.memoryUsage().rss;
const idx = LexicalIndex.open(idxDir);
const rssLoaded = process.memoryUsage().rss;
const db = new Database(dbFile, { readonly: true });
const fts = db.prepare('SELECT rowid FROM papers_fts WHERE papers_fts MATCH ? ORDER BY rank LIMIT 20');
const ftsWeighted = db.prepare(`SELECT rowid FROM papers_fts WHERE papers_fts MATCH ? ORDER BY bm25(papers_fts, ${DEFAULT_FIELD_WEIGHTS.join(', ')}) LIMIT 20`);

const QUERIES = ['learning', 'models', 'language model reasoning', 'video generation', 'diffusion models', 'attention',
  'graph neural', 'neural networks', 'reinforcement learning', 'large language models', 'image segmentation', 'transformer'];
const engineQuery = (q: string): EngineQuery => ({ must: foldedTokens(q).map((t) => ({ terms: [porterStem(t)] })) });
const ftsMatch = (q: string): string => foldedTokens(q).map((t) => `"${t}"`).join(' AND ');

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}
function time(f: () => void, reps: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    f();
    out.push(performance.now() - t);
  }
  return out;
}

const rows: string[] = [];
const allEngine: number[] = [];
const allFts: number[] = [];
let agree = 0;
for (const q of QUERIES) {
  const eq = engineQuery(q);
  idx.search(eq, 20); // warm
  const e = time(() => idx.search(eq, 20), 30);
  const f = time(() => fts.all(ftsMatch(q)), 3);
  const fw = time(() => ftsWeighted.all(ftsMatch(q)), 1);
  allEngine.push(...e);
  allFts.push(...f);
  const mine = idx.search(eq, 20).map((h) => h.key);
  const theirs = (ftsWeighted.all(ftsMatch(q)) as { rowid: number }[]).map((r) => r.rowid);
  const same = mine.filter((k) => theirs.includes(k)).length;
  agree += same;
  rows.push(`| ${q} | ${pct(e, 50).toFixed(2)} | ${pct(e, 95).toFixed(2)} | ${pct(e, 99).toFixed(2)} | ${pct(f, 50).toFixed(1)} | ${pct(fw, 50).toFixed(1)} | ${(pct(f, 50) / pct(e, 50)).toFixed(0)}× | ${same}/20 |`);
}
const idxBytes = readdirSync(idxDir).reduce((a, f) => a + statSync(join(idxDir, f)).size, 0);
const rssQuery = process.memoryUsage().rss;
console.log(`\n## Lexical engine vs FTS5, ${n.toLocaleString('en')} papers (shared 2-core machine)\n`);
console.log('| query | engine p50 ms | p95 | p99 | FTS5 rank p50 ms | FTS5 bm25(10,5,1) p50 ms | speed-up (p50) | same top 20 as FTS5 bm25 |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows) console.log(r);
console.log(`| all queries | ${pct(allEngine, 50).toFixed(2)} | ${pct(allEngine, 95).toFixed(2)} | ${pct(allEngine, 99).toFixed(2)} | ${pct(allFts, 50).toFixed(1)} | | | ${agree}/${QUERIES.length * 20} |`);
console.log(`\nbuild: engine ${(n / meta.engineSeconds).toFixed(0)} papers/s (${meta.engineSeconds.toFixed(1)} s incl. flushes and the final merge), FTS5 ${(n / meta.ftsSeconds).toFixed(0)} papers/s`);
console.log(`index on disk: ${mb(idxBytes)} = ${((100 * idxBytes) / meta.rawBytes).toFixed(1)}% of raw text ${mb(meta.rawBytes)}; FTS5 database ${mb(statSync(dbFile).size)}`);
console.log(`RSS: before open ${mb(rssBefore)}, after opening the index ${mb(rssLoaded)}, after queries ${mb(rssQuery)}; during build ${mb(meta.rssAfterBuild)}`);
console.log(`stats: ${JSON.stringify(idx.stats())}`);
