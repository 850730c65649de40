/**
 * Opens the configured Store. Today: SQLite (a file path). A `postgres://`
 * URL is recognised and refused with a clear message until that backend lands.
 */
import type { Store } from './store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';

export async function openStore(db: string, opts: { readonly?: boolean } = {}): Promise<Store> {
  if (/^postgres(ql)?:\/\//i.test(db)) {
    throw new Error('PostgreSQL is not supported yet: use a SQLite file path for --db / PAPERBOY_DB');
  }
  return new SqliteStore(db, opts);
}
