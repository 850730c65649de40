/**
 * createApp(deps) → a Fastify server with every route, no port bound.
 *
 * Goals: one place that wires route modules to their dependencies, one error
 * shape (HttpError → JSON `{error:{code,message}}` or a friendly HTML page),
 * and in-process testing through `app.inject`. Non-goals: listening, signal
 * handling and schedules (cli/serve.ts does those).
 */
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import formbody from '@fastify/formbody';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import rateLimit from '@fastify/rate-limit';
import type { Config } from '../config.js';
import type { Store } from '../store/store.js';
import { DATABASE_RETRY_AFTER_S, isDatabaseUnavailable } from '../store/database-unavailable.js';
import { isTextNotStorable } from '../store/text-not-storable.js';
import type { SubscriptionStore } from '../store/subscription-store.js';
import type { AccountStore } from '../store/account-store.js';
import type { VoteStore } from '../store/vote-store.js';
import type { CommentStore } from '../store/comment-store.js';
import type { SubmissionStore } from '../store/submission-store.js';
import type { ModerationStore } from '../store/moderation-store.js';
import type { ReadingListStore } from '../store/reading-list-store.js';
import type { CurationStore } from '../store/curation-store.js';
import type { OrganizationStore } from '../store/organization-store.js';
import type { AuthorshipStore } from '../store/authorship-store.js';
import type { PoliteFetchOptions } from '../ingest/http-fetch.js';
import type { Backend } from '../store/backend.js';
import type { ScryptParams } from '../accounts/passwords.js';
import { installAccounts } from './auth/account-routes.js';
import { communityRoutes } from './community/routes.js';
import { LoginRequired, loginPath } from './auth/current-user.js';
import type { SearchService } from '../search/search-service.js';
import { HttpError } from './http-error.js';
import { SearchBusyError } from '../search/search-service.js';
import { renderErrorPage } from './pages/error-page.js';
import { pageContext } from './pages/page-context.js';
import { demoNoticeHook } from './pages/demo-notice.js';
import { apiRoutes } from './api/routes.js';
import { pageRoutes } from './pages/routes.js';
import { feedRoutes } from './feeds/routes.js';
import { subscriptionRoutes } from './subscriptions/routes.js';
import { loggerOptions, type LogStream } from './request-log.js';
import { securityHeaders } from './security-headers.js';
import { fastifyTrustProxy } from './trust-proxy.js';

export interface AppDeps {
  store: Store;
  subscriptions: SubscriptionStore;
  accounts: AccountStore;
  votes: VoteStore;
  comments: CommentStore;
  submissions: SubmissionStore;
  moderation: ModerationStore;
  readingLists: ReadingListStore;
  curation: CurationStore;
  organizations: OrganizationStore;
  authorship: AuthorshipStore;
  search: SearchService;
  config: Config;
  /** The clock (tests pin it). */
  now?: () => Date;
  /** A log line per request on/off (off in tests). 5xx are logged either way (request-log.ts). */
  logger?: boolean;
  /** Where log lines go (default stderr; tests capture them). */
  logStream?: LogStream;
  /** scrypt cost of new password hashes (default accounts/passwords.ts DEFAULT_SCRYPT; tests use a cheaper one). */
  scrypt?: ScryptParams;
  /** How /submit's arXiv client paces and retries (default: arXiv's 3 s spacing; tests shorten it). */
  arxivFetch?: PoliteFetchOptions;
}

export type BackendDeps = Pick<AppDeps, 'store' | 'subscriptions' | 'accounts' | 'votes' | 'comments' | 'submissions' | 'moderation'
  | 'readingLists' | 'curation' | 'organizations' | 'authorship'>;

/** The deps a Backend supplies (its stores), to spread into createApp's. */
export function backendDeps(b: Backend): BackendDeps {
  return {
    store: b.store, subscriptions: b.subscriptions, accounts: b.accounts, votes: b.votes, comments: b.comments,
    submissions: b.submissions, moderation: b.moderation, readingLists: b.readingLists,
    curation: b.curation, organizations: b.organizations, authorship: b.authorship,
  };
}

/** Route modules receive the deps with a clock always present. */
export type RouteDeps = AppDeps & { now: () => Date };

function wantsJson(req: FastifyRequest): boolean {
  if (req.url.startsWith('/api/')) return true;
  const accept = req.headers.accept ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
}

function sendError(req: FastifyRequest, reply: FastifyReply, status: number, code: string, message: string) {
  if (status >= 500) {
    // The id the log line carries, so "check the server log" can be followed.
    reply.header('X-Request-Id', req.id);
    const withId = `${message.replace(/\.$/, '')} (request id ${req.id}).`;
    if (wantsJson(req)) {
      return reply.status(status).type('application/json; charset=utf-8').send({ error: { code, message: withId, requestId: req.id } });
    }
    return reply.status(status).type('text/html; charset=utf-8').send(renderErrorPage(status, withId, pageContext(req)));
  }
  if (wantsJson(req)) {
    return reply.status(status).type('application/json; charset=utf-8').send({ error: { code, message } });
  }
  return reply.status(status).type('text/html; charset=utf-8').send(renderErrorPage(status, message, pageContext(req)));
}

export async function createApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    ...loggerOptions(deps.config, deps.logger ?? false, deps.logStream),
    // Off unless TRUST_PROXY says which proxies to believe: else any client picks its own
    // address (and its own rate limit) with a fresh X-Forwarded-For per request.
    trustProxy: fastifyTrustProxy(deps.config.trustProxy),
    // arXiv old-style ids contain a slash; keep the default router but allow long URLs.
    routerOptions: { maxParamLength: 500 },
    // Errors Fastify raises before any route runs (a malformed %-encoding, a bad content type)
    // get the same error shape as everything else.
    frameworkErrors: (err, req, reply) => {
      const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 400;
      return sendError(req, reply, status, 'bad_request', err.message);
    },
  });
  // Every paper a route reads carries extracted keywords and a TL;DR where its source gave none (search/paper-notes.ts).
  const routeDeps: RouteDeps = { ...deps, store: deps.search.withNotes(deps.store), now: deps.now ?? (() => new Date()) };
  // Every page says when the demo corpus is what it shows (pages/demo-notice.ts).
  app.decorateRequest('demoPapers', 0);
  app.addHook('onRequest', demoNoticeHook(deps.store));

  await securityHeaders(app);
  await app.register(formbody);
  // Signed cookies carry the CSRF secret for HTML forms (double-submit: token in the form, secret in the cookie).
  await app.register(cookie, { secret: deps.config.secret });
  await app.register(csrf, { cookieOpts: { signed: true, httpOnly: true, sameSite: 'lax', path: '/' } });
  // Rate limits are opt-in per route (`config: { rateLimit: { max, timeWindow } }`) on login/submit/vote/subscribe.
  await app.register(rateLimit, { global: false });

  app.setErrorHandler((err: FastifyError | HttpError, req, reply) => {
    // A page that needs a signed-in visitor sends the browser to log in and come back.
    if (err instanceof LoginRequired && !wantsJson(req)) return reply.redirect(loginPath(err.next), 303);
    if (err instanceof SearchBusyError) {
      // Overload, not a fault: the client is told when to come back.
      reply.header('retry-after', '1');
      return sendError(req, reply, 503, 'busy', err.message);
    }
    if (isDatabaseUnavailable(err)) {
      // The database is down, restarting or locked: nothing was written; the client is told when to come back.
      req.log.warn({ req, reason: err.message }, 'database unavailable');
      reply.header('retry-after', String(DATABASE_RETRY_AFTER_S));
      return sendError(req, reply, 503, 'database_unavailable',
        'The database is not answering right now (it may be restarting). Nothing was changed; try again in a few seconds.');
    }
    if (isTextNotStorable(err)) {
      // A NUL character PostgreSQL cannot hold, in a field no store escapes: bad input; the statement did nothing.
      return sendError(req, reply, 400, 'invalid_parameter', 'Text containing the NUL character (U+0000) is not accepted here.');
    }
    if (err instanceof HttpError) {
      if (err.status >= 500) req.log.error({ req, status: err.status, code: err.code, reason: err.message }, 'request failed');
      return sendError(req, reply, err.status, err.code, err.message);
    }
    if ((err as FastifyError).validation) {
      return sendError(req, reply, 400, 'invalid_parameter', err.message);
    }
    const status = (err as FastifyError).statusCode;
    if (status && status >= 400 && status < 500) {
      return sendError(req, reply, status, (err as FastifyError).code ?? 'bad_request', err.message);
    }
    req.log.error({ req, err }, 'unhandled error');
    return sendError(req, reply, 500, 'internal_error', 'Something went wrong on our side. Try again; if it persists, check the server log.');
  });

  app.setNotFoundHandler((req, reply) =>
    sendError(req, reply, 404, 'not_found', `Nothing at ${req.url.split('?')[0]}.`));

  // Sets req.user on every request (one hook) and adds the account, settings and admin routes.
  await installAccounts(app, routeDeps);
  await app.register(apiRoutes, { deps: routeDeps });
  await app.register(feedRoutes, { deps: routeDeps });
  await app.register(subscriptionRoutes, { deps: routeDeps });
  await app.register(pageRoutes, { deps: routeDeps });
  await app.register(communityRoutes, { deps: routeDeps });
  return app;
}
