/**
 * The CurationStore on the SqliteStore's connection: hidden papers are rows
 * of `hidden_papers`; removed and moved entries are `daily_entries` rows with
 * `removed_at` set (a move is the row going to its new day and a removed
 * copy staying on the old one, in one IMMEDIATE transaction).
 */
import type Database from 'better-sqlite3';
import type { CurationStore, HiddenPaper, MoveOutcome, RemovedEntry } from '../curation-store.js';
import { rowToHidden as toHidden, rowToRemoved, type HiddenRow, type RemovedRow } from '../community-rows.js';

export class SqliteCurationStore implements CurationStore {
  private readonly s;

  constructor(private readonly db: Database.Database) {
    const hiddenCols = 'h.paper_id, p.title, h.hidden_at, u.username AS by, h.reason FROM hidden_papers h JOIN papers p ON p.id = h.paper_id LEFT JOIN users u ON u.id = h.hidden_by';
    this.s = {
      hide: db.prepare(`INSERT INTO hidden_papers (paper_id, hidden_at, hidden_by, reason)
        SELECT id, ?, ?, ? FROM papers WHERE id = ? ON CONFLICT DO NOTHING`),
      unhide: db.prepare('DELETE FROM hidden_papers WHERE paper_id = ?'),
      hiddenOne: db.prepare(`SELECT ${hiddenCols} WHERE h.paper_id = ?`),
      hiddenPage: db.prepare(`SELECT ${hiddenCols} ORDER BY h.hidden_at DESC, h.paper_id LIMIT ? OFFSET ?`),
      hiddenCount: db.prepare('SELECT COUNT(*) AS n FROM hidden_papers'),
      entry: db.prepare('SELECT removed_at FROM daily_entries WHERE paper_id = ? AND day = ?'),
      dropRow: db.prepare('DELETE FROM daily_entries WHERE paper_id = ? AND day = ?'),
      moveRow: db.prepare('UPDATE daily_entries SET day = ? WHERE paper_id = ? AND day = ?'),
      // The copy left behind keeps the entry's imported counts and submitter, marked removed.
      leaveCopy: db.prepare(`INSERT INTO daily_entries (paper_id, day, submitted_at, submitter_user, submitter_fullname, submitter_avatar,
          upvotes, num_comments, removed_at, moved_to)
        SELECT paper_id, ?, submitted_at, submitter_user, submitter_fullname, submitter_avatar, upvotes, num_comments, ?, day
        FROM daily_entries WHERE paper_id = ? AND day = ?`),
      remove: db.prepare('UPDATE daily_entries SET removed_at = ?, moved_to = NULL WHERE paper_id = ? AND day = ? AND removed_at IS NULL'),
      restore: db.prepare('UPDATE daily_entries SET removed_at = NULL, moved_to = NULL WHERE paper_id = ? AND day = ? AND removed_at IS NOT NULL'),
      removedPage: db.prepare(`SELECT d.paper_id, p.title, d.day, d.removed_at, d.moved_to FROM daily_entries d JOIN papers p ON p.id = d.paper_id
        WHERE d.removed_at IS NOT NULL ORDER BY d.removed_at DESC, d.paper_id, d.day LIMIT ? OFFSET ?`),
      removedCount: db.prepare('SELECT COUNT(*) AS n FROM daily_entries WHERE removed_at IS NOT NULL'),
    };
  }

  async hidePaper(paperId: string, by: number, reason: string, now: Date): Promise<boolean> {
    return this.s.hide.run(now.toISOString(), by, reason, paperId).changes > 0;
  }

  async unhidePaper(paperId: string): Promise<boolean> {
    return this.s.unhide.run(paperId).changes > 0;
  }

  async hiddenPaper(paperId: string): Promise<HiddenPaper | null> {
    const r = this.s.hiddenOne.get(paperId) as HiddenRow | undefined;
    return r ? toHidden(r) : null;
  }

  async hiddenPapers(limit: number, offset: number): Promise<{ items: HiddenPaper[]; total: number }> {
    return {
      items: (this.s.hiddenPage.all(limit, offset) as HiddenRow[]).map(toHidden),
      total: (this.s.hiddenCount.get() as { n: number }).n,
    };
  }

  async moveEntry(paperId: string, from: string, to: string, _by: number, now: Date): Promise<MoveOutcome> {
    return this.db.transaction((): MoveOutcome => {
      const src = this.s.entry.get(paperId, from) as { removed_at: string | null } | undefined;
      if (!src || src.removed_at !== null) return 'no_entry';
      if (from === to) return 'taken';
      const dst = this.s.entry.get(paperId, to) as { removed_at: string | null } | undefined;
      if (dst && dst.removed_at === null) return 'taken';
      // A removed row on the target day (an earlier removal or move) makes way for the entry.
      if (dst) this.s.dropRow.run(paperId, to);
      this.s.moveRow.run(to, paperId, from);
      // The copy is written from the moved row (now on `to`), back onto `from`, marked removed.
      this.s.leaveCopy.run(from, now.toISOString(), paperId, to);
      return 'moved';
    }).immediate();
  }

  async removeEntry(paperId: string, day: string, _by: number, now: Date): Promise<boolean> {
    return this.s.remove.run(now.toISOString(), paperId, day).changes > 0;
  }

  async restoreEntry(paperId: string, day: string): Promise<boolean> {
    return this.s.restore.run(paperId, day).changes > 0;
  }

  async removedEntries(limit: number, offset: number): Promise<{ items: RemovedEntry[]; total: number }> {
    return {
      items: (this.s.removedPage.all(limit, offset) as RemovedRow[]).map(rowToRemoved),
      total: (this.s.removedCount.get() as { n: number }).n,
    };
  }
}
