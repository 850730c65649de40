/**
 * openBackend(url): the Backend for a database address. A file path (or
 * ':memory:') is SQLite; a `postgres://` URL is recognised and refused with
 * a clear message until that backend lands.
 *
 * Non-goals: creating databases on a server, reading configuration (config.ts).
 */
import type { Backend, BackendOptions } from './backend.js';
import { SqliteBackend } from './sqlite/sqlite-backend.js';

export function isPostgresUrl(db: string): boolean {
  return /^postgres(ql)?:\/\//i.test(db);
}

export async function openBackend(db: string, opts: BackendOptions = {}): Promise<Backend> {
  if (isPostgresUrl(db)) {
    throw new Error('PostgreSQL is not supported yet: use a SQLite file path for --db / PAPERBOY_DB');
  }
  return new SqliteBackend(db, opts);
}
