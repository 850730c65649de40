/**
 * The community's write routes, wired to the deps: the form posts under
 * `/papers/{id}/…` (upvote) and the token API under `/api/papers/{id}/…`.
 *
 * Paper ids may hold a slash ("hep-th/9901001"), so each method has one
 * wildcard route that splits the action off the end of the path and finds
 * the paper as the read routes do (a versioned or "arXiv:" id resolves).
 * Goals: CSRF on every form post; a rate limit per kind of write
 * (rate-limits.ts); an unknown action is a 404, an unknown paper a 404.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RouteDeps } from '../app.js';
import { notFound } from '../http-error.js';
import { findPaper } from '../api/paper-route.js';
import { communityRateLimit } from './rate-limits.js';
import { upvoteApi, upvoteForm } from './vote-routes.js';

type Req = FastifyRequest<{ Params: { '*': string } }>;

/** "2405.00001/upvote" → { id: "2405.00001", action: "upvote" } for the known actions. */
function splitAction(rest: string): { id: string; action: string } | null {
  const m = /^(.+)\/(upvote)$/.exec(rest.replace(/\/+$/, ''));
  return m ? { id: m[1], action: m[2] } : null;
}

async function paperOf(deps: RouteDeps, id: string) {
  if (id.length > 200) throw notFound('No such paper.');
  const detail = await findPaper(deps, id);
  if (!detail) throw notFound(`No paper ${id} in this hub.`);
  return detail;
}

export async function communityRoutes(app: FastifyInstance, opts: { deps: RouteDeps }): Promise<void> {
  const { deps } = opts;

  app.post('/papers/*', { preHandler: app.csrfProtection, config: { rateLimit: communityRateLimit } }, async (req: Req, reply) => {
    const target = splitAction(req.params['*'] ?? '');
    if (!target) throw notFound(`Nothing to post to at ${req.url.split('?')[0]}.`);
    const detail = await paperOf(deps, target.id);
    return upvoteForm(deps, req, reply, detail);
  });

  // One route for both methods, so POST and DELETE count against one limit.
  app.route({
    method: ['POST', 'DELETE'],
    url: '/api/papers/*',
    config: { rateLimit: communityRateLimit },
    handler: async (req: Req, reply) => {
      const target = splitAction(req.params['*'] ?? '');
      if (!target) throw notFound(`Nothing at ${req.method} ${req.url.split('?')[0]}.`);
      const detail = await paperOf(deps, target.id);
      return upvoteApi(deps, req, reply, detail, req.method === 'POST');
    },
  });
}
