/**
 * The upvote control of a card and of a paper page, and the per-visitor
 * state it is drawn with.
 *
 * Goals: works without JavaScript — a signed-in visitor gets a real form
 * (POST /papers/{id}/upvote with the CSRF token, the wanted state and the
 * way back), a signed-out visitor a link to log in and come back; with
 * JavaScript (assets/community-js.ts) the same form is sent in place.
 * The form says which state it asks for (vote=1 or vote=0), so a
 * double-submitted form cannot undo itself. Non-goals: counting (the store).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { html, type SafeHtml } from '../../html/html.js';
import type { VoteStore } from '../../store/vote-store.js';
import { compactNumber, paperPath } from '../pages/format.js';

/** How to draw a paper's upvote control for this visitor. */
export type VoteState =
  | { kind: 'anonymous' }
  | { kind: 'user'; upvoted: boolean; csrf: string; back: string };

/** The control for a paper with `count` shown upvotes; `big` on the paper page. */
export function voteControl(paperId: string, count: number, state: VoteState, big = false): SafeHtml {
  const label = count === 1 ? 'upvote' : 'upvotes';
  const inner = html`<span aria-hidden="true">▲</span><span class="count">${compactNumber(count)}</span><small>${big ? (state.kind === 'user' && state.upvoted ? 'upvoted' : label) : label}</small>`;
  if (state.kind === 'anonymous') {
    return html`<a class="${big ? 'votes big' : 'votes'}" href="${`/login?next=${encodeURIComponent(paperPath(paperId))}`}" title="Log in to upvote" aria-label="${`${count} ${label}. Log in to upvote`}">${inner}</a>`;
  }
  const action = `${paperPath(paperId)}/upvote`;
  return html`<form class="${big ? 'votes upvote big' : 'votes upvote'}" method="post" action="${action}" data-paper="${paperId}">
<input type="hidden" name="_csrf" value="${state.csrf}"><input type="hidden" name="vote" value="${state.upvoted ? '0' : '1'}"><input type="hidden" name="back" value="${state.back}">
<button type="submit" aria-pressed="${state.upvoted ? 'true' : 'false'}" title="${state.upvoted ? 'Remove your upvote' : 'Upvote'}" aria-label="${`${state.upvoted ? 'Remove your upvote' : 'Upvote'} (${count} ${label})`}">${inner}</button>
</form>`;
}

/**
 * The vote state of each paper for the visitor of `req`: anonymous for a
 * signed-out visitor; for a signed-in one, whether they upvoted it (one
 * query for all the papers), the CSRF token and this page as the way back.
 */
export async function voteStates(req: FastifyRequest, reply: FastifyReply, votes: VoteStore, paperIds: string[]): Promise<(paperId: string) => VoteState> {
  const user = req.user;
  if (!user || user.via !== 'session') return () => ({ kind: 'anonymous' });
  const voted = await votes.votedPapers(user.id, [...new Set(paperIds)]);
  const csrf = reply.generateCsrf();
  // This page is the way back (a page's own URL is short; a freak one falls back to the home page).
  const back = req.url.length <= 1000 ? req.url : '/';
  return (id) => ({ kind: 'user', upvoted: voted.has(id), csrf, back });
}
