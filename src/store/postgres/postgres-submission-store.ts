/**
 * The SubmissionStore on PostgreSQL: the duplicate and cap checks and the
 * write in one transaction that holds PAPER_WRITE_LOCK (taken by the store's
 * upsertIn before the checks read), so concurrent submissions from any
 * number of processes are serialised, as SQLite's write lock serialises them;
 * curation (hiding, moving, removing) takes the same lock.
 */
import type pg from 'pg';
import type { PaperRecord, Submitter } from '../../domain/paper.js';
import type { SubmissionStore, SubmitOutcome } from '../submission-store.js';
import { PAPER_WRITE_LOCK, withTransaction } from './postgres-pool.js';
import type { PostgresStore } from './postgres-store.js';

export class PostgresSubmissionStore implements SubmissionStore {
  constructor(private readonly pool: pg.Pool, private readonly store: PostgresStore) {}

  async submit(paper: PaperRecord['paper'], opts: { day: string; submittedAt: string; submitter: Submitter; dailyCap: number | null }): Promise<SubmitOutcome> {
    return withTransaction(this.pool, async (c): Promise<SubmitOutcome> => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [PAPER_WRITE_LOCK]);
      // A removed entry is not a listing (the paper may be submitted again); a hidden paper is refused.
      const listed = (await c.query<{ day: string | null }>('SELECT MAX(day) AS day FROM daily_entries WHERE paper_id = $1 AND removed_at IS NULL',
        [paper.id])).rows[0].day;
      if ((await c.query('SELECT 1 FROM hidden_papers WHERE paper_id = $1', [paper.id])).rowCount) return { kind: 'hidden' };
      if (listed) return { kind: 'duplicate', day: listed };
      if (opts.dailyCap !== null) {
        const n = await this.count(c, opts.submitter.user, opts.day);
        if (n >= opts.dailyCap) return { kind: 'cap', count: n };
      }
      await this.store.upsertIn(c, [{
        paper,
        daily: { day: opts.day, submittedAt: opts.submittedAt, submittedBy: opts.submitter, upvotes: 0, numComments: 0 },
        org: null,
      }]);
      return { kind: 'added' };
    });
  }

  private async count(q: pg.Pool | pg.PoolClient, username: string, day: string): Promise<number> {
    return (await q.query<{ n: number }>('SELECT COUNT(*) AS n FROM daily_entries WHERE submitter_user = $1 AND day = $2', [username, day])).rows[0].n;
  }

  async submittedOn(username: string, day: string): Promise<number> {
    return this.count(this.pool, username, day);
  }
}
