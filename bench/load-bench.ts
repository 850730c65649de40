/**
 * The day page under load: the app listening on a real port (127.0.0.1, in a
 * child process so the load generator does not share its event loop), driven
 * by autocannon's programmatic API for ~10 s. Reports requests/s, latency
 * p50/p99 and errors (socket errors, timeouts, non-2xx).
 *
 *   npm run bench -- load                 # 100k papers, 10 s, 10 connections
 *   npm run bench -- load --quick         # 20k papers, 5 s
 *   node --import tsx bench/load-bench.ts [--size 100000] [--duration 10] [--connections 10]
 *
 * Same papers and generated daily lists as page-bench.ts. The day page is
 * the latest day (50 cards, ~28 KB). Target: ≥ 1,000 requests/s with no
 * errors on this 2-core machine. Non-goals: a tuned production setup (no
 * reverse proxy, compression or HTTP caching in front).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import type { AddressInfo } from 'node:net';
import { benchDatabase } from './search-bench.js';
import { addDailyLists, benchApp } from './page-bench.js';
import type { BenchOptions, BenchResult } from './run.js';

/** The parts of autocannon's result this bench reads (the package ships no types). */
interface CannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number; max: number };
  throughput: { average: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  duration: number;
}
type Cannon = (opts: { url: string; connections: number; duration: number; headers?: Record<string, string> }) => Promise<CannonResult>;

const require = createRequire(import.meta.url);

/** Child mode: open the bench database, listen on a free port, print "READY <port> <path>". */
async function serve(n: number): Promise<void> {
  const backend = await benchDatabase(n, false, (s) => process.stderr.write(s + '\n'));
  const lists = addDailyLists(backend.store);
  const app = await benchApp(backend, lists.latestDay);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as AddressInfo).port;
  process.stdout.write(`READY ${port} /papers/date/${lists.latestDay}\n`);
  process.on('SIGTERM', () => {
    void app.close().then(() => backend.close()).then(() => process.exit(0));
  });
}

function startServer(n: number, log: (s: string) => void): Promise<{ child: ChildProcess; port: number; path: string }> {
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--serve', String(n)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr!.on('data', (d: Buffer) => {
    for (const line of d.toString().split('\n')) if (line.trim() && !line.includes('FSTDEP')) log(`  [server] ${line}`);
  });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const m = /^READY (\d+) (\S+)$/.exec(line);
      if (m) resolve({ child, port: Number(m[1]), path: m[2] });
    });
    child.on('exit', (code) => reject(new Error(`bench server exited (code ${code}) before listening`)));
  });
}

export async function run(opts: BenchOptions): Promise<BenchResult> {
  const argv = opts.args;
  const flag = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const n = Number(flag('--size') ?? (opts.quick ? 20_000 : 100_000));
  const duration = Number(flag('--duration') ?? (opts.quick ? 5 : 10));
  const connections = Number(flag('--connections') ?? 10);
  const autocannon = require('autocannon') as Cannon;
  opts.log(`[load] ${n.toLocaleString('en-US')} papers, ${connections} connections, ${duration} s`);
  const server = await startServer(n, opts.log);
  const rows: (string | number)[][] = [];
  try {
    // A returning visitor sends the CSRF secret cookie back, so the server only signs a token (no new secret).
    const first = await fetch(`http://127.0.0.1:${server.port}${server.path}`);
    const cookie = first.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const targets: [string, string, Record<string, string>][] = [
      ['day page, new visitor', server.path, {}],
      ['day page, returning visitor', server.path, { cookie }],
      ['home (latest day)', '/', {}],
      ['stylesheet', '/assets/app.css', {}],
    ];
    for (const [label, path, headers] of targets) {
      const url = `http://127.0.0.1:${server.port}${path}`;
      await autocannon({ url, connections, duration: 1, headers }); // warm-up
      const r = await autocannon({ url, connections, duration, headers });
      const errors = r.errors + r.timeouts + r.non2xx;
      rows.push([label, path, Math.round(r.requests.average), r.latency.p50, r.latency.p99, r.requests.total, errors,
        Math.round(r.throughput.average / 1024)]);
      opts.log(`  ${label}: ${Math.round(r.requests.average)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, errors ${errors}`);
    }
  } finally {
    server.child.kill('SIGTERM');
  }
  return {
    title: `Load: HTML pages over HTTP (autocannon, ${connections} connections, ${duration} s each)`,
    columns: ['target', 'path', 'req/s', 'p50 ms', 'p99 ms', 'requests', 'errors', 'KB/s'],
    rows,
    notes: [
      `${n.toLocaleString('en-US')} synthetic papers, 50-paper daily lists (page-bench.ts); server in a child process, load generator in this one, on the same machine.`,
      'errors = socket errors + timeouts + non-2xx. Target: day page ≥ 1,000 req/s, no errors. Machine shared with other jobs (2 cores).',
    ],
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const argv = process.argv.slice(2);
  if (argv[0] === '--serve') {
    await serve(Number(argv[1]));
  } else {
    const { formatTable } = await import('./run.js');
    const result = await run({ quick: argv.includes('--quick'), args: argv, log: (s) => process.stderr.write(s + '\n') });
    process.stdout.write(formatTable(result));
  }
}
