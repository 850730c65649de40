/**
 * Whether an error means "the database cannot be reached or is busy right
 * now" — a PostgreSQL server stopped, restarting or out of connections, a
 * connection cut, SQLite still locked after its busy timeout — as opposed to
 * a fault in paperboy. The web layer answers such errors with 503 and
 * Retry-After; nothing was written, and the next request after the database
 * returns succeeds (the pool opens new connections by itself).
 *
 * Goals: one place that knows the drivers' error shapes, by their codes
 * (node's network errors, PostgreSQL's SQLSTATE classes, better-sqlite3's
 * SQLITE_BUSY) and node-postgres' connection messages, without importing a
 * driver. Non-goals: retrying (the client retries after Retry-After).
 */

/** Network errors of a connection to a database server. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * PostgreSQL SQLSTATEs: class 08 (connection exception), 57P01–57P03
 * (admin shutdown, crash shutdown, cannot connect now: the server is
 * stopping or starting), 53300 (too many connections).
 */
function isPostgresUnavailable(code: string): boolean {
  return code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300';
}

/** node-postgres reports a cut connection or a pool that cannot connect in time with these messages (no code). */
const PG_MESSAGES = [/Connection terminated/i, /timeout exceeded when trying to connect/i, /Client has encountered a connection error/i,
  /Connection ended unexpectedly/i, /the database system is (starting up|shutting down)/i];

export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (NETWORK_CODES.has(code) || code === 'SQLITE_BUSY' || code === 'SQLITE_BUSY_SNAPSHOT') return true;
      if (/^[0-9A-Z]{5}$/.test(code) && isPostgresUnavailable(code)) return true;
    }
    const message = (e as { message?: unknown }).message;
    if (typeof message === 'string' && PG_MESSAGES.some((re) => re.test(message))) return true;
    // AggregateError (a connect that tried several addresses).
    const errors = (e as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.some((x) => isDatabaseUnavailable(x))) return true;
  }
  return false;
}

/** Seconds a client is asked to wait (Retry-After) when the database is unavailable. Default 5: a restart of PostgreSQL takes a few seconds. */
export const DATABASE_RETRY_AFTER_S = 5;
