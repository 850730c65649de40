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
import { BlockMaxEngine } from './block-max-engine.js';
import { SearchService } from './search-service.js';
import { IndexedVectorEngine } from './vectors/vector-engine.js';
import type { Embedder } from './embed/embedder.js';

import type { SearchEngineName } from '../config.js';

/**
 * sort=upvotes on the block-max engine reads every listed paper's upvotes;
 * the map is reused this long. Default 5 s (the list pages' cache age, so a
 * new upvote shows in both at the same time); sane range 0–60 s.
 */
export const UPVOTES_TTL_MS = 5_000;

export interface OpenedSearch {
  service: SearchService;
  engine: LexicalEngine;
  /** The block-max engine when it is the one in use (index commands, background catch-up). */
  blockMax: BlockMaxEngine | null;
  /** The vector index (semantic and hybrid modes), unless turned off. */
  vectors: IndexedVectorEngine | null;
  close(): Promise<void>;
}

export interface OpenSearchOptions {
  /** Open (and build when missing) the vector index. Default true; PAPERBOY_VECTORS=0 says false. */
  vectors?: boolean;
  /** The model of the vector index; default the built-in corpus model. */
  embedder?: Embedder;
}

export async function openSearch(backend: Backend, engine: SearchEngineName = 'engine', opts: OpenSearchOptions = {}): Promise<OpenedSearch> {
  const vectors = opts.vectors === false ? null : await IndexedVectorEngine.open(backend.changes, backend.indexDir, { embedder: opts.embedder });
  if (engine === 'fts5') {
    if (!backend.nativeLexical) {
      throw new Error(`the ${backend.kind} backend was opened without its own lexical index: open it with nativeLexical for PAPERBOY_SEARCH=fts5`);
    }
    const lexical = backend.nativeLexical;
    return {
      service: new SearchService(backend.store, lexical, vectors), engine: lexical, blockMax: null, vectors,
      close: async () => { await vectors?.close(); await lexical.close?.(); },
    };
  }
  let cached: { at: number; map: Promise<Map<number, number>> } | null = null;
  const upvotes = () => {
    const now = Date.now();
    if (!cached || now - cached.at > UPVOTES_TTL_MS) cached = { at: now, map: backend.store.upvotesByKey() };
    return cached.map;
  };
  const blockMax = await BlockMaxEngine.open({ changes: backend.changes, upvotes }, backend.indexDir);
  return {
    service: new SearchService(backend.store, blockMax, vectors), engine: blockMax, blockMax, vectors,
    close: async () => { await vectors?.close(); await blockMax.close(); },
  };
}
