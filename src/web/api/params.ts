/**
 * Query-string validation for the JSON API and the feeds: raw strings in,
 * typed values out, or an HttpError 400 that names the parameter and says
 * what a good value looks like.
 *
 * Goals: one place for the rules every route shares (integers in a range,
 * YYYY-MM-DD days, ISO weeks, months, enums, bounded text), so a bad value
 * never reaches the store and never becomes a 500. Non-goals: body parsing
 * (the API is read-only) and coercion beyond what the Hub accepts.
 */
import { HttpError } from '../http-error.js';
import { dayPeriod, monthPeriod, weekPeriod, type Period } from '../../domain/periods.js';

/** Fastify hands query values over as a string, an array (repeated key) or nothing. */
export type RawQuery = Record<string, unknown>;

export function invalidParameter(name: string, message: string): HttpError {
  return new HttpError(400, 'invalid_parameter', `Invalid parameter "${name}": ${message}`);
}

/** The single string value of `name`, undefined when absent or empty; 400 when repeated. */
export function stringParam(q: RawQuery, name: string): string | undefined {
  const v = q[name];
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) throw invalidParameter(name, 'give it once, not several times.');
  if (typeof v !== 'string') throw invalidParameter(name, 'expected a string.');
  return v === '' ? undefined : v;
}

/** An integer in [min, max], or `fallback` when absent. */
export function intParam(q: RawQuery, name: string, min: number, max: number, fallback: number): number {
  const s = stringParam(q, name);
  if (s === undefined) return fallback;
  if (!/^-?\d+$/.test(s.trim())) throw invalidParameter(name, `expected an integer from ${min} to ${max}, got "${clip(s)}".`);
  const n = Number(s.trim());
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw invalidParameter(name, `expected an integer from ${min} to ${max}, got ${clip(s)}.`);
  }
  return n;
}

/** One of `allowed`, or undefined when absent. */
export function enumParam<T extends string>(q: RawQuery, name: string, allowed: readonly T[]): T | undefined {
  const s = stringParam(q, name);
  if (s === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(s)) {
    throw invalidParameter(name, `expected one of ${allowed.join(', ')}, got "${clip(s)}".`);
  }
  return s as T;
}

/** Free text up to `maxLength` characters (trimmed); undefined when absent or blank. */
export function textParam(q: RawQuery, name: string, maxLength: number): string | undefined {
  const s = stringParam(q, name)?.trim();
  if (!s) return undefined;
  if ([...s].length > maxLength) throw invalidParameter(name, `at most ${maxLength} characters, got ${[...s].length}.`);
  return s;
}

/** A calendar day "YYYY-MM-DD". */
export function dayParam(q: RawQuery, name: string): Period | undefined {
  const s = stringParam(q, name);
  if (s === undefined) return undefined;
  const p = dayPeriod(s);
  if (!p) throw invalidParameter(name, `expected a calendar day YYYY-MM-DD such as 2025-06-02, got "${clip(s)}".`);
  return p;
}

/** An ISO 8601 week "YYYY-Www". */
export function weekParam(q: RawQuery, name: string): Period | undefined {
  const s = stringParam(q, name);
  if (s === undefined) return undefined;
  const p = weekPeriod(s);
  if (!p) throw invalidParameter(name, `expected an ISO week YYYY-Www such as 2025-W09, got "${clip(s)}".`);
  return p;
}

/** A month "YYYY-MM". */
export function monthParam(q: RawQuery, name: string): Period | undefined {
  const s = stringParam(q, name);
  if (s === undefined) return undefined;
  const p = monthPeriod(s);
  if (!p) throw invalidParameter(name, `expected a month YYYY-MM such as 2025-02, got "${clip(s)}".`);
  return p;
}

/**
 * The period selected by `date`, `week` or `month` (at most one of them), or
 * undefined when none is given.
 */
export function periodParams(q: RawQuery): Period | undefined {
  const given = (['date', 'week', 'month'] as const).filter((k) => stringParam(q, k) !== undefined);
  if (given.length > 1) {
    throw invalidParameter(given[1], `give only one of date, week or month (got ${given.join(' and ')}).`);
  }
  return dayParam(q, 'date') ?? weekParam(q, 'week') ?? monthParam(q, 'month');
}

/** Echoes user input in messages without letting a huge value flood the response. */
function clip(s: string): string {
  return s.length > 40 ? s.slice(0, 40) + '…' : s;
}
