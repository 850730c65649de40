/**
 * `paperboy index [--lexical] [--fts5] [--vectors] [--notes] [--db FILE] [--index-dir DIR] [--from DIR]`: rebuilds the search
 * indexes from the papers, with a progress bar. With no flag it rebuilds
 * every index the configuration uses: paperboy's block-max lexical index
 * (`<db>.idx/lexical/`, PAPERBOY_SEARCH=engine, the default) and the papers'
 * extracted keywords and TL;DRs scored on it (`<db>.idx/notes/`,
 * search/notes/), or the backend's own FTS5 table (PAPERBOY_SEARCH=fts5).
 *
 * The old block-max index stays in place until the new one is complete: the
 * new one is built in `lexical.new/` and swapped in by renames, so a crash
 * mid-build leaves the old one whole. A running `serve` owns the folder
 * (search/index-lock.ts) and keeps it current itself: the command refuses to
 * rebuild under it. `--threads N` builds alternate 250k-paper segments in N
 * worker threads.
 *
 * `--from DIR` seeds a new process's replica (its `--index-dir`) from another
 * process's index folder instead (search/index-copy.ts).
 *
 * This file is the command's options; running it is index-run.ts, loaded
 * only when the command runs.
 *
 * Non-goals: choosing the engine (PAPERBOY_SEARCH does).
 */
import type { Command } from 'commander';

export interface IndexOptions { lexical?: boolean; fts5?: boolean; vectors?: boolean; notes?: boolean; db?: string; indexDir?: string; from?: string; progress: boolean; threads?: string; embedModel?: string }

export function registerIndex(program: Command): void {
  program
    .command('index')
    .description('rebuild the search indexes from the papers (default: every index the configuration uses)')
    .option('--lexical', 'rebuild paperboy\'s block-max lexical index (<db>.idx/lexical/)')
    .option('--fts5', 'rebuild the SQLite FTS5 table (used when PAPERBOY_SEARCH=fts5)')
    .option('--vectors', 'retrain the corpus model and rebuild the vector index of semantic/hybrid search (<db>.idx/vectors/; resumes a stopped build)')
    .option('--notes', 'extract every paper\'s keywords and TL;DR ahead of reads (<db>.idx/notes/; resumes a stopped pass)')
    .option('--embed-model <path>', 'folder of an ONNX sentence model to embed with instead of the built-in corpus model (env PAPERBOY_EMBED_MODEL)')
    .option('--db <file>', 'SQLite database file or postgres:// URL (default: PAPERBOY_DB or ./data/paperboy.db)')
    .option('--index-dir <dir>', 'the folder to build into (env PAPERBOY_INDEX_DIR, default <db>.idx/, or data/pg-<database>.idx/ on PostgreSQL)')
    .option('--from <dir>', 'seed the indexes from another process\'s index folder (a copy, then the change feed replayed from the copy\'s position) instead of rebuilding from the database')
    .option('--no-progress', 'no progress bar (logs and CI)')
    .option('--threads <n>', 'worker threads building segments (corpora over 500,000 papers; default 2 when the machine has 2 cores)')
    .action(async (opts: IndexOptions) => (await import('./index-run.js')).runIndex(opts));
}
