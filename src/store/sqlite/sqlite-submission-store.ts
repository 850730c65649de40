/**
 * The SubmissionStore on the SqliteStore's connection: the duplicate and cap
 * checks and the write (SqliteStore.upsertRecordsSync, nested as a
 * savepoint) in one IMMEDIATE transaction, so concurrent submissions are
 * serialised by SQLite's write lock.
 */
import type Database from 'better-sqlite3';
import type { PaperRecord, Submitter } from '../../domain/paper.js';
import type { SubmissionStore, SubmitOutcome } from '../submission-store.js';
import type { SqliteStore } from './sqlite-store.js';

export class SqliteSubmissionStore implements SubmissionStore {
  private readonly s;

  constructor(private readonly db: Database.Database, private readonly store: SqliteStore) {
    this.s = {
      listed: db.prepare('SELECT MAX(day) AS day FROM daily_entries WHERE paper_id = ? AND removed_at IS NULL'),
      hidden: db.prepare('SELECT 1 FROM hidden_papers WHERE paper_id = ?'),
      count: db.prepare('SELECT COUNT(*) AS n FROM daily_entries WHERE submitter_user = ? AND day = ?'),
    };
  }

  async submit(paper: PaperRecord['paper'], opts: { day: string; submittedAt: string; submitter: Submitter; dailyCap: number | null }): Promise<SubmitOutcome> {
    return this.db.transaction((): SubmitOutcome => {
      const listed = (this.s.listed.get(paper.id) as { day: string | null }).day;
      if (this.s.hidden.get(paper.id)) return { kind: 'hidden' };
      if (listed) return { kind: 'duplicate', day: listed };
      if (opts.dailyCap !== null) {
        const n = (this.s.count.get(opts.submitter.user, opts.day) as { n: number }).n;
        if (n >= opts.dailyCap) return { kind: 'cap', count: n };
      }
      this.store.upsertRecordsSync([{
        paper,
        daily: { day: opts.day, submittedAt: opts.submittedAt, submittedBy: opts.submitter, upvotes: 0, numComments: 0 },
        org: null,
      }]);
      return { kind: 'added' };
    }).immediate();
  }

  async submittedOn(username: string, day: string): Promise<number> {
    return (this.s.count.get(username, day) as { n: number }).n;
  }
}
