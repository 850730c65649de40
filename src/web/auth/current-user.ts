/**
 * Who is asking: the one request hook that turns a session cookie or an
 * `Authorization: Bearer pb_…` token into `request.user`, and the guards
 * routes call to require a signed-in, verified or privileged user.
 *
 * Goals: every route reads `req.user` and nothing else (no route looks at
 * cookies or headers for identity); a session cookie is httpOnly,
 * SameSite=Lax and Secure when PUBLIC_URL is https; Bearer tokens identify
 * API callers only — JSON writes accept tokens, never cookies (a cookie rides
 * along on cross-site requests, a token does not); a Bearer token that is not
 * ours (a Hugging Face token huggingface_hub sends to any endpoint) is
 * ignored rather than refused, so read-only clients keep working.
 * Non-goals: the rules (accounts/), the pages (account-routes.ts).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config.js';
import type { Role, User } from '../../store/account-store.js';
import { SESSION_TTL_MS, type AccountService } from '../../accounts/account-service.js';
import { API_TOKEN_PREFIX } from '../../accounts/tokens.js';
import { canModerate, isAdmin } from '../../accounts/rules.js';
import { HttpError } from '../http-error.js';

export interface CurrentUser {
  id: number;
  username: string;
  email: string;
  role: Role;
  emailVerified: boolean;
  /** How the request proved it: a browser session or a personal API token. */
  via: 'session' | 'token';
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in user (session cookie or API token), or null; set by the auth hook for every request. */
    user: CurrentUser | null;
    /** Digest of the request's session (kept when the password changes), or null. */
    sessionHash: string | null;
    /** A `pb_` Bearer token was sent but is not a live token. */
    badBearer: boolean;
  }
}

/** The session cookie's name. */
export const SESSION_COOKIE = 'pb_session';

/** Paths that never need to know the user: served the same to everyone (no database read for them). */
const ANONYMOUS_PATHS = /^\/(?:assets|feeds)\//;

export function currentUser(u: User, via: CurrentUser['via']): CurrentUser {
  return { id: u.id, username: u.username, email: u.email, role: u.role, emailVerified: u.emailVerifiedAt !== null, via };
}

function bearerOf(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m ? m[1] : null;
}

/** Registers the one hook that sets req.user (call after @fastify/cookie, before the routes). */
export function installAuth(app: FastifyInstance, accounts: AccountService): void {
  app.decorateRequest('user', null);
  app.decorateRequest('sessionHash', null);
  app.decorateRequest('badBearer', false);
  app.addHook('onRequest', async (req) => {
    if (ANONYMOUS_PATHS.test(req.url)) return;
    const bearer = bearerOf(req);
    if (bearer !== null && bearer.startsWith(API_TOKEN_PREFIX)) {
      const user = await accounts.apiTokenUser(bearer);
      if (user) req.user = currentUser(user, 'token');
      else req.badBearer = true;
      return;
    }
    const cookie = req.cookies?.[SESSION_COOKIE];
    if (!cookie) return;
    const s = await accounts.sessionUser(cookie);
    if (s) {
      req.user = currentUser(s.user, 'session');
      req.sessionHash = s.tokenHash;
    }
  });
  // What a signed-in user is sent carries their name, state and CSRF token: never for a shared cache.
  app.addHook('onSend', async (req, reply) => {
    if (req.user && !reply.hasHeader('cache-control')) reply.header('Cache-Control', 'private, no-store');
  });
}

export function setSessionCookie(reply: FastifyReply, token: string, config: Pick<Config, 'publicUrl'>): void {
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: config.publicUrl.startsWith('https:'),
    maxAge: Math.floor(SESSION_TTL_MS / 1000),
  });
}

export function clearSessionCookie(reply: FastifyReply, config: Pick<Config, 'publicUrl'>): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure: config.publicUrl.startsWith('https:') });
}

/** The page a signed-out visitor is sent to, coming back to `next` afterwards. */
export function loginPath(next: string): string {
  return next && next !== '/' ? `/login?next=${encodeURIComponent(next)}` : '/login';
}

/** Thrown by page guards: the app answers with a 303 to the login page. */
export class LoginRequired extends HttpError {
  constructor(readonly next: string) {
    super(401, 'login_required', 'Log in to do that.');
  }
}

/** The signed-in user of a page request (session only), or a LoginRequired back to `next` (default: this page). */
export function requirePageUser(req: FastifyRequest, next?: string): CurrentUser {
  if (req.user && req.user.via === 'session') return req.user;
  throw new LoginRequired(next ?? (req.method === 'GET' ? req.url : '/'));
}

/** A verified user, or 403 saying how to get verified. */
export function requireVerified(user: CurrentUser): CurrentUser {
  if (!user.emailVerified) {
    throw new HttpError(403, 'email_not_verified', 'Verify your email address first: follow the link we mailed you (Settings can send a new one).');
  }
  return user;
}

export function requireModerator(user: CurrentUser): CurrentUser {
  if (!canModerate(user.role)) throw new HttpError(403, 'forbidden', 'Only moderators can do that.');
  return user;
}

export function requireAdmin(user: CurrentUser): CurrentUser {
  if (!isAdmin(user.role)) throw new HttpError(403, 'forbidden', 'Only admins can open this page.');
  return user;
}

/** The token user of an API write: 401 (with WWW-Authenticate) without a live token. Cookies do not count here. */
export function requireApiUser(req: FastifyRequest, reply: FastifyReply): CurrentUser {
  if (req.user && req.user.via === 'token') return req.user;
  reply.header('WWW-Authenticate', 'Bearer realm="paperboy"');
  throw new HttpError(401, req.badBearer ? 'invalid_token' : 'unauthorized', req.badBearer
    ? 'This API token is not valid (revoked or mistyped). Create one in Settings → API tokens.'
    : 'Send a personal API token: Authorization: Bearer pb_… (create one in Settings → API tokens).');
}
