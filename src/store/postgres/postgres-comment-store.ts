/**
 * The CommentStore on PostgreSQL.
 *
 * Goals: a comment and the counters it moves (`daily_entries.local_comments`,
 * kept by a trigger from migration 7) change in one transaction; a reply is
 * checked against its parent (same paper, not deleted, depth) in the
 * transaction that writes it, with the parent row locked (FOR SHARE) so a
 * concurrent delete cannot slip between the check and the insert; authors'
 * and hiders' names come from one join. Non-goals: rules and rendering (web/community/).
 */
import type pg from 'pg';
import type { Comment, CommentStore, NewCommentResult } from '../comment-store.js';
import { withTransaction } from './postgres-pool.js';
import { decodeText, encodeText } from './postgres-rows.js';

interface CommentRow {
  id: number;
  paper_id: string;
  parent_id: number | null;
  depth: number;
  user_id: number | null;
  username: string | null;
  body: string;
  created_at: string;
  edited_at: string | null;
  deleted_at: string | null;
  hidden_at: string | null;
  hidden_by_name: string | null;
  hidden_reason: string | null;
}

const SELECT = `SELECT c.id, c.paper_id, c.parent_id, c.depth, c.user_id, u.username, c.body, c.created_at, c.edited_at,
  c.deleted_at, c.hidden_at, h.username AS hidden_by_name, c.hidden_reason
  FROM comments c LEFT JOIN users u ON u.id = c.user_id LEFT JOIN users h ON h.id = c.hidden_by`;

function rowToComment(r: CommentRow): Comment {
  return {
    id: r.id,
    paperId: r.paper_id,
    parentId: r.parent_id,
    depth: r.depth,
    userId: r.user_id,
    username: r.username,
    body: decodeText(r.body),
    createdAt: r.created_at,
    editedAt: r.edited_at,
    deletedAt: r.deleted_at,
    hidden: r.hidden_at ? { at: r.hidden_at, by: r.hidden_by_name === null ? null : decodeText(r.hidden_by_name), reason: decodeText(r.hidden_reason ?? '') } : null,
  };
}

export class PostgresCommentStore implements CommentStore {
  constructor(private readonly pool: pg.Pool) {}

  private async one(q: pg.Pool | pg.PoolClient, id: number): Promise<Comment | null> {
    const r = (await q.query<CommentRow>(`${SELECT} WHERE c.id = $1`, [id])).rows[0];
    return r ? rowToComment(r) : null;
  }

  async addComment(c: { paperId: string; parentId: number | null; userId: number; body: string; now: Date; maxDepth: number }): Promise<NewCommentResult> {
    return withTransaction(this.pool, async (tx): Promise<NewCommentResult> => {
      if ((await tx.query('SELECT 1 FROM papers WHERE id = $1', [c.paperId])).rowCount === 0) return 'no_paper';
      let depth = 0;
      if (c.parentId !== null) {
        const p = (await tx.query<{ paper_id: string; depth: number; deleted_at: string | null }>(
          'SELECT paper_id, depth, deleted_at FROM comments WHERE id = $1 FOR SHARE', [c.parentId])).rows[0];
        if (!p || p.paper_id !== c.paperId || p.deleted_at !== null) return 'no_parent';
        depth = p.depth + 1;
        if (depth > c.maxDepth) return 'too_deep';
      }
      const id = (await tx.query<{ id: number }>(`INSERT INTO comments (paper_id, parent_id, depth, user_id, body, created_at)
        VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, [c.paperId, c.parentId, depth, c.userId, encodeText(c.body), c.now.toISOString()])).rows[0].id;
      return (await this.one(tx, id))!;
    });
  }

  async getComment(id: number): Promise<Comment | null> {
    return this.one(this.pool, id);
  }

  async listComments(paperId: string): Promise<Comment[]> {
    return (await this.pool.query<CommentRow>(`${SELECT} WHERE c.paper_id = $1 ORDER BY c.id`, [paperId])).rows.map(rowToComment);
  }

  async editComment(id: number, body: string, now: Date): Promise<Comment | null> {
    const r = await this.pool.query('UPDATE comments SET body = $1, edited_at = $2 WHERE id = $3 AND deleted_at IS NULL', [encodeText(body), now.toISOString(), id]);
    return r.rowCount ? this.one(this.pool, id) : null;
  }

  async deleteComment(id: number, now: Date): Promise<Comment | null> {
    const r = await this.pool.query("UPDATE comments SET body = '', deleted_at = $1 WHERE id = $2 AND deleted_at IS NULL", [now.toISOString(), id]);
    return r.rowCount ? this.one(this.pool, id) : null;
  }

  async setHidden(id: number, hide: { byUserId: number; reason: string } | null, now: Date): Promise<Comment | null> {
    const r = hide
      ? await this.pool.query('UPDATE comments SET hidden_at = $1, hidden_by = $2, hidden_reason = $3 WHERE id = $4',
        [now.toISOString(), hide.byUserId, encodeText(hide.reason), id])
      : await this.pool.query('UPDATE comments SET hidden_at = NULL, hidden_by = NULL, hidden_reason = NULL WHERE id = $1', [id]);
    return r.rowCount ? this.one(this.pool, id) : null;
  }

  async countVisible(paperId: string): Promise<number> {
    return (await this.pool.query<{ n: number }>(`SELECT COUNT(*) AS n FROM comments WHERE paper_id = $1
      AND deleted_at IS NULL AND hidden_at IS NULL`, [paperId])).rows[0].n;
  }

  async userComments(userId: number, limit: number, offset: number): Promise<{ comments: Comment[]; total: number }> {
    const rows = (await this.pool.query<CommentRow>(`${SELECT} WHERE c.user_id = $1 AND c.deleted_at IS NULL ORDER BY c.id DESC
      LIMIT $2 OFFSET $3`, [userId, limit, offset])).rows;
    const total = (await this.pool.query<{ n: number }>('SELECT COUNT(*) AS n FROM comments WHERE user_id = $1 AND deleted_at IS NULL', [userId])).rows[0].n;
    return { comments: rows.map(rowToComment), total };
  }
}
