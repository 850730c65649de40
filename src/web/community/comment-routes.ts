/**
 * Comment writes (form posts under `/papers/{id}/comments…`) and the
 * comments API (`GET /api/papers/{id}?field=comments`).
 *
 * Goals: only verified users write; a user edits and deletes only their own
 * comments, moderators hide and show anyone's (every check here, tested to
 * refuse the others with 403); a comment is addressed through its paper, so
 * a comment of another paper is a 404; bodies are stored exactly as written
 * (refused only when empty or longer than MAX_COMMENT_CHARS); after a post
 * the browser goes back to the comment (303 to its anchor). Any verified user
 * reports another's comment (one open report each); every hide and show
 * again is written to the public moderation log and closes the comment's
 * open reports.
 * Non-goals: rendering (comments-view.ts, markdown.ts).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RouteDeps } from '../app.js';
import type { Comment } from '../../store/comment-store.js';
import type { PaperDetail } from '../../store/store.js';
import { HttpError, notFound } from '../http-error.js';
import { paperPath } from '../pages/format.js';
import { requireModerator, requirePageUser, requireVerified, type CurrentUser } from '../auth/current-user.js';
import { MAX_COMMENT_CHARS, MAX_DEPTH } from './comments-view.js';
import { field, reasonOf } from './form-body.js';
import { html } from '../../html/html.js';
import { pageContext, sendHtml } from '../pages/page-context.js';
import { messagePage } from '../auth/account-pages.js';

export type CommentAction = 'new' | 'edit' | 'delete' | 'hide' | 'unhide' | 'report';


function commentBody(raw: unknown): string {
  if (typeof raw !== 'string' || raw.trim() === '') throw new HttpError(400, 'invalid_parameter', 'Write something first: the comment is empty.');
  const length = [...raw].length;
  if (length > MAX_COMMENT_CHARS) {
    throw new HttpError(400, 'invalid_parameter', `A comment is at most ${MAX_COMMENT_CHARS.toLocaleString('en-US')} characters; this one has ${length.toLocaleString('en-US')}.`);
  }
  return raw;
}

function back(reply: FastifyReply, c: Comment): FastifyReply {
  return reply.redirect(`${paperPath(c.paperId)}#comment-${c.id}`, 303);
}

async function ownComment(deps: RouteDeps, detail: PaperDetail, commentId: number): Promise<Comment> {
  const c = await deps.comments.getComment(commentId);
  if (!c || c.paperId !== detail.paper.id) throw notFound(`No comment ${commentId} on this paper.`);
  return c;
}

function mustOwn(c: Comment, user: CurrentUser, verb: string): void {
  if (c.userId !== user.id) throw new HttpError(403, 'forbidden', `You can only ${verb} your own comments.`);
}

/** One comment form post; `commentId` is null for a new comment or reply. */
export async function commentForm(deps: RouteDeps, req: FastifyRequest, reply: FastifyReply, detail: PaperDetail, action: CommentAction, commentId: number | null): Promise<FastifyReply> {
  const user = requireVerified(requirePageUser(req, `${paperPath(detail.paper.id)}#comments`));
  const now = deps.now();
  if (action === 'new') {
    const body = commentBody(field(req, 'body'));
    const parentRaw = field(req, 'parent');
    let parentId: number | null = null;
    if (parentRaw !== undefined && parentRaw !== '') {
      if (typeof parentRaw !== 'string' || !/^[1-9]\d{0,15}$/.test(parentRaw)) throw new HttpError(400, 'invalid_parameter', 'Invalid parameter "parent": a comment number.');
      parentId = Number(parentRaw);
    }
    const r = await deps.comments.addComment({ paperId: detail.paper.id, parentId, userId: user.id, body, now, maxDepth: MAX_DEPTH });
    if (r === 'no_paper') throw notFound(`No paper ${detail.paper.id} in this hub.`);
    if (r === 'no_parent') throw new HttpError(400, 'invalid_parameter', 'The comment you reply to is not on this paper, or was deleted.');
    if (r === 'too_deep') throw new HttpError(400, 'invalid_parameter', `Replies nest at most ${MAX_DEPTH} deep: reply to an earlier comment of the thread.`);
    return back(reply, r);
  }
  const c = await ownComment(deps, detail, commentId!);
  if (action === 'edit') {
    mustOwn(c, user, 'edit');
    if (c.hidden) throw new HttpError(403, 'forbidden', 'A moderator hid this comment; it cannot be edited while hidden.');
    const body = commentBody(field(req, 'body'));
    const r = await deps.comments.editComment(c.id, body, now);
    if (!r) throw notFound('This comment was deleted.');
    return back(reply, r);
  }
  if (action === 'delete') {
    mustOwn(c, user, 'delete');
    return back(reply, (await deps.comments.deleteComment(c.id, now)) ?? c);
  }
  if (action === 'report') {
    if (c.userId === user.id) throw new HttpError(403, 'forbidden', 'You cannot report your own comment; edit or delete it instead.');
    if (c.deletedAt) throw notFound('This comment was deleted.');
    const reason = reasonOf(req, 'Say what is wrong with the comment, so a moderator can judge it.');
    await deps.moderation.report({ commentId: c.id, reporterId: user.id, reason, now });
    // The same page whether this was a first report or a repeat: reporting twice changes nothing.
    return sendHtml(reply, messagePage(pageContext(req), 'Thank you', 'A moderator will look at this comment.',
      html`<a href="${`${paperPath(c.paperId)}#comment-${c.id}`}">Back to the discussion</a>`));
  }
  requireModerator(user);
  if (action === 'hide') {
    const reason = reasonOf(req, 'Say why the comment is hidden: the reason is shown in its place.');
    const hidden = await deps.comments.setHidden(c.id, { byUserId: user.id, reason }, now);
    await deps.moderation.resolveReports(c.id, user.id, 'hidden', now);
    await deps.moderation.log({ actorId: user.id, action: 'hide_comment', commentId: c.id, reason, now });
    return back(reply, hidden ?? c);
  }
  const shown = await deps.comments.setHidden(c.id, null, now);
  await deps.moderation.log({ actorId: user.id, action: 'unhide_comment', commentId: c.id, reason: '', now });
  return back(reply, shown ?? c);
}
