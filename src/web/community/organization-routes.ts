/**
 * Organizations as the community keeps them: `/orgs` lists every
 * organization (admins create new ones there); an organization's page
 * (pages/org-routes.ts) gets its members, a Follow button and, for admins,
 * the edit form from here; `POST /papers/{id}/organization` links a paper to
 * an organization (or unlinks it). Followed organizations' papers are marked
 * on the daily lists (`followedOrgs`).
 *
 * Goals: admins create and edit organizations (name, full name, avatar URL)
 * and their members; a paper is linked by an admin, or by a submitter of the
 * paper who is a member of the organization (so nobody files papers under an
 * organization they do not belong to); any signed-in user follows; every
 * write checks its role here and is tested to refuse the others with 403;
 * forms work without JavaScript and carry the CSRF token.
 * Non-goals: organization-owned settings or roles inside an organization.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RouteDeps } from '../app.js';
import type { PaperDetail } from '../../store/store.js';
import type { Organization } from '../../domain/paper.js';
import { html, type SafeHtml } from '../../html/html.js';
import { HttpError, notFound } from '../http-error.js';
import { layout } from '../pages/layout.js';
import { pageContext, sendHtml } from '../pages/page-context.js';
import { orgPath, paperPath, safeUrl } from '../pages/format.js';
import { pageCount, pager } from '../pages/pager.js';
import { pageParam } from '../params.js';
import { requireAdmin, requirePageUser, requireVerified, type CurrentUser } from '../auth/current-user.js';
import { isAdmin } from '../../accounts/rules.js';
import { field } from './form-body.js';
import { profilePath } from './profile-path.js';

/** Organizations per page of /orgs. */
const ORGS_PAGE = 100;
/** Organization names: what the Hub uses in URLs (letters, digits, `-`, `_`, `.`), 1–100 characters. */
const ORG_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const MAX_FULLNAME = 200;
const MAX_AVATAR_URL = 1000;

type Req = FastifyRequest<{ Params: { name: string }; Querystring: Record<string, unknown> }>;

function csrfInput(csrf: string): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${csrf}">`;
}

function textField(req: FastifyRequest, name: string, max: number, label: string): string | null {
  const v = field(req, name);
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw new HttpError(400, 'invalid_parameter', `Invalid parameter "${name}".`);
  const t = v.trim();
  if ([...t].length > max) throw new HttpError(400, 'invalid_parameter', `${label} is at most ${max} characters.`);
  return t === '' ? null : t;
}

function avatarField(req: FastifyRequest): string | null {
  const v = textField(req, 'avatarUrl', MAX_AVATAR_URL, 'An avatar URL');
  if (v !== null && (!/^https?:\/\//i.test(v) || !safeUrl(v))) throw new HttpError(400, 'invalid_parameter', 'The avatar URL must be an http(s) address.');
  return v;
}

function orgNameOf(raw: unknown): string {
  if (typeof raw !== 'string' || !ORG_NAME.test(raw.trim())) {
    throw new HttpError(400, 'invalid_parameter', 'An organization name is 1–100 letters, digits, ".", "-" or "_", starting with a letter or digit.');
  }
  return raw.trim();
}

/** The organizations a signed-in visitor follows, as a lookup for the daily-list cards (nothing for visitors). */
export async function followedOrgs(deps: RouteDeps, req: FastifyRequest): Promise<(org: string | null) => boolean> {
  if (!req.user) return () => false;
  const names = new Set(await deps.organizations.followedBy(req.user.id));
  return (org) => org !== null && names.has(org);
}

/** Whether `user` may link `detail` to `org` (or unlink it from its organization): admins, or a submitter who is a member. */
async function mayLink(deps: RouteDeps, user: CurrentUser, detail: PaperDetail, org: string | null): Promise<boolean> {
  if (isAdmin(user.role)) return true;
  if (!detail.daily.some((e) => e.submittedBy?.user === user.username)) return false;
  const mine = new Set(await deps.organizations.membershipsOf(user.id));
  const current = detail.paper.organization;
  return (org === null || mine.has(org)) && (current === null || mine.has(current));
}

/** The "Organization" box on a paper page for those who may link it (null for everyone else). */
export async function linkOrgBox(deps: RouteDeps, user: CurrentUser, detail: PaperDetail, csrf: string): Promise<SafeHtml | null> {
  const admin = isAdmin(user.role);
  let choices: string[] | null = null;
  if (!admin) {
    if (!detail.daily.some((e) => e.submittedBy?.user === user.username)) return null;
    choices = await deps.organizations.membershipsOf(user.id);
    const current = detail.paper.organization;
    if (choices.length === 0 || (current !== null && !choices.includes(current))) return null;
  }
  const current = detail.paper.organization ?? '';
  const input = choices
    ? html`<select id="org-link" name="organization"><option value="">(none)</option>${choices.map((c) => html`<option value="${c}"${c === current ? html` selected` : ''}>${c}</option>`)}</select>`
    : html`<input id="org-link" name="organization" value="${current}" maxlength="100" placeholder="organization name (empty: none)">`;
  return html`<details class="tool"><summary>Organization</summary>
<form method="post" action="${`${paperPath(detail.paper.id)}/organization`}" class="stack">${csrfInput(csrf)}
<label for="org-link">Link this paper to</label>${input}
<button type="submit">Save</button></form></details>`;
}

/** `POST /papers/{id}/organization`. */
export async function linkOrgForm(deps: RouteDeps, req: FastifyRequest, reply: FastifyReply, detail: PaperDetail): Promise<FastifyReply> {
  const user = requireVerified(requirePageUser(req, paperPath(detail.paper.id)));
  const raw = field(req, 'organization');
  const wanted = typeof raw === 'string' && raw.trim() === '' ? null : orgNameOf(raw);
  const org = wanted === null ? null : (await deps.store.getOrganization(wanted))?.name ?? null;
  if (wanted !== null && org === null) throw new HttpError(400, 'invalid_parameter', `No organization named "${wanted}": an admin creates it at /orgs first.`);
  if (!(await mayLink(deps, user, detail, org))) {
    throw new HttpError(403, 'forbidden', 'Only admins, and submitters of this paper who are members of the organization, can link it.');
  }
  const r = await deps.organizations.linkPaper(detail.paper.id, org);
  if (r !== 'linked') throw notFound('No such paper or organization.');
  return reply.redirect(paperPath(detail.paper.id), 303);
}

/** What an organization page shows from the community: followers' button, members, and the admins' form. */
export async function orgCommunitySection(deps: RouteDeps, req: FastifyRequest, reply: FastifyReply, org: Organization | null): Promise<{ follow: SafeHtml | ''; members: SafeHtml | '' }> {
  if (!org) return { follow: '', members: '' };
  const csrf = reply.generateCsrf();
  const user = req.user ?? null;
  const path = orgPath(org.name);
  const following = user ? await deps.organizations.follows(user.id, org.name) : false;
  const follow = user
    ? html`<form method="post" action="${`${path}/${following ? 'unfollow' : 'follow'}`}" class="inline">${csrfInput(csrf)}<button type="submit" aria-pressed="${following ? 'true' : 'false'}">${following ? 'Following ✓' : 'Follow'}</button></form>`
    : html`<a href="${`/login?next=${encodeURIComponent(path)}`}">Log in to follow</a>`;
  const members = await deps.organizations.members(org.name);
  const admin = !!user && isAdmin(user.role);
  const list = members.length
    ? html`<ul class="members">${members.map((m) => html`<li><a href="${profilePath(m.username)}">${m.username}</a>${admin ? html` <form method="post" action="${`${path}/members/remove`}" class="inline">${csrfInput(csrf)}<input type="hidden" name="username" value="${m.username}"><button type="submit" aria-label="${`Remove ${m.username}`}">Remove</button></form>` : ''}</li>`)}</ul>`
    : html`<p class="muted">No members yet.</p>`;
  const edit = admin ? html`<details class="tool"><summary>Admin: edit this organization</summary>
<form method="post" action="${`${path}/edit`}" class="stack">${csrfInput(csrf)}
<label for="org-fullname">Full name</label><input id="org-fullname" name="fullname" maxlength="${MAX_FULLNAME}" value="${org.fullname ?? ''}">
<label for="org-avatar">Avatar URL</label><input id="org-avatar" name="avatarUrl" type="url" maxlength="${MAX_AVATAR_URL}" value="${org.avatarUrl ?? ''}">
<button type="submit">Save</button></form>
<form method="post" action="${`${path}/members`}" class="row">${csrfInput(csrf)}
<label for="org-member">Add member</label><input id="org-member" name="username" required maxlength="100" placeholder="username"><button type="submit">Add</button></form>
</details>` : '';
  return { follow, members: html`<section aria-labelledby="members-h"><h2 id="members-h">Members</h2>${list}${edit}</section>` };
}

export async function organizationRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { organizations, accounts } = deps;

  app.get('/orgs', async (req: Req, reply) => {
    const page = pageParam(req.query);
    const { items, total } = await organizations.listOrganizations(ORGS_PAGE, (page - 1) * ORGS_PAGE);
    const pages = pageCount(total, ORGS_PAGE);
    if (page > 1 && page > pages) throw notFound(`There are ${pages} page(s) of organizations; there is no page ${page}.`);
    const admin = !!req.user && isAdmin(req.user.role);
    const csrf = reply.generateCsrf();
    const rows = items.map((o) => html`<tr><td><a href="${orgPath(o.name)}">${o.fullname || o.name}</a>${o.fullname && o.fullname !== o.name ? html` <span class="muted">${o.name}</span>` : ''}</td>
<td>${o.papers}</td><td>${o.members}</td><td>${o.followers}</td></tr>`);
    const create = admin ? html`<details class="tool" open><summary>Admin: new organization</summary>
<form method="post" action="/orgs" class="stack">${csrfInput(csrf)}
<label for="new-org-name">Name (in its URL)</label><input id="new-org-name" name="name" required maxlength="100" pattern="[A-Za-z0-9][A-Za-z0-9._\\-]*">
<label for="new-org-fullname">Full name</label><input id="new-org-fullname" name="fullname" maxlength="${MAX_FULLNAME}">
<label for="new-org-avatar">Avatar URL</label><input id="new-org-avatar" name="avatarUrl" type="url" maxlength="${MAX_AVATAR_URL}">
<button type="submit">Create</button></form></details>` : '';
    return sendHtml(reply, layout({
      title: 'Organizations',
      canonical: `${deps.config.publicUrl}/orgs${page > 1 ? `?page=${page}` : ''}`,
      body: html`<h1>Organizations</h1>
<p>Labs, companies and groups whose papers are on the daily lists. Follow one from its page: its papers are marked on the daily lists.</p>
${create}
${rows.length ? html`<table class="users"><thead><tr><th scope="col">Organization</th><th scope="col">Papers</th><th scope="col">Members</th><th scope="col">Followers</th></tr></thead><tbody>${rows}</tbody></table>` : html`<p class="empty">No organizations yet.</p>`}
${pager('/orgs', {}, page, pages)}`,
      ...pageContext(req),
    }));
  });

  app.post('/orgs', { preHandler: app.csrfProtection }, async (req: Req, reply) => {
    requireAdmin(requirePageUser(req, '/orgs'));
    const name = orgNameOf(field(req, 'name'));
    const r = await organizations.createOrganization({ name, fullname: textField(req, 'fullname', MAX_FULLNAME, 'A full name'), avatarUrl: avatarField(req) });
    if (r === 'taken') throw new HttpError(409, 'conflict', `An organization named "${name}" exists already (names are compared without case).`);
    return reply.redirect(orgPath(name), 303);
  });

  async function orgOf(req: Req): Promise<Organization> {
    const org = await deps.store.getOrganization(String(req.params.name ?? '').slice(0, 100));
    if (!org) throw notFound(`No organization named "${req.params.name}" in this hub.`);
    return org;
  }

  app.post('/orgs/:name/edit', { preHandler: app.csrfProtection }, async (req: Req, reply) => {
    requireAdmin(requirePageUser(req, orgPath(req.params.name)));
    const org = await orgOf(req);
    await organizations.updateOrganization(org.name, { fullname: textField(req, 'fullname', MAX_FULLNAME, 'A full name'), avatarUrl: avatarField(req) });
    return reply.redirect(orgPath(org.name), 303);
  });

  for (const action of ['members', 'members/remove'] as const) {
    app.post(`/orgs/:name/${action}`, { preHandler: app.csrfProtection }, async (req: Req, reply) => {
      requireAdmin(requirePageUser(req, orgPath(req.params.name)));
      const org = await orgOf(req);
      const username = field(req, 'username');
      const member = typeof username === 'string' && username.trim() ? await accounts.getUserByUsername(username.trim()) : null;
      if (!member) throw new HttpError(400, 'invalid_parameter', `No user named "${typeof username === 'string' ? username.slice(0, 100) : ''}".`);
      if (action === 'members') await organizations.addMember(org.name, member.id, deps.now());
      else if (!(await organizations.removeMember(org.name, member.id))) throw notFound(`${member.username} is not a member of ${org.name}.`);
      return reply.redirect(orgPath(org.name), 303);
    });
  }

  for (const action of ['follow', 'unfollow'] as const) {
    app.post(`/orgs/:name/${action}`, { preHandler: app.csrfProtection }, async (req: Req, reply) => {
      const user = requirePageUser(req, orgPath(req.params.name));
      const org = await orgOf(req);
      if (action === 'follow') await organizations.follow(user.id, org.name, deps.now());
      else await organizations.unfollow(user.id, org.name);
      return reply.redirect(orgPath(org.name), 303);
    });
  }
}
