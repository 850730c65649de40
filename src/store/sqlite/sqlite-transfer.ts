/**
 * The SQLite side of a copy between databases (store/transfer.ts): rows read
 * in primary-key order with prepared keyset statements, written in one
 * IMMEDIATE transaction per batch together with the copy's progress.
 *
 * The target's triggers run as rows arrive (papers write the change log, votes
 * and comments count themselves on the daily entries), which is what makes
 * the copy's derived state right without copying it. Non-goals: the order of
 * tables and the loop (store/copy-database.ts).
 */
import type Database from 'better-sqlite3';
import { currentVersion } from './sqlite-migrations.js';
import {
  TRANSFER_PROGRESS_KEY, type TransferEndpoint, type TransferProgress, type TransferRow, type TransferTable, type TransferValue,
} from '../transfer.js';

/** `AND substr(col, 1, n) <> ?` per excluded prefix, and its parameters. */
export function excludeClause(table: TransferTable): { sql: string; params: string[] } {
  const ex = table.excludePrefixes;
  if (!ex) return { sql: '', params: [] };
  return {
    sql: ex.prefixes.map((p) => ` AND substr(${ex.column}, 1, ${p.length}) <> ?`).join(''),
    params: ex.prefixes,
  };
}

export class SqliteTransfer implements TransferEndpoint {
  private readonly reads = new Map<string, { first: Database.Statement; after: Database.Statement }>();
  private readonly inserts = new Map<string, Database.Statement>();
  private readonly saveProgress: Database.Statement;

  constructor(private readonly db: Database.Database, readonly location: string) {
    this.saveProgress = db.prepare(`INSERT INTO job_state (key, value, updated_at) VALUES (?, ?, ?)
      ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`);
  }

  async schemaVersion(): Promise<number> {
    return currentVersion(this.db);
  }

  async count(table: TransferTable): Promise<number> {
    const ex = excludeClause(table);
    return (this.db.prepare(`SELECT COUNT(*) AS n FROM ${table.name} WHERE 1 = 1${ex.sql}`).get(...ex.params) as { n: number }).n;
  }

  private readStatements(table: TransferTable): { first: Database.Statement; after: Database.Statement } {
    let s = this.reads.get(table.name);
    if (!s) {
      const cols = table.columns.map((c) => c.name).join(', ');
      const ex = excludeClause(table);
      const order = table.key.join(', ');
      const tuple = `(${order}) > (${table.key.map(() => '?').join(', ')})`;
      s = {
        first: this.db.prepare(`SELECT ${cols} FROM ${table.name} WHERE 1 = 1${ex.sql} ORDER BY ${order} LIMIT ?`).raw(true),
        after: this.db.prepare(`SELECT ${cols} FROM ${table.name} WHERE ${tuple}${ex.sql} ORDER BY ${order} LIMIT ?`).raw(true),
      };
      this.reads.set(table.name, s);
    }
    return s;
  }

  async readBatch(table: TransferTable, after: TransferValue[] | null, limit: number): Promise<TransferRow[]> {
    const s = this.readStatements(table);
    const ex = excludeClause(table);
    return (after === null ? s.first.all(...ex.params, limit) : s.after.all(...after, ...ex.params, limit)) as TransferRow[];
  }

  async writeBatch(table: TransferTable, rows: TransferRow[], progress: TransferProgress): Promise<void> {
    let insert = this.inserts.get(table.name);
    if (!insert) {
      insert = this.db.prepare(`INSERT INTO ${table.name} (${table.columns.map((c) => c.name).join(', ')})
        VALUES (${table.columns.map(() => '?').join(', ')})`);
      this.inserts.set(table.name, insert);
    }
    const stmt = insert;
    this.db.transaction(() => {
      for (const row of rows) stmt.run(...row);
      this.saveProgress.run(TRANSFER_PROGRESS_KEY, JSON.stringify(progress), new Date().toISOString());
    }).immediate();
  }

  async readProgress(): Promise<TransferProgress | null> {
    const row = this.db.prepare('SELECT value FROM job_state WHERE key = ?').get(TRANSFER_PROGRESS_KEY) as { value: string } | undefined;
    return row ? JSON.parse(row.value) as TransferProgress : null;
  }

  async analyze(): Promise<void> {
    // SQLite's own advice after a bulk change: statistics where they would help its planner.
    this.db.pragma('optimize');
  }

  async clearProgress(): Promise<void> {
    this.db.prepare('DELETE FROM job_state WHERE key = ?').run(TRANSFER_PROGRESS_KEY);
  }

  async serialHighWater(table: TransferTable): Promise<number> {
    if (!table.serial) return 0;
    const max = (this.db.prepare(`SELECT COALESCE(MAX(${table.serial}), 0) AS n FROM ${table.name}`).get() as { n: number }).n;
    // AUTOINCREMENT tables remember ids of deleted rows in sqlite_sequence; plain rowid tables do not.
    const seq = this.db.prepare('SELECT seq FROM sqlite_sequence WHERE name = ?').get(table.name) as { seq: number } | undefined;
    return Math.max(max, seq?.seq ?? 0);
  }

  async continueSerial(table: TransferTable, highWater: number): Promise<void> {
    if (!table.serial) return;
    const autoincrement = this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ? AND sql LIKE '%AUTOINCREMENT%'")
      .get(table.name) !== undefined;
    // A plain rowid table hands out MAX(rowid) + 1: nothing to set.
    if (!autoincrement) return;
    this.db.transaction(() => {
      const changed = this.db.prepare('UPDATE sqlite_sequence SET seq = MAX(seq, ?) WHERE name = ?').run(highWater, table.name).changes;
      if (changed === 0) this.db.prepare('INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)').run(table.name, highWater);
    })();
  }

  async close(): Promise<void> {
    // The connection belongs to the backend, closed with it.
  }
}
