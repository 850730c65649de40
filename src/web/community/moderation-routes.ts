/**
 * Moderation: `/moderation` (the queue of reported comments, for moderators
 * and admins), `POST /moderation/reports/{comment}/dismiss` and its undo
 * `POST /moderation/reports/{comment}/reopen`, and the public
 * `/moderation/log` (who hid what and why, and when it was shown again —
 * as Lobsters publishes its moderation log).
 *
 * Goals: a moderator sees each reported comment once, with its text (even
 * when hidden), its author, its paper and every reason given, and acts from
 * there: hide it (the comment route, which also closes its reports and
 * logs), or dismiss the reports (logged too). Every action is reversible —
 * a hidden comment can be shown again from its paper page, dismissed reports
 * reopened from the log (a "Reopen" button moderators see) — and public.
 * Everyone else gets 403 on the queue (a visitor is sent to log in).
 * Reported papers are listed too: moderators dismiss their reports, admins
 * hide the paper from here (curation-routes.ts).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RouteDeps } from '../app.js';
import { html, raw, type SafeHtml } from '../../html/html.js';
import { notFound } from '../http-error.js';
import { layout } from '../pages/layout.js';
import { pageContext, sendHtml } from '../pages/page-context.js';
import { formatDay, paperPath, plural } from '../pages/format.js';
import { pageCount, pager } from '../pages/pager.js';
import { pageParam } from '../params.js';
import { requireModerator, requirePageUser } from '../auth/current-user.js';
import { canModerate, isAdmin } from '../../accounts/rules.js';
import { renderCommentMarkdown } from './markdown.js';
import { profilePath } from './profile-path.js';
import { MAX_REASON_CHARS } from './comments-view.js';
import type { LogEntry } from '../../store/moderation-store.js';

/** Reported comments shown at once: a moderator's sitting, oldest-most-reported first. */
const QUEUE_SIZE = 50;
/** Log entries per page. */
const LOG_PAGE = 50;

const ACTION_WORDS: Record<LogEntry['action'], string> = {
  hide_comment: 'hid a comment',
  unhide_comment: 'showed a comment again',
  dismiss_reports: 'dismissed the reports of a comment',
  reopen_reports: 'reopened the dismissed reports of a comment',
  hide_paper: 'hid the paper',
  unhide_paper: 'showed the paper again',
  dismiss_paper_reports: 'dismissed the reports of the paper',
  reopen_paper_reports: 'reopened the dismissed reports of the paper',
  move_entry: 'moved the daily-list entry of',
  remove_entry: 'removed from the daily list',
  restore_entry: 'put back on the daily list',
  ban_user: 'banned',
  unban_user: 'lifted the ban of',
};

/** What a log row says was done, to what. */
function logWhat(e: LogEntry, title: string): SafeHtml {
  if (e.paperId === null) {
    // A ban or its lifting: the user as they were called then (a profile link could point at a later namesake).
    return html`${ACTION_WORDS[e.action]} ${e.author ?? 'a deleted account'}`;
  }
  if (e.commentId !== null) {
    return html`${ACTION_WORDS[e.action]} by ${e.author ?? 'a deleted account'} on <a href="${`${paperPath(e.paperId)}#comment-${e.commentId}`}">${title}</a>`;
  }
  // A hidden paper's page is a 404: its title (copied into the row when hidden) names it instead.
  const paper = e.action === 'hide_paper' ? html`“${e.detail || e.paperId}”` : html`<a href="${paperPath(e.paperId)}">${title}</a>`;
  const detail = e.action === 'move_entry' || e.action === 'remove_entry' || e.action === 'restore_entry' ? html` (${e.detail})` : '';
  return html`${ACTION_WORDS[e.action]} ${paper}${detail}`;
}

/** The "Reopen" button under a dismissal in the log (moderators only). */
function reopenForm(e: LogEntry, csrf: string): SafeHtml | string {
  if (e.action === 'dismiss_reports' && e.commentId !== null) {
    return html`<form method="post" action="${`/moderation/reports/${e.commentId}/reopen`}" class="inline"><input type="hidden" name="_csrf" value="${csrf}"><button type="submit">Reopen</button></form>`;
  }
  if (e.action === 'dismiss_paper_reports' && e.paperId !== null) {
    return html`<form method="post" action="/moderation/papers/reopen" class="inline"><input type="hidden" name="_csrf" value="${csrf}"><input type="hidden" name="paper" value="${e.paperId}"><button type="submit">Reopen</button></form>`;
  }
  return '';
}

function when(iso: string): string {
  return `${formatDay(iso)} ${iso.slice(11, 16)} UTC`;
}

export async function moderationRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { comments, moderation, store, config } = deps;

  app.get('/moderation', async (req, reply) => {
    requireModerator(requirePageUser(req));
    const user = req.user!;
    const [reports, paperReports] = await Promise.all([moderation.openReports(QUEUE_SIZE), moderation.openPaperReports(QUEUE_SIZE)]);
    const reportedPapers = new Map((await store.getPapers(paperReports.map((r) => r.paperId))).map((p) => [p.id, p]));
    const list = (await Promise.all(reports.map(async (r) => ({ r, c: await comments.getComment(r.commentId) })))).filter((x) => x.c);
    const titles = new Map((await store.getPapers([...new Set(list.map((x) => x.r.paperId))])).map((p) => [p.id, p.title || p.id]));
    const csrf = reply.generateCsrf();
    const items = list.map(({ r, c }) => html`<li class="panel" id="${`report-${r.commentId}`}">
<p class="comment-meta"><strong>${plural(r.count, 'report')}</strong> · comment by ${c!.username ? html`<a href="${profilePath(c!.username)}">${c!.username}</a>` : 'a deleted account'} on <a href="${`${paperPath(r.paperId)}#comment-${r.commentId}`}">${titles.get(r.paperId) ?? r.paperId}</a>${c!.hidden ? html` · <span class="warn">hidden: ${c!.hidden.reason}</span>` : ''}</p>
<div class="comment-body">${raw(renderCommentMarkdown(c!.body))}</div>
<ul class="muted">${r.reasons.map((x) => html`<li>${x.by ?? 'a deleted account'} (${when(x.at)}): ${x.reason}</li>`)}</ul>
<div class="comment-actions">
${c!.hidden ? '' : html`<form method="post" action="${`${paperPath(r.paperId)}/comments/${r.commentId}/hide`}" class="row">
<input type="hidden" name="_csrf" value="${csrf}">
<label class="sr-only" for="${`q-reason-${r.commentId}`}">Reason</label>
<input id="${`q-reason-${r.commentId}`}" name="reason" required maxlength="${MAX_REASON_CHARS}" value="${r.reasons[0]?.reason ?? ''}">
<button type="submit">Hide</button></form>`}
<form method="post" action="${`/moderation/reports/${r.commentId}/dismiss`}" class="inline"><input type="hidden" name="_csrf" value="${csrf}"><button type="submit">Dismiss</button></form>
</div></li>`);
    const paperItems = paperReports.flatMap((r) => {
      const p = reportedPapers.get(r.paperId);
      // A paper hidden since it was reported: hiding closed its reports; one left open is shown by id.
      return [html`<li class="panel" id="${`paper-report-${r.paperId}`}">
<p class="comment-meta"><strong>${plural(r.count, 'report')}</strong> · ${p ? html`<a href="${paperPath(r.paperId)}">${p.title || r.paperId}</a>` : html`${r.paperId} (hidden)`}</p>
<ul class="muted">${r.reasons.map((x) => html`<li>${x.by ?? 'a deleted account'} (${when(x.at)}): ${x.reason}</li>`)}</ul>
<div class="comment-actions">
${p && isAdmin(user.role) ? html`<form method="post" action="${`${paperPath(r.paperId)}/hide`}" class="row">
<input type="hidden" name="_csrf" value="${csrf}">
<label class="sr-only" for="${`qp-reason-${r.paperId}`}">Reason</label>
<input id="${`qp-reason-${r.paperId}`}" name="reason" required maxlength="${MAX_REASON_CHARS}" value="${r.reasons[0]?.reason ?? ''}">
<button type="submit">Hide paper</button></form>` : ''}
<form method="post" action="/moderation/papers/dismiss" class="inline"><input type="hidden" name="_csrf" value="${csrf}"><input type="hidden" name="paper" value="${r.paperId}"><button type="submit">Dismiss</button></form>
</div></li>`];
    });
    return sendHtml(reply, layout({
      title: 'Moderation',
      body: html`<h1>Moderation</h1>
<p>Reported comments and papers, most reported first. Hiding a comment shows the reason in the comment's place and can be undone on the paper page; every action goes to the <a href="/moderation/log">public moderation log</a>.</p>
<h2>Reported comments</h2>
${items.length ? html`<ol class="moderation-queue">${items}</ol>` : html`<p class="empty">No open reports.</p>`}
<h2>Reported papers</h2>
${paperItems.length ? html`<ol class="moderation-queue">${paperItems}</ol>` : html`<p class="empty">No reported papers.</p>`}`,
      ...pageContext(req),
    }));
  });

  app.post<{ Params: { id: string } }>('/moderation/reports/:id/dismiss', { preHandler: app.csrfProtection }, async (req, reply) => {
    const user = requireModerator(requirePageUser(req, '/moderation'));
    if (!/^[1-9]\d{0,15}$/.test(req.params.id)) throw notFound();
    const commentId = Number(req.params.id);
    const closed = await moderation.resolveReports(commentId, user.id, 'dismissed', deps.now());
    if (closed === 0) throw notFound('This comment has no open reports.');
    await moderation.log({ actorId: user.id, action: 'dismiss_reports', commentId, reason: `${plural(closed, 'report')} dismissed`, now: deps.now() });
    return reply.redirect('/moderation', 303);
  });

  // Undoes the latest dismissal: the reports it closed are in the queue again.
  app.post<{ Params: { id: string } }>('/moderation/reports/:id/reopen', { preHandler: app.csrfProtection }, async (req, reply) => {
    const user = requireModerator(requirePageUser(req, '/moderation/log'));
    if (!/^[1-9]\d{0,15}$/.test(req.params.id)) throw notFound();
    const commentId = Number(req.params.id);
    const opened = await moderation.reopenReports(commentId);
    if (opened === 0) throw notFound('This comment has no dismissed reports to reopen (its last reports were not dismissed, or are open again).');
    await moderation.log({ actorId: user.id, action: 'reopen_reports', commentId, reason: `${plural(opened, 'report')} reopened`, now: deps.now() });
    return reply.redirect('/moderation', 303);
  });

  app.get('/moderation/log', async (req: FastifyRequest<{ Querystring: Record<string, unknown> }>, reply) => {
    const page = pageParam(req.query);
    const { entries, total } = await moderation.listLog(LOG_PAGE, (page - 1) * LOG_PAGE);
    const pages = pageCount(total, LOG_PAGE);
    if (page > 1 && page > pages) throw notFound(`The log has ${pages} page(s); there is no page ${page}.`);
    const paperIds = [...new Set(entries.flatMap((e) => (e.paperId === null ? [] : [e.paperId])))];
    const titles = new Map((await store.getPapers(paperIds)).map((p) => [p.id, p.title || p.id]));
    // Moderators undo a dismissal from here; everyone else reads.
    const csrf = req.user && canModerate(req.user.role) ? reply.generateCsrf() : null;
    const rows = entries.map((e) => html`<tr><td>${when(e.at)}</td><td>${e.actor ?? 'a deleted account'}</td>
<td>${logWhat(e, e.paperId === null ? '' : titles.get(e.paperId) ?? e.paperId)}${csrf ? html` ${reopenForm(e, csrf)}` : ''}</td><td>${e.reason}</td></tr>`);
    return sendHtml(reply, layout({
      title: 'Moderation log',
      canonical: `${config.publicUrl}/moderation/log${page > 1 ? `?page=${page}` : ''}`,
      body: html`<h1>Moderation log</h1>
<p>Everything the moderators and admins did, newest first: what was hidden, who was banned, why, and what was undone.</p>
${rows.length ? html`<table class="users"><thead><tr><th scope="col">When</th><th scope="col">Moderator</th><th scope="col">What</th><th scope="col">Why</th></tr></thead><tbody>${rows}</tbody></table>` : html`<p class="empty">Nothing yet.</p>`}
${pager('/moderation/log', {}, page, pages)}`,
      ...pageContext(req),
    }));
  });
}
