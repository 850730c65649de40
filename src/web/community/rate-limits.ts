/**
 * Rate limits of community writes — upvotes, comments, submissions — for
 * the routes that carry several of them (one wildcard route per method
 * under /papers/* and /api/papers/*): the limit is chosen by what the
 * request does, and counted per signed-in user (per client address for a
 * visitor, whose request is refused anyway).
 *
 * Non-goals: sign-up, login and reset limits (web/auth/account-routes.ts).
 */
import type { FastifyRequest } from 'fastify';

export type WriteKind = 'vote' | 'comment' | 'submit' | 'other';

/**
 * Per user per window. Votes: 60 a minute (one per second: a person going
 * down a list is far slower; a script flipping votes is stopped). Comments:
 * 10 a minute (a quick reply thread; never a flood). Submissions: 20 an
 * hour (the daily cap of 5 per user is the real rule; this bounds refused
 * attempts and arXiv lookups).
 */
export const WRITE_LIMITS: Record<WriteKind, { max: number; windowMs: number }> = {
  vote: { max: 60, windowMs: 60_000 },
  comment: { max: 10, windowMs: 60_000 },
  submit: { max: 20, windowMs: 3_600_000 },
  other: { max: 60, windowMs: 60_000 },
};

/** What a write under /papers/* or /api/papers/* does, from its path. */
export function writeKind(url: string): WriteKind {
  const path = url.split('?')[0];
  if (/\/upvote$/.test(path)) return 'vote';
  if (/\/comments(?:\/\d+(?:\/(?:edit|delete|hide|unhide|report))?)?$/.test(path)) return 'comment';
  if (path === '/submit' || path === '/submit/confirm' || path === '/api/daily_papers') return 'submit';
  return 'other';
}

function who(req: FastifyRequest): string {
  return req.user ? `u${req.user.id}` : `ip${req.ip}`;
}

/** The `config.rateLimit` of a route carrying several kinds of write. */
export const communityRateLimit = {
  keyGenerator: (req: FastifyRequest) => `${writeKind(req.url)}:${who(req)}`,
  max: async (req: FastifyRequest) => WRITE_LIMITS[writeKind(req.url)].max,
  timeWindow: async (req: FastifyRequest) => WRITE_LIMITS[writeKind(req.url)].windowMs,
};
