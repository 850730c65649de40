/**
 * Scale-out under load: real `paperboy serve` processes (the built CLI) on one
 * database, driven by autocannon over a mix of day pages, searches and API
 * calls — SQLite with 1 and 4 processes, PostgreSQL with 1 and 4 — for the
 * same duration each; req/s, latency p50/p99 and errors in one table.
 *
 *   npm run bench -- cluster                       # 20,000 papers, 30 s per setup, 32 connections
 *   npm run bench -- cluster --quick               # 5,000 papers, 10 s
 *   npm run bench -- cluster --size 100000 --duration 30 --connections 32
 *
 * Four processes get one autocannon each (connections split between them):
 * what a load balancer spreading clients evenly would do, without a proxy's
 * own cost in the figures. PostgreSQL: PAPERBOY_BENCH_PG_URL names an empty
 * database to use; otherwise a throwaway server is started (Debian's
 * postgresql binaries, as the tests do). Its database is filled from the
 * SQLite one with `paperboy migrate-db`. Every process keeps its own index
 * folder (built at start from the database).
 * Non-goals: a tuned production setup (no reverse proxy, compression,
 * caching); machines other than this one (load generator, servers and the
 * database share 2 cores — compare within a run, not across machines).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openBackend } from '../src/store/open-backend.js';
import type { PaperRecord } from '../src/domain/paper.js';
import { loadVocabulary, paperRecords } from './corpus.js';
import type { BenchOptions, BenchResult } from './run.js';

interface CannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  /** Socket errors and timeouts together (autocannon counts a timeout in both). */
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodeStats: Record<string, { count: number }>;
}
type Cannon = (opts: { url: string; connections: number; duration: number; requests: { method: string; path: string }[] }) => Promise<CannonResult>;

const require = createRequire(import.meta.url);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const OUT = join(ROOT, 'bench', 'out', 'cluster');
/** Papers per day on the generated daily lists, and days. */
const PER_DAY = 50, DAYS = 14;

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((ok) => srv.listen(0, '127.0.0.1', ok));
  const port = (srv.address() as AddressInfo).port;
  await new Promise<void>((ok) => srv.close(() => ok()));
  return port;
}

/** The SQLite bench database: n generated papers, the newest PER_DAY × DAYS on daily lists. */
async function buildSqlite(file: string, n: number, log: (s: string) => void): Promise<{ days: string[]; ids: string[]; words: string[] }> {
  for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
  const all: PaperRecord[] = [...paperRecords(n, { seed: 42, vocabulary: loadVocabulary() })];
  all.sort((a, b) => String(b.paper.publishedAt).localeCompare(String(a.paper.publishedAt)));
  const newest = String(all[0].paper.publishedAt).slice(0, 10);
  const days: string[] = [];
  for (let d = 0; d < DAYS; d++) days.push(new Date(Date.parse(`${newest}T00:00:00Z`) - d * 86_400_000).toISOString().slice(0, 10));
  all.slice(0, PER_DAY * DAYS).forEach((r, i) => {
    r.daily = { day: days[Math.floor(i / PER_DAY)], submittedAt: `${days[Math.floor(i / PER_DAY)]}T08:00:00.000Z`,
      submittedBy: { user: `user${i % 97}`, fullname: `User ${i % 97}`, avatarUrl: null }, upvotes: Math.floor(300 / (1 + (i * 7919) % 97)), numComments: i % 7 };
  });
  const backend = await openBackend(file);
  try {
    for (let i = 0; i < all.length; i += 5_000) await backend.store.upsertRecords(all.slice(i, i + 5_000));
  } finally {
    await backend.close();
  }
  log(`[cluster] ${n.toLocaleString('en-US')} papers in ${file}`);
  const words = all.slice(0, 400).flatMap((r) => r.paper.title.toLowerCase().split(/[^a-z]+/).filter((w) => w.length > 5)).slice(0, 40);
  return { days, ids: all.slice(0, 200).map((r) => r.paper.id), words };
}

/** The request mix: per round, 3 day pages, 2 API lists, 3 searches (page and API), 2 paper pages / API papers. */
function requestMix(data: { days: string[]; ids: string[]; words: string[] }): { method: string; path: string }[] {
  const out: { method: string; path: string }[] = [];
  for (let i = 0; i < 40; i++) {
    const w = data.words[i % data.words.length], w2 = data.words[(i * 7 + 3) % data.words.length];
    const id = data.ids[(i * 13) % data.ids.length];
    out.push(
      { method: 'GET', path: `/papers/date/${data.days[i % 3]}` },
      { method: 'GET', path: i % 2 ? '/' : `/papers/date/${data.days[(i % DAYS)]}` },
      { method: 'GET', path: `/papers/date/${data.days[(i * 5) % DAYS]}` },
      { method: 'GET', path: `/api/daily_papers?date=${data.days[i % DAYS]}` },
      { method: 'GET', path: `/api/daily_papers?date=${data.days[(i + 1) % DAYS]}&limit=20` },
      { method: 'GET', path: `/api/papers/search?q=${encodeURIComponent(w)}` },
      { method: 'GET', path: `/papers?q=${encodeURIComponent(`${w} ${w2}`)}` },
      { method: 'GET', path: `/api/papers/search?q=${encodeURIComponent(w2)}&limit=10` },
      { method: 'GET', path: `/papers/${id}` },
      { method: 'GET', path: `/api/papers/${id}` },
    );
  }
  return out;
}

async function startServe(db: string, indexDir: string): Promise<{ child: ChildProcess; port: number }> {
  const port = await freePort();
  rmSync(indexDir, { recursive: true, force: true });
  // The server's own output goes to a log beside its index folder: the first place to look when a row shows errors.
  const log = openSync(`${indexDir}.log`, 'w');
  const child = spawn(process.execPath, [MAIN, 'serve', '--no-schedule', '--no-demo', '--port', String(port), '--db', db, '--index-dir', indexDir],
    { stdio: ['ignore', log, log], env: { ...process.env, PAPERBOY_VECTORS: '0', PAPERBOY_PG_POOL: process.env.PAPERBOY_PG_POOL ?? '10' } });
  const deadline = Date.now() + 300_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`serve on ${db} exited (${child.exitCode})`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (r.status === 200) return { child, port };
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) throw new Error('serve did not become ready within 5 minutes');
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function measure(label: string, db: string, processes: number, mix: { method: string; path: string }[],
  o: { duration: number; connections: number; log: (s: string) => void }): Promise<(string | number)[]> {
  const autocannon = require('autocannon') as Cannon;
  const servers: { child: ChildProcess; port: number }[] = [];
  try {
    for (let i = 0; i < processes; i++) servers.push(await startServe(db, join(OUT, `idx-${label}-${i}`)));
    const per = Math.max(1, Math.floor(o.connections / processes));
    // Warm-up: every process answers the whole mix once (caches, statement plans, JIT).
    await Promise.all(servers.map((s) => autocannon({ url: `http://127.0.0.1:${s.port}`, connections: per, duration: 2, requests: mix })));
    const results = await Promise.all(servers.map((s) => autocannon({ url: `http://127.0.0.1:${s.port}`, connections: per, duration: o.duration, requests: mix })));
    const rps = results.reduce((a, r) => a + r.requests.average, 0);
    const total = results.reduce((a, r) => a + r.requests.total, 0);
    // p50 of the busiest, p99 the worst of the processes (autocannon gives no merged histogram).
    const p50 = Math.max(...results.map((r) => r.latency.p50));
    const p99 = Math.max(...results.map((r) => r.latency.p99));
    const timeouts = results.reduce((a, r) => a + r.timeouts, 0);
    const socket = results.reduce((a, r) => a + r.errors - r.timeouts, 0);
    const statuses = new Map<string, number>();
    for (const r of results) {
      for (const [code, { count }] of Object.entries(r.statusCodeStats)) if (!code.startsWith('2')) statuses.set(code, (statuses.get(code) ?? 0) + count);
    }
    const non2xx = [...statuses.values()].reduce((a, c) => a + c, 0);
    const codes = non2xx === 0 ? '0' : `${non2xx} (${[...statuses].map(([c, k]) => `${k}×${c}`).join(' ')})`;
    o.log(`  ${label} × ${processes}: ${Math.round(rps)} req/s, p50 ${p50} ms, p99 ${p99} ms, timeouts ${timeouts}, socket errors ${socket}, non-2xx ${codes}`);
    return [label, processes, Math.round(rps), p50, p99, total, timeouts, socket, codes];
  } finally {
    for (const s of servers) s.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

export async function run(opts: BenchOptions): Promise<BenchResult> {
  const flag = (name: string) => {
    const i = opts.args.indexOf(name);
    return i >= 0 ? opts.args[i + 1] : undefined;
  };
  const n = Number(flag('--size') ?? (opts.quick ? 5_000 : 20_000));
  const duration = Number(flag('--duration') ?? (opts.quick ? 10 : 30));
  const connections = Number(flag('--connections') ?? 32);
  mkdirSync(OUT, { recursive: true });
  const sqlite = join(OUT, `cluster-${n}.db`);
  const data = await buildSqlite(sqlite, n, opts.log);
  const mix = requestMix(data);

  let pgUrl = process.env.PAPERBOY_BENCH_PG_URL ?? null;
  let stopPg: (() => Promise<void>) | null = null;
  if (!pgUrl) {
    const helper = await import('../test/helpers/postgres-restartable.js').catch(() => null);
    if (helper) {
      const srv = await helper.startRestartablePostgres();
      pgUrl = await srv.createDatabase(`cluster_${process.pid}`);
      stopPg = () => srv.destroy();
    }
  }
  const rows: (string | number)[][] = [];
  try {
    const o = { duration, connections, log: opts.log };
    rows.push(await measure('SQLite', sqlite, 1, mix, o));
    rows.push(await measure('SQLite', sqlite, 4, mix, o));
    if (pgUrl) {
      const copy = spawnSync(process.execPath, [MAIN, 'migrate-db', '--from', sqlite, '--to', pgUrl], { encoding: 'utf8' });
      if (copy.status !== 0) throw new Error(`migrate-db into PostgreSQL failed: ${copy.stderr}`);
      rows.push(await measure('PostgreSQL', pgUrl, 1, mix, o));
      rows.push(await measure('PostgreSQL', pgUrl, 4, mix, o));
    } else {
      opts.log('[cluster] no PostgreSQL (set PAPERBOY_BENCH_PG_URL, or install Debian\'s postgresql): PostgreSQL rows skipped');
    }
  } finally {
    await stopPg?.();
  }
  return {
    title: `Scale-out: serve processes on one database, a mix of day pages, searches and API calls (autocannon, ${connections} connections, ${duration} s)`,
    columns: ['database', 'processes', 'req/s', 'p50 ms', 'p99 ms', 'requests', 'timeouts', 'socket errors', 'non-2xx'],
    rows,
    notes: [
      `${n.toLocaleString('en-US')} generated papers, ${DAYS} daily lists of ${PER_DAY}; mix of 400 requests cycled per connection: 30% day pages, 20% Hub API lists, 30% searches (page and API), 20% paper pages / API papers.`,
      '4 processes: one autocannon per process, connections split evenly; p50/p99: the worst process. timeouts: no answer within autocannon\'s 10 s; socket errors: refused or reset connections; non-2xx: count × status. Server logs: bench/out/cluster/idx-*.log.',
      'Servers, database and load generator share this machine\'s 2 cores: more processes than cores shows the cost of sharing them, not what N machines would do.',
    ],
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { formatTable } = await import('./run.js');
  const argv = process.argv.slice(2);
  process.stdout.write(formatTable(await run({ quick: argv.includes('--quick'), args: argv, log: (s) => process.stderr.write(s + '\n') })));
}
