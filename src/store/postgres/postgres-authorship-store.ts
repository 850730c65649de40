/**
 * The AuthorshipStore on PostgreSQL: claims are rows of `authorship_claims`;
 * the two partial unique indexes hold the rules (one approved claim per
 * author name per paper, one open or approved claim per user per paper).
 * Each write locks its paper's row first (FOR NO KEY UPDATE: claims of one
 * paper wait for each other; votes and comments, which take only KEY SHARE,
 * do not), then checks the rules, so the answer names the rule instead of
 * failing on the index — as SQLite's IMMEDIATE transaction does.
 */
import type pg from 'pg';
import type { AuthorshipClaim, AuthorshipStore, ClaimOutcome, ClaimStatus } from '../authorship-store.js';
import { CLAIM_SELECT, notHidden, rowToClaim, type ClaimRow } from '../community-rows.js';
import { withTransaction } from './postgres-pool.js';

type Q = pg.Pool | pg.PoolClient;

export class PostgresAuthorshipStore implements AuthorshipStore {
  constructor(private readonly pool: pg.Pool) {}

  private async get(q: Q, id: number): Promise<AuthorshipClaim | null> {
    const r = (await q.query<ClaimRow>(`SELECT ${CLAIM_SELECT} WHERE c.id = $1`, [id])).rows[0];
    return r ? rowToClaim(r) : null;
  }

  /** Locks the paper's row for this transaction; false when there is no such paper. */
  private async lockPaper(c: pg.PoolClient, paperId: string): Promise<boolean> {
    return ((await c.query('SELECT 1 FROM papers WHERE id = $1 FOR NO KEY UPDATE', [paperId])).rowCount ?? 0) > 0;
  }

  private async openOfUser(c: pg.PoolClient, paperId: string, userId: number): Promise<ClaimRow | undefined> {
    return (await c.query<ClaimRow>(`SELECT ${CLAIM_SELECT} WHERE c.paper_id = $1 AND c.user_id = $2 AND c.status <> 'rejected'`,
      [paperId, userId])).rows[0];
  }

  private async authorTaken(c: pg.PoolClient, paperId: string, authorName: string, exceptId: number): Promise<boolean> {
    return ((await c.query(`SELECT 1 FROM authorship_claims WHERE paper_id = $1 AND author_name = $2 AND status = 'approved' AND id <> $3`,
      [paperId, authorName, exceptId])).rowCount ?? 0) > 0;
  }

  async claim(x: { paperId: string; userId: number; authorName: string; now: Date }): Promise<ClaimOutcome> {
    return withTransaction(this.pool, async (c): Promise<ClaimOutcome> => {
      if (!(await this.lockPaper(c, x.paperId))) return { kind: 'no_paper' };
      const mine = await this.openOfUser(c, x.paperId, x.userId);
      if (mine) return { kind: 'duplicate', claim: rowToClaim(mine) };
      if (await this.authorTaken(c, x.paperId, x.authorName, -1)) return { kind: 'taken' };
      const id = (await c.query<{ id: number }>(`INSERT INTO authorship_claims (paper_id, user_id, author_name, status, created_at)
        VALUES ($1, $2, $3, 'pending', $4) RETURNING id`, [x.paperId, x.userId, x.authorName, x.now.toISOString()])).rows[0].id;
      return { kind: 'claimed', claim: (await this.get(c, id))! };
    });
  }

  async getClaim(id: number): Promise<AuthorshipClaim | null> {
    return this.get(this.pool, id);
  }

  async decide(id: number, d: { by: number; status: 'approved' | 'rejected'; note: string; now: Date }): Promise<AuthorshipClaim | null | 'taken'> {
    return withTransaction(this.pool, async (c): Promise<AuthorshipClaim | null | 'taken'> => {
      const before = await this.get(c, id);
      if (!before || !(await this.lockPaper(c, before.paperId))) return null;
      const claim = await this.get(c, id);
      if (!claim || claim.status !== 'pending') return null;
      if (d.status === 'approved' && await this.authorTaken(c, claim.paperId, claim.authorName, id)) return 'taken';
      await c.query(`UPDATE authorship_claims SET status = $1, decided_at = $2, decided_by = $3, note = $4 WHERE id = $5 AND status = 'pending'`,
        [d.status, d.now.toISOString(), d.by, d.note, id]);
      return this.get(c, id);
    });
  }

  async reopen(id: number, by: number, now: Date): Promise<AuthorshipClaim | null> {
    return withTransaction(this.pool, async (c): Promise<AuthorshipClaim | null> => {
      const before = await this.get(c, id);
      if (!before || !(await this.lockPaper(c, before.paperId))) return null;
      const claim = await this.get(c, id);
      if (!claim || claim.status !== 'rejected') return null;
      // The user claimed this paper again since: that claim stands, this one stays closed.
      if (await this.openOfUser(c, claim.paperId, claim.userId)) return null;
      await c.query(`UPDATE authorship_claims SET status = 'pending', decided_at = $1, decided_by = $2 WHERE id = $3 AND status = 'rejected'`,
        [now.toISOString(), by, id]);
      return this.get(c, id);
    });
  }

  async claimsByStatus(status: ClaimStatus, limit: number, offset: number): Promise<{ items: AuthorshipClaim[]; total: number }> {
    const rows = (await this.pool.query<ClaimRow>(`SELECT ${CLAIM_SELECT} WHERE c.status = $1 ORDER BY c.id LIMIT $2 OFFSET $3`,
      [status, limit, offset])).rows;
    const total = (await this.pool.query<{ n: number }>('SELECT COUNT(*) AS n FROM authorship_claims WHERE status = $1', [status])).rows[0].n;
    return { items: rows.map(rowToClaim), total };
  }

  async claimsOf(userId: number): Promise<AuthorshipClaim[]> {
    return (await this.pool.query<ClaimRow>(`SELECT ${CLAIM_SELECT} WHERE c.user_id = $1 ORDER BY c.id DESC`, [userId])).rows.map(rowToClaim);
  }

  async claimsOfPaper(paperId: string): Promise<AuthorshipClaim[]> {
    return (await this.pool.query<ClaimRow>(`SELECT ${CLAIM_SELECT} WHERE c.paper_id = $1 AND c.status <> 'rejected' ORDER BY c.id`,
      [paperId])).rows.map(rowToClaim);
  }

  async authoredPapers(userId: number, limit: number, offset: number): Promise<{ paperIds: string[]; total: number }> {
    const where = `c.user_id = $1 AND c.status = 'approved' AND ${notHidden('c.paper_id')}`;
    const ids = (await this.pool.query<{ paper_id: string }>(`SELECT c.paper_id FROM authorship_claims c WHERE ${where}
      ORDER BY c.id DESC LIMIT $2 OFFSET $3`, [userId, limit, offset])).rows.map((r) => r.paper_id);
    const total = (await this.pool.query<{ n: number }>(`SELECT COUNT(*) AS n FROM authorship_claims c WHERE ${where}`, [userId])).rows[0].n;
    return { paperIds: ids, total };
  }
}
