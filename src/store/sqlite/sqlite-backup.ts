/**
 * An online backup of a SQLite database (SQLite's backup API through
 * better-sqlite3): a consistent copy of the file while `serve` keeps
 * reading and writing it, page by page, into a new file.
 *
 * Non-goals: PostgreSQL (pg_dump does that; see docs/OPERATIONS.md),
 * scheduling, retention.
 */
import type Database from 'better-sqlite3';

export async function backupSqlite(db: Database.Database, dest: string, onProgress?: (done: number, total: number) => void): Promise<{ pages: number }> {
  const r = await db.backup(dest, {
    progress({ totalPages, remainingPages }) {
      onProgress?.(totalPages - remainingPages, totalPages);
      // Pages per step: a few MB at a time, so writers of the live database get the lock between steps.
      return 1_000;
    },
  });
  return { pages: r.totalPages };
}
