/**
 * The connection pool every PostgreSQL role file shares, and the two things
 * they all need from it: transactions and a printable address.
 *
 * Goals: 64-bit integers (COUNT, BIGSERIAL keys) arrive as numbers — every
 * key and count paperboy keeps fits in 2^53 — not as node-postgres' default
 * strings; a transaction is one function call that commits or rolls back;
 * an idle connection the server drops is logged by the pool, not a crash.
 * Non-goals: retrying statements (a failed write fails its request; the
 * caller's transaction rolled back, so nothing is half-written).
 */
import pg from 'pg';

const INT8 = 20;
const NUMERIC = 1700;

/** Connections per process. Default 10 (node-postgres'); PAPERBOY_PG_POOL overrides (sane range 4–50). */
function poolSize(): number {
  const n = Number(process.env.PAPERBOY_PG_POOL);
  return Number.isInteger(n) && n > 0 ? n : 10;
}

export function createPool(url: string): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize(),
    application_name: 'paperboy',
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8 || oid === NUMERIC ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client whose server connection broke: the pool drops it and opens another on the next
  // query. Without a listener Node would treat the event as an uncaught error and exit.
  pool.on('error', (err) => {
    console.error(`paperboy: PostgreSQL connection lost (${err.message}); reconnecting on the next query`);
  });
  return pool;
}

/**
 * Listens for the 'error' a checked-out connection emits when the server drops
 * it between two statements (a restart, an admin's terminate): the pool only
 * listens while a connection is idle, and an unheard 'error' event ends the
 * process. Returns what to pass to release(): the error, so the pool discards
 * that connection instead of handing it out again.
 */
export function guardCheckedOut(client: pg.PoolClient): () => Error | undefined {
  let lost: Error | undefined;
  const onError = (err: Error) => { lost = err; };
  client.on('error', onError);
  return () => {
    client.off('error', onError);
    return lost;
  };
}

/** Runs `fn` in one transaction on one connection: COMMIT when it returns, ROLLBACK when it throws. */
export async function withTransaction<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  const unguard = guardCheckedOut(client);
  try {
    await client.query('BEGIN');
    try {
      const out = await fn(client);
      await client.query('COMMIT');
      return out;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    }
  } finally {
    client.release(unguard());
  }
}

/** The URL without its password (and without query options), for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    u.search = '';
    return u.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

/** The database name of a URL ('' when it has none). */
export function databaseName(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  } catch {
    return '';
  }
}

/**
 * Advisory lock every paper write (import batch, delete, submission) holds
 * until its commit: merging a record needs the stored state of its paper,
 * found by id or by title, and a title match cannot be a unique constraint,
 * so two batches touching one paper would otherwise both insert it. SQLite
 * serialises its writers the same way; votes, comments and accounts do not
 * take it. (An arbitrary constant: "pbwr" in ASCII.)
 */
export const PAPER_WRITE_LOCK = 0x70627772;
