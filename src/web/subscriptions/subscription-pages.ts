/**
 * The HTML views of subscribing: the subscribe form, "check your inbox", the
 * confirmation result, the manage form, the unsubscribe button and its result.
 *
 * Goals: work without JavaScript, labelled fields, one h1 per page, every
 * value escaped (html``), the page shell from layout(). Non-goals: rules
 * (digest/subscriptions.ts) and routing (routes.ts).
 */
import { html, type SafeHtml } from '../../html/html.js';
import { layout, type Theme } from '../pages/layout.js';
import type { Frequency, Subscription, Topics } from '../../store/subscription-store.js';

export interface ViewContext {
  theme: Theme | null;
  path: string;
  demo?: number;
  user?: { username: string } | null;
}

export interface FormValues {
  email: string;
  frequency: Frequency;
  categories: string;
  keywords: string;
  organizations: string;
}

export function topicFields(t: Topics): Pick<FormValues, 'categories' | 'keywords' | 'organizations'> {
  return { categories: t.categories.join(', '), keywords: t.keywords.join(', '), organizations: t.organizations.join(', ') };
}

function page(ctx: ViewContext, title: string, body: SafeHtml): string {
  return layout({ title, body, theme: ctx.theme, path: ctx.path, demo: ctx.demo, user: ctx.user, nav: 'subscribe' });
}

function frequencyField(f: Frequency): SafeHtml {
  const opt = (value: Frequency, label: string) =>
    html`<label><input type="radio" name="frequency" value="${value}"${f === value ? html` checked` : ''}> ${label}</label>`;
  return html`<fieldset class="field"><legend>How often</legend>
${opt('daily', 'Daily, on weekdays (yesterday’s trending papers)')}
${opt('weekly', 'Weekly, on Mondays (last week’s trending papers)')}
</fieldset>`;
}

function topicInputs(v: Pick<FormValues, 'categories' | 'keywords' | 'organizations'>): SafeHtml {
  return html`<fieldset class="field"><legend>Topics (optional)</legend>
<p class="muted">Leave empty for everything. Categories and organizations narrow the digest to matching papers; keywords move matching papers up.</p>
<div class="field"><label for="sub-categories">arXiv categories, comma-separated</label>
<input id="sub-categories" name="categories" value="${v.categories}" placeholder="cs.CL, cs.LG" maxlength="400"></div>
<div class="field"><label for="sub-organizations">Organizations, comma-separated</label>
<input id="sub-organizations" name="organizations" value="${v.organizations}" placeholder="ByteDance, Meta" maxlength="400"></div>
<div class="field"><label for="sub-keywords">Keywords, comma-separated</label>
<input id="sub-keywords" name="keywords" value="${v.keywords}" placeholder="diffusion, reasoning" maxlength="400"></div>
</fieldset>`;
}

function errorNote(error: string | null): SafeHtml | string {
  return error ? html`<p class="error" role="alert"><strong>${error}</strong></p>` : '';
}

export function subscribeFormPage(ctx: ViewContext, csrf: string, v: FormValues, error: string | null = null, accountEmail: string | null = null): string {
  return page(ctx, 'Email digest', html`<h1>Trending papers in your inbox</h1>
<p>Get the top papers by trending score, daily or weekly. We send a confirmation link first; nothing else arrives until you follow it. Every mail has a one-click unsubscribe link.</p>
${accountEmail ? html`<p class="muted">Subscribing your account's address (${accountEmail}) links the digest to your account: it then also brings <strong>For you</strong> — papers picked by what you upvoted and saved — and the papers of the organizations you follow.</p>` : ''}
${errorNote(error)}
<form class="subscribe-form" method="post" action="/subscribe">
<input type="hidden" name="_csrf" value="${csrf}">
<div class="field"><label for="sub-email">Email address</label>
<input id="sub-email" type="email" name="email" value="${v.email}" required maxlength="254" autocomplete="email" placeholder="you@example.org"></div>
${frequencyField(v.frequency)}
${topicInputs(v)}
<button type="submit">Subscribe</button>
</form>`);
}

export function checkInboxPage(ctx: ViewContext, email: string): string {
  return page(ctx, 'Check your inbox', html`<h1>Check your inbox</h1>
<p>If <strong>${email}</strong> can receive mail, a message with a confirmation link is on its way. Follow it to start your digest; the link works for 48 hours.</p>
<p class="muted">Already subscribed? The same message then carries a link to change your settings.</p>
<p><a href="/">Back to the papers</a></p>`);
}

export function confirmedPage(ctx: ViewContext, sub: Subscription, manageUrl: string): string {
  const when = sub.frequency === 'daily' ? 'every weekday morning' : 'every Monday morning';
  return page(ctx, 'Subscription confirmed', html`<h1>You are subscribed</h1>
<p>Trending papers will arrive at <strong>${sub.email}</strong> ${when}.</p>
<p><a href="${manageUrl}">Change frequency or topics</a> · <a href="/">Back to the papers</a></p>`);
}

export function badLinkPage(ctx: ViewContext, reason: 'invalid' | 'expired', what: string): string {
  const msg = reason === 'expired'
    ? `This ${what} link has expired. Subscribe again to get a fresh one.`
    : `This ${what} link is not valid. Copy the whole link from the mail, or subscribe again to get a new one.`;
  return page(ctx, 'Link not valid', html`<h1>${reason === 'expired' ? 'Link expired' : 'Link not valid'}</h1>
<p>${msg}</p><p><a href="/subscribe">Subscribe</a></p>`);
}

export function managePage(ctx: ViewContext, csrf: string, token: string, sub: Subscription, v: FormValues, note: string | null, error: string | null = null): string {
  const state = sub.status === 'paused'
    ? html`<p role="status"><strong>Paused:</strong> our mails to this address were refused several times. Save to resume.</p>`
    : sub.status === 'unsubscribed' ? html`<p role="status"><strong>Unsubscribed.</strong> Save to subscribe again.</p>` : '';
  return page(ctx, 'Manage your digest', html`<h1>Your digest</h1>
<p>Settings for <strong>${sub.email}</strong>.</p>
${state}${note ? html`<p role="status">${note}</p>` : ''}${errorNote(error)}
<form method="post" action="/subscribe/manage">
<input type="hidden" name="_csrf" value="${csrf}">
<input type="hidden" name="token" value="${token}">
${frequencyField(v.frequency)}
${topicInputs(v)}
<button type="submit">Save</button>
</form>
${sub.status !== 'unsubscribed' ? html`<form method="post" action="/unsubscribe">
<input type="hidden" name="token" value="${token}">
<button type="submit">Unsubscribe</button>
</form>` : ''}`);
}

export function unsubscribeConfirmPage(ctx: ViewContext, token: string, email: string): string {
  return page(ctx, 'Unsubscribe', html`<h1>Unsubscribe</h1>
<p>Stop sending digests to <strong>${email}</strong>?</p>
<form method="post" action="/unsubscribe">
<input type="hidden" name="token" value="${token}">
<button type="submit">Unsubscribe</button>
</form>`);
}

export function unsubscribedPage(ctx: ViewContext, email: string, manageUrl: string): string {
  return page(ctx, 'Unsubscribed', html`<h1>You are unsubscribed</h1>
<p>No more digests will be sent to <strong>${email}</strong>.</p>
<p>Changed your mind? <a href="${manageUrl}">Subscribe again with the same settings</a>.</p>`);
}
