/**
 * `paperboy migrate-db --from <db> --to <db>`: copies every table of one
 * database into another, empty one — SQLite to PostgreSQL, back, or SQLite to
 * SQLite — in batches with a progress bar; a killed copy resumes when run
 * again with the same arguments; row counts are compared at the end.
 *
 *   paperboy migrate-db --from data/paperboy.db --to postgres://paperboy@db/paperboy
 *
 * Non-goals: the copy's rules (store/copy-database.ts); the search indexes
 * (each process builds or copies its own: paperboy index, index --from).
 */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import cliProgress from 'cli-progress';
import { ConfigError } from '../config.js';
import { isPostgresUrl } from '../store/open-backend.js';
import { openTransfer, type OpenedTransfer } from '../store/open-transfer.js';
import { copyDatabase, DEFAULT_TRANSFER_BATCH } from '../store/copy-database.js';

interface MigrateOptions {
  from: string;
  to: string;
  batch?: string;
}

/** Progress: a bar on a terminal, a line every 5 s otherwise (logs, CI). */
function progressReporter(stream: NodeJS.WriteStream = process.stderr) {
  let bar: cliProgress.SingleBar | null = null;
  let lastLine = 0;
  const start = Date.now();
  return {
    update(p: { copied: number; total: number; table: string }) {
      if (stream.isTTY) {
        if (!bar) {
          bar = new cliProgress.SingleBar({
            stream, format: 'migrate-db [{bar}] {percentage}% | {value}/{total} rows | {table} | ETA {eta_formatted}',
            hideCursor: true, fps: 5, etaBuffer: 20,
          }, cliProgress.Presets.shades_classic);
          bar.start(Math.max(1, p.total), p.copied, { table: p.table });
        }
        bar.update(p.copied, { table: p.table });
        return;
      }
      const now = Date.now();
      if (now - lastLine < 5_000) return;
      lastLine = now;
      const rate = Math.round(p.copied / Math.max(0.001, (now - start) / 1000));
      stream.write(`migrate-db: ${p.copied.toLocaleString('en-US')} of ${p.total.toLocaleString('en-US')} rows (${p.table}), ${rate.toLocaleString('en-US')} rows/s\n`);
    },
    stop() {
      bar?.stop();
    },
  };
}

/** A URL's password never reaches a message. */
function redact(db: string): string {
  return isPostgresUrl(db) ? db.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@') : db;
}

export function registerMigrateDb(program: Command): void {
  program
    .command('migrate-db')
    .description('copy everything from one database into an empty one (SQLite ↔ PostgreSQL, SQLite → SQLite); resumable, verified by counts')
    .requiredOption('--from <db>', 'the database to copy: a SQLite file or a postgres:// URL (left unchanged)')
    .requiredOption('--to <db>', 'an empty database (a new SQLite file, or an empty PostgreSQL database), or one holding this copy interrupted')
    .option('--batch <n>', `rows per transaction (default ${DEFAULT_TRANSFER_BATCH})`)
    .action(async (opts: MigrateOptions) => {
      const batchSize = opts.batch === undefined ? DEFAULT_TRANSFER_BATCH : Number(opts.batch);
      if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100_000) {
        throw new ConfigError(`--batch must be a whole number 1–100000, got "${opts.batch}"`);
      }
      if (!isPostgresUrl(opts.from) && !existsSync(opts.from)) {
        throw new ConfigError(`no database at ${opts.from}: --from must be an existing SQLite file or a postgres:// URL`);
      }
      let from: OpenedTransfer | null = null, to: OpenedTransfer | null = null;
      const progress = progressReporter();
      try {
        from = await openTransfer(opts.from);
        to = await openTransfer(opts.to);
        const report = await copyDatabase(from.endpoint, to.endpoint, { batchSize, onProgress: (p) => progress.update(p) });
        progress.stop();
        const w = Math.max(...report.tables.map((t) => t.name.length));
        process.stdout.write(`${report.resumed ? 'resumed and finished' : 'copied'} ${redact(opts.from)} → ${redact(opts.to)}: ` +
          `${report.copied.toLocaleString('en-US')} rows; counts match:\n` +
          report.tables.map((t) => `  ${t.name.padEnd(w)}  ${t.target.toLocaleString('en-US')}`).join('\n') + '\n' +
          'next: point PAPERBOY_DB at the new database; each serve process builds its search index at start (or: paperboy index)\n');
      } finally {
        progress.stop();
        await to?.close();
        await from?.close();
      }
    });
}
