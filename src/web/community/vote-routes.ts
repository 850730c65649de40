/**
 * Upvoting: `POST /papers/{id}/upvote` (the card and paper-page form; 303
 * back to the page, or JSON when the script sends it in place) and the
 * write API `POST /api/papers/{id}/upvote` / `DELETE /api/papers/{id}/upvote`
 * (personal API token).
 *
 * Goals: only verified users vote; the form says the wanted state (vote=1
 * or 0), the API's method does, so retries never flip a vote back; the
 * answer carries the paper's count as every page shows it. Non-goals:
 * counting (the store), drawing the control (vote-control.ts).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RouteDeps } from '../app.js';
import type { PaperDetail } from '../../store/store.js';
import { HttpError, notFound } from '../http-error.js';
import { sameSiteTarget } from '../redirect-target.js';
import { paperPath } from '../pages/format.js';
import { requireApiUser, requirePageUser, requireVerified } from '../auth/current-user.js';

export interface VoteAnswer {
  paperId: string;
  /** Whether the caller's upvote is on the paper now. */
  upvoted: boolean;
  /** Whether this request changed the vote. */
  changed: boolean;
  /** The paper's upvotes as shown (newest daily entry's imported count + local votes). */
  upvotes: number;
}

/** True when the caller asked for JSON (the page script) rather than a page. */
export function wantsJsonAnswer(req: FastifyRequest): boolean {
  const accept = req.headers.accept ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
}

async function vote(deps: RouteDeps, userId: number, detail: PaperDetail, on: boolean): Promise<VoteAnswer> {
  const r = await deps.votes.setVote(userId, detail.paper.id, on, deps.now());
  if (!r) throw notFound(`No paper ${detail.paper.id} in this hub.`);
  const after = await deps.store.getPaper(detail.paper.id);
  return { paperId: detail.paper.id, upvoted: r.upvoted, changed: r.changed, upvotes: after?.upvotes ?? 0 };
}

/** The form: body `vote` = 1 (upvote) or 0 (remove), `back` = the page to return to. */
export async function upvoteForm(deps: RouteDeps, req: FastifyRequest, reply: FastifyReply, detail: PaperDetail): Promise<FastifyReply> {
  const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
  const back = sameSiteTarget(body.back, 'back', paperPath(detail.paper.id));
  const user = requireVerified(requirePageUser(req, back));
  if (body.vote !== '1' && body.vote !== '0') throw new HttpError(400, 'invalid_parameter', 'Invalid parameter "vote": 1 to upvote, 0 to remove your upvote.');
  const answer = await vote(deps, user.id, detail, body.vote === '1');
  if (wantsJsonAnswer(req)) return reply.type('application/json; charset=utf-8').send(answer);
  return reply.redirect(back, 303);
}

/** The API: POST upvotes, DELETE removes (token only). */
export async function upvoteApi(deps: RouteDeps, req: FastifyRequest, reply: FastifyReply, detail: PaperDetail, on: boolean): Promise<FastifyReply> {
  const user = requireVerified(requireApiUser(req, reply));
  return reply.type('application/json; charset=utf-8').send(await vote(deps, user.id, detail, on));
}
