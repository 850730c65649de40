/**
 * `paperboy index --lexical [--db FILE]`: rebuilds the block-max lexical
 * index (`<db>.idx/`, see search/index/) from the papers table, with a
 * progress bar. The old index stays in place until the new one is complete:
 * the new one is built in `<db>.idx.new/` and swapped in by renames.
 * `--threads N` builds alternate 250k-paper segments in N worker threads.
 *
 * Non-goals: the FTS5 table (kept up to date by the store itself).
 */
import type { Command } from 'commander';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import cliProgress from 'cli-progress';
import { loadConfig } from '../config.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { IndexedLexicalSearch } from '../search/indexed-search.js';
import { LexicalIndex } from '../search/index/lexical-index.js';

export function registerIndex(program: Command): void {
  program
    .command('index')
    .description('rebuild the block-max lexical index (<db>.idx/) that search uses (PAPERBOY_SEARCH=engine, the default)')
    .option('--lexical', 'rebuild the lexical index (the only index today)')
    .option('--db <file>', 'SQLite database file (default: PAPERBOY_DB or ./data/paperboy.db)')
    .option('--no-progress', 'no progress bar (logs and CI)')
    .option('--threads <n>', 'worker threads building segments (corpora over 500,000 papers; default 2 when the machine has 2 cores)')
    .action(async (opts: { lexical?: boolean; db?: string; progress: boolean; threads?: string }) => {
      if (!opts.lexical) throw new Error('say which index to rebuild: paperboy index --lexical');
      const threads = opts.threads === undefined ? Math.min(2, availableParallelism()) : Number(opts.threads);
      if (!Number.isInteger(threads) || threads < 1 || threads > 64) throw new Error(`--threads must be a whole number from 1 to 64, not ${opts.threads}`);
      const config = loadConfig({ db: opts.db });
      if (!existsSync(config.db)) throw new Error(`no database at ${config.db}: import papers first (paperboy import …) or pass --db`);
      const store = new SqliteStore(config.db);
      const target = `${store.location}.idx`;
      const building = `${target}.new`;
      rmSync(building, { recursive: true, force: true });
      const bar = opts.progress ? new cliProgress.SingleBar({ format: 'indexing {bar} {value}/{total} papers {percentage}% | ETA {eta}s' }, cliProgress.Presets.shades_classic) : null;
      const started = Date.now();
      const index = LexicalIndex.open(building);
      try {
        new IndexedLexicalSearch(store.db, index).rebuild((done, total) => {
          if (bar && done === 0) bar.start(total, 0);
          else if (bar) {
            if (!bar.getTotal()) bar.start(total, done);
            bar.update(done);
          }
        }, { threads });
      } finally {
        bar?.stop();
        index.close();
        await store.close();
      }
      const old = `${target}.old`;
      rmSync(old, { recursive: true, force: true });
      if (existsSync(target)) renameSync(target, old);
      renameSync(building, target);
      rmSync(old, { recursive: true, force: true });
      const s = LexicalIndex.open(target);
      const docs = s.liveDocs;
      s.close();
      process.stdout.write(`indexed ${docs.toLocaleString('en-US')} papers into ${target} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    });
}
