/**
 * The AccountStore on PostgreSQL.
 *
 * Goals: usernames and addresses unique in any case through unique indexes
 * on lower(column) (the names users_username_key / users_email_key say which
 * one a violation hit), reported as DuplicateAccountError; lookups compare
 * lower() too, as SQLite's NOCASE columns do; a mailed token is spent by one
 * `UPDATE … WHERE used_at IS NULL RETURNING`, so two clicks on one link
 * cannot both succeed, across processes too. Non-goals: rules and hashing (accounts/).
 */
import type pg from 'pg';
import {
  DuplicateAccountError, type AccountStore, type ApiTokenInfo, type EmailTokenPurpose, type LoginThrottle, type NewUser,
  type Role, type SpentEmailToken, type User, type UserPage, type UserPatch,
} from '../account-store.js';
import { Params } from './postgres-filters.js';
import { withTransaction } from './postgres-pool.js';
import { decodeText, encodeText } from './postgres-rows.js';

interface UserRow {
  id: number;
  username: string;
  email: string;
  role: Role;
  email_verified_at: string | null;
  created_at: string;
  public_votes: number;
  banned_at: string | null;
  banned_reason: string | null;
}

interface ApiTokenRow {
  id: number;
  user_id: number;
  name: string;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
}

/** How stale an API token's "last used" may get: one minute (settings shows it to the minute). */
const LAST_USED_RESOLUTION_MS = 60_000;

const USER_COLUMNS = 'id, username, email, role, email_verified_at, created_at, public_votes, banned_at, banned_reason';
const TOKEN_COLUMNS = 'id, user_id, name, prefix, created_at, last_used_at';

function rowToUser(r: UserRow): User {
  return {
    id: r.id, username: decodeText(r.username), email: decodeText(r.email), role: r.role, emailVerifiedAt: r.email_verified_at, createdAt: r.created_at,
    publicVotes: r.public_votes === 1,
    banned: r.banned_at ? { at: r.banned_at, reason: decodeText(r.banned_reason ?? '') } : null,
  };
}

function rowToToken(r: ApiTokenRow): ApiTokenInfo {
  return { id: r.id, userId: r.user_id, name: r.name, prefix: r.prefix, createdAt: r.created_at, lastUsedAt: r.last_used_at };
}

/** A unique violation on the username / address index as the error callers understand. */
function duplicateOf(err: unknown): DuplicateAccountError | null {
  const e = err as { code?: string; constraint?: string };
  if (e?.code !== '23505') return null;
  if (e.constraint === 'users_username_key') return new DuplicateAccountError('username');
  if (e.constraint === 'users_email_key') return new DuplicateAccountError('email');
  return null;
}

/** LIKE pattern for "starts with", with the pattern's own wildcards escaped. */
function prefixPattern(q: string): string {
  return q.replace(/[\\%_]/g, (c) => '\\' + c) + '%';
}

export class PostgresAccountStore implements AccountStore {
  constructor(private readonly pool: pg.Pool) {}

  private async user(sql: string, params: unknown[]): Promise<User | null> {
    const r = (await this.pool.query<UserRow>(sql, params)).rows[0];
    return r ? rowToUser(r) : null;
  }

  async createUser(u: NewUser): Promise<User> {
    const now = u.now.toISOString();
    try {
      const r = await this.pool.query<UserRow>(`INSERT INTO users (username, email, password_hash, role, email_verified_at, created_at, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING ${USER_COLUMNS}`,
      [encodeText(u.username), encodeText(u.email), encodeText(u.passwordHash), u.role ?? 'user', u.emailVerified ? now : null, now]);
      return rowToUser(r.rows[0]);
    } catch (err) {
      throw duplicateOf(err) ?? err;
    }
  }

  async getUser(id: number): Promise<User | null> {
    return this.user(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [id]);
  }

  async getUserByUsername(username: string): Promise<User | null> {
    return this.user(`SELECT ${USER_COLUMNS} FROM users WHERE lower(username) = lower($1)`, [encodeText(username)]);
  }

  async getUserByEmail(email: string): Promise<User | null> {
    return this.user(`SELECT ${USER_COLUMNS} FROM users WHERE lower(email) = lower($1)`, [encodeText(email)]);
  }

  async passwordHash(userId: number): Promise<string | null> {
    const r = (await this.pool.query<{ password_hash: string }>('SELECT password_hash FROM users WHERE id = $1', [userId])).rows[0];
    return r ? decodeText(r.password_hash) : null;
  }

  async updateUser(id: number, patch: UserPatch, now: Date): Promise<User | null> {
    const p = new Params();
    const sets: string[] = [];
    if (patch.email !== undefined) sets.push(`email = ${p.add(encodeText(patch.email))}`);
    if (patch.passwordHash !== undefined) sets.push(`password_hash = ${p.add(encodeText(patch.passwordHash))}`);
    if (patch.role !== undefined) sets.push(`role = ${p.add(patch.role)}`);
    if (patch.emailVerifiedAt !== undefined) sets.push(`email_verified_at = ${p.add(patch.emailVerifiedAt)}`);
    if (patch.publicVotes !== undefined) sets.push(`public_votes = ${p.add(patch.publicVotes ? 1 : 0)}`);
    if (patch.banned !== undefined) {
      sets.push(`banned_at = ${p.add(patch.banned?.at ?? null)}`, `banned_reason = ${p.add(patch.banned ? encodeText(patch.banned.reason) : null)}`);
    }
    sets.push(`updated_at = ${p.add(now.toISOString())}`);
    try {
      return await this.user(`UPDATE users SET ${sets.join(', ')} WHERE id = ${p.add(id)} RETURNING ${USER_COLUMNS}`, p.values);
    } catch (err) {
      throw duplicateOf(err) ?? err;
    }
  }

  async deleteUser(id: number): Promise<boolean> {
    // Sessions, mailed tokens and API tokens go with the user (ON DELETE CASCADE).
    return ((await this.pool.query('DELETE FROM users WHERE id = $1', [id])).rowCount ?? 0) > 0;
  }

  async listUsers(opts: { limit: number; offset: number; query?: string }): Promise<UserPage> {
    const q = opts.query?.trim();
    const p = new Params();
    // ILIKE: SQLite's LIKE ignores ASCII case.
    const where = q ? (() => { const x = p.add(prefixPattern(encodeText(q))); return `WHERE username ILIKE ${x} OR email ILIKE ${x}`; })() : '';
    const total = (await this.pool.query<{ n: number }>(`SELECT COUNT(*) AS n FROM users ${where}`, p.values)).rows[0].n;
    const rows = (await this.pool.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users ${where}
      ORDER BY lower(username), username LIMIT ${p.add(opts.limit)} OFFSET ${p.add(opts.offset)}`, p.values)).rows;
    return { users: rows.map(rowToUser), total };
  }

  async countUsers(role?: Role): Promise<number> {
    const r = role
      ? await this.pool.query<{ n: number }>('SELECT COUNT(*) AS n FROM users WHERE role = $1', [role])
      : await this.pool.query<{ n: number }>('SELECT COUNT(*) AS n FROM users');
    return r.rows[0].n;
  }

  async createSession(x: { tokenHash: string; userId: number; now: Date; expiresAt: Date }): Promise<void> {
    await this.pool.query('INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)',
      [x.tokenHash, x.userId, x.now.toISOString(), x.expiresAt.toISOString()]);
  }

  async sessionUser(tokenHash: string, now: Date): Promise<{ user: User; expiresAt: string } | null> {
    const r = (await this.pool.query<UserRow & { session_expires: string }>(`SELECT u.id, u.username, u.email, u.role,
        u.email_verified_at, u.created_at, u.public_votes, u.banned_at, u.banned_reason, s.expires_at AS session_expires
      FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > $2`, [tokenHash, now.toISOString()])).rows[0];
    return r ? { user: rowToUser(r), expiresAt: r.session_expires } : null;
  }

  async extendSession(tokenHash: string, expiresAt: Date): Promise<void> {
    await this.pool.query('UPDATE sessions SET expires_at = $1 WHERE token_hash = $2', [expiresAt.toISOString(), tokenHash]);
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.pool.query('DELETE FROM sessions WHERE token_hash = $1', [tokenHash]);
  }

  async deleteUserSessions(userId: number, keepTokenHash?: string): Promise<number> {
    const r = await this.pool.query('DELETE FROM sessions WHERE user_id = $1 AND token_hash IS DISTINCT FROM $2', [userId, keepTokenHash ?? null]);
    return r.rowCount ?? 0;
  }

  async pruneExpired(now: Date): Promise<number> {
    const at = now.toISOString();
    const dayAgo = new Date(now.getTime() - 86_400_000).toISOString();
    return withTransaction(this.pool, async (c) => {
      const a = await c.query('DELETE FROM sessions WHERE expires_at <= $1', [at]);
      const b = await c.query('DELETE FROM email_tokens WHERE expires_at <= $1 OR used_at IS NOT NULL', [at]);
      // A counter untouched for a day and not locking: the name's failures are forgotten (the lock already ran out).
      const t = await c.query('DELETE FROM login_throttle WHERE updated_at <= $1 AND (locked_until IS NULL OR locked_until <= $2)', [dayAgo, at]);
      return (a.rowCount ?? 0) + (b.rowCount ?? 0) + (t.rowCount ?? 0);
    });
  }

  async createEmailToken(t: { tokenHash: string; userId: number; purpose: EmailTokenPurpose; email: string; now: Date; expiresAt: Date }): Promise<void> {
    await this.pool.query(`INSERT INTO email_tokens (token_hash, user_id, purpose, email, created_at, expires_at)
      VALUES ($1, $2, $3, $4, $5, $6)`, [t.tokenHash, t.userId, t.purpose, t.email, t.now.toISOString(), t.expiresAt.toISOString()]);
  }

  async spendEmailToken(tokenHash: string, purpose: EmailTokenPurpose, now: Date): Promise<SpentEmailToken | 'expired' | null> {
    const r = (await this.pool.query<{ user_id: number; email: string }>(`UPDATE email_tokens SET used_at = $3
      WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3 RETURNING user_id, email`,
    [tokenHash, purpose, now.toISOString()])).rows[0];
    if (r) return { userId: r.user_id, email: r.email };
    const known = (await this.pool.query<{ purpose: string; used_at: string | null }>(
      'SELECT purpose, used_at FROM email_tokens WHERE token_hash = $1', [tokenHash])).rows[0];
    if (known && known.purpose === purpose && known.used_at === null) return 'expired';
    return null;
  }

  async lastEmailTokenAt(userId: number, purpose: EmailTokenPurpose): Promise<string | null> {
    return (await this.pool.query<{ at: string | null }>('SELECT MAX(created_at) AS at FROM email_tokens WHERE user_id = $1 AND purpose = $2',
      [userId, purpose])).rows[0].at;
  }

  async voidEmailTokens(userId: number, purpose: EmailTokenPurpose, now: Date): Promise<void> {
    await this.pool.query('UPDATE email_tokens SET used_at = $1 WHERE user_id = $2 AND purpose = $3 AND used_at IS NULL',
      [now.toISOString(), userId, purpose]);
  }

  async createApiToken(t: { userId: number; name: string; tokenHash: string; prefix: string; now: Date }): Promise<ApiTokenInfo> {
    const r = await this.pool.query<ApiTokenRow>(`INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at)
      VALUES ($1, $2, $3, $4, $5) RETURNING ${TOKEN_COLUMNS}`, [t.userId, t.name, t.tokenHash, t.prefix, t.now.toISOString()]);
    return rowToToken(r.rows[0]);
  }

  async listApiTokens(userId: number): Promise<ApiTokenInfo[]> {
    return (await this.pool.query<ApiTokenRow>(`SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE user_id = $1 ORDER BY id`, [userId])).rows.map(rowToToken);
  }

  async deleteUserApiTokens(userId: number): Promise<number> {
    return (await this.pool.query('DELETE FROM api_tokens WHERE user_id = $1', [userId])).rowCount ?? 0;
  }

  async revokeApiToken(userId: number, tokenId: number): Promise<boolean> {
    return ((await this.pool.query('DELETE FROM api_tokens WHERE user_id = $1 AND id = $2', [userId, tokenId])).rowCount ?? 0) > 0;
  }

  async apiTokenUser(tokenHash: string, now: Date): Promise<{ user: User; token: ApiTokenInfo } | null> {
    const t = (await this.pool.query<ApiTokenRow>(`SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE token_hash = $1`, [tokenHash])).rows[0];
    if (!t) return null;
    // "Last used" is for the owner's eyes (settings): to the minute is enough, and spares a write per request.
    if (!t.last_used_at || now.getTime() - Date.parse(t.last_used_at) >= LAST_USED_RESOLUTION_MS) {
      t.last_used_at = now.toISOString();
      await this.pool.query('UPDATE api_tokens SET last_used_at = $1 WHERE id = $2', [t.last_used_at, t.id]);
    }
    const user = await this.getUser(t.user_id);
    return user ? { user, token: rowToToken(t) } : null;
  }

  async loginThrottle(key: string): Promise<LoginThrottle | null> {
    const r = (await this.pool.query<{ failures: number; locked_until: string | null }>(
      'SELECT failures, locked_until FROM login_throttle WHERE key = $1', [key])).rows[0];
    return r ? { failures: r.failures, lockedUntil: r.locked_until } : null;
  }

  async setLoginThrottle(key: string, t: LoginThrottle, now: Date): Promise<void> {
    await this.pool.query(`INSERT INTO login_throttle (key, failures, locked_until, updated_at) VALUES ($1, $2, $3, $4)
      ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until, updated_at = excluded.updated_at`,
    [key, t.failures, t.lockedUntil, now.toISOString()]);
  }

  async clearLoginThrottle(key: string): Promise<void> {
    await this.pool.query('DELETE FROM login_throttle WHERE key = $1', [key]);
  }
}
