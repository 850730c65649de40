/**
 * Import benchmark: synthetic arXiv snapshot JSONL files of 100k and 1M
 * papers (generated once, cached in bench/out/), each imported with the real
 * parser and importer into a fresh SQLite file (papers + FTS5 index).
 * Reports papers/s, peak RSS, RSS at half-way and at the end (memory must stay
 * flat as the file grows) and the database size. Time is split into the
 * part spent inside store.upsertRecords (SQL, FTS5, commits) and the rest
 * (reading, JSON parsing, normalising), so a slow run says where to look.
 *
 * Each run happens in a child process so peak RSS (getrusage maxrss) belongs
 * to that import alone. Flags (after `npm run bench -- import`):
 *   --sizes 100000,1000000   sizes to run (default; --quick: 10000,50000)
 *   --keep                   keep the databases in bench/out/ (default: deleted)
 *   --postgres               also import into PostgreSQL, beside SQLite: a
 *                            throwaway server started from Debian's binaries
 *                            (test/helpers/postgres-server.ts) with fsync on and
 *                            synchronous_commit off (SQLite's WAL + NORMAL
 *                            durability), a fresh database per run; or the
 *                            server of --postgres-url postgres://… (a database
 *                            is created there per run and dropped after);
 *                            --no-sqlite runs PostgreSQL alone
 * Non-goals: re-import (no-op) timings.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync, createReadStream } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchOptions, BenchResult } from './run.js';
import { writeCorpus } from './generate-corpus.js';
import { CORPUS_VERSION } from './corpus.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { PostgresBackend } from '../src/store/postgres/postgres-backend.js';
import type { Store } from '../src/store/store.js';
import pg from 'pg';
import { importItems } from '../src/ingest/importer.js';
import { readSnapshotJsonl } from '../src/ingest/snapshot-jsonl.js';

const HERE = dirname(fileURLToPath(import.meta.url));
/** bench/out at the repository root, from bench/ or dist/bench/. */
const OUT = (() => {
  let dir = HERE;
  for (let i = 0; i < 4 && !existsSync(join(dir, 'package.json')); i++) dir = dirname(dir);
  return join(dir, 'bench', 'out');
})();

interface ChildResult {
  papers: number;
  added: number;
  rejected: number;
  seconds: number;
  /** Of `seconds`, the time inside store.upsertRecords. */
  storeSeconds: number;
  /** CPU time (user + system) of the import: on a busy machine, papers per CPU-second is the steadier figure. */
  cpuSeconds: number;
  peakRssMb: number;
  /** RSS sampled when half of the papers were in, and at the end. */
  rssHalfMb: number;
  rssEndMb: number;
  dbMb: number;
  /** PostgreSQL: CPU time of the server's processes during the import (the import's other half). */
  serverCpuSeconds: number;
}

/** What a run writes: SQLite papers + change feed (default), + FTS5 rows, or PostgreSQL papers + change feed (search vectors are filled later by serve). */
type Mode = 'plain' | 'fts5' | 'postgres';

const mb = (bytes: number) => bytes / 1024 ** 2;

function dbSize(file: string): number {
  return ['', '-wal', '-shm'].reduce((s, suf) => s + (existsSync(file + suf) ? statSync(file + suf).size : 0), 0);
}

/** Runs inside the child: one import, result written as JSON to `resultFile`. */
async function child(source: string, dbFile: string, resultFile: string, mode: Mode): Promise<void> {
  const postgres = mode === 'postgres' ? await PostgresBackend.open(dbFile) : null;
  if (!postgres) for (const suf of ['', '-wal', '-shm']) rmSync(dbFile + suf, { force: true });
  const store: Store = postgres ? postgres.store : new SqliteStore(dbFile, { fts5: mode === 'fts5' });
  const total = Number(readFileSync(`${source}.count`, 'utf8'));
  // Time spent in the store, measured by wrapping its write method on this instance.
  let storeMs = 0;
  const upsert = store.upsertRecords.bind(store);
  store.upsertRecords = async (recs) => {
    const t = performance.now();
    try {
      return await upsert(recs);
    } finally {
      storeMs += performance.now() - t;
    }
  };
  let rssHalf = 0;
  let peak = 0;
  const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()); }, 100);
  const onProgress = (done: number) => {
    if (rssHalf === 0 && done >= total / 2) rssHalf = process.memoryUsage.rss();
  };
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const { added, rejected } = await importItems(store, readSnapshotJsonl(createReadStream(source)), { onProgress });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const rssEnd = process.memoryUsage.rss();
  clearInterval(sampler);
  const size = postgres
    ? (await postgres.pool.query<{ n: number }>('SELECT pg_database_size(current_database()) AS n')).rows[0].n
    : 0;
  await store.close();
  const peakRss = Math.max(peak, rssEnd, process.resourceUsage().maxRSS * 1024);
  const result: ChildResult = {
    papers: total, added, rejected, seconds, storeSeconds: storeMs / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6,
    peakRssMb: mb(peakRss), rssHalfMb: mb(rssHalf), rssEndMb: mb(rssEnd), dbMb: mb(postgres ? size : dbSize(dbFile)),
    serverCpuSeconds: 0,
  };
  writeFileSync(resultFile, JSON.stringify(result));
}

function runChild(source: string, dbFile: string, mode: Mode, resultFile = `${dbFile}.result.json`): ChildResult {
  rmSync(resultFile, { force: true });
  const r = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--child', source, dbFile, resultFile, mode], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (r.status !== 0 || !existsSync(resultFile)) throw new Error(`import child (${source}) failed with status ${r.status}`);
  return JSON.parse(readFileSync(resultFile, 'utf8')) as ChildResult;
}

/** The cached corpus file of n papers, generated when missing. */
function corpusFile(n: number, log: (l: string) => void): string {
  const file = join(OUT, `papers-${n}-v${CORPUS_VERSION}.jsonl`);
  if (!existsSync(file) || !existsSync(`${file}.count`)) {
    log(`  generating ${n.toLocaleString('en-US')} papers → ${file}`);
    const t0 = performance.now();
    const vocab = writeCorpus(n, file, 42);
    writeFileSync(`${file}.count`, String(n));
    log(`  generated in ${((performance.now() - t0) / 1000).toFixed(1)} s (vocabulary: ${vocab})`);
  }
  return file;
}

export async function run(opts: BenchOptions): Promise<BenchResult> {
  const at = opts.args.indexOf('--sizes');
  const sizes = at >= 0
    ? opts.args[at + 1].split(',').map(Number)
    : opts.quick ? [10_000, 50_000] : [100_000, 1_000_000];
  if (sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('--sizes takes whole numbers separated by commas, e.g. --sizes 100000,1000000');
  const keep = opts.args.includes('--keep');
  // The default configuration (PAPERBOY_SEARCH=engine) writes papers and the change feed only; --fts5 adds the
  // FTS5 rows that PAPERBOY_SEARCH=fts5 keeps; --both measures each.
  const modes: Mode[] = opts.args.includes('--both') ? ['plain', 'fts5'] : [opts.args.includes('--fts5') ? 'fts5' : 'plain'];
  const pgAt = opts.args.indexOf('--postgres-url');
  const pgUrl = pgAt >= 0 ? opts.args[pgAt + 1] : null;
  if (pgUrl || opts.args.includes('--postgres')) modes.push('postgres');
  // --no-sqlite: PostgreSQL alone (a 1M comparison can then be run in two sittings).
  if (opts.args.includes('--no-sqlite')) modes.splice(0, modes.length, ...modes.filter((m) => m === 'postgres'));
  mkdirSync(OUT, { recursive: true });
  const server = modes.includes('postgres') && !pgUrl ? await startBenchServer(opts.log) : null;
  const rows: (string | number)[][] = [];
  try {
    for (const n of sizes) for (const mode of modes) {
      const file = corpusFile(n, opts.log);
      const what = mode === 'postgres' ? 'PostgreSQL' : mode === 'fts5' ? 'SQLite + FTS5' : 'SQLite';
      opts.log(`  importing ${n.toLocaleString('en-US')} papers (JSONL file → parser → importer → ${what})…`);
      let r: ChildResult;
      if (mode === 'postgres') {
        const admin = pgUrl ?? server!.url('postgres');
        const name = `paperboy_bench_${n}_${process.pid}`;
        await adminQuery(admin, `CREATE DATABASE ${name}`);
        const url = new URL(admin);
        url.pathname = `/${name}`;
        const before = serverCpu(server?.pid ?? null);
        try {
          r = runChild(file, url.toString(), mode, join(OUT, `import-${n}-pg.result.json`));
        } finally {
          if (!keep) await adminQuery(admin, `DROP DATABASE IF EXISTS ${name}`);
        }
        r.serverCpuSeconds = server ? serverCpu(server.pid) - before : NaN;
        rmSync(join(OUT, `import-${n}-pg.result.json`), { force: true });
      } else {
        const dbFile = join(OUT, `import-${n}.db`);
        r = runChild(file, dbFile, mode);
        if (!keep) for (const suf of ['', '-wal', '-shm', '.result.json']) rmSync(dbFile + suf, { force: true });
      }
      opts.log(`  done in ${r.seconds.toFixed(1)} s`);
      rows.push([
        r.papers, mode === 'postgres' ? 'PostgreSQL: papers + change feed (default)' : mode === 'fts5' ? 'SQLite: papers + FTS5' : 'SQLite: papers + change feed (default)',
        Math.round(mb(statSync(file).size)), r.seconds, Math.round(r.papers / r.seconds), r.cpuSeconds, Math.round(r.papers / r.cpuSeconds),
        mode === 'postgres' ? (Number.isNaN(r.serverCpuSeconds) ? '?' : r.serverCpuSeconds) : '-',
        r.storeSeconds, r.seconds - r.storeSeconds, Math.round(r.papers / r.storeSeconds),
        Math.round(r.rssHalfMb), Math.round(r.rssEndMb), Math.round(r.peakRssMb), Math.round(r.dbMb), r.added, r.rejected,
      ]);
    }
  } finally {
    await server?.stop();
  }
  return {
    title: `Import into ${modes.includes('postgres') ? 'SQLite and PostgreSQL' : 'SQLite'}, fresh database each run`,
    columns: ['papers', 'writes', 'file MB', 'seconds', 'papers/s', 'CPU s', 'papers/CPU-s', 'server CPU s', 'store s', 'parse+read s', 'store papers/s', 'RSS @50% MB', 'RSS end MB', 'peak RSS MB', 'DB MB', 'added', 'rejected'],
    rows,
    notes: [
      'Target: ≥ 5,000 papers/s; RSS flat as the file grows. FTS5 rows are written only where PAPERBOY_SEARCH=fts5 (--fts5, --both).',
      '"CPU s": user + system time of the import process; papers/CPU-s is what one idle core would do (the machine may be shared).',
      '"store s": time inside store.upsertRecords (SQL, FTS5, commits); "parse+read s": the rest (file, JSON, normalising). PostgreSQL: the importer parses the next batch while the server writes one, so "store s" includes that overlap and "parse+read s" is only the time not waiting on the server.',
      'Each import runs in its own child process; peak RSS = getrusage maxrss / 100 ms samples of that process.',
      'PostgreSQL (--postgres): a local server (fsync on, synchronous_commit off, shared_buffers 256MB); "server CPU s" is the server processes\' CPU during the run (the client\'s "CPU s" excludes it); DB MB = pg_database_size.',
      'PostgreSQL\'s full-text search vectors are not written by imports (serve fills them in the background; about 3× a paper\'s write in server CPU), as SQLite writes FTS5 rows only under PAPERBOY_SEARCH=fts5.',
      'Corpus: bench/corpus.ts, seed 42, cached in bench/out/. Figures depend on the machine and its load.',
    ],
  };
}

/** A throwaway PostgreSQL server for the bench, durable like SQLite in WAL + NORMAL mode. */
async function startBenchServer(log: (l: string) => void): Promise<{ url(db: string): string; pid: number | null; stop(): Promise<void> }> {
  const { postgresSkipReason, startPostgres } = await import('../test/helpers/postgres-server.js');
  const reason = postgresSkipReason();
  if (reason) throw new Error(`--postgres: ${reason} (or pass --postgres-url postgres://… of a server to use)`);
  log('  starting a throwaway PostgreSQL server…');
  const server = await startPostgres({
    // fsync and full-page writes on (a real server's durability); commits not waited for, as SQLite's synchronous=NORMAL.
    settings: { fsync: 'on', full_page_writes: 'on', synchronous_commit: 'off', shared_buffers: '256MB', max_wal_size: '4GB', checkpoint_timeout: '15min' },
  });
  return server;
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** CPU seconds (user + system) used so far by a process and its children, from /proc; NaN when unknown. */
function serverCpu(pid: number | null): number {
  if (pid === null) return NaN;
  try {
    let ticks = 0;
    const kids = (p: number): number[] => {
      try {
        return readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
      } catch {
        return [];
      }
    };
    const all = [pid, ...kids(pid)];
    for (const p of all) {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime, stime, cutime, cstime: fields 14–17 of /proc/PID/stat (11–14 after the command).
      ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    }
    return ticks / 100;
  } catch {
    return NaN;
  }
}

if (process.argv[2] === '--child') {
  const [, , , source, dbFile, resultFile, mode] = process.argv;
  child(source, dbFile, resultFile, mode as Mode).catch((err: unknown) => {
    process.stderr.write(`import-bench child: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
