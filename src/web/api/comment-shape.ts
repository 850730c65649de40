/**
 * A comment in the JSON API (`GET /api/papers/{id}?field=comments`), shaped
 * like the Hub's discussion comment events (`type: "comment"`, `author`,
 * `data.latest.raw|html`, `hidden`), plus `parentId` for threads.
 *
 * Goals: a hidden or deleted comment keeps its place in the thread but its
 * text is not served. Non-goals: writing comments through the API.
 */
import type { Comment } from '../../store/comment-store.js';
import { renderCommentMarkdown } from '../community/markdown.js';

/** A comment in the API, shaped like the Hub's discussion comment events. */
export interface ApiComment {
  id: string;
  type: 'comment';
  parentId: string | null;
  createdAt: string;
  author: { name: string; type: 'user' } | null;
  data: {
    latest: { raw: string; html: string; updatedAt: string };
    edited: boolean;
    deleted: boolean;
    hidden: boolean;
    hiddenBy?: string | null;
    hiddenReason?: string;
  };
}

export function apiComment(c: Comment): ApiComment {
  const gone = c.deletedAt !== null || c.hidden !== null;
  const out: ApiComment = {
    id: String(c.id),
    type: 'comment',
    parentId: c.parentId === null ? null : String(c.parentId),
    createdAt: c.createdAt,
    author: c.username && !c.deletedAt ? { name: c.username, type: 'user' } : null,
    data: {
      // A hidden or deleted comment's text is not served; the thread keeps its place.
      latest: { raw: gone ? '' : c.body, html: gone ? '' : renderCommentMarkdown(c.body), updatedAt: c.deletedAt ?? c.editedAt ?? c.createdAt },
      edited: c.editedAt !== null,
      deleted: c.deletedAt !== null,
      hidden: c.hidden !== null,
    },
  };
  if (c.hidden) {
    out.data.hiddenBy = c.hidden.by;
    out.data.hiddenReason = c.hidden.reason;
  }
  return out;
}
