/**
 * The views of submitting a paper: the form (`/submit`), the preview of
 * what arXiv says with the button that adds it, and the answers when it
 * cannot be added (already listed, too old, daily cap, arXiv unreachable).
 *
 * Goals: work without JavaScript, say plainly what happened and what to do
 * next, every value escaped. Non-goals: the rules (submit-routes.ts).
 */
import { html, type SafeHtml } from '../../html/html.js';
import type { Paper } from '../../domain/paper.js';
import { layout } from '../pages/layout.js';
import type { PageContext } from '../pages/page-context.js';
import { authorLine, formatDay, paperPath, plural, truncate } from '../pages/format.js';

function page(ctx: PageContext, title: string, body: SafeHtml): string {
  return layout({ title, body: html`<div class="account">${body}</div>`, theme: ctx.theme, path: ctx.path, demo: ctx.demo, user: ctx.user });
}

export interface SubmitFormView {
  csrf: string;
  value: string;
  /** Submissions left today; null when not capped (admins). */
  remaining: number | null;
  maxAgeDays: number;
  error?: SafeHtml | string;
}

export function submitFormPage(ctx: PageContext, v: SubmitFormView): string {
  return page(ctx, 'Submit a paper', html`<h1>Submit a paper</h1>
<p>Add a new arXiv paper to today's daily list. Paste its arXiv id or a link to it (arXiv abstract or PDF, or a Hugging Face paper page); you will see what arXiv says about it before anything is added.</p>
<p class="muted">Papers first published within the last ${plural(v.maxAgeDays, 'day')}; ${v.remaining === null ? 'as an admin you may add any paper, without a daily limit' : v.remaining > 0 ? `you can submit ${plural(v.remaining, 'more paper')} today` : 'you have used your submissions for today'}; a paper already on a daily list is not added twice.</p>
${v.error ? html`<div class="error" role="alert">${v.error}</div>` : ''}
<form method="post" action="/submit" class="stack">
<input type="hidden" name="_csrf" value="${v.csrf}">
<div class="field"><label for="submit-paper">arXiv id or link</label>
<input id="submit-paper" name="paper" value="${v.value}" required maxlength="300" placeholder="2406.12345 or https://arxiv.org/abs/2406.12345" autocomplete="off"></div>
<button type="submit">Look it up</button>
</form>`);
}

export function previewPage(ctx: PageContext, csrf: string, p: Paper, asAdminNote: string | null): string {
  const authors = authorLine(p, 12);
  return page(ctx, 'Check and submit', html`<h1>Add this paper to today's list?</h1>
${asAdminNote ? html`<p class="note" role="status">${asAdminNote}</p>` : ''}
<article class="preview panel">
<h2>${p.title}</h2>
${authors ? html`<p class="muted">${authors}</p>` : ''}
<p class="muted">arXiv ${p.arxivId ?? p.id}${p.version ? `v${p.version}` : ''} · first published ${formatDay(p.publishedAt)}${p.primaryCategory ? ` · ${p.primaryCategory}` : ''}</p>
<p>${truncate(p.abstract, 1200)}</p>
</article>
<form method="post" action="/submit/confirm" class="row">
<input type="hidden" name="_csrf" value="${csrf}">
<input type="hidden" name="id" value="${p.id}">
<button type="submit">Add to today's list</button>
<a href="/submit">Submit another paper instead</a>
</form>`);
}

/** The paper is already listed: where. */
export function duplicateMessage(id: string, day: string): SafeHtml {
  return html`<p><strong>${id} is already on the daily list</strong> of <a href="${`/papers/date/${day}`}">${formatDay(day)}</a>: <a href="${paperPath(id)}">open its page</a> to upvote or discuss it.</p>`;
}

export function messageBox(text: string): SafeHtml {
  return html`<p><strong>${text}</strong></p>`;
}
