/**
 * `paperboy backup FILE`: a consistent copy of the SQLite database while it
 * serves (SQLite's online backup), into a new file. For PostgreSQL it says
 * to use pg_dump.
 *
 * Non-goals: the copy itself (store/backup.ts); schedules and retention (cron).
 */
import type { Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { loadConfig } from '../config.js';
import { backupDatabase } from '../store/backup.js';
import { isPostgresUrl } from '../store/open-backend.js';

export function registerBackup(program: Command): void {
  program
    .command('backup <file>')
    .description('copy the SQLite database to a new file while it is in use (online backup); PostgreSQL: use pg_dump')
    .option('--db <file>', 'SQLite database file (env PAPERBOY_DB, default ./data/paperboy.db)')
    .action(async (file: string, opts: { db?: string }) => {
      const config = loadConfig({ db: opts.db });
      if (!isPostgresUrl(config.db) && !existsSync(config.db)) {
        throw new Error(`no database at ${config.db}: pass --db FILE (or PAPERBOY_DB)`);
      }
      let last = 0;
      const r = await backupDatabase(config.db, file, (done, total) => {
        const now = Date.now();
        if (process.stderr.isTTY && now - last > 500) {
          last = now;
          process.stderr.write(`\rbackup: ${Math.floor((done / Math.max(1, total)) * 100)}%`);
        }
      });
      if (process.stderr.isTTY) process.stderr.write('\r');
      process.stdout.write(`backed up ${r.location} to ${file} (${(statSync(file).size / 1e6).toFixed(1)} MB, ${r.pages.toLocaleString('en-US')} pages); ` +
        `restore: stop paperboy and put the file in place of the database, or point --db / PAPERBOY_DB at it\n`);
    });
}
