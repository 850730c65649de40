/**
 * Whether an error means "this text cannot go into (or be looked up in) the
 * database": PostgreSQL text cannot hold U+0000, and a statement given a
 * string with it fails with SQLSTATE 22021 before it does anything. The
 * stores escape NUL where users write free text they must get back byte for
 * byte (usernames, addresses, comment bodies, reading-list names, the reasons
 * of reports, bans and moderators' actions: postgres-rows.ts `encodeText`);
 * anywhere else such a value is bad input, and the web layer answers 400
 * instead of 500. SQLite stores NUL as it is, so this never fires there.
 *
 * Goals: one place that knows the error's shape, without importing a driver.
 * Non-goals: escaping (the role files), which fields may hold what (web/).
 */

/** SQLSTATE 22021 character_not_in_repertoire ("invalid byte sequence for encoding "UTF8": 0x00"). */
const NOT_IN_REPERTOIRE = '22021';

export function isTextNotStorable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    if ((e as { code?: unknown }).code === NOT_IN_REPERTOIRE) return true;
  }
  return false;
}
