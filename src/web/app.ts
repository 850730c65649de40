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
import type { LexicalSearch } from '../search/lexical.js';
import { HttpError } from './http-error.js';
import { renderErrorPage } from './pages/error-page.js';
import { pageContext } from './pages/page-context.js';
import { demoNoticeHook } from './pages/demo-notice.js';
import { apiRoutes } from './api/routes.js';
import { pageRoutes } from './pages/routes.js';
import { feedRoutes } from './feeds/routes.js';
import { subscriptionRoutes } from './subscriptions/routes.js';

export interface AppDeps {
  store: Store;
  search: LexicalSearch;
  config: Config;
  /** The clock (tests pin it). */
  now?: () => Date;
  /** Fastify logger on/off (off in tests). */
  logger?: boolean;
}

/** Route modules receive the deps with a clock always present. */
export type RouteDeps = AppDeps & { now: () => Date };

function wantsJson(req: FastifyRequest): boolean {
  if (req.url.startsWith('/api/')) return true;
  const accept = req.headers.accept ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
}

function sendError(req: FastifyRequest, reply: FastifyReply, status: number, code: string, message: string) {
  if (wantsJson(req)) {
    return reply.status(status).type('application/json; charset=utf-8').send({ error: { code, message } });
  }
  return reply.status(status).type('text/html; charset=utf-8').send(renderErrorPage(status, message, pageContext(req)));
}

export async function createApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger ? { level: 'info', redact: ['req.headers.authorization', 'req.headers.cookie'] } : false,
    trustProxy: true,
    // arXiv old-style ids contain a slash; keep the default router but allow long URLs.
    routerOptions: { maxParamLength: 500 },
    // Errors Fastify raises before any route runs (a malformed %-encoding, a bad content type)
    // get the same error shape as everything else.
    frameworkErrors: (err, req, reply) => {
      const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 400;
      return sendError(req, reply, status, 'bad_request', err.message);
    },
  });
  const routeDeps: RouteDeps = { ...deps, now: deps.now ?? (() => new Date()) };
  // Every page says when the demo corpus is what it shows (pages/demo-notice.ts).
  app.decorateRequest('demoPapers', 0);
  app.addHook('onRequest', demoNoticeHook(deps.store));

  await app.register(formbody);
  // Signed cookies carry the CSRF secret for HTML forms (double-submit: token in the form, secret in the cookie).
  await app.register(cookie, { secret: deps.config.secret });
  await app.register(csrf, { cookieOpts: { signed: true, httpOnly: true, sameSite: 'lax', path: '/' } });
  // Rate limits are opt-in per route (`config: { rateLimit: { max, timeWindow } }`) on login/submit/vote/subscribe.
  await app.register(rateLimit, { global: false });

  app.setErrorHandler((err: FastifyError | HttpError, req, reply) => {
    if (err instanceof HttpError) return sendError(req, reply, err.status, err.code, err.message);
    if ((err as FastifyError).validation) {
      return sendError(req, reply, 400, 'invalid_parameter', err.message);
    }
    const status = (err as FastifyError).statusCode;
    if (status && status >= 400 && status < 500) {
      return sendError(req, reply, status, (err as FastifyError).code ?? 'bad_request', err.message);
    }
    req.log.error({ err }, 'unhandled error');
    return sendError(req, reply, 500, 'internal_error', 'Something went wrong on our side. Try again; if it persists, check the server log.');
  });

  app.setNotFoundHandler((req, reply) =>
    sendError(req, reply, 404, 'not_found', `Nothing at ${req.url.split('?')[0]}.`));

  await app.register(apiRoutes, { deps: routeDeps });
  await app.register(feedRoutes, { deps: routeDeps });
  await app.register(subscriptionRoutes, { deps: routeDeps });
  await app.register(pageRoutes, { deps: routeDeps });
  return app;
}
