/**
 * `paperboy index [--lexical] [--fts5] [--vectors] [--db FILE] [--index-dir DIR] [--from DIR]`: rebuilds the search
 * indexes from the papers, with a progress bar. With no flag it rebuilds
 * every index the configuration uses: paperboy's block-max lexical index
 * (`<db>.idx/lexical/`, PAPERBOY_SEARCH=engine, the default), or the
 * backend's own FTS5 table (PAPERBOY_SEARCH=fts5).
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
 * Non-goals: choosing the engine (PAPERBOY_SEARCH does).
 */
import type { Command } from 'commander';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import cliProgress from 'cli-progress';
import { loadConfig } from '../config.js';
import { isPostgresUrl, openBackend } from '../store/open-backend.js';
import { BlockMaxEngine, lexicalIndexDir } from '../search/block-max-engine.js';
import { acquireIndexLock, lockOwner } from '../search/index-lock.js';
import { LexicalIndex } from '../search/index/lexical-index.js';
import { rebuildVectors } from './index-vectors.js';
import { copyIndexDir } from '../search/index-copy.js';
import { IndexedVectorEngine } from '../search/vectors/vector-engine.js';
import type { Backend } from '../store/backend.js';

interface IndexOptions { lexical?: boolean; fts5?: boolean; vectors?: boolean; db?: string; indexDir?: string; from?: string; progress: boolean; threads?: string; embedModel?: string }
import { NeuralEmbedder } from '../search/embed/neural-embedder.js';

export function registerIndex(program: Command): void {
  program
    .command('index')
    .description('rebuild the search indexes from the papers (default: every index the configuration uses)')
    .option('--lexical', 'rebuild paperboy\'s block-max lexical index (<db>.idx/lexical/)')
    .option('--fts5', 'rebuild the SQLite FTS5 table (used when PAPERBOY_SEARCH=fts5)')
    .option('--vectors', 'retrain the corpus model and rebuild the vector index of semantic/hybrid search (<db>.idx/vectors/; resumes a stopped build)')
    .option('--embed-model <path>', 'folder of an ONNX sentence model to embed with instead of the built-in corpus model (env PAPERBOY_EMBED_MODEL)')
    .option('--db <file>', 'SQLite database file or postgres:// URL (default: PAPERBOY_DB or ./data/paperboy.db)')
    .option('--index-dir <dir>', 'the folder to build into (env PAPERBOY_INDEX_DIR, default <db>.idx/, or data/pg-<database>.idx/ on PostgreSQL)')
    .option('--from <dir>', 'seed the indexes from another process\'s index folder (a copy, then the change feed replayed from the copy\'s position) instead of rebuilding from the database')
    .option('--no-progress', 'no progress bar (logs and CI)')
    .option('--threads <n>', 'worker threads building segments (corpora over 500,000 papers; default 2 when the machine has 2 cores)')
    .action(async (opts: IndexOptions) => {
      const threads = opts.threads === undefined ? Math.min(2, availableParallelism()) : Number(opts.threads);
      if (!Number.isInteger(threads) || threads < 1 || threads > 64) throw new Error(`--threads must be a whole number from 1 to 64, not ${opts.threads}`);
      const config = loadConfig({ db: opts.db, indexDir: opts.indexDir, embedModel: opts.embedModel });
      if (!isPostgresUrl(config.db) && !existsSync(config.db)) {
        throw new Error(`no database at ${config.db}: import papers first (paperboy import …) or pass --db`);
      }
      const both = !opts.lexical && !opts.fts5 && !opts.vectors;
      const lexical = opts.lexical || (both && config.search === 'engine');
      const fts5 = opts.fts5 || (both && config.search === 'fts5');
      const backend = await openBackend(config.db, { indexDir: config.indexDir });
      try {
        if (opts.from !== undefined) {
          await seedFrom(opts.from, backend);
          return;
        }
        if (fts5) {
          const started = Date.now();
          process.stdout.write(`rebuilding ${backend.kind === 'sqlite' ? 'the FTS5 table' : 'the full-text search vectors'} of ${backend.location}…\n`);
          const n = await backend.rebuildNativeLexical();
          process.stdout.write(`indexed ${n.toLocaleString('en-US')} papers for full-text search in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
        }
        if (lexical) {
          if (!backend.indexDir) throw new Error('an in-memory database has no index folder');
          await rebuildLexical(backend.indexDir, backend.changes, { threads, progress: opts.progress });
        }
        if (opts.vectors || (both && config.vectors)) {
          const embedder = config.embedModel ? await NeuralEmbedder.load(config.embedModel) : undefined;
          await rebuildVectors(backend, { progress: opts.progress, embedder });
        }
      } finally {
        await backend.close();
      }
    });
}

/** `--from DIR`: copies another process's indexes, then replays the change feed from the copy's position. */
async function seedFrom(from: string, backend: Backend): Promise<void> {
  if (!backend.indexDir) throw new Error('an in-memory database has no index folder');
  if (!existsSync(from)) throw new Error(`--from ${from}: no such folder`);
  const started = Date.now();
  const copied = copyIndexDir(from, backend.indexDir);
  const head = await backend.changes.head();
  for (const c of copied) {
    // Opening an engine replays the feed from the copy's position; catchUp() finishes what open left.
    let reached: number;
    if (c.name === 'lexical') {
      const engine = await BlockMaxEngine.open({ changes: backend.changes, upvotes: async () => new Map() }, backend.indexDir);
      await engine.catchUp();
      reached = engine.index.changeSeq;
      await engine.close();
    } else {
      const engine = await IndexedVectorEngine.open(backend.changes, backend.indexDir);
      await engine.catchUp();
      reached = engine.changeSeq;
      await engine.close();
    }
    process.stdout.write(`copied ${c.name} (${c.files} files, ${(c.bytes / 1e6).toFixed(1)} MB) at change ${c.changeSeq.toLocaleString('en-US')}; ` +
      `caught up to change ${reached.toLocaleString('en-US')} (the feed's head was ${head.toLocaleString('en-US')})\n`);
  }
  process.stdout.write(`seeded ${backend.indexDir} from ${from} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

async function rebuildLexical(indexDir: string, changes: Parameters<typeof BlockMaxEngine.open>[0]['changes'], opts: { threads: number; progress: boolean }): Promise<void> {
  const target = lexicalIndexDir(indexDir);
  // The folder's owner (a running serve) writes into it: rebuilding under it would mix two indexes.
  mkdirSync(target, { recursive: true });
  const lock = acquireIndexLock(target);
  if (!lock) {
    const owner = lockOwner(target);
    throw new Error(`paperboy serve (pid ${owner?.pid ?? '?'}) owns ${target} and keeps it current by itself; stop it first to rebuild`);
  }
  const building = `${target}.new`;
  rmSync(building, { recursive: true, force: true });
  const bar = opts.progress ? new cliProgress.SingleBar({ format: 'indexing {bar} {value}/{total} papers {percentage}% | ETA {eta}s' }, cliProgress.Presets.shades_classic) : null;
  const started = Date.now();
  const engine = new BlockMaxEngine(LexicalIndex.open(building), { changes, upvotes: async () => new Map() });
  try {
    await engine.rebuild((done, total) => {
      if (!bar) return;
      if (!bar.getTotal()) bar.start(total, done);
      else bar.update(done);
    }, { threads: opts.threads });
  } finally {
    bar?.stop();
    await engine.close();
  }
  const old = `${target}.old`;
  rmSync(old, { recursive: true, force: true });
  if (existsSync(target)) renameSync(target, old);
  renameSync(building, target);
  rmSync(old, { recursive: true, force: true });
  lock.release(); // its file went with the old folder
  const s = LexicalIndex.open(target);
  const docs = s.liveDocs;
  s.close();
  process.stdout.write(`indexed ${docs.toLocaleString('en-US')} papers into ${target} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}
