/**
 * Reading the fields of a community form post: one field as posted, and a
 * moderation or report reason (required, at most MAX_REASON_CHARS).
 *
 * Non-goals: validating anything else (each route knows its own fields).
 */
import type { FastifyRequest } from 'fastify';
import { HttpError } from '../http-error.js';
import { MAX_REASON_CHARS } from './comments-view.js';

export function field(req: FastifyRequest, name: string): unknown {
  const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
  return body[name];
}

/** A moderation or report reason from the form: required, at most MAX_REASON_CHARS, trimmed. */
export function reasonOf(req: FastifyRequest, missing: string): string {
  const reason = field(req, 'reason');
  if (typeof reason !== 'string' || reason.trim() === '') throw new HttpError(400, 'invalid_parameter', missing);
  if ([...reason].length > MAX_REASON_CHARS) throw new HttpError(400, 'invalid_parameter', `A reason is at most ${MAX_REASON_CHARS} characters.`);
  return reason.trim();
}

/** A YYYY-MM-DD day from the form (a real calendar day), or a 400 naming the field. */
export function dayField(req: FastifyRequest, name: string, label: string): string {
  const v = field(req, name);
  const t = typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? Date.parse(`${v}T00:00:00Z`) : NaN;
  // "2024-02-30" parses (to March 1st): a real day reads back as itself.
  const ok = !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === v;
  if (!ok) throw new HttpError(400, 'invalid_parameter', `Invalid parameter "${name}": ${label} as YYYY-MM-DD.`);
  return v as string;
}
