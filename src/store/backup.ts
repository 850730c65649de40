/**
 * backupDatabase(db, dest): a consistent copy of a running database, for
 * `paperboy backup`. SQLite: the online backup API into a new file.
 * PostgreSQL: refused with the command to use instead (pg_dump is the tool
 * people already trust, and it needs no paperboy code).
 *
 * Non-goals: restoring (a SQLite backup is a database file: point --db at
 * it; a pg_dump is restored with pg_restore), derived indexes (rebuilt).
 */
import { existsSync } from 'node:fs';
import { isPostgresUrl, openBackend } from './open-backend.js';
import { SqliteBackend } from './sqlite/sqlite-backend.js';
import { backupSqlite } from './sqlite/sqlite-backup.js';

export class BackupRefused extends Error {}

export async function backupDatabase(db: string, dest: string, onProgress?: (done: number, total: number) => void): Promise<{ pages: number; location: string }> {
  if (existsSync(dest)) throw new BackupRefused(`${dest} exists: give a new file name (a backup never overwrites)`);
  if (isPostgresUrl(db)) {
    throw new BackupRefused('this is a PostgreSQL database: back it up with pg_dump, e.g. ' +
      'pg_dump --format=custom --file=paperboy.dump "$PAPERBOY_DB" (restore with pg_restore; see docs/OPERATIONS.md)');
  }
  const backend = await openBackend(db, { readonly: true });
  try {
    if (!(backend instanceof SqliteBackend)) throw new BackupRefused(`paperboy backup copies SQLite databases, not ${backend.kind}`);
    const r = await backupSqlite(backend.store.db, dest, onProgress);
    return { pages: r.pages, location: backend.location };
  } finally {
    await backend.close();
  }
}
