/**
 * The HTML views of accounts: sign up, log in, log out, "check your inbox",
 * password reset (ask, choose), link results, and the delete confirmation.
 * Settings and the admin page have their own files.
 *
 * Goals: work without JavaScript; labelled fields with the right
 * `autocomplete` so password managers help; one h1 per page; every value
 * escaped (html``); every form carries the CSRF token. Non-goals: rules
 * (accounts/), routing (account-routes.ts).
 */
import { html, type SafeHtml } from '../../html/html.js';
import { layout } from '../pages/layout.js';
import type { PageContext } from '../pages/page-context.js';
import { MAX_PASSWORD, MIN_PASSWORD } from '../../accounts/rules.js';

export function accountPage(ctx: PageContext, title: string, body: SafeHtml): string {
  return layout({ title, body: html`<div class="account">${body}</div>`, theme: ctx.theme, path: ctx.path, demo: ctx.demo, user: ctx.user });
}

export function errorNote(error: string | null | undefined): SafeHtml | string {
  return error ? html`<p class="error" role="alert"><strong>${error}</strong></p>` : '';
}

export function statusNote(note: string | null | undefined): SafeHtml | string {
  return note ? html`<p class="note" role="status">${note}</p>` : '';
}

export function csrfField(csrf: string): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${csrf}">`;
}

export function passwordField(id: string, name: string, label: string, autocomplete: 'current-password' | 'new-password'): SafeHtml {
  const hint = autocomplete === 'new-password' ? html`<small class="muted">At least ${MIN_PASSWORD} characters; a passphrase is best.</small>` : '';
  return html`<div class="field"><label for="${id}">${label}</label>
<input id="${id}" type="password" name="${name}" required${autocomplete === 'new-password' ? html` minlength="${MIN_PASSWORD}"` : ''} maxlength="${MAX_PASSWORD}" autocomplete="${autocomplete}">${hint}</div>`;
}

export interface SignupValues {
  username: string;
  email: string;
}

export function signupPage(ctx: PageContext, csrf: string, v: SignupValues, error: string | null = null): string {
  return accountPage(ctx, 'Sign up', html`<h1>Create an account</h1>
<p>An account lets you upvote papers, discuss them and submit new ones. We mail you a link to verify your address.</p>
${errorNote(error)}
<form method="post" action="/signup" class="stack">
${csrfField(csrf)}
<div class="field"><label for="su-username">Username</label>
<input id="su-username" name="username" value="${v.username}" required minlength="2" maxlength="30" autocomplete="username"><small class="muted">2–30 letters, digits, “-” or “_”. Shown next to what you post.</small></div>
<div class="field"><label for="su-email">Email address</label>
<input id="su-email" type="email" name="email" value="${v.email}" required maxlength="254" autocomplete="email"></div>
${passwordField('su-password', 'password', 'Password', 'new-password')}
<button type="submit">Sign up</button>
</form>
<p class="muted">Already have an account? <a href="/login">Log in</a>.</p>`);
}

export function checkInboxPage(ctx: PageContext, email: string, what: string): string {
  return accountPage(ctx, 'Check your inbox', html`<h1>Check your inbox</h1>
<p>If <strong>${email}</strong> can receive mail, a message is on its way with ${what}.</p>
<p class="muted">Nothing there after a few minutes? Look in the spam folder, or try again.</p>
<p><a href="/">Back to the papers</a></p>`);
}

export function loginPage(ctx: PageContext, csrf: string, login: string, next: string, error: string | null = null, note: string | null = null): string {
  return accountPage(ctx, 'Log in', html`<h1>Log in</h1>
${statusNote(note)}${errorNote(error)}
<form method="post" action="/login" class="stack">
${csrfField(csrf)}
<input type="hidden" name="next" value="${next}">
<div class="field"><label for="li-login">Username or email</label>
<input id="li-login" name="login" value="${login}" required maxlength="254" autocomplete="username"></div>
${passwordField('li-password', 'password', 'Password', 'current-password')}
<button type="submit">Log in</button>
</form>
<p class="muted"><a href="/reset">Forgot your password?</a> · New here? <a href="/signup">Sign up</a>.</p>`);
}

export function logoutPage(ctx: PageContext, csrf: string): string {
  return accountPage(ctx, 'Log out', html`<h1>Log out</h1>
<p>Log out of this browser?</p>
<form method="post" action="/logout">${csrfField(csrf)}<button type="submit">Log out</button></form>`);
}

export function resetRequestPage(ctx: PageContext, csrf: string, email: string, error: string | null = null): string {
  return accountPage(ctx, 'Reset your password', html`<h1>Reset your password</h1>
<p>Enter the address of your account; we mail you a link to choose a new password.</p>
${errorNote(error)}
<form method="post" action="/reset" class="stack">
${csrfField(csrf)}
<div class="field"><label for="rs-email">Email address</label>
<input id="rs-email" type="email" name="email" value="${email}" required maxlength="254" autocomplete="email"></div>
<button type="submit">Mail me a link</button>
</form>`);
}

export function resetPasswordPage(ctx: PageContext, csrf: string, token: string, error: string | null = null): string {
  return accountPage(ctx, 'Choose a new password', html`<h1>Choose a new password</h1>
${errorNote(error)}
<form method="post" action="/reset/password" class="stack">
${csrfField(csrf)}
<input type="hidden" name="token" value="${token}">
${passwordField('rp-password', 'password', 'New password', 'new-password')}
<button type="submit">Set password and log in</button>
</form>
<p class="muted">This logs you out everywhere else.</p>`);
}

/** A page saying what a followed link did (or why it did nothing), with the way on. */
export function messagePage(ctx: PageContext, title: string, message: SafeHtml | string, links: SafeHtml | string = html`<a href="/">Back to the papers</a>`): string {
  return accountPage(ctx, title, html`<h1>${title}</h1><p>${message}</p><p>${links}</p>`);
}

export function badLinkPage(ctx: PageContext, reason: 'invalid' | 'expired', what: string, again: SafeHtml): string {
  return messagePage(ctx, reason === 'expired' ? 'Link expired' : 'Link not valid',
    reason === 'expired' ? `This ${what} link has expired.` : `This ${what} link is not valid: it was used already, or it was not copied whole.`,
    again);
}

export function deleteAccountPage(ctx: PageContext, csrf: string, username: string, error: string | null = null): string {
  return accountPage(ctx, 'Delete your account', html`<h1>Delete your account</h1>
<p>This deletes <strong>${username}</strong> at once: your sessions, API tokens and upvotes go with it. Your comments stay, shown as by a deleted account, so replies keep their place. This cannot be undone.</p>
${errorNote(error)}
<form method="post" action="/settings/delete" class="stack">
${csrfField(csrf)}
${passwordField('del-password', 'password', 'Your password, to confirm', 'current-password')}
<button type="submit" class="danger">Delete my account</button>
</form>
<p><a href="/settings">Back to settings</a></p>`);
}
