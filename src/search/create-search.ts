/**
 * Picks the LexicalSearch implementation for a store: FTS5 for SQLite today;
 * the block-max engine of issue 4 plugs in here without touching the routes.
 * Non-goals: configuration of ranking (see each engine's why-commented constants).
 */
import type { Store } from '../store/store.js';
import type { LexicalSearch } from './lexical.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { SqliteLexicalSearch } from '../store/sqlite/sqlite-search.js';

export async function createLexicalSearch(store: Store): Promise<LexicalSearch> {
  if (store instanceof SqliteStore) return new SqliteLexicalSearch(store);
  throw new Error(`no lexical search for store kind ${store.kind}: use a SQLite database (--db file.db / PAPERBOY_DB)`);
}
