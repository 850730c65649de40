/**
 * The settings page (`/settings`): the account at a glance, verification
 * status with a "send a new link" button, change address, change password,
 * personal API tokens (create, list, revoke; a new token is shown once), the
 * digest subscriptions linked to the account (with their manage links), and
 * the way to delete the account; and the admin's user list (`/admin/users`).
 *
 * Goals: every form works without JavaScript and carries the CSRF token;
 * the result of a form shows in its own section (`note`/`error` keyed by
 * section). Non-goals: rules (accounts/), routing (settings-routes.ts).
 */
import { html, raw, type SafeHtml } from '../../html/html.js';
import type { ApiTokenInfo, Role, User } from '../../store/account-store.js';
import type { Subscription } from '../../store/subscription-store.js';
import { ROLES } from '../../store/account-store.js';
import type { PageContext } from '../pages/page-context.js';
import { formatDay, plural } from '../pages/format.js';
import { pager } from '../pages/pager.js';
import { accountPage, csrfField, errorNote, passwordField, statusNote } from './account-pages.js';
import { MAX_TOKEN_NAME } from '../../accounts/account-service.js';
import { profilePath } from '../community/profile-path.js';

export type SettingsSection = 'account' | 'profile' | 'email' | 'password' | 'tokens';

export interface SettingsView {
  user: User;
  tokens: ApiTokenInfo[];
  /** Digest subscriptions linked to the account, each with its signed manage link. */
  digests?: { sub: Subscription; manageUrl: string }[];
  /** A token just created: shown once. */
  newToken?: { name: string; token: string };
  note?: { section: SettingsSection; text: string };
  error?: { section: SettingsSection; text: string };
}

function noteFor(v: SettingsView, section: SettingsSection): SafeHtml | string {
  return html`${v.note?.section === section ? statusNote(v.note.text) : ''}${v.error?.section === section ? errorNote(v.error.text) : ''}`;
}

function when(iso: string | null): string {
  return iso ? `${formatDay(iso)} ${iso.slice(11, 16)} UTC` : 'never';
}

function tokenRow(csrf: string, t: ApiTokenInfo): SafeHtml {
  return html`<tr><td>${t.name}</td><td><code>${t.prefix}…</code></td><td>${when(t.createdAt)}</td><td>${when(t.lastUsedAt)}</td>
<td><form method="post" action="${`/settings/tokens/${t.id}/revoke`}">${csrfField(csrf)}<button type="submit" class="danger" aria-label="${`Revoke token ${t.name}`}">Revoke</button></form></td></tr>`;
}

/**
 * A linked digest: its manage link only once confirmed (a pending one waits
 * for its mailed confirmation link, so the double opt-in is never skipped).
 */
function digestRow(sub: Subscription, manageUrl: string): SafeHtml {
  return sub.status === 'pending'
    ? html`<li><strong>${sub.email}</strong> — ${sub.frequency}, waiting for you to follow the confirmation link we mailed</li>`
    : html`<li><strong>${sub.email}</strong> — ${sub.frequency}, ${sub.status} · <a href="${manageUrl}">Change frequency or topics</a></li>`;
}

export function settingsPage(ctx: PageContext, csrf: string, v: SettingsView): string {
  const u = v.user;
  const verified = u.emailVerifiedAt
    ? html`<span class="ok">verified</span>`
    : html`<span class="warn">not verified</span> — follow the link we mailed you to vote, comment and submit.
<form method="post" action="/settings/verify" class="inline">${csrfField(csrf)}<button type="submit">Send a new link</button></form>`;
  return accountPage(ctx, 'Settings', html`<h1>Settings</h1>
<section aria-labelledby="acct-h" class="panel"><h2 id="acct-h">Account</h2>
${noteFor(v, 'account')}
<dl class="facts">
<dt>Username</dt><dd><a href="${profilePath(u.username)}">${u.username}</a> (your public profile)</dd>
<dt>Email</dt><dd>${u.email} · ${verified}</dd>
${u.role !== 'user' ? html`<dt>Role</dt><dd>${u.role} · <a href="/moderation">Moderation queue</a>${u.role === 'admin' ? html` · <a href="/admin/users">Manage users</a>` : ''}</dd>` : ''}
<dt>Member since</dt><dd>${formatDay(u.createdAt)}</dd>
</dl>
</section>
<section aria-labelledby="profile-h" class="panel"><h2 id="profile-h">Profile</h2>
${noteFor(v, 'profile')}
<form method="post" action="/settings/profile" class="stack">
${csrfField(csrf)}
<label><input type="checkbox" name="public_votes" value="on"${u.publicVotes ? raw(' checked') : ''}> Show the papers I upvote on my profile</label>
<button type="submit">Save</button>
</form>
<p class="muted">Your profile always shows the papers you submitted and your comments.</p>
</section>
<section aria-labelledby="email-h" class="panel"><h2 id="email-h">Change email address</h2>
${noteFor(v, 'email')}
<form method="post" action="/settings/email" class="stack">
${csrfField(csrf)}
<div class="field"><label for="ce-email">New email address</label>
<input id="ce-email" type="email" name="email" required maxlength="254" autocomplete="email"></div>
${passwordField('ce-current', 'current', 'Current password', 'current-password')}
<button type="submit">Mail a confirmation link</button>
</form>
</section>
<section aria-labelledby="pw-h" class="panel"><h2 id="pw-h">Change password</h2>
${noteFor(v, 'password')}
<form method="post" action="/settings/password" class="stack">
${csrfField(csrf)}
${passwordField('cp-current', 'current', 'Current password', 'current-password')}
${passwordField('cp-password', 'password', 'New password', 'new-password')}
<button type="submit">Change password</button>
</form>
<p class="muted">Changing it logs you out everywhere else.</p>
</section>
<section aria-labelledby="tok-h" class="panel"><h2 id="tok-h">API tokens</h2>
<p>Personal tokens for scripts: send one as <code>Authorization: Bearer pb_…</code> to upvote or submit through the JSON API (see <a href="/api/openapi.json">the API</a>). A token acts as you; keep it secret.</p>
${noteFor(v, 'tokens')}
${v.newToken ? html`<div class="new-token" role="status"><p>Your new token <strong>${v.newToken.name}</strong> — copy it now, it is not shown again:</p><pre><code id="new-token">${v.newToken.token}</code></pre><button type="button" class="copy" data-copy="new-token">Copy token</button></div>` : ''}
${v.tokens.length
    ? html`<table class="tokens"><thead><tr><th scope="col">Name</th><th scope="col">Token</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col"><span class="sr-only">Revoke</span></th></tr></thead>
<tbody>${v.tokens.map((t) => tokenRow(csrf, t))}</tbody></table>`
    : html`<p class="muted">No tokens yet.</p>`}
<form method="post" action="/settings/tokens" class="row">
${csrfField(csrf)}
<div class="field grow"><label for="tk-name">New token name</label>
<input id="tk-name" name="name" required maxlength="${MAX_TOKEN_NAME}" placeholder="laptop script"></div>
<button type="submit">Create token</button>
</form>
</section>
<section aria-labelledby="digest-h" class="panel"><h2 id="digest-h">Email digest</h2>
${v.digests?.length
    ? html`<ul class="digests">${v.digests.map((d) => digestRow(d.sub, d.manageUrl))}</ul>
<p class="muted">Linked to your account: each digest also brings <strong>For you</strong> (papers picked by what you upvoted and saved) and the papers of the organizations you follow.</p>`
    : html`<p class="muted">No digest is linked to your account. <a href="/subscribe">Subscribe your address</a> to get trending papers with <strong>For you</strong> picks and the papers of the organizations you follow.</p>`}
</section>
<section aria-labelledby="out-h" class="panel"><h2 id="out-h">Sessions</h2>
<form method="post" action="/logout" class="inline">${csrfField(csrf)}<button type="submit">Log out</button></form>
<p><a href="/settings/delete" class="danger-link">Delete my account…</a></p>
</section>`);
}

export interface AdminUsersView {
  users: User[];
  total: number;
  page: number;
  pages: number;
  query: string;
  note?: string;
  error?: string;
}

function roleForm(csrf: string, u: User, self: boolean): SafeHtml {
  if (self) return html`${u.role} <span class="muted">(you)</span>`;
  const opt = (r: Role) => html`<option value="${r}"${r === u.role ? raw(' selected') : ''}>${r}</option>`;
  return html`<form method="post" action="${`/admin/users/${u.id}/role`}" class="inline">${csrfField(csrf)}
<label class="sr-only" for="${`role-${u.id}`}">Role of ${u.username}</label>
<select id="${`role-${u.id}`}" name="role">${ROLES.map(opt)}</select> <button type="submit">Save</button></form>`;
}

function banForm(csrf: string, u: User, self: boolean): SafeHtml | string {
  if (u.banned) {
    return html`<span class="warn">banned</span> <span class="muted">(${u.banned.reason})</span>
<form method="post" action="${`/admin/users/${u.id}/unban`}" class="inline"><input type="hidden" name="_csrf" value="${csrf}"><button type="submit">Lift</button></form>`;
  }
  if (self || u.role === 'admin') return '';
  return html`<details><summary>Ban…</summary><form method="post" action="${`/admin/users/${u.id}/ban`}" class="stack">
<input type="hidden" name="_csrf" value="${csrf}">
<label for="${`ban-${u.id}`}">Reason (they see it)</label><input id="${`ban-${u.id}`}" name="reason" required maxlength="300">
<button type="submit" class="danger">Ban ${u.username}</button></form></details>`;
}

export function adminUsersPage(ctx: PageContext, csrf: string, selfId: number, v: AdminUsersView): string {
  return accountPage(ctx, 'Users', html`<h1>Users</h1>
${statusNote(v.note)}${errorNote(v.error)}
<form method="get" action="/admin/users" class="row" role="search">
<div class="field grow"><label for="au-q">Username or address starts with</label><input id="au-q" type="search" name="q" value="${v.query}" maxlength="100"></div>
<button type="submit">Find</button>
</form>
<p class="result-count">${plural(v.total, 'user')}</p>
<table class="users"><thead><tr><th scope="col">Username</th><th scope="col">Email</th><th scope="col">Verified</th><th scope="col">Joined</th><th scope="col">Role</th><th scope="col">Ban</th></tr></thead>
<tbody>${v.users.map((u) => html`<tr><td>${u.username}</td><td>${u.email}</td><td>${u.emailVerifiedAt ? 'yes' : 'no'}</td><td>${formatDay(u.createdAt)}</td><td>${roleForm(csrf, u, u.id === selfId)}</td><td>${banForm(csrf, u, u.id === selfId)}</td></tr>`)}</tbody></table>
${pager('/admin/users', { q: v.query || undefined }, v.page, v.pages)}`);
}
