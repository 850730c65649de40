/**
 * The VoteStore on PostgreSQL.
 *
 * Goals: a vote and the counters it moves (`daily_entries.local_upvotes`,
 * kept by a trigger from migration 6) change in one transaction; `INSERT …
 * ON CONFLICT DO NOTHING` makes upvoting idempotent under the primary key,
 * across processes too. Non-goals: rules (web/).
 */
import type pg from 'pg';
import type { VoteResult, VoteStore } from '../vote-store.js';
import { withTransaction } from './postgres-pool.js';

export class PostgresVoteStore implements VoteStore {
  constructor(private readonly pool: pg.Pool) {}

  async setVote(userId: number, paperId: string, on: boolean, now: Date): Promise<VoteResult | null> {
    return withTransaction(this.pool, async (c): Promise<VoteResult | null> => {
      if ((await c.query('SELECT 1 FROM papers WHERE id = $1', [paperId])).rowCount === 0) return null;
      const r = on
        ? await c.query('INSERT INTO votes (user_id, paper_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [userId, paperId, now.toISOString()])
        : await c.query('DELETE FROM votes WHERE user_id = $1 AND paper_id = $2', [userId, paperId]);
      const n = (await c.query<{ n: number }>('SELECT COUNT(*) AS n FROM votes WHERE paper_id = $1', [paperId])).rows[0].n;
      return { upvoted: on, changed: (r.rowCount ?? 0) > 0, localVotes: n };
    });
  }

  async votedPapers(userId: number, paperIds: string[]): Promise<Set<string>> {
    if (paperIds.length === 0) return new Set();
    const rows = (await this.pool.query<{ paper_id: string }>('SELECT paper_id FROM votes WHERE user_id = $1 AND paper_id = ANY($2::text[])',
      [userId, paperIds])).rows;
    return new Set(rows.map((r) => r.paper_id));
  }

  async localVotes(paperId: string): Promise<number> {
    return (await this.pool.query<{ n: number }>('SELECT COUNT(*) AS n FROM votes WHERE paper_id = $1', [paperId])).rows[0].n;
  }

  async userVotes(userId: number, limit: number, offset: number): Promise<{ paperIds: string[]; total: number }> {
    const rows = (await this.pool.query<{ paper_id: string }>(`SELECT paper_id FROM votes WHERE user_id = $1
      ORDER BY created_at DESC, paper_id LIMIT $2 OFFSET $3`, [userId, limit, offset])).rows;
    const total = (await this.pool.query<{ n: number }>('SELECT COUNT(*) AS n FROM votes WHERE user_id = $1', [userId])).rows[0].n;
    return { paperIds: rows.map((r) => r.paper_id), total };
  }
}
