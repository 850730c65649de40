/**
 * The site under load with and without a bulk import beside it: a real
 * `paperboy serve` process on a copy of the search bench's database (plus
 * generated daily lists), driven by autocannon (50 connections, 30 s per
 * target) on the search API, a day page, the trending feed and a mix of
 * them. Each target is measured alone and right after with another process
 * importing up to 60,000 new papers as fast as it can (the importer's own
 * code path: importItems → upsertRecords), which the server's index follows
 * in the background; the index catches up before the next target.
 *
 *   npm run bench -- load-import                # 100k papers, 50 connections, 30 s a target
 *   npm run bench -- load-import --quick        # 20k papers, 10 s a target
 *   node dist/bench/load-import-bench.js [--size 100000] [--duration 30] [--connections 50]
 *
 * Reports requests/s, p50/p99 latency and errors (socket errors, timeouts,
 * non-2xx) per target and phase, the import's rate, and the bar of issue 9:
 * the mix's p99 with an import stays within 3× of its p99 without one.
 * Non-goals: the vector index (PAPERBOY_VECTORS=0: its catch-up is the
 * semantic search's own bench), a tuned production setup.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { benchDatabase, QUERIES } from './search-bench.js';
import { DAILY_DAYS, DAILY_PER_DAY } from './page-bench.js';
import { paperRecords } from './corpus.js';
import type { BenchOptions, BenchResult } from './run.js';
import type { ParsedItem } from '../src/ingest/parsed-item.js';

/** The parts of autocannon's result this bench reads (the package ships no types). */
interface CannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; max: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodeStats?: Record<string, { count: number }>;
}
type Cannon = (opts: {
  url: string; connections: number; duration: number; timeout?: number;
  requests?: { method: 'GET'; path: string }[];
}) => Promise<CannonResult>;

const require = createRequire(import.meta.url);
const here = fileURLToPath(import.meta.url);
/** The CLI next to this file: dist/bench → dist/src/cli/main.js, bench/*.ts (tsx) → src/cli/main.ts. */
const cli = fileURLToPath(new URL(here.endsWith('.ts') ? '../src/cli/main.ts' : '../src/cli/main.js', import.meta.url));

/**
 * The import child generates this many papers once (the generator makes
 * ≈ 2,000 a second, slower than an import writes) and imports them again
 * and again under new ids, YYMM.NNNNN from 1501 on: none collides with the
 * base corpus's 4-digit ids, and every record is a new paper.
 */
const IMPORT_POOL = 5_000;

/** Papers one import writes at most (the issue's case: a 60k-paper import from a second process). */
const IMPORT_PER_PHASE = 60_000;

/** Child mode: import generated papers into `db` until killed, printing "IMPORTED n" after every batch. */
async function importChild(db: string, phase: number): Promise<void> {
  const { openBackend } = await import('../src/store/open-backend.js');
  const { importItems } = await import('../src/ingest/importer.js');
  const backend = await openBackend(db);
  const pool = [...paperRecords(IMPORT_POOL, { seed: 7 })];
  function* items(): Generator<ParsedItem> {
    // Each phase its own months, so every import writes new papers.
    const cycles = Math.ceil(IMPORT_PER_PHASE / pool.length);
    for (let cycle = phase * cycles; cycle < (phase + 1) * cycles && cycle < 132; cycle++) {
      const month = `${15 + Math.floor(cycle / 12)}${String((cycle % 12) + 1).padStart(2, '0')}`;
      for (let i = 0; i < pool.length; i++) {
        const id = `${month}.${String(i + 1).padStart(5, '0')}`;
        const r = pool[i];
        yield { ok: true, at: `record ${cycle * pool.length + i + 1}`, record: { ...r, paper: { ...r.paper, id, arxivId: id } } };
      }
    }
  }
  const summary = await importItems(backend.store, items(), { onProgress: (n) => process.stdout.write(`IMPORTED ${n}\n`) });
  process.stderr.write(`import child: ${JSON.stringify({ ...summary, rejects: summary.rejects.slice(0, 3) })}\n`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** A copy of the search bench's database with daily lists written into it (serve reads them from the file). */
async function prepare(n: number, dir: string, log: (s: string) => void): Promise<{ db: string; latestDay: string; ids: string[] }> {
  const base = await benchDatabase(n, false, log);
  base.store.db.pragma('wal_checkpoint(TRUNCATE)');
  const src = base.location;
  await base.close();
  const db = join(dir, 'load.db');
  copyFileSync(src, db);
  const { SqliteBackend } = await import('../src/store/sqlite/sqlite-backend.js');
  const backend = new SqliteBackend(db);
  const sql = backend.store.db;
  const newest = (sql.prepare('SELECT MAX(published_at) AS t FROM papers').get() as { t: string }).t.slice(0, 10);
  // As page-bench.ts's addDailyLists, but in the file: DAILY_PER_DAY papers a day for DAILY_DAYS days, long-tail upvotes.
  sql.prepare(`INSERT OR IGNORE INTO daily_entries (paper_id, day, submitted_at, submitter_user, submitter_fullname, upvotes, num_comments)
    SELECT id, day, day || 'T08:00:00.000Z', 'user' || (pk % 997), 'User ' || (pk % 997),
      CAST(300.0 / (1 + (pk * 7919 % 97)) AS INTEGER), pk * 31 % 17
    FROM (SELECT id, pk, date(@newest, '-' || ((ROW_NUMBER() OVER (ORDER BY pk DESC) - 1) / CAST(@perDay AS INTEGER)) || ' days') AS day
          FROM papers ORDER BY pk DESC LIMIT @total)`).run({ newest, perDay: DAILY_PER_DAY, total: DAILY_PER_DAY * DAILY_DAYS });
  const latestDay = (sql.prepare('SELECT MAX(day) AS d FROM daily_entries').get() as { d: string }).d;
  const ids = (sql.prepare('SELECT paper_id FROM daily_entries ORDER BY paper_id LIMIT 200').all() as { paper_id: string }[]).map((r) => r.paper_id);
  sql.pragma('wal_checkpoint(TRUNCATE)');
  await backend.close();
  return { db, latestDay, ids };
}

function startServe(db: string, port: number, log: (s: string) => void): ChildProcess {
  const child = spawn(process.execPath, [...process.execArgv, cli, 'serve', '--db', db, '--port', String(port), '--host', '127.0.0.1', '--no-demo', '--no-schedule'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PAPERBOY_VECTORS: '0', PAPERBOY_LOG: '0' },
  });
  const relay = (d: Buffer) => {
    for (const line of d.toString().split('\n')) if (line.trim() && !line.includes('FSTDEP')) log(`  [serve] ${line}`);
  };
  child.stdout!.on('data', relay);
  child.stderr!.on('data', relay);
  return child;
}

/** Waits until /readyz answers 200 (or, with `current`, until the index lags by nothing); returns the seconds waited. */
async function waitReady(port: number, timeoutMs: number, current = false): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/readyz`);
      const lag = ((await r.json()) as { lag?: number }).lag;
      if (r.status === 200 && (!current || lag === 0)) return (Date.now() - t0) / 1000;
    } catch { /* not listening yet */ }
    if (Date.now() - t0 > timeoutMs) throw new Error(`serve was not ready within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

function startImport(db: string, phase: number, onCount: (n: number) => void): ChildProcess {
  const child = spawn(process.execPath, [...process.execArgv, here, '--import-child', db, String(phase)], { stdio: ['ignore', 'pipe', 'inherit'] });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const m = /^IMPORTED (\d+)$/.exec(line);
    if (m) onCount(Number(m[1]));
  });
  return child;
}

export async function run(opts: BenchOptions): Promise<BenchResult> {
  const argv = opts.args;
  const flag = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const n = Number(flag('--size') ?? (opts.quick ? 20_000 : 100_000));
  const duration = Number(flag('--duration') ?? (opts.quick ? 10 : 30));
  const connections = Number(flag('--connections') ?? 50);
  const autocannon = require('autocannon') as Cannon;
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-load-import-'));
  const rows: (string | number)[][] = [];
  let serve: ChildProcess | null = null;
  let importer: ChildProcess | null = null;
  const notes: string[] = [];
  const imports: string[] = [];
  try {
    opts.log(`[load-import] ${n.toLocaleString('en-US')} papers, ${connections} connections, ${duration} s a target`);
    const { db, latestDay, ids } = await prepare(n, dir, opts.log);
    const port = await freePort();
    serve = startServe(db, port, opts.log);
    const ready = await waitReady(port, 15 * 60_000);
    opts.log(`  serve ready (index built in the background) after ${ready.toFixed(1)} s`);
    const search = QUERIES.map((q) => ({ method: 'GET' as const, path: `/api/papers/search?q=${encodeURIComponent(q)}` }));
    const day = { method: 'GET' as const, path: `/papers/date/${latestDay}` };
    const feed = { method: 'GET' as const, path: '/feeds/trending.rss' };
    const papers = ids.slice(0, 5).map((id) => ({ method: 'GET' as const, path: `/papers/${id}` }));
    const targets: [string, { method: 'GET'; path: string }[]][] = [
      ['search API (7 queries, 50 results)', search],
      ['day page', [day]],
      ['trending feed', [feed]],
      ['mix (search, day, feed, paper pages)', [search[0], day, feed, papers[0], search[3], papers[1], search[5], day]],
    ];
    const p99: Record<string, number> = {};
    const url = `http://127.0.0.1:${port}`;
    const measure = async (label: string, phase: string, requests: { method: 'GET'; path: string }[]) => {
      const r = await autocannon({ url, connections, duration, timeout: 10, requests });
      // 503s are searches shed by MAX_SEARCHES_IN_FLIGHT with Retry-After (by design); errors are everything else.
      const shed = r.statusCodeStats?.['503']?.count ?? 0;
      const errors = r.errors + r.non2xx - shed;
      rows.push([label, phase, Math.round(r.requests.average), r.latency.p50, r.latency.p99, r.latency.max, r.requests.total, shed, r.timeouts, errors - r.timeouts]);
      p99[`${label}|${phase}`] = r.latency.p99;
      opts.log(`  ${label}, ${phase}: ${Math.round(r.requests.average)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, 503 ${shed}, timeouts ${r.timeouts}, other errors ${errors - r.timeouts}`);
    };
    // Each target alone, then at once with an import beside it (the two measured close together on a
    // shared machine); after each import the index catches up before the next target.
    for (const [label, requests] of targets) {
      await autocannon({ url, connections: 10, duration: 1, requests }); // warm-up
      await measure(label, 'alone', requests);
      let imported = 0;
      let started: () => void = () => {};
      const writing = new Promise<void>((resolve) => { started = resolve; });
      importer = startImport(db, imports.length, (c) => {
        imported = c;
        started();
      });
      await writing; // its first batch is written: the import runs
      const t0 = Date.now();
      const before = imported;
      await measure(label, 'with an import', requests);
      const secs = (Date.now() - t0) / 1000;
      importer.kill('SIGKILL');
      importer = null;
      imports.push(`${label}: ${(imported - before).toLocaleString('en-US')} papers in ${secs.toFixed(0)} s`);
      const caught = await waitReady(port, 15 * 60_000, true);
      opts.log(`  imported ${imported.toLocaleString('en-US')} papers; the index caught up ${caught.toFixed(1)} s after`);
    }
    notes.push(`The import beside each target (new papers, as fast as the importer writes, at most ${IMPORT_PER_PHASE.toLocaleString('en-US')}): ${imports.join('; ')}.`);
    const mix = targets[3][0];
    const ratio = p99[`${mix}|with an import`] / Math.max(1, p99[`${mix}|alone`]);
    notes.unshift(`Mix p99 with an import / without: ${ratio.toFixed(2)}× (bar: ≤ 3×) — ${ratio <= 3 ? 'met' : 'NOT met'}.`);
  } finally {
    importer?.kill('SIGKILL');
    serve?.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    title: `Load with and without an import beside it (real serve, autocannon, ${connections} connections, ${duration} s a target)`,
    columns: ['target', 'phase', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'requests', '503 shed', 'timeouts', 'other errors'],
    rows,
    notes: [
      ...notes,
      `${n.toLocaleString('en-US')} synthetic papers (bench/corpus.ts) and 50-paper daily lists; PAPERBOY_VECTORS=0; server, importer and load generator on the same machine.`,
      '503 shed = searches refused with Retry-After beyond MAX_SEARCHES_IN_FLIGHT; timeouts = no answer within 10 s; other errors = socket errors and other non-2xx. Machine shared with other jobs (2 cores): compare the two phases of one run.',
    ],
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const argv = process.argv.slice(2);
  if (argv[0] === '--import-child') {
    await importChild(argv[1], Number(argv[2] ?? 0));
  } else {
    const { formatTable } = await import('./run.js');
    const result = await run({ quick: argv.includes('--quick'), args: argv, log: (s) => process.stderr.write(s + '\n') });
    process.stdout.write(formatTable(result));
  }
}
