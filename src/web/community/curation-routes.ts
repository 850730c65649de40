/**
 * Curating the daily list and reporting papers: any verified user reports a
 * paper (`POST /papers/{id}/report`, one open report each, into the
 * moderation queue); admins hide a paper (`POST /papers/{id}/hide`), move
 * one of its daily entries to another day (`POST /papers/{id}/entries/move`)
 * or take it off its day (`POST /papers/{id}/entries/remove`), and undo each
 * from `/admin/papers` (show a hidden paper again, put a removed entry
 * back). Moderators dismiss a paper's reports from the queue, and reopen
 * them from the moderation log (`POST /moderation/papers/reopen`).
 *
 * Goals: every check here (verified users report, never their own
 * submission twice-counted — the store's rule; admins only for the rest,
 * tested to refuse users and moderators with 403); every admin action and
 * its undo go to the public moderation log with the reason; a hidden paper
 * vanishes from lists, search, feeds and the API at once (the Store leaves
 * it out) and comes back as it was. Non-goals: the queue page itself
 * (moderation-routes.ts), removing a paper from the database.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RouteDeps } from '../app.js';
import type { PaperDetail } from '../../store/store.js';
import { html, type SafeHtml } from '../../html/html.js';
import { HttpError, notFound } from '../http-error.js';
import { layout } from '../pages/layout.js';
import { pageContext, sendHtml } from '../pages/page-context.js';
import { formatDay, paperPath, plural } from '../pages/format.js';
import { requireAdmin, requireModerator, requirePageUser, requireVerified, type CurrentUser } from '../auth/current-user.js';
import { isAdmin } from '../../accounts/rules.js';
import { messagePage } from '../auth/account-pages.js';
import { MAX_REASON_CHARS } from './comments-view.js';
import { dayField, field, reasonOf } from './form-body.js';

export type CurationAction = 'report' | 'hide' | 'move' | 'remove';

/** Hidden papers and removed entries listed on /admin/papers (the newest; older ones are rare to undo). */
const ADMIN_LIST = 100;

function csrfInput(csrf: string): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${csrf}">`;
}

function reasonInput(id: string, placeholder: string): SafeHtml {
  return html`<label for="${id}">Reason</label><input id="${id}" name="reason" required maxlength="${MAX_REASON_CHARS}" placeholder="${placeholder}">`;
}

/** The "Report this paper" box for a signed-in user (a <details>, a plain form). */
export function reportBox(paperId: string, csrf: string): SafeHtml {
  return html`<details class="tool"><summary>Report this paper</summary>
<form method="post" action="${`${paperPath(paperId)}/report`}" class="stack">${csrfInput(csrf)}
${reasonInput('report-reason', 'spam, not a research paper, duplicate…')}
<button type="submit">Send report</button></form></details>`;
}

/** The admins' tools on a paper page: hide it, move or remove each of its daily entries. */
export function curationBox(d: PaperDetail, csrf: string): SafeHtml {
  const path = paperPath(d.paper.id);
  const entries = d.daily.map((e) => html`<li><a href="${`/papers/date/${e.day}`}">${formatDay(e.day)}</a>
<form method="post" action="${`${path}/entries/move`}" class="row">${csrfInput(csrf)}<input type="hidden" name="from" value="${e.day}">
<label for="${`move-${e.day}`}">Move to</label><input id="${`move-${e.day}`}" type="date" name="to" required value="${e.day}">
${reasonInput(`move-reason-${e.day}`, 'why it moves')}<button type="submit">Move</button></form>
<form method="post" action="${`${path}/entries/remove`}" class="row">${csrfInput(csrf)}<input type="hidden" name="day" value="${e.day}">
${reasonInput(`remove-${e.day}`, 'why it leaves the list')}<button type="submit">Remove from this day</button></form></li>`);
  return html`<details class="tool"><summary>Admin: curate</summary>
${entries.length ? html`<p class="muted">Daily-list entries</p><ul class="curate-entries">${entries}</ul>` : ''}
<form method="post" action="${`${path}/hide`}" class="stack">${csrfInput(csrf)}
${reasonInput('hide-reason', 'shown in the public moderation log')}
<button type="submit">Hide this paper everywhere</button></form>
<p class="muted">Undo from <a href="/admin/papers">Admin → Papers</a>.</p></details>`;
}

/** One curation form post on a paper. */
export async function curationForm(deps: RouteDeps, req: FastifyRequest, reply: FastifyReply, detail: PaperDetail, action: CurationAction): Promise<FastifyReply> {
  const paperId = detail.paper.id;
  const user = requireVerified(requirePageUser(req, paperPath(paperId)));
  const now = deps.now();
  if (action === 'report') {
    const reason = reasonOf(req, 'Say what is wrong with the paper, so a moderator can judge it.');
    await deps.moderation.reportPaper({ paperId, reporterId: user.id, reason, now });
    // The same page whether this was a first report or a repeat: reporting twice changes nothing.
    return sendHtml(reply, messagePage(pageContext(req), 'Thank you', 'A moderator will look at this paper.',
      html`<a href="${paperPath(paperId)}">Back to the paper</a>`));
  }
  adminOnly(user);
  if (action === 'hide') {
    const reason = reasonOf(req, 'Say why the paper is hidden: the reason goes to the public moderation log.');
    if (!(await deps.curation.hidePaper(paperId, user.id, reason, now))) throw notFound('This paper is hidden already.');
    await deps.moderation.resolvePaperReports(paperId, user.id, 'hidden', now);
    await deps.moderation.logPaper({ actorId: user.id, action: 'hide_paper', paperId, reason, detail: detail.paper.title, now });
    return reply.redirect('/admin/papers', 303);
  }
  if (action === 'move') {
    const from = dayField(req, 'from', 'the day the entry is on');
    const to = dayField(req, 'to', 'the day to move it to');
    const reason = reasonOf(req, 'Say why the entry moves.');
    const r = await deps.curation.moveEntry(paperId, from, to, user.id, now);
    if (r === 'no_entry') throw notFound(`${paperId} is not on the daily list of ${from}.`);
    if (r === 'taken') throw new HttpError(409, 'conflict', from === to ? 'Pick another day: the entry is on that day already.' : `${paperId} is on the daily list of ${to} already.`);
    await deps.moderation.logPaper({ actorId: user.id, action: 'move_entry', paperId, reason, detail: `${from} → ${to}`, now });
    return reply.redirect(paperPath(paperId), 303);
  }
  const day = dayField(req, 'day', 'the day the entry is on');
  const reason = reasonOf(req, 'Say why the entry leaves the list: the reason goes to the public moderation log.');
  if (!(await deps.curation.removeEntry(paperId, day, user.id, now))) throw notFound(`${paperId} is not on the daily list of ${day}.`);
  await deps.moderation.logPaper({ actorId: user.id, action: 'remove_entry', paperId, reason, detail: day, now });
  return reply.redirect(paperPath(paperId), 303);
}

function adminOnly(user: CurrentUser): void {
  if (!isAdmin(user.role)) throw new HttpError(403, 'forbidden', 'Only admins can do that.');
}

function paperIdField(req: FastifyRequest): string {
  const id = field(req, 'paper');
  if (typeof id !== 'string' || id === '' || id.length > 200) throw new HttpError(400, 'invalid_parameter', 'Invalid parameter "paper": a paper id.');
  return id;
}

export async function curationRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { curation, moderation } = deps;

  app.get('/admin/papers', async (req, reply) => {
    requireAdmin(requirePageUser(req));
    const [hidden, removed] = await Promise.all([curation.hiddenPapers(ADMIN_LIST, 0), curation.removedEntries(ADMIN_LIST, 0)]);
    const csrf = reply.generateCsrf();
    // Panels, not a table: each row carries a form, and a phone has room for one column.
    const hiddenRows = hidden.items.map((h) => html`<li class="panel"><p><strong>${h.title || h.paperId}</strong> <span class="muted">(${h.paperId})</span></p>
<p class="muted">Hidden ${formatDay(h.hiddenAt)} by ${h.by ?? 'a deleted account'}: ${h.reason}</p>
<form method="post" action="/admin/papers/unhide" class="inline">${csrfInput(csrf)}<input type="hidden" name="paper" value="${h.paperId}"><button type="submit">Show again</button></form></li>`);
    const removedRows = removed.items.map((e) => html`<li class="panel"><p><a href="${paperPath(e.paperId)}">${e.title || e.paperId}</a></p>
<p class="muted">${e.movedTo ? html`Moved from ${formatDay(e.day)} to <a href="${`/papers/date/${e.movedTo}`}">${formatDay(e.movedTo)}</a>` : html`Removed from ${formatDay(e.day)}`} on ${formatDay(e.removedAt)}</p>
${e.movedTo ? html`<p class="muted">Undo a move by moving the entry back from the paper's page.</p>` : html`<form method="post" action="/admin/entries/restore" class="inline">${csrfInput(csrf)}<input type="hidden" name="paper" value="${e.paperId}"><input type="hidden" name="day" value="${e.day}"><button type="submit">Put back</button></form>`}</li>`);
    return sendHtml(reply, layout({
      title: 'Admin: papers',
      body: html`<h1>Papers taken off the site</h1>
<p>Hide a paper or move and remove its daily-list entries from its page (Admin: curate). Everything here can be undone, and every action is in the <a href="/moderation/log">public moderation log</a>.</p>
<h2>Hidden papers <span class="muted">(${hidden.total})</span></h2>
${hiddenRows.length ? html`<ol class="moderation-queue">${hiddenRows}</ol>` : html`<p class="empty">No hidden papers.</p>`}
<h2>Removed and moved entries <span class="muted">(${removed.total})</span></h2>
${removedRows.length ? html`<ol class="moderation-queue">${removedRows}</ol>` : html`<p class="empty">No removed entries.</p>`}`,
      ...pageContext(req),
    }));
  });

  app.post('/admin/papers/unhide', { preHandler: app.csrfProtection }, async (req, reply) => {
    const user = requireAdmin(requirePageUser(req, '/admin/papers'));
    const paperId = paperIdField(req);
    const was = await curation.hiddenPaper(paperId);
    if (!was || !(await curation.unhidePaper(paperId))) throw notFound(`${paperId} is not hidden.`);
    await moderation.logPaper({ actorId: user.id, action: 'unhide_paper', paperId, reason: '', detail: was.title, now: deps.now() });
    return reply.redirect(paperPath(paperId), 303);
  });

  app.post('/admin/entries/restore', { preHandler: app.csrfProtection }, async (req, reply) => {
    const user = requireAdmin(requirePageUser(req, '/admin/papers'));
    const paperId = paperIdField(req);
    const day = dayField(req, 'day', 'the day of the removed entry');
    if (!(await curation.restoreEntry(paperId, day))) throw notFound(`${paperId} has no removed entry on ${day}.`);
    await moderation.logPaper({ actorId: user.id, action: 'restore_entry', paperId, reason: '', detail: day, now: deps.now() });
    return reply.redirect('/admin/papers', 303);
  });

  app.post('/moderation/papers/dismiss', { preHandler: app.csrfProtection }, async (req, reply) => {
    const user = requireModerator(requirePageUser(req, '/moderation'));
    const paperId = paperIdField(req);
    const closed = await moderation.resolvePaperReports(paperId, user.id, 'dismissed', deps.now());
    if (closed === 0) throw notFound('This paper has no open reports.');
    await moderation.logPaper({ actorId: user.id, action: 'dismiss_paper_reports', paperId, reason: `${plural(closed, 'report')} dismissed`, detail: '', now: deps.now() });
    return reply.redirect('/moderation', 303);
  });

  // Undoes the latest dismissal of a paper's reports (the "Reopen" button of the moderation log).
  app.post('/moderation/papers/reopen', { preHandler: app.csrfProtection }, async (req, reply) => {
    const user = requireModerator(requirePageUser(req, '/moderation/log'));
    const paperId = paperIdField(req);
    const opened = await moderation.reopenPaperReports(paperId);
    if (opened === 0) throw notFound('This paper has no dismissed reports to reopen (its last reports were not dismissed, or are open again).');
    await moderation.logPaper({ actorId: user.id, action: 'reopen_paper_reports', paperId, reason: `${plural(opened, 'report')} reopened`, detail: '', now: deps.now() });
    return reply.redirect('/moderation', 303);
  });
}
