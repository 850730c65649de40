/**
 * The CurationStore on PostgreSQL: hidden papers are rows of `hidden_papers`;
 * removed and moved entries are `daily_entries` rows with `removed_at` set (a
 * move is the row going to its new day and a removed copy staying on the old
 * one). A move holds PAPER_WRITE_LOCK, as imports and submissions do, so an
 * import of either day cannot write between the move's reads and its writes
 * (SQLite's IMMEDIATE transaction serialises them alike); a removal or a
 * restore is one UPDATE of one row.
 */
import type pg from 'pg';
import type { CurationStore, HiddenPaper, MoveOutcome, RemovedEntry } from '../curation-store.js';
import { rowToHidden, rowToRemoved, type HiddenRow, type RemovedRow } from '../community-rows.js';
import { PAPER_WRITE_LOCK, withTransaction } from './postgres-pool.js';
import { decodeText, encodeText } from './postgres-rows.js';

const HIDDEN_SELECT = `SELECT h.paper_id, p.title, h.hidden_at, u.username AS by, h.reason
  FROM hidden_papers h JOIN papers p ON p.id = h.paper_id LEFT JOIN users u ON u.id = h.hidden_by`;

/** The hider's name and the reason as written (stored NUL-escaped: postgres-rows.ts). */
function decodeHidden(r: HiddenRow): HiddenRow {
  return { ...r, by: r.by === null ? null : decodeText(r.by), reason: decodeText(r.reason) };
}

export class PostgresCurationStore implements CurationStore {
  constructor(private readonly pool: pg.Pool) {}

  async hidePaper(paperId: string, by: number, reason: string, now: Date): Promise<boolean> {
    const r = await this.pool.query(`INSERT INTO hidden_papers (paper_id, hidden_at, hidden_by, reason)
      SELECT id, $1, $2, $3 FROM papers WHERE id = $4 ON CONFLICT DO NOTHING`, [now.toISOString(), by, encodeText(reason), paperId]);
    return (r.rowCount ?? 0) > 0;
  }

  async unhidePaper(paperId: string): Promise<boolean> {
    return ((await this.pool.query('DELETE FROM hidden_papers WHERE paper_id = $1', [paperId])).rowCount ?? 0) > 0;
  }

  async hiddenPaper(paperId: string): Promise<HiddenPaper | null> {
    const r = (await this.pool.query<HiddenRow>(`${HIDDEN_SELECT} WHERE h.paper_id = $1`, [paperId])).rows[0];
    return r ? rowToHidden(decodeHidden(r)) : null;
  }

  async hiddenPapers(limit: number, offset: number): Promise<{ items: HiddenPaper[]; total: number }> {
    const rows = (await this.pool.query<HiddenRow>(`${HIDDEN_SELECT} ORDER BY h.hidden_at DESC, h.paper_id LIMIT $1 OFFSET $2`,
      [limit, offset])).rows;
    const total = (await this.pool.query<{ n: number }>('SELECT COUNT(*) AS n FROM hidden_papers')).rows[0].n;
    return { items: rows.map((r) => rowToHidden(decodeHidden(r))), total };
  }

  async moveEntry(paperId: string, from: string, to: string, _by: number, now: Date): Promise<MoveOutcome> {
    return withTransaction(this.pool, async (c): Promise<MoveOutcome> => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [PAPER_WRITE_LOCK]);
      const entry = async (day: string) => (await c.query<{ removed_at: string | null }>(
        'SELECT removed_at FROM daily_entries WHERE paper_id = $1 AND day = $2', [paperId, day])).rows[0];
      const src = await entry(from);
      if (!src || src.removed_at !== null) return 'no_entry';
      if (from === to) return 'taken';
      const dst = await entry(to);
      if (dst && dst.removed_at === null) return 'taken';
      // A removed row on the target day (an earlier removal or move) makes way for the entry.
      if (dst) await c.query('DELETE FROM daily_entries WHERE paper_id = $1 AND day = $2', [paperId, to]);
      await c.query('UPDATE daily_entries SET day = $1 WHERE paper_id = $2 AND day = $3', [to, paperId, from]);
      // The copy left behind keeps the entry's imported counts and submitter, marked removed.
      await c.query(`INSERT INTO daily_entries (paper_id, day, submitted_at, submitter_user, submitter_fullname, submitter_avatar,
          upvotes, num_comments, removed_at, moved_to)
        SELECT paper_id, $1, submitted_at, submitter_user, submitter_fullname, submitter_avatar, upvotes, num_comments, $2, day
        FROM daily_entries WHERE paper_id = $3 AND day = $4`, [from, now.toISOString(), paperId, to]);
      return 'moved';
    });
  }

  async removeEntry(paperId: string, day: string, _by: number, now: Date): Promise<boolean> {
    const r = await this.pool.query(`UPDATE daily_entries SET removed_at = $1, moved_to = NULL
      WHERE paper_id = $2 AND day = $3 AND removed_at IS NULL`, [now.toISOString(), paperId, day]);
    return (r.rowCount ?? 0) > 0;
  }

  async restoreEntry(paperId: string, day: string): Promise<boolean> {
    const r = await this.pool.query(`UPDATE daily_entries SET removed_at = NULL, moved_to = NULL
      WHERE paper_id = $1 AND day = $2 AND removed_at IS NOT NULL`, [paperId, day]);
    return (r.rowCount ?? 0) > 0;
  }

  async removedEntries(limit: number, offset: number): Promise<{ items: RemovedEntry[]; total: number }> {
    const rows = (await this.pool.query<RemovedRow>(`SELECT d.paper_id, p.title, d.day, d.removed_at, d.moved_to
      FROM daily_entries d JOIN papers p ON p.id = d.paper_id
      WHERE d.removed_at IS NOT NULL ORDER BY d.removed_at DESC, d.paper_id, d.day LIMIT $1 OFFSET $2`, [limit, offset])).rows;
    const total = (await this.pool.query<{ n: number }>('SELECT COUNT(*) AS n FROM daily_entries WHERE removed_at IS NOT NULL')).rows[0].n;
    return { items: rows.map(rowToRemoved), total };
  }
}
