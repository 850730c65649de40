/**
 * Builds the search layer for a backend: the configured lexical engine —
 * paperboy's block-max index (`PAPERBOY_SEARCH=engine`, the default) or the
 * backend's own full-text index (`fts5`) — under one SearchService. Callers
 * never know which engine answers.
 *
 * Non-goals: ranking constants (each engine's why-commented constants).
 */
import type { Backend } from '../store/backend.js';
import type { LexicalEngine } from '../store/lexical-engine.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BlockMaxEngine, INLINE_CATCH_UP, lexicalIndexDir } from './block-max-engine.js';
import { InterimEngine } from './interim-engine.js';
import { SearchService } from './search-service.js';
import { IndexedVectorEngine } from './vectors/vector-engine.js';
import { startVectorMaintainer } from './vectors/vector-maintainer.js';
import { readManifest } from './vectors/vector-file.js';
import { notesDir } from './notes/notes-file.js';
import type { MaintainerThread } from './maintainer-thread.js';
import type { Embedder } from './embed/embedder.js';

import type { SearchEngineName } from '../config.js';

/**
 * sort=upvotes on the block-max engine reads every listed paper's upvotes
 * (in serve, a maintainer thread hands over tables instead: upvote-table.ts
 * and index-maintainer.ts; this map serves until the first arrives and in
 * other processes); the map is reused this long. Default 5 s (the list pages' cache age, so a
 * new upvote shows in both at the same time); sane range 0–60 s.
 */
export const UPVOTES_TTL_MS = 5_000;

export interface OpenedSearch {
  service: SearchService;
  engine: LexicalEngine;
  /** The block-max engine when it is the one in use (index commands, background catch-up). */
  blockMax: BlockMaxEngine | null;
  /** The vector index (semantic and hybrid modes), unless turned off or not opened yet (`deferVectors`). */
  vectors: IndexedVectorEngine | null;
  /** With `deferVectors`: opens the vector index and hands it to the service (until then searches answer lexically). */
  openVectors(): Promise<IndexedVectorEngine | null>;
  close(): Promise<void>;
}

export interface OpenSearchOptions {
  /** Open (and build when missing) the vector index. Default true; PAPERBOY_VECTORS=0 says false. */
  vectors?: boolean;
  /** The model of the vector index; default the built-in corpus model. */
  embedder?: Embedder;
  /** Do not open the vector index now; openVectors() does (serve: after it listens). */
  deferVectors?: boolean;
  /**
   * The block-max index is maintained by a worker thread that opens this
   * database address itself (serve): opening returns at once, the index is
   * built, verified and caught up in the background (block-max-engine.ts).
   */
  maintainerDb?: string;
  /** The neural model's folder, for the vector maintainer thread to load its own copy (with `maintainerDb`). */
  embedModel?: string;
  /**
   * When the block-max index was never built in this process's folder and the backend keeps its
   * own full-text index current anyway (PostgreSQL), that answers until the index is built and
   * nearly current (interim-engine.ts; serve). Default false.
   */
  interim?: boolean;
}

export async function openSearch(backend: Backend, engine: SearchEngineName = 'engine', opts: OpenSearchOptions = {}): Promise<OpenedSearch> {
  const wantVectors = opts.vectors !== false;
  let vectors = !wantVectors || opts.deferVectors ? null : await IndexedVectorEngine.open(backend.changes, backend.indexDir, { embedder: opts.embedder });
  vectors?.prepareQueries();
  let closed = false;
  let vectorThread: MaintainerThread | null = null;
  const later = (service: SearchService, opened: { vectors: IndexedVectorEngine | null }) => async () => {
    if (!wantVectors || vectors || closed) return vectors;
    if (opts.maintainerDb !== undefined && backend.indexDir) return followVectors(service, opened);
    const v = await IndexedVectorEngine.open(backend.changes, backend.indexDir, { embedder: opts.embedder });
    v.prepareQueries();
    if (closed) {
      await v.close();
      return null;
    }
    vectors = v;
    opened.vectors = v;
    service.vectors = v;
    return v;
  };
  /**
   * serve: a worker thread owns, builds and retrains the vector index (vectors/vector-maintainer.ts);
   * this thread follows its last complete snapshot and swaps in the next one after each build.
   */
  const followVectors = async (service: SearchService, opened: { vectors: IndexedVectorEngine | null }): Promise<IndexedVectorEngine | null> => {
    const indexDir = backend.indexDir!;
    let loading: Promise<void> = Promise.resolve();
    const load = () => {
      loading = loading.then(async () => {
        if (closed) return;
        // The snapshot this thread follows already (≈ 180 MB at 1M papers): not read again.
        if (vectors && readManifest(join(indexDir, 'vectors'))?.generation === vectors.snapshotGeneration) return;
        const next = await IndexedVectorEngine.openFollower(backend.changes, indexDir, { embedder: opts.embedder });
        if (!next || closed || (vectors && next.snapshotGeneration === vectors.snapshotGeneration)) return;
        next.follow();
        const old = vectors;
        vectors = next;
        opened.vectors = next;
        service.vectors = next;
        await old?.close();
      }).catch((err: unknown) => console.error(`paperboy: the vector index could not be loaded (searches answer lexically): ${err instanceof Error ? err.message : String(err)}`));
      return loading;
    };
    vectorThread = startVectorMaintainer(opts.maintainerDb!, indexDir, opts.embedModel ?? null, (line) => console.error(line), () => void load());
    await load();
    return vectors;
  };
  const closeVectors = async () => {
    closed = true;
    await vectorThread?.stop();
    await vectors?.close();
  };
  if (engine === 'fts5') {
    if (!backend.nativeLexical) {
      throw new Error(`the ${backend.kind} backend was opened without its own lexical index: open it with nativeLexical for PAPERBOY_SEARCH=fts5`);
    }
    const lexical = backend.nativeLexical;
    const service = new SearchService(backend.store, lexical, vectors);
    const opened: OpenedSearch = {
      service, engine: lexical, blockMax: null, vectors, openVectors: async () => null,
      close: async () => { await closeVectors(); await lexical.close?.(); },
    };
    opened.openVectors = later(service, opened);
    return opened;
  }
  let cached: { at: number; map: Promise<Map<number, number>> } | null = null;
  const upvotes = () => {
    const now = Date.now();
    if (!cached || now - cached.at > UPVOTES_TTL_MS) cached = { at: now, map: backend.store.upvotesByKey() };
    return cached.map;
  };
  const manifest = backend.indexDir ? join(lexicalIndexDir(backend.indexDir), 'manifest.json') : null;
  const fallback = opts.interim && manifest && !existsSync(manifest) ? backend.nativeLexical : null;
  const blockMax = await BlockMaxEngine.open({ changes: backend.changes, upvotes }, backend.indexDir,
    opts.maintainerDb !== undefined && backend.indexDir ? { maintainer: { db: opts.maintainerDb } } : {});
  // The index answers once it was written (a manifest) and this process has nearly caught up with it.
  const lexical = fallback && manifest
    ? new InterimEngine(fallback, blockMax, async () => existsSync(manifest) && (await blockMax.lag()) <= INLINE_CATCH_UP)
    : blockMax;
  const service = new SearchService(backend.store, lexical, vectors);
  // Keywords and TL;DRs computed ahead by whoever maintains this index folder (search/notes/notes-writer.ts).
  if (backend.indexDir) service.notes.useStored(notesDir(backend.indexDir));
  const opened: OpenedSearch = {
    service, engine: lexical, blockMax, vectors, openVectors: async () => null,
    close: async () => { await closeVectors(); service.notes.close(); await lexical.close?.(); },
  };
  opened.openVectors = later(service, opened);
  return opened;
}
