/**
 * The PostgreSQL side of a copy between databases (store/transfer.ts): rows
 * read in primary-key order (row-value keyset, `rowMode: 'array'`), written
 * with one multi-row `INSERT … SELECT FROM unnest(…)` per batch, in one
 * transaction with the copy's progress.
 *
 * What PostgreSQL adds to a plain copy: user-written text is stored with
 * NUL escaped (postgres-rows.ts `encodeText`: usernames, addresses, password
 * hashes, comment bodies), so those columns are encoded on the way in and
 * decoded on the way out; BIGSERIAL sequences are set past the copied ids at
 * the end. Papers arrive without their weighted `tsvector`, as after an
 * import: `serve` fills missing vectors in the background (and
 * `paperboy index --fts5` at once). Every batch holds the paper-write
 * lock, as imports do. The target's triggers run as on any write (change
 * log, local vote and comment counts). Non-goals: the loop (store/copy-database.ts).
 */
import type pg from 'pg';
import {
  TRANSFER_PROGRESS_KEY, type TransferEndpoint, type TransferProgress, type TransferRow, type TransferTable, type TransferValue,
} from '../transfer.js';
import { currentVersion } from './postgres-migrations.js';
import { PAPER_WRITE_LOCK, withTransaction } from './postgres-pool.js';
import { decodeText, encodeText } from './postgres-rows.js';

/** Columns the PostgreSQL stores keep NUL-escaped (encodeText in postgres-rows.ts): names and text people write. */
const ENCODED = new Set(['users.username', 'users.email', 'users.password_hash', 'users.banned_reason', 'comments.body', 'comments.hidden_reason',
  'reading_lists.name', 'comment_reports.reason', 'paper_reports.reason', 'moderation_log.author', 'moderation_log.reason', 'moderation_log.detail',
  'hidden_papers.reason']);

function encodedIndexes(table: TransferTable): number[] {
  return table.columns.flatMap((c, i) => (ENCODED.has(`${table.name}.${c.name}`) ? [i] : []));
}

export class PostgresTransfer implements TransferEndpoint {
  constructor(private readonly pool: pg.Pool, readonly location: string) {}

  async schemaVersion(): Promise<number> {
    return currentVersion(this.pool);
  }

  /** `AND substr(col, 1, n) <> $k` per excluded prefix, numbering parameters from `first`. */
  private exclude(table: TransferTable, first: number): { sql: string; params: string[] } {
    const ex = table.excludePrefixes;
    if (!ex) return { sql: '', params: [] };
    return {
      sql: ex.prefixes.map((p, i) => ` AND substr(${ex.column}, 1, ${p.length}) <> $${first + i}`).join(''),
      params: ex.prefixes,
    };
  }

  async count(table: TransferTable): Promise<number> {
    const ex = this.exclude(table, 1);
    return (await this.pool.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table.name} WHERE TRUE${ex.sql}`, ex.params)).rows[0].n;
  }

  async readBatch(table: TransferTable, after: TransferValue[] | null, limit: number): Promise<TransferRow[]> {
    const cols = table.columns.map((c) => c.name).join(', ');
    const order = table.key.join(', ');
    const params: unknown[] = [];
    let where = 'TRUE';
    if (after !== null) {
      where = `(${order}) > (${after.map((_, i) => `$${i + 1}`).join(', ')})`;
      params.push(...after);
    }
    const ex = this.exclude(table, params.length + 1);
    params.push(...ex.params, limit);
    const r = await this.pool.query<TransferRow>({
      text: `SELECT ${cols} FROM ${table.name} WHERE ${where}${ex.sql} ORDER BY ${order} LIMIT $${params.length}`,
      values: params, rowMode: 'array',
    });
    const enc = encodedIndexes(table);
    if (enc.length) for (const row of r.rows) for (const i of enc) if (typeof row[i] === 'string') row[i] = decodeText(row[i] as string);
    return r.rows;
  }

  async writeBatch(table: TransferTable, rows: TransferRow[], progress: TransferProgress): Promise<void> {
    const enc = new Set(encodedIndexes(table));
    await withTransaction(this.pool, async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [PAPER_WRITE_LOCK]);
      if (rows.length) {
        const columns = table.columns.map((col, i) => rows.map((r) => (enc.has(i) && typeof r[i] === 'string' ? encodeText(r[i] as string) : r[i])));
        const names = table.columns.map((col) => col.name).join(', ');
        const arrays = table.columns.map((col, i) => `$${i + 1}::${col.kind === 'int' ? 'bigint' : 'text'}[]`).join(', ');
        await c.query(`INSERT INTO ${table.name} (${names}) SELECT * FROM unnest(${arrays})`, columns);
      }
      await c.query(`INSERT INTO job_state (key, value, updated_at) VALUES ($1, $2, $3)
        ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at`,
      [TRANSFER_PROGRESS_KEY, JSON.stringify(progress), new Date().toISOString()]);
    });
  }

  async readProgress(): Promise<TransferProgress | null> {
    const r = (await this.pool.query<{ value: string }>('SELECT value FROM job_state WHERE key = $1', [TRANSFER_PROGRESS_KEY])).rows[0];
    return r ? JSON.parse(r.value) as TransferProgress : null;
  }

  async clearProgress(): Promise<void> {
    await this.pool.query('DELETE FROM job_state WHERE key = $1', [TRANSFER_PROGRESS_KEY]);
  }

  async serialHighWater(table: TransferTable): Promise<number> {
    if (!table.serial) return 0;
    const max = (await this.pool.query<{ n: number }>(`SELECT COALESCE(MAX(${table.serial}), 0) AS n FROM ${table.name}`)).rows[0].n;
    const seq = (await this.pool.query<{ seq: string | null }>('SELECT pg_get_serial_sequence($1, $2) AS seq', [table.name, table.serial])).rows[0].seq;
    if (!seq) return max;
    // last_value counts ids handed out and then deleted; is_called false means none was handed out yet.
    const s = (await this.pool.query<{ last_value: number; is_called: boolean }>(`SELECT last_value, is_called FROM ${seq}`)).rows[0];
    return Math.max(max, s.is_called ? s.last_value : 0);
  }

  async continueSerial(table: TransferTable, highWater: number): Promise<void> {
    if (!table.serial) return;
    await this.pool.query(`SELECT setval(pg_get_serial_sequence($1, $2),
      GREATEST($3::bigint, (SELECT COALESCE(MAX(${table.serial}), 0) FROM ${table.name}), 1),
      GREATEST($3::bigint, (SELECT COALESCE(MAX(${table.serial}), 0) FROM ${table.name})) > 0)`, [table.name, table.serial, highWater]);
  }

  async analyze(): Promise<void> {
    // Samples each table (30,000 rows at most by default): seconds even at 1M papers.
    await this.pool.query('ANALYZE');
  }

  async close(): Promise<void> {
    // The pool belongs to the backend, closed with it.
  }
}
