/**
 * Settings and admin routes: `/settings` (GET) and its forms — resend the
 * verification link, change address (`/settings/email`, confirmed by
 * `/settings/email/confirm`), change password, API tokens (create, revoke),
 * delete the account (`/settings/delete`) — and `/admin/users` (admins grant
 * roles).
 *
 * Goals: every route requires a signed-in session (a visitor is sent to the
 * log-in page and back); admin pages answer 403 to everyone else; a user can
 * only ever touch their own tokens (the store matches token and owner in one
 * statement); CSRF on every post. Non-goals: the rules (accounts/).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RouteDeps } from '../app.js';
import type { AccountService } from '../../accounts/account-service.js';
import type { Role, User } from '../../store/account-store.js';
import { ROLES } from '../../store/account-store.js';
import { HttpError, notFound } from '../http-error.js';
import { pageContext, sendHtml } from '../pages/page-context.js';
import { pageCount } from '../pages/pager.js';
import { intParam, textParam } from '../params.js';
import { html } from '../../html/html.js';
import { clearSessionCookie, requireAdmin, requirePageUser } from './current-user.js';
import { badLinkPage, deleteAccountPage, messagePage } from './account-pages.js';
import { adminUsersPage, settingsPage, type SettingsView } from './settings-pages.js';
import { subscriptionLinks } from '../../digest/signed-links.js';

/** Users per admin page. */
const ADMIN_PAGE_SIZE = 50;

type Body = Record<string, unknown>;
type Req = FastifyRequest<{ Body: Body | undefined; Querystring: Record<string, unknown>; Params: Record<string, string> }>;

function bodyOf(req: Req): Body {
  return req.body && typeof req.body === 'object' ? req.body : {};
}

/** A positive integer id from a path parameter, or 404. */
function idParam(raw: string | undefined): number {
  if (!raw || !/^[1-9]\d{0,15}$/.test(raw)) throw notFound();
  return Number(raw);
}

export async function settingsRoutes(app: FastifyInstance, deps: RouteDeps, service: AccountService): Promise<void> {
  const { accounts, config } = deps;

  /** The full user row of the signed-in session (the hook's CurrentUser is a summary). */
  async function me(req: FastifyRequest): Promise<User> {
    const cu = requirePageUser(req);
    const user = await accounts.getUser(cu.id);
    if (!user) throw new HttpError(401, 'login_required', 'Log in again.');
    return user;
  }

  async function showSettings(req: FastifyRequest, reply: FastifyReply, user: User, extra: Partial<SettingsView> = {}, status = 200) {
    const tokens = await accounts.listApiTokens(user.id);
    const digests = (await deps.subscriptions.subscriptionsOfUser(user.id))
      .map((sub) => ({ sub, manageUrl: subscriptionLinks(config.publicUrl, config.secret, sub).manage }));
    return sendHtml(reply, settingsPage(pageContext(req), reply.generateCsrf(), { user, tokens, digests, ...extra }), status);
  }

  app.get('/settings', async (req: Req, reply) => {
    const user = await me(req);
    const changed = req.query.changed === 'password' ? { note: { section: 'password' as const, text: 'Your new password is set; other sessions were logged out.' } } : {};
    return showSettings(req, reply, user, changed);
  });

  app.post('/settings/verify', { preHandler: app.csrfProtection }, async (req: Req, reply) => {
    const user = await me(req);
    if (user.emailVerifiedAt) return showSettings(req, reply, user, { note: { section: 'account', text: 'Your address is already verified.' } });
    const sent = await service.resendVerification(user);
    return showSettings(req, reply, user, sent
      ? { note: { section: 'account', text: `A new link is on its way to ${user.email}.` } }
      : { error: { section: 'account', text: 'A link was mailed a moment ago; wait two minutes before asking again.' } }, sent ? 200 : 429);
  });

  app.post('/settings/profile', { preHandler: app.csrfProtection }, async (req: Req, reply) => {
    const user = await me(req);
    const publicVotes = bodyOf(req).public_votes === 'on';
    const updated = (await accounts.updateUser(user.id, { publicVotes }, deps.now())) ?? user;
    return showSettings(req, reply, updated, {
      note: { section: 'profile', text: publicVotes ? 'Your profile now shows the papers you upvote.' : 'Your upvotes are private.' },
    });
  });

  app.post('/settings/email', { preHandler: app.csrfProtection }, async (req: Req, reply) => {
    const user = await me(req);
    const b = bodyOf(req);
    const r = await service.requestEmailChange(user, b.current, b.email);
    if (!r.ok) return showSettings(req, reply, user, { error: { section: 'email', text: r.message } }, 400);
    return showSettings(req, reply, user, {
      note: { section: 'email', text: `If ${r.email} can receive mail, a confirmation link is on its way; your address changes when you follow it.` },
    });
  });

  app.get('/settings/email/confirm', async (req: Req, reply) => {
    const r = await service.confirmEmailChange(req.query.token);
    if (!r.ok) {
      if (r.reason === 'taken') {
        return sendHtml(reply, messagePage(pageContext(req), 'Address in use', 'Another account took this address in the meantime; your address did not change.', html`<a href="/settings">Settings</a>`), 409);
      }
      return sendHtml(reply, badLinkPage(pageContext(req), r.reason, 'confirmation', html`<a href="/settings">Ask again from your settings</a>`), 400);
    }
    return sendHtml(reply, messagePage(pageContext(req), 'Address changed', html`Your account now uses <strong>${r.user.email}</strong>.`, html`<a href="/settings">Settings</a>`));
  });

  app.post('/settings/password', { preHandler: app.csrfProtection }, async (req: Req, reply) => {
    const user = await me(req);
    const b = bodyOf(req);
    const r = await service.changePassword(user, b.current, b.password, req.sessionHash);
    if (!r.ok) return showSettings(req, reply, user, { error: { section: 'password', text: r.message } }, 400);
    return showSettings(req, reply, user, { note: { section: 'password', text: 'Password changed; your other sessions were logged out.' } });
  });

  app.post('/settings/tokens', { preHandler: app.csrfProtection }, async (req: Req, reply) => {
    const user = await me(req);
    const r = await service.createApiToken(user, bodyOf(req).name);
    if (!r.ok) return showSettings(req, reply, user, { error: { section: 'tokens', text: r.message } }, 400);
    // The token is in this page only: never cache it anywhere.
    reply.header('Cache-Control', 'no-store');
    return showSettings(req, reply, user, { newToken: { name: r.info.name, token: r.token } });
  });

  app.post('/settings/tokens/:id/revoke', { preHandler: app.csrfProtection }, async (req: Req, reply) => {
    const user = await me(req);
    const id = idParam(req.params.id);
    if (!(await accounts.revokeApiToken(user.id, id))) throw notFound('You have no such token.');
    return showSettings(req, reply, user, { note: { section: 'tokens', text: 'Token revoked: it no longer works.' } });
  });

  app.get('/settings/delete', async (req: Req, reply) => {
    const user = await me(req);
    return sendHtml(reply, deleteAccountPage(pageContext(req), reply.generateCsrf(), user.username));
  });

  app.post('/settings/delete', { preHandler: app.csrfProtection }, async (req: Req, reply) => {
    const user = await me(req);
    const r = await service.deleteAccount(user, bodyOf(req).password);
    if (!r.ok) return sendHtml(reply, deleteAccountPage(pageContext(req), reply.generateCsrf(), user.username, r.message), 400);
    clearSessionCookie(reply, config);
    return sendHtml(reply, messagePage({ ...pageContext(req), user: null }, 'Account deleted', `The account ${user.username} is gone.`));
  });

  async function adminList(req: Req, reply: FastifyReply, note?: string, error?: string, status = 200) {
    const self = requireAdmin(requirePageUser(req));
    const query = textParam(req.query, 'q', 100) ?? '';
    const page = intParam(req.query, 'page', 1, 100_000, 1);
    const r = await accounts.listUsers({ limit: ADMIN_PAGE_SIZE, offset: (page - 1) * ADMIN_PAGE_SIZE, query });
    return sendHtml(reply, adminUsersPage(pageContext(req), reply.generateCsrf(), self.id, {
      users: r.users, total: r.total, page, pages: pageCount(r.total, ADMIN_PAGE_SIZE), query, note, error,
    }), status);
  }

  app.get('/admin/users', async (req: Req, reply) => adminList(req, reply));

  for (const action of ['ban', 'unban'] as const) {
    app.post(`/admin/users/:id/${action}`, { preHandler: app.csrfProtection }, async (req: Req, reply) => {
      requireAdmin(requirePageUser(req));
      const actor = await me(req);
      const id = idParam(req.params.id);
      let reason: string | null = null;
      if (action === 'ban') {
        const raw = bodyOf(req).reason;
        reason = typeof raw === 'string' ? raw.trim() : '';
        if (!reason) throw new HttpError(400, 'invalid_parameter', 'Say why the user is banned: they see the reason when they try to log in.');
        if ([...reason].length > 300) throw new HttpError(400, 'invalid_parameter', 'A reason is at most 300 characters.');
      }
      const wasBanned = (await accounts.getUser(id))?.banned != null;
      const r = await service.setBan(actor, id, reason);
      if (!r.ok) return adminList(req, reply, undefined, r.message, 400);
      // Bans are moderation: the public log says who banned whom and why, and who lifted it (a lift that changed nothing is not logged).
      if (action === 'ban' || wasBanned) await deps.moderation.logUser({
        actorId: actor.id, action: action === 'ban' ? 'ban_user' : 'unban_user', username: r.user.username, reason: reason ?? '', now: deps.now(),
      });
      return adminList(req, reply, action === 'ban' ? `${r.user.username} is banned.` : `${r.user.username} is no longer banned.`);
    });
  }

  app.post('/admin/users/:id/role', { preHandler: app.csrfProtection }, async (req: Req, reply) => {
    requireAdmin(requirePageUser(req));
    const actor = await me(req);
    const id = idParam(req.params.id);
    const role = bodyOf(req).role;
    if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) {
      throw new HttpError(400, 'invalid_parameter', `Invalid parameter "role": one of ${ROLES.join(', ')}.`);
    }
    const r = await service.setRole(actor, id, role as Role);
    if (!r.ok) return adminList(req, reply, undefined, r.message, 400);
    return adminList(req, reply, `${r.user.username} is now ${r.user.role}.`);
  });
}
