/**
 * Claiming authorship: a verified user claims one of a paper's author names
 * from its page (`POST /papers/{id}/claim`); admins approve or reject claims
 * at `/admin/claims` and reopen a wrongly rejected one; once approved, the
 * author name on the paper page links to the user's profile, and the
 * profile lists the paper among the papers they wrote.
 *
 * Goals: a claim names an author the paper lists (exactly as listed); the
 * store's rules answer duplicates (one open or approved claim per user per
 * paper) and taken names (one approved user per author name) with clear
 * messages; only admins decide (every decision route refuses users and
 * moderators with 403). Non-goals: proving identity (an admin judges, e.g.
 * by the address or an ORCID in the claim's note), claims on names the
 * paper does not list.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RouteDeps } from '../app.js';
import type { PaperDetail } from '../../store/store.js';
import type { AuthorshipClaim } from '../../store/authorship-store.js';
import { html, type SafeHtml } from '../../html/html.js';
import { HttpError, notFound } from '../http-error.js';
import { layout } from '../pages/layout.js';
import { pageContext, sendHtml } from '../pages/page-context.js';
import { formatDay, paperPath } from '../pages/format.js';
import { requireAdmin, requirePageUser, requireVerified, type CurrentUser } from '../auth/current-user.js';
import { messagePage } from '../auth/account-pages.js';
import { MAX_REASON_CHARS } from './comments-view.js';
import { field } from './form-body.js';
import { profilePath } from './profile-path.js';

/** Claims per section of /admin/claims. */
const CLAIMS_PAGE = 100;

function csrfInput(csrf: string): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${csrf}">`;
}

/** Approved authors of a paper, author name → username (the paper page links those names). */
export async function authorLinks(deps: RouteDeps, paperId: string): Promise<Map<string, string>> {
  const claims = await deps.authorship.claimsOfPaper(paperId);
  return new Map(claims.filter((c) => c.status === 'approved').map((c) => [c.authorName, c.username]));
}

/** The "I am an author" box on a paper page, for a signed-in user. */
export async function claimBox(deps: RouteDeps, user: CurrentUser, detail: PaperDetail, csrf: string): Promise<SafeHtml | null> {
  const names = detail.paper.authors.map((a) => a.name);
  if (names.length === 0) return null;
  const mine = (await deps.authorship.claimsOf(user.id)).find((c) => c.paperId === detail.paper.id && c.status !== 'rejected');
  if (mine) {
    return html`<p class="muted tool">${mine.status === 'approved' ? html`You are listed as the author ${mine.authorName}.` : html`Your claim to be ${mine.authorName} waits for an admin.`}</p>`;
  }
  return html`<details class="tool"><summary>I am an author of this paper</summary>
<form method="post" action="${`${paperPath(detail.paper.id)}/claim`}" class="stack">${csrfInput(csrf)}
<label for="claim-author">Which author are you?</label>
<select id="claim-author" name="author" required>${names.map((n) => html`<option value="${n}">${n}</option>`)}</select>
<button type="submit">Claim authorship</button>
<small class="muted">An admin checks the claim; your profile then lists the paper.</small></form></details>`;
}

/** `POST /papers/{id}/claim`. */
export async function claimForm(deps: RouteDeps, req: FastifyRequest, reply: FastifyReply, detail: PaperDetail): Promise<FastifyReply> {
  const user = requireVerified(requirePageUser(req, paperPath(detail.paper.id)));
  const author = field(req, 'author');
  if (typeof author !== 'string' || !detail.paper.authors.some((a) => a.name === author)) {
    throw new HttpError(400, 'invalid_parameter', 'Pick one of the author names this paper lists.');
  }
  const r = await deps.authorship.claim({ paperId: detail.paper.id, userId: user.id, authorName: author, now: deps.now() });
  if (r.kind === 'no_paper') throw notFound(`No paper ${detail.paper.id} in this hub.`);
  if (r.kind === 'duplicate') throw new HttpError(409, 'duplicate', `You already claimed to be ${r.claim.authorName} on this paper (${r.claim.status}).`);
  if (r.kind === 'taken') throw new HttpError(409, 'taken', `Another user is already approved as ${author} on this paper. If that is wrong, report the paper.`);
  return sendHtml(reply, messagePage(pageContext(req), 'Claim sent', `An admin will check that you are ${author}; your profile lists the paper once they approve.`,
    html`<a href="${paperPath(detail.paper.id)}">Back to the paper</a>`));
}

/** One claim as a panel (each carries forms; a phone has room for one column, not a table's five). */
function claimRow(c: AuthorshipClaim, titles: Map<string, string>, actions: SafeHtml | ''): SafeHtml {
  return html`<li class="panel" id="${`claim-${c.id}`}"><p><a href="${profilePath(c.username)}">${c.username}</a> claims to be <strong>${c.authorName}</strong> on <a href="${paperPath(c.paperId)}">${titles.get(c.paperId) ?? c.paperId}</a></p>
<p class="muted">${formatDay(c.createdAt)}${c.decidedBy ? html` · last decided by ${c.decidedBy}` : ''}${c.note ? html` · note: ${c.note}` : ''}</p>
<div class="comment-actions">${actions}</div></li>`;
}

export async function authorshipRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { authorship, store } = deps;

  app.get('/admin/claims', async (req, reply) => {
    requireAdmin(requirePageUser(req));
    const [pending, rejected] = await Promise.all([authorship.claimsByStatus('pending', CLAIMS_PAGE, 0), authorship.claimsByStatus('rejected', CLAIMS_PAGE, 0)]);
    const titles = new Map((await store.getPapers([...new Set([...pending.items, ...rejected.items].map((c) => c.paperId))])).map((p) => [p.id, p.title || p.id]));
    const csrf = reply.generateCsrf();
    const decide = (c: AuthorshipClaim) => html`<form method="post" action="${`/admin/claims/${c.id}/approve`}" class="inline">${csrfInput(csrf)}<button type="submit">Approve</button></form>
<form method="post" action="${`/admin/claims/${c.id}/reject`}" class="row">${csrfInput(csrf)}<label class="sr-only" for="${`note-${c.id}`}">Note</label><input id="${`note-${c.id}`}" name="note" maxlength="${MAX_REASON_CHARS}" placeholder="why (shown to them)"><button type="submit">Reject</button></form>`;
    const reopen = (c: AuthorshipClaim) => html`<form method="post" action="${`/admin/claims/${c.id}/reopen`}" class="inline">${csrfInput(csrf)}<button type="submit">Reopen</button></form>`;
    const table = (rows: SafeHtml[]) => html`<ol class="moderation-queue">${rows}</ol>`;
    return sendHtml(reply, layout({
      title: 'Admin: authorship claims',
      body: html`<h1>Authorship claims</h1>
<p>Approve a claim when you are satisfied the user is that author: the name then links to their profile, which lists the paper. A rejected claim can be reopened.</p>
<h2>Waiting <span class="muted">(${pending.total})</span></h2>
${pending.items.length ? table(pending.items.map((c) => claimRow(c, titles, decide(c)))) : html`<p class="empty">No claims wait.</p>`}
<h2>Rejected <span class="muted">(${rejected.total})</span></h2>
${rejected.items.length ? table(rejected.items.map((c) => claimRow(c, titles, reopen(c)))) : html`<p class="empty">None.</p>`}`,
      ...pageContext(req),
    }));
  });

  for (const action of ['approve', 'reject', 'reopen'] as const) {
    app.post<{ Params: { id: string } }>(`/admin/claims/:id/${action}`, { preHandler: app.csrfProtection }, async (req, reply) => {
      const admin = requireAdmin(requirePageUser(req, '/admin/claims'));
      if (!/^[1-9]\d{0,15}$/.test(req.params.id)) throw notFound();
      const id = Number(req.params.id);
      if (action === 'reopen') {
        if (!(await authorship.reopen(id, admin.id, deps.now()))) throw notFound('No rejected claim with that number (or the user has claimed the paper again since).');
        return reply.redirect('/admin/claims', 303);
      }
      const note = field(req, 'note');
      if (note !== undefined && (typeof note !== 'string' || [...note].length > MAX_REASON_CHARS)) throw new HttpError(400, 'invalid_parameter', `A note is at most ${MAX_REASON_CHARS} characters.`);
      const r = await authorship.decide(id, { by: admin.id, status: action === 'approve' ? 'approved' : 'rejected', note: typeof note === 'string' ? note.trim() : '', now: deps.now() });
      if (r === 'taken') throw new HttpError(409, 'taken', 'Another user is already approved as this author of this paper: reject one of the two.');
      if (!r) throw notFound('No waiting claim with that number.');
      return reply.redirect('/admin/claims', 303);
    });
  }
}
