/**
 * Running `paperboy index` (its options and what it does: index-command.ts).
 */
import type { IndexOptions } from './index-command.js';
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
import { updateNotes } from '../search/notes/notes-writer.js';
import { notesDir } from '../search/notes/notes-file.js';
import { IndexedVectorEngine } from '../search/vectors/vector-engine.js';
import type { Backend } from '../store/backend.js';

import { NeuralEmbedder } from '../search/embed/neural-embedder.js';

export async function runIndex(opts: IndexOptions): Promise<void> {
  const threads = opts.threads === undefined ? Math.min(2, availableParallelism()) : Number(opts.threads);
  if (!Number.isInteger(threads) || threads < 1 || threads > 64) throw new Error(`--threads must be a whole number from 1 to 64, not ${opts.threads}`);
  const config = loadConfig({ db: opts.db, indexDir: opts.indexDir, embedModel: opts.embedModel });
  if (!isPostgresUrl(config.db) && !existsSync(config.db)) {
    throw new Error(`no database at ${config.db}: import papers first (paperboy import …) or pass --db`);
  }
  const both = !opts.lexical && !opts.fts5 && !opts.vectors && !opts.notes;
  const lexical = opts.lexical || (both && config.search === 'engine');
  const notes = opts.notes || (both && config.search === 'engine');
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
    if (notes) {
      if (!backend.indexDir) throw new Error('an in-memory database has no index folder');
      await rebuildNotes(backend.indexDir, backend.changes, { progress: opts.progress });
    }
    if (opts.vectors || (both && config.vectors)) {
      const embedder = config.embedModel ? await NeuralEmbedder.load(config.embedModel) : undefined;
      await rebuildVectors(backend, { progress: opts.progress, embedder });
    }
  } finally {
    await backend.close();
  }
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

/** The papers' keywords and TL;DRs, scored on the block-max index and written ahead of reads (search/notes/). */
async function rebuildNotes(indexDir: string, changes: Parameters<typeof BlockMaxEngine.open>[0]['changes'], opts: { progress: boolean }): Promise<void> {
  const engine = await BlockMaxEngine.openOwner({ changes, upvotes: async () => new Map() }, indexDir);
  if (!engine) {
    const owner = lockOwner(lexicalIndexDir(indexDir));
    throw new Error(`paperboy serve (pid ${owner?.pid ?? '?'}) owns ${indexDir} and computes the papers' notes by itself; stop it first to run --notes`);
  }
  const bar = opts.progress ? new cliProgress.SingleBar({ format: 'noting {bar} {value}/{total} papers {percentage}% | ETA {eta}s' }, cliProgress.Presets.shades_classic) : null;
  const started = Date.now();
  try {
    await engine.catchUp();
    const { written, rows } = await updateNotes(indexDir, changes, engine, (done, total) => {
      if (!bar) return;
      if (!bar.getTotal()) bar.start(total, done);
      else bar.update(done);
    });
    bar?.stop();
    process.stdout.write(`extracted the keywords and TL;DRs of ${written.toLocaleString('en-US')} papers into ${notesDir(indexDir)} ` +
      `(${rows.toLocaleString('en-US')} papers noted) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  } finally {
    bar?.stop();
    await engine.close();
  }
}
