/**
 * The community's write routes, wired to the deps: the form posts under
 * `/papers/{id}/…` (upvote, comments) and the token API under `/api/papers/{id}/…`;
 * submitting papers (`/submit`, `POST /api/daily_papers`) is submit-routes.ts.
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
import { commentForm, type CommentAction } from './comment-routes.js';
import { submitRoutes } from './submit-routes.js';
import { profileRoutes } from './profile-routes.js';
import { moderationRoutes } from './moderation-routes.js';
import { readingListRoutes, saveForm } from './reading-list-routes.js';
import { curationForm, curationRoutes, type CurationAction } from './curation-routes.js';
import { linkOrgForm, organizationRoutes } from './organization-routes.js';
import { authorshipRoutes, claimForm } from './authorship-routes.js';

type Req = FastifyRequest<{ Params: { '*': string } }>;

type Action = { kind: 'upvote' } | { kind: 'save' } | { kind: 'unsave' } | { kind: 'organization' } | { kind: 'claim' }
  | { kind: 'curate'; action: CurationAction }
  | { kind: 'comment'; action: CommentAction; commentId: number | null };

/**
 * "2405.00001/upvote" → the paper id and the action, for the known actions:
 * `upvote`, `save`, `unsave`, `organization`, `claim`, `report`, `hide`, `entries/move|remove`,
 * `comments` (new), `comments/{n}/edit|delete|hide|unhide|report`.
 */
function splitAction(rest: string): { id: string; action: Action } | null {
  const path = rest.replace(/\/+$/, '');
  let m = /^(.+)\/(upvote|save|unsave|organization|claim)$/.exec(path);
  if (m) return { id: m[1], action: { kind: m[2] } as Action };
  m = /^(.+)\/(report|hide|entries\/move|entries\/remove)$/.exec(path);
  // "…/comments/{n}/report|hide" are the comment actions below, not the paper's.
  if (m && !/\/comments\/\d+$/.test(m[1])) return { id: m[1], action: { kind: 'curate', action: m[2].replace('entries/', '') as CurationAction } };
  m = /^(.+)\/comments$/.exec(path);
  if (m) return { id: m[1], action: { kind: 'comment', action: 'new', commentId: null } };
  m = /^(.+)\/comments\/([1-9]\d{0,15})\/(edit|delete|hide|unhide|report)$/.exec(path);
  if (m) return { id: m[1], action: { kind: 'comment', action: m[3] as CommentAction, commentId: Number(m[2]) } };
  return null;
}

async function paperOf(deps: RouteDeps, id: string) {
  if (id.length > 200) throw notFound('No such paper.');
  const detail = await findPaper(deps, id);
  if (!detail) throw notFound(`No paper ${id} in this hub.`);
  return detail;
}

export async function communityRoutes(app: FastifyInstance, opts: { deps: RouteDeps }): Promise<void> {
  const { deps } = opts;
  await submitRoutes(app, deps);
  await profileRoutes(app, deps);
  await moderationRoutes(app, deps);
  await readingListRoutes(app, deps);
  await curationRoutes(app, deps);
  await organizationRoutes(app, deps);
  await authorshipRoutes(app, deps);

  app.post('/papers/*', { preHandler: app.csrfProtection, config: { rateLimit: communityRateLimit } }, async (req: Req, reply) => {
    const target = splitAction(req.params['*'] ?? '');
    if (!target) throw notFound(`Nothing to post to at ${req.url.split('?')[0]}.`);
    const detail = await paperOf(deps, target.id);
    const a = target.action;
    if (a.kind === 'upvote') return upvoteForm(deps, req, reply, detail);
    if (a.kind === 'save' || a.kind === 'unsave') return saveForm(deps, req, reply, detail, a.kind === 'save');
    if (a.kind === 'organization') return linkOrgForm(deps, req, reply, detail);
    if (a.kind === 'claim') return claimForm(deps, req, reply, detail);
    if (a.kind === 'curate') return curationForm(deps, req, reply, detail, a.action);
    return commentForm(deps, req, reply, detail, a.action, a.commentId);
  });

  // One route for both methods, so POST and DELETE count against one limit.
  app.route({
    method: ['POST', 'DELETE'],
    url: '/api/papers/*',
    config: { rateLimit: communityRateLimit },
    handler: async (req: Req, reply) => {
      const target = splitAction(req.params['*'] ?? '');
      if (!target || target.action.kind !== 'upvote') throw notFound(`Nothing at ${req.method} ${req.url.split('?')[0]}.`);
      const detail = await paperOf(deps, target.id);
      return upvoteApi(deps, req, reply, detail, req.method === 'POST');
    },
  });
}
