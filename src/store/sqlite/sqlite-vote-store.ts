/**
 * The VoteStore on the SqliteStore's connection (`store.db`).
 *
 * Goals: a vote and the counters it moves (`daily_entries.local_upvotes`,
 * kept by triggers from migration 5) change in one IMMEDIATE transaction;
 * `INSERT … ON CONFLICT DO NOTHING` makes upvoting idempotent under the
 * primary key. Non-goals: rules (web/).
 */
import type Database from 'better-sqlite3';
import type { VoteResult, VoteStore } from '../vote-store.js';

export class SqliteVoteStore implements VoteStore {
  private readonly s;

  constructor(private readonly db: Database.Database) {
    this.s = {
      paperExists: db.prepare('SELECT 1 FROM papers WHERE id = ?'),
      insert: db.prepare('INSERT INTO votes (user_id, paper_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
      remove: db.prepare('DELETE FROM votes WHERE user_id = ? AND paper_id = ?'),
      count: db.prepare('SELECT COUNT(*) AS n FROM votes WHERE paper_id = ?'),
      has: db.prepare('SELECT 1 FROM votes WHERE user_id = ? AND paper_id = ?'),
      voted: db.prepare('SELECT paper_id FROM votes WHERE user_id = ? AND paper_id IN (SELECT value FROM json_each(?))'),
      userVotes: db.prepare('SELECT paper_id FROM votes WHERE user_id = ? ORDER BY created_at DESC, paper_id LIMIT ? OFFSET ?'),
      userCount: db.prepare('SELECT COUNT(*) AS n FROM votes WHERE user_id = ?'),
    };
  }

  async setVote(userId: number, paperId: string, on: boolean, now: Date): Promise<VoteResult | null> {
    return this.db.transaction((): VoteResult | null => {
      if (!this.s.paperExists.get(paperId)) return null;
      const changed = on
        ? this.s.insert.run(userId, paperId, now.toISOString()).changes > 0
        : this.s.remove.run(userId, paperId).changes > 0;
      return { upvoted: on, changed, localVotes: (this.s.count.get(paperId) as { n: number }).n };
    }).immediate();
  }

  async votedPapers(userId: number, paperIds: string[]): Promise<Set<string>> {
    if (paperIds.length === 0) return new Set();
    if (paperIds.length === 1) return this.s.has.get(userId, paperIds[0]) ? new Set(paperIds) : new Set();
    return new Set((this.s.voted.all(userId, JSON.stringify(paperIds)) as { paper_id: string }[]).map((r) => r.paper_id));
  }

  async localVotes(paperId: string): Promise<number> {
    return (this.s.count.get(paperId) as { n: number }).n;
  }

  async userVotes(userId: number, limit: number, offset: number): Promise<{ paperIds: string[]; total: number }> {
    const rows = this.s.userVotes.all(userId, limit, offset) as { paper_id: string }[];
    return { paperIds: rows.map((r) => r.paper_id), total: (this.s.userCount.get(userId) as { n: number }).n };
  }
}
