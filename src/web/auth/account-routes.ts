/**
 * Account routes: `/signup`, `/verify`, `/login`, `/logout`, `/reset`,
 * `/reset/password` — and the wiring of accounts into the app
 * (`installAccounts`: the AccountService with its mailer, the one auth hook,
 * these routes, settings and admin).
 *
 * Goals: CSRF on every form post; rate limits per client address on sign-up,
 * log in and reset (429 with Retry-After), on top of the per-name login
 * back-off of the service; the same page whether or not an address has an
 * account (sign-up, reset); a new session at every login (the old one, if
 * any, ends: no session fixation); redirects only to same-site paths.
 * Non-goals: the rules (accounts/), the views (account-pages.ts).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RouteDeps } from '../app.js';
import { AccountService } from '../../accounts/account-service.js';
import { mailerFromConfig } from '../../digest/smtp.js';
import { NoticeQueue } from '../../digest/subscriptions.js';
import { HttpError } from '../http-error.js';
import { sameSiteTarget } from '../redirect-target.js';
import { pageContext, sendHtml } from '../pages/page-context.js';
import { clearSessionCookie, installAuth, setSessionCookie, SESSION_COOKIE } from './current-user.js';
import {
  badLinkPage, checkInboxPage, loginPage, logoutPage, messagePage, resetPasswordPage, resetRequestPage, signupPage,
} from './account-pages.js';
import { settingsRoutes } from './settings-routes.js';
import { html } from '../../html/html.js';

/**
 * Sign-ups per client address per hour. Default 20; sane range 5–50. A lab
 * behind one NAT address signs up together; a script creating accounts in
 * bulk is stopped after a handful (each also needs a working mailbox).
 */
export const SIGNUP_RATE_LIMIT = { max: 20, timeWindow: '1 hour' };
/**
 * Login attempts per client address per 10 minutes. Default 30; sane range
 * 10–100. Guessing one account's password is slowed by the per-name back-off
 * (accounts/account-service.ts); this stops one address from spraying many names.
 */
export const LOGIN_RATE_LIMIT = { max: 30, timeWindow: '10 minutes' };
/** Reset requests (and reset submissions) per client address per hour. Default 10; sane range 3–30. */
export const RESET_RATE_LIMIT = { max: 10, timeWindow: '1 hour' };

type Body = Record<string, unknown>;
type Req = FastifyRequest<{ Body: Body | undefined; Querystring: Record<string, unknown> }>;

function str(v: unknown, max = 1000): string {
  return typeof v === 'string' ? v.slice(0, max) : '';
}

function bodyOf(req: Req): Body {
  return req.body && typeof req.body === 'object' ? req.body : {};
}

/** Everything accounts add to the app; call after @fastify/cookie and csrf, before the other routes. */
export async function installAccounts(app: FastifyInstance, deps: RouteDeps): Promise<AccountService> {
  const mailer = mailerFromConfig(deps.config);
  const notices = new NoticeQueue(mailer, (line) => app.log.warn(line.replace('subscription notice', 'account mail')));
  const service = new AccountService({
    accounts: deps.accounts,
    send: (m) => notices.push(m),
    publicUrl: deps.config.publicUrl,
    now: deps.now,
    scrypt: deps.scrypt,
    // A proven address's digest subscription belongs to the account: its digest adds "For you".
    addressVerified: async (user) => { await deps.subscriptions.linkVerifiedAddress(user.id, user.email, deps.now()); },
  });
  app.addHook('onClose', async () => {
    await notices.drain();
    mailer.close();
  });
  installAuth(app, service);
  await accountRoutes(app, deps, service);
  await settingsRoutes(app, deps, service);
  return service;
}

async function accountRoutes(app: FastifyInstance, deps: RouteDeps, service: AccountService): Promise<void> {
  const { config } = deps;

  /** Logs the user in on this browser: ends the session the request came with, starts a new one. */
  async function logInAs(req: FastifyRequest, reply: FastifyReply, userId: number): Promise<void> {
    await service.endSession(req.cookies?.[SESSION_COOKIE]);
    setSessionCookie(reply, await service.startSession(userId), config);
  }

  app.get('/signup', async (req: Req, reply) => {
    if (req.user) return reply.redirect('/settings', 303);
    return sendHtml(reply, signupPage(pageContext(req), reply.generateCsrf(), { username: '', email: '' }));
  });

  app.post('/signup', { preHandler: app.csrfProtection, config: { rateLimit: SIGNUP_RATE_LIMIT } }, async (req: Req, reply) => {
    const b = bodyOf(req);
    const r = await service.signUp({ username: b.username, email: b.email, password: b.password });
    if (!r.ok) {
      return sendHtml(reply, signupPage(pageContext(req), reply.generateCsrf(), { username: str(b.username, 60), email: str(b.email, 300) }, r.message), 400);
    }
    return sendHtml(reply, checkInboxPage(pageContext(req), r.email, 'a link to verify your address. Follow it, then log in'));
  });

  app.get('/verify', async (req: Req, reply) => {
    const r = await service.verifyEmail(req.query.token);
    if (!r.ok) {
      return sendHtml(reply, badLinkPage(pageContext(req), r.reason, 'verification',
        req.user ? html`<a href="/settings">Send a new link from your settings</a>` : html`<a href="/login?next=%2Fsettings">Log in</a> to get a new link from your settings.`), 400);
    }
    return sendHtml(reply, messagePage(pageContext(req), 'Address verified',
      html`Thank you, ${r.user.username}: <strong>${r.user.email}</strong> is verified. You can now upvote, comment and submit papers.`,
      req.user ? html`<a href="/">Go to today's papers</a>` : html`<a href="/login">Log in</a>`));
  });

  app.get('/login', async (req: Req, reply) => {
    const next = sameSiteTarget(req.query.next, 'next', '');
    if (req.user) return reply.redirect(next || '/', 303);
    return sendHtml(reply, loginPage(pageContext(req), reply.generateCsrf(), '', next));
  });

  app.post('/login', { preHandler: app.csrfProtection, config: { rateLimit: LOGIN_RATE_LIMIT } }, async (req: Req, reply) => {
    const b = bodyOf(req);
    const next = sameSiteTarget(b.next, 'next', '');
    const login = str(b.login, 300);
    const r = await service.logIn(login, b.password);
    if (!r.ok) {
      const ctx = pageContext(req);
      if (r.reason === 'locked') {
        reply.header('Retry-After', String(r.retryAfterS));
        return sendHtml(reply, loginPage(ctx, reply.generateCsrf(), login, next,
          `Too many failed attempts for this name. Try again in ${r.retryAfterS} seconds, or reset your password.`), 429);
      }
      if (r.reason === 'banned') {
        return sendHtml(reply, loginPage(ctx, reply.generateCsrf(), login, next, `This account is banned by the site's admins: ${r.why}`), 403);
      }
      return sendHtml(reply, loginPage(ctx, reply.generateCsrf(), login, next, 'Wrong username/email or password.'), 401);
    }
    await logInAs(req, reply, r.user.id);
    return reply.redirect(next || '/', 303);
  });

  app.get('/logout', async (req: Req, reply) => {
    if (!req.user) return reply.redirect('/', 303);
    return sendHtml(reply, logoutPage(pageContext(req), reply.generateCsrf()));
  });

  app.post('/logout', { preHandler: app.csrfProtection }, async (req: Req, reply) => {
    await service.endSession(req.cookies?.[SESSION_COOKIE]);
    clearSessionCookie(reply, config);
    return reply.redirect('/', 303);
  });

  app.get('/reset', async (req: Req, reply) => {
    return sendHtml(reply, resetRequestPage(pageContext(req), reply.generateCsrf(), ''));
  });

  app.post('/reset', { preHandler: app.csrfProtection, config: { rateLimit: RESET_RATE_LIMIT } }, async (req: Req, reply) => {
    const b = bodyOf(req);
    const email = str(b.email, 300).trim();
    if (!email) return sendHtml(reply, resetRequestPage(pageContext(req), reply.generateCsrf(), '', 'Enter the address of your account.'), 400);
    // The same answer whether or not an account has this address.
    await service.requestPasswordReset(email);
    return sendHtml(reply, checkInboxPage(pageContext(req), email, 'a link to choose a new password, if an account uses this address'));
  });

  app.get('/reset/password', async (req: Req, reply) => {
    const token = str(req.query.token, 100);
    if (!token) throw new HttpError(400, 'invalid_parameter', 'This page needs the link from the reset mail. Ask for one at /reset.');
    return sendHtml(reply, resetPasswordPage(pageContext(req), reply.generateCsrf(), token));
  });

  app.post('/reset/password', { preHandler: app.csrfProtection, config: { rateLimit: RESET_RATE_LIMIT } }, async (req: Req, reply) => {
    const b = bodyOf(req);
    const token = str(b.token, 100);
    const r = await service.resetPassword(token, b.password);
    if (!r.ok) {
      if ('reason' in r) return sendHtml(reply, badLinkPage(pageContext(req), r.reason, 'reset', html`<a href="/reset">Ask for a new link</a>`), 400);
      return sendHtml(reply, resetPasswordPage(pageContext(req), reply.generateCsrf(), r.token ?? token, r.message), 400);
    }
    await logInAs(req, reply, r.user.id);
    return reply.redirect('/settings?changed=password', 303);
  });
}
