/**
 * What every page handler reads from the request besides its own
 * parameters: the visitor's theme choice (cookie) and the page's path; plus
 * the one way pages are sent (HTML content type).
 *
 * Non-goals: finding out who is signed in (web/auth/current-user.ts sets
 * `req.user`; this only passes it on to the layout).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Theme } from './layout.js';

export interface PageContext {
  theme: Theme | null;
  /** Path and query of the request, for the theme form's way back. */
  path: string;
  /** Demo papers in the database (the banner shows while > 0). */
  demo: number;
  /** The signed-in user, for the header. */
  user: { username: string } | null;
}

/** Name of the cookie holding "light" or "dark"; absent = follow the OS. */
export const THEME_COOKIE = 'theme';

export function themeOf(req: FastifyRequest): Theme | null {
  const v = req.cookies?.[THEME_COOKIE];
  return v === 'light' || v === 'dark' ? v : null;
}

export function pageContext(req: FastifyRequest): PageContext {
  return { theme: themeOf(req), path: req.url, demo: req.demoPapers ?? 0, user: req.user ? { username: req.user.username } : null };
}

export function sendHtml(reply: FastifyReply, body: string, status = 200): FastifyReply {
  return reply.status(status).type('text/html; charset=utf-8').send(body);
}
