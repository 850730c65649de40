/**
 * The benchmark runner behind `npm run bench`: runs the registered benches
 * (all, or those named on the command line) and prints a table per bench.
 *
 *   npm run bench                      # every bench, default sizes
 *   npm run bench -- import            # only the import bench
 *   npm run bench -- import --quick    # smaller sizes, for a smoke run
 *
 * Adding a bench: write bench/<name>-bench.ts exporting
 * `run(opts: BenchOptions): Promise<BenchResult>` and add one line to BENCHES.
 * Non-goals: statistics over repeated runs, comparisons with a baseline file.
 */
import { fileURLToPath } from 'node:url';
import os from 'node:os';

export interface BenchOptions {
  /** Smaller sizes for a quick smoke run (--quick). */
  quick: boolean;
  /** Command-line arguments not consumed by the runner (bench-specific flags). */
  args: string[];
  /** Progress lines (stderr). */
  log: (line: string) => void;
}

export interface BenchResult {
  title: string;
  columns: string[];
  rows: (string | number)[][];
  /** Lines printed under the table (environment, caveats). */
  notes?: string[];
}

export interface BenchModule {
  run(opts: BenchOptions): Promise<BenchResult>;
}

/** One line per bench: name → module. */
export const BENCHES: Record<string, () => Promise<BenchModule>> = {
  import: () => import('./import-bench.js'),
  search: () => import('./search-bench.js'),
  'api-search': () => import('./api-search-bench.js'),
  'search-quality': () => import('./search-quality.js'),
  pages: () => import('./page-bench.js'),
  cluster: () => import('./cluster-load-bench.js'),
  load: () => import('./load-bench.js'),
  'load-import': () => import('./load-import-bench.js'),
  digest: () => import('./digest-bench.js'),
  vectors: () => import('./vector-bench.js'),
};

/** Formats numbers with thousands separators and pads columns. */
export function formatTable(r: BenchResult): string {
  const cells = [r.columns, ...r.rows.map((row) => row.map((c) => (typeof c === 'number' ? c.toLocaleString('en-US', { maximumFractionDigits: 1 }) : c)))];
  const widths = r.columns.map((_, i) => Math.max(...cells.map((row) => String(row[i] ?? '').length)));
  const line = (row: (string | number)[]) =>
    row.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
  const out = [`## ${r.title}`, '', line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)];
  if (r.notes?.length) out.push('', ...r.notes);
  return out.join('\n') + '\n';
}

const USAGE = `usage: npm run bench -- [NAME…] [--quick] [bench flags]

Runs the named benches (default: all) and prints a table per bench.
Benches: NAMES. Each bench's flags are in its file's header (bench/<name>-bench.ts)
and in bench/README.md.
`;

async function main(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE.replace('NAMES', Object.keys(BENCHES).join(', ')));
    return;
  }
  const quick = argv.includes('--quick');
  const rest = argv.filter((a) => a !== '--quick');
  const named = rest.filter((a) => a in BENCHES);
  // A word after a --flag is that flag's value (--modes lexical,auto), not a bench name.
  const unknown = rest.filter((a, i) => !a.startsWith('-') && !(a in BENCHES) && !/^\d/.test(a) && !rest[i - 1]?.startsWith('--'));
  if (unknown.length) throw new Error(`unknown bench ${unknown.join(', ')}; known: ${Object.keys(BENCHES).join(', ')}`);
  const names = named.length ? named : Object.keys(BENCHES);
  const args = rest.filter((a) => !(a in BENCHES));
  const log = (line: string) => process.stderr.write(`${line}\n`);
  process.stdout.write(`paperboy benchmarks — Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ` +
    `${Math.round(os.totalmem() / 1024 ** 3)} GB RAM, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}\n\n`);
  for (const name of names) {
    log(`[bench] ${name}…`);
    const mod = await BENCHES[name]();
    process.stdout.write(formatTable(await mod.run({ quick, args, log })) + '\n');
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
