/**
 * The CommentStore on the SqliteStore's connection (`store.db`).
 *
 * Goals: a comment and the counters it moves (`daily_entries.local_comments`,
 * kept by triggers from migration 7) change in one transaction; a reply is
 * checked against its parent (same paper, not deleted, depth) inside the
 * transaction that writes it; authors' and hiders' names come from one join.
 * Non-goals: rules and rendering (web/community/).
 */
import type Database from 'better-sqlite3';
import type { Comment, CommentStore, NewCommentResult } from '../comment-store.js';

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
    body: r.body,
    createdAt: r.created_at,
    editedAt: r.edited_at,
    deletedAt: r.deleted_at,
    hidden: r.hidden_at ? { at: r.hidden_at, by: r.hidden_by_name, reason: r.hidden_reason ?? '' } : null,
  };
}

export class SqliteCommentStore implements CommentStore {
  private readonly s;

  constructor(private readonly db: Database.Database) {
    this.s = {
      paperExists: db.prepare('SELECT 1 FROM papers WHERE id = ?'),
      parent: db.prepare('SELECT paper_id, depth, deleted_at FROM comments WHERE id = ?'),
      insert: db.prepare(`INSERT INTO comments (paper_id, parent_id, depth, user_id, body, created_at)
        VALUES (?, ?, ?, ?, ?, ?)`),
      byId: db.prepare(`${SELECT} WHERE c.id = ?`),
      byPaper: db.prepare(`${SELECT} WHERE c.paper_id = ? ORDER BY c.id`),
      edit: db.prepare('UPDATE comments SET body = ?, edited_at = ? WHERE id = ? AND deleted_at IS NULL'),
      remove: db.prepare("UPDATE comments SET body = '', deleted_at = ? WHERE id = ? AND deleted_at IS NULL"),
      hide: db.prepare('UPDATE comments SET hidden_at = ?, hidden_by = ?, hidden_reason = ? WHERE id = ?'),
      unhide: db.prepare('UPDATE comments SET hidden_at = NULL, hidden_by = NULL, hidden_reason = NULL WHERE id = ?'),
      countVisible: db.prepare('SELECT COUNT(*) AS n FROM comments WHERE paper_id = ? AND deleted_at IS NULL AND hidden_at IS NULL'),
      byUser: db.prepare(`${SELECT} WHERE c.user_id = ? AND c.deleted_at IS NULL ORDER BY c.id DESC LIMIT ? OFFSET ?`),
      countUser: db.prepare('SELECT COUNT(*) AS n FROM comments WHERE user_id = ? AND deleted_at IS NULL'),
    };
  }

  private one(id: number): Comment | null {
    const r = this.s.byId.get(id) as CommentRow | undefined;
    return r ? rowToComment(r) : null;
  }

  async addComment(c: { paperId: string; parentId: number | null; userId: number; body: string; now: Date; maxDepth: number }): Promise<NewCommentResult> {
    return this.db.transaction((): NewCommentResult => {
      if (!this.s.paperExists.get(c.paperId)) return 'no_paper';
      let depth = 0;
      if (c.parentId !== null) {
        const p = this.s.parent.get(c.parentId) as { paper_id: string; depth: number; deleted_at: string | null } | undefined;
        if (!p || p.paper_id !== c.paperId || p.deleted_at !== null) return 'no_parent';
        depth = p.depth + 1;
        if (depth > c.maxDepth) return 'too_deep';
      }
      const id = Number(this.s.insert.run(c.paperId, c.parentId, depth, c.userId, c.body, c.now.toISOString()).lastInsertRowid);
      return this.one(id)!;
    }).immediate();
  }

  async getComment(id: number): Promise<Comment | null> {
    return this.one(id);
  }

  async listComments(paperId: string): Promise<Comment[]> {
    return (this.s.byPaper.all(paperId) as CommentRow[]).map(rowToComment);
  }

  async editComment(id: number, body: string, now: Date): Promise<Comment | null> {
    return this.s.edit.run(body, now.toISOString(), id).changes ? this.one(id) : null;
  }

  async deleteComment(id: number, now: Date): Promise<Comment | null> {
    return this.s.remove.run(now.toISOString(), id).changes ? this.one(id) : null;
  }

  async setHidden(id: number, hide: { byUserId: number; reason: string } | null, now: Date): Promise<Comment | null> {
    const changes = hide ? this.s.hide.run(now.toISOString(), hide.byUserId, hide.reason, id).changes : this.s.unhide.run(id).changes;
    return changes ? this.one(id) : null;
  }

  async countVisible(paperId: string): Promise<number> {
    return (this.s.countVisible.get(paperId) as { n: number }).n;
  }

  async userComments(userId: number, limit: number, offset: number): Promise<{ comments: Comment[]; total: number }> {
    const rows = this.s.byUser.all(userId, limit, offset) as CommentRow[];
    return { comments: rows.map(rowToComment), total: (this.s.countUser.get(userId) as { n: number }).n };
  }
}
