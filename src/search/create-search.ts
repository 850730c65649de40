/**
 * Picks the LexicalSearch implementation for a store: SQLite FTS5 (default),
 * or paperboy's block-max index (`PAPERBOY_SEARCH=engine`, see
 * docs/SEARCH-ENGINE.md) for arXiv-scale corpora. The routes never know which.
 * Non-goals: configuration of ranking (see each engine's why-commented constants).
 */
import type { SearchEngineName } from '../config.js';
import type { Store } from '../store/store.js';
import type { LexicalSearch } from './lexical.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { SqliteLexicalSearch } from '../store/sqlite/sqlite-search.js';
import { IndexedLexicalSearch } from './indexed-search.js';

export interface ClosableSearch extends LexicalSearch {
  /** Releases files the engine holds (the block-max index); a no-op for FTS5. */
  close?(): void;
}

export async function createLexicalSearch(store: Store, engine: SearchEngineName = 'fts5'): Promise<ClosableSearch> {
  if (!(store instanceof SqliteStore)) {
    throw new Error(`no lexical search for store kind ${store.kind}: use a SQLite database (--db file.db / PAPERBOY_DB)`);
  }
  if (store.location === ':memory:' || engine === 'fts5') return new SqliteLexicalSearch(store);
  return IndexedLexicalSearch.open(store.db, store.location);
}
