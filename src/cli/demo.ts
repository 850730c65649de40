/**
 * `paperboy demo [--remove | --load]`: whether the demo corpus is in the
 * database, taking it out by hand, or loading it into an empty database.
 *
 * The demo goes away by itself at the first real import (`paperboy import`,
 * `paperboy harvest`); this command is for doing it now, or for bringing it
 * back into an empty database after it was removed.
 * Non-goals: the rules (ingest/demo.ts, ingest/demo-state.ts).
 */
import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { openBackend } from '../store/open-backend.js';
import { demoStatus, legacyDemoIds, removeDemo } from '../ingest/demo-state.js';
import { importDemoIfEmpty } from '../ingest/demo.js';

interface DemoOptions {
  db?: string;
  remove?: boolean;
  load?: boolean;
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('show whether the demo corpus is loaded; --remove takes it out, --load puts it into an empty database')
    .option('--db <file>', 'SQLite database file or postgres:// URL (env PAPERBOY_DB, default ./data/paperboy.db)')
    .option('--remove', 'remove the demo papers, their daily entries and organizations (real papers are kept)')
    .option('--load', 'load the demo into an empty database (also after an earlier --remove)')
    .action(async (opts: DemoOptions) => {
      if (opts.remove && opts.load) throw new Error('use either --remove or --load, not both');
      const config = loadConfig({ db: opts.db });
      const backend = await openBackend(config.db, { nativeLexical: config.search === 'fts5', indexDir: config.indexDir });
      const store = backend.store;
      try {
        if (opts.remove) {
          const n = await removeDemo(store);
          process.stdout.write(n > 0 ? `removed the demo corpus: ${n} papers\n` : 'no demo corpus in this database: nothing removed\n');
          return;
        }
        if (opts.load) {
          const n = await importDemoIfEmpty(store, { force: true });
          if (n === null) throw new Error('the database is not empty: the demo is loaded only into an empty database (see paperboy demo)');
          process.stdout.write(`loaded the demo corpus: ${n} papers on the last few weekdays\n`);
          return;
        }
        const s = await demoStatus(store);
        const legacy = s.loaded ? [] : await legacyDemoIds(store);
        if (s.loaded || legacy.length > 0) {
          process.stdout.write(`the demo corpus is loaded: ${s.loaded ? s.papers : legacy.length} papers. It goes away at the first real import, ` +
            'or now with: paperboy demo --remove\n');
        } else {
          process.stdout.write('no demo corpus in this database\n');
        }
      } finally {
        await backend.close();
      }
    });
}
