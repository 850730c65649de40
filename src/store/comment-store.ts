/**
 * The CommentStore: threaded comments on papers, a role of its own beside
 * the Store (same database).
 *
 * Goals: a thread never loses its shape — deleting a comment keeps its row
 * (body cleared, `deletedAt` set) so replies keep their parent; hiding by a
 * moderator is a reversible mark (who, why, when) that leaves the body
 * intact; a deleted account's comments stay, without an author. The counts
 * the site shows are the Store's: each daily entry's imported count plus
 * the paper's visible (not deleted, not hidden) local comments. Bodies are
 * stored exactly as written (Markdown source; rendering is the web's).
 * Non-goals: who may edit or hide (web/community/), rendering.
 */

export interface Comment {
  id: number;
  paperId: string;
  parentId: number | null;
  /** 0 for a top-level comment, parent's depth + 1 for a reply. */
  depth: number;
  /** The author, or null when their account was deleted. */
  userId: number | null;
  username: string | null;
  /** Markdown source as written ('' once deleted). */
  body: string;
  createdAt: string;
  editedAt: string | null;
  deletedAt: string | null;
  /** Set while a moderator hides it. */
  hidden: { at: string; by: string | null; reason: string } | null;
}

export type NewCommentResult = Comment | 'no_paper' | 'no_parent' | 'too_deep';

export interface CommentStore {
  /** Adds a comment (a reply when parentId is set, which must be on the same paper and not deleted). */
  addComment(c: { paperId: string; parentId: number | null; userId: number; body: string; now: Date; maxDepth: number }): Promise<NewCommentResult>;
  getComment(id: number): Promise<Comment | null>;
  /** Every comment of a paper, oldest first (the page builds the tree). */
  listComments(paperId: string): Promise<Comment[]>;
  /** Replaces the body (and marks the edit time); null when there is no such live comment. */
  editComment(id: number, body: string, now: Date): Promise<Comment | null>;
  /** Deletes softly: body cleared, deletedAt set; the row stays for its replies. */
  deleteComment(id: number, now: Date): Promise<Comment | null>;
  /** Hides (with who and why) or shows again (`hide` null). */
  setHidden(id: number, hide: { byUserId: number; reason: string } | null, now: Date): Promise<Comment | null>;
  /** Visible comments of a paper (not deleted, not hidden). */
  countVisible(paperId: string): Promise<number>;
  /** A user's comments, newest first. */
  userComments(userId: number, limit: number, offset: number): Promise<{ comments: Comment[]; total: number }>;
}
