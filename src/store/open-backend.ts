/**
 * openBackend(url): the Backend for a database address. A `postgres://` (or
 * `postgresql://`) URL is PostgreSQL; anything else is a SQLite file path (or
 * ':memory:').
 *
 * Non-goals: creating databases on a server, reading configuration (config.ts).
 */
import type { Backend, BackendOptions } from './backend.js';
import { SqliteBackend } from './sqlite/sqlite-backend.js';
import { PostgresBackend } from './postgres/postgres-backend.js';

export function isPostgresUrl(db: string): boolean {
  return /^postgres(ql)?:\/\//i.test(db);
}

export async function openBackend(db: string, opts: BackendOptions = {}): Promise<Backend> {
  if (isPostgresUrl(db)) return PostgresBackend.open(db, opts);
  return new SqliteBackend(db, opts);
}
