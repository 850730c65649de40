/**
 * The discussion on a paper page: the thread (replies nested under their
 * parent), each comment's Markdown rendered safely (markdown.ts), and the
 * forms a visitor may use — add, reply, edit and delete one's own, hide and
 * show again for moderators.
 *
 * Goals: works without JavaScript (reply, edit, delete and hide forms sit
 * in <details> blocks, opened by a click, sent as plain posts with the CSRF
 * token); everything not rendered by markdown-it goes through html``; a
 * deleted comment with replies stays as "[deleted]" so the thread keeps its
 * shape, one without replies disappears; a hidden comment is a placeholder
 * with the moderator's reason for everyone but moderators, who see the
 * text and can show it again. Non-goals: rules (comment-routes.ts).
 */
import { html, raw, type SafeHtml } from '../../html/html.js';
import type { Comment } from '../../store/comment-store.js';
import { formatDay, paperPath, plural } from '../pages/format.js';
import { renderCommentMarkdown } from './markdown.js';
import { profilePath } from './profile-path.js';

/**
 * Longest comment, in characters. Default 10,000; sane range 2,000–50,000.
 * A long review with quotes fits (about four pages); a pasted paper does not.
 */
export const MAX_COMMENT_CHARS = 10_000;
/** Longest hiding reason. */
export const MAX_REASON_CHARS = 300;
/**
 * Deepest reply. Default 8 (a top-level comment is depth 0). Past that,
 * indentation eats a phone's width; people reply to an earlier comment.
 */
export const MAX_DEPTH = 8;

/** Who is looking, as far as the thread's forms care. */
export type CommentViewer =
  | { kind: 'anonymous' }
  | { kind: 'unverified' }
  | { kind: 'user'; userId: number; moderator: boolean; csrf: string };

function when(iso: string): string {
  return `${formatDay(iso)} ${iso.slice(11, 16)} UTC`;
}

function textarea(id: string, body: string, label: string): SafeHtml {
  return html`<label for="${id}">${label}</label>
<textarea id="${id}" name="body" rows="4" required maxlength="${MAX_COMMENT_CHARS}">${body}</textarea>`;
}

function commentForm(paperId: string, csrf: string, parentId: number | null, idPrefix: string): SafeHtml {
  return html`<form method="post" action="${`${paperPath(paperId)}/comments`}" class="comment-form">
<input type="hidden" name="_csrf" value="${csrf}">${parentId !== null ? html`<input type="hidden" name="parent" value="${String(parentId)}">` : ''}
${textarea(`${idPrefix}-body`, '', parentId === null ? 'Add a comment (Markdown)' : 'Your reply (Markdown)')}
<button type="submit">${parentId === null ? 'Comment' : 'Reply'}</button>
</form>`;
}

function actions(c: Comment, v: CommentViewer): SafeHtml | '' {
  if (v.kind !== 'user' || c.deletedAt) return '';
  const base = `${paperPath(c.paperId)}/comments/${c.id}`;
  const csrf = html`<input type="hidden" name="_csrf" value="${v.csrf}">`;
  const parts: SafeHtml[] = [];
  if (c.depth < MAX_DEPTH && !c.hidden) {
    parts.push(html`<details class="comment-action"><summary>Reply</summary>${commentForm(c.paperId, v.csrf, c.id, `reply-${c.id}`)}</details>`);
  }
  if (c.userId === v.userId && !c.hidden) {
    parts.push(html`<details class="comment-action"><summary>Edit</summary><form method="post" action="${`${base}/edit`}" class="comment-form">${csrf}
${textarea(`edit-${c.id}-body`, c.body, 'Edit your comment (Markdown)')}
<button type="submit">Save</button></form></details>`);
  }
  if (c.userId === v.userId) {
    parts.push(html`<details class="comment-action"><summary>Delete</summary><form method="post" action="${`${base}/delete`}">${csrf}
<button type="submit" class="danger">Delete this comment</button></form></details>`);
  }
  if (c.userId !== v.userId && !c.hidden) {
    parts.push(html`<details class="comment-action"><summary>Report</summary><form method="post" action="${`${base}/report`}" class="comment-form">${csrf}
<label for="${`report-${c.id}-reason`}">What is wrong with it?</label>
<input id="${`report-${c.id}-reason`}" name="reason" required maxlength="${MAX_REASON_CHARS}" placeholder="spam, abuse, off-topic…">
<button type="submit">Report to the moderators</button></form></details>`);
  }
  if (v.moderator) {
    parts.push(c.hidden
      ? html`<form method="post" action="${`${base}/unhide`}" class="comment-action">${csrf}<button type="submit">Show again</button></form>`
      : html`<details class="comment-action"><summary>Hide</summary><form method="post" action="${`${base}/hide`}" class="comment-form">${csrf}
<label for="${`hide-${c.id}-reason`}">Reason (shown in its place)</label>
<input id="${`hide-${c.id}-reason`}" name="reason" required maxlength="${MAX_REASON_CHARS}" placeholder="off-topic, abusive, spam…">
<button type="submit">Hide</button></form></details>`);
  }
  return html`<div class="comment-actions">${parts}</div>`;
}

function bodyOf(c: Comment, v: CommentViewer): SafeHtml {
  if (c.deletedAt) return html`<p class="muted">[deleted]</p>`;
  if (c.hidden) {
    const note = html`<p class="muted">[hidden by a moderator${c.hidden.reason ? html`: ${c.hidden.reason}` : ''}]</p>`;
    if (v.kind === 'user' && v.moderator) {
      return html`${note}<div class="comment-body is-hidden">${raw(renderCommentMarkdown(c.body))}</div>`;
    }
    return note;
  }
  return html`<div class="comment-body">${raw(renderCommentMarkdown(c.body))}</div>`;
}

function commentItem(c: Comment, children: Map<number | null, Comment[]>, v: CommentViewer, visible: (c: Comment) => boolean): SafeHtml | '' {
  if (!visible(c)) return '';
  const replies = (children.get(c.id) ?? []).map((r) => commentItem(r, children, v, visible));
  const author = c.deletedAt ? null : c.username;
  return html`<li class="comment" id="${`comment-${c.id}`}">
<article aria-label="${`Comment by ${author ?? 'a deleted account'}`}">
<p class="comment-meta">${author ? html`<strong><a href="${profilePath(author)}">${author}</a></strong>` : html`<span class="muted">${c.deletedAt ? 'deleted' : 'deleted account'}</span>`} · <a href="${`#comment-${c.id}`}"><time datetime="${c.createdAt}">${when(c.createdAt)}</time></a>${c.editedAt && !c.deletedAt ? html` · <span class="muted">edited</span>` : ''}</p>
${bodyOf(c, v)}
${actions(c, v)}
</article>
${replies.some((r) => r !== '') ? html`<ol class="comments">${replies}</ol>` : ''}
</li>`;
}

/** The discussion section of a paper page. */
export function commentsSection(paperId: string, comments: Comment[], v: CommentViewer, shownCount: number): SafeHtml {
  const children = new Map<number | null, Comment[]>();
  for (const c of comments) {
    const list = children.get(c.parentId);
    if (list) list.push(c);
    else children.set(c.parentId, [c]);
  }
  // A deleted comment is drawn only while it holds a visible reply (memoised: each comment is decided once).
  const memo = new Map<number, boolean>();
  const visible = (c: Comment): boolean => {
    const known = memo.get(c.id);
    if (known !== undefined) return known;
    const show = !c.deletedAt || (children.get(c.id) ?? []).some(visible);
    memo.set(c.id, show);
    return show;
  };
  const roots = (children.get(null) ?? []).map((c) => commentItem(c, children, v, visible));
  const form = v.kind === 'user'
    ? commentForm(paperId, v.csrf, null, 'new-comment')
    : v.kind === 'unverified'
      ? html`<p class="muted">Verify your email address to comment (<a href="/settings">Settings</a> can send a new link).</p>`
      : html`<p><a href="${`/login?next=${encodeURIComponent(paperPath(paperId) + '#comments')}`}">Log in to comment</a> · <a href="/signup">Sign up</a></p>`;
  const local = comments.filter((c) => !c.deletedAt && !c.hidden).length;
  const imported = shownCount - local;
  return html`<section id="comments" aria-labelledby="comments-h" class="discussion">
<h2 id="comments-h">Discussion <span class="muted">· ${plural(shownCount, 'comment')}</span></h2>
${imported > 0 ? html`<p class="muted">${plural(imported, 'comment')} counted on the imported daily list ${imported === 1 ? 'is' : 'are'} not shown here.</p>` : ''}
${roots.some((r) => r !== '') ? html`<ol class="comments">${roots}</ol>` : html`<p class="muted">No comments yet.</p>`}
${form}
</section>`;
}
