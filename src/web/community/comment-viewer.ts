/**
 * The visitor of a page as the discussion sees them (comments-view.ts):
 * signed out, signed in but unverified, or a verified user — a moderator or
 * not — with the CSRF token their forms carry.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { canModerate } from '../../accounts/rules.js';
import type { CommentViewer } from './comments-view.js';

export function commentViewer(req: FastifyRequest, reply: FastifyReply): CommentViewer {
  const u = req.user;
  if (!u || u.via !== 'session') return { kind: 'anonymous' };
  if (!u.emailVerified) return { kind: 'unverified' };
  return { kind: 'user', userId: u.id, moderator: canModerate(u.role), csrf: reply.generateCsrf() };
}
