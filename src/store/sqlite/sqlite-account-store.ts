/**
 * The AccountStore on the SqliteStore's connection (`store.db`).
 *
 * Goals: uniqueness of usernames and addresses in any case is the schema's
 * (UNIQUE COLLATE NOCASE), reported as DuplicateAccountError; a mailed token
 * is spent by one `UPDATE … WHERE used_at IS NULL RETURNING`, so two clicks
 * on one link cannot both succeed; every statement is prepared once with
 * bound parameters. Non-goals: rules and hashing (accounts/).
 */
import type Database from 'better-sqlite3';
import {
  DuplicateAccountError, type AccountStore, type ApiTokenInfo, type EmailTokenPurpose, type LoginThrottle, type NewUser,
  type Role, type SpentEmailToken, type User, type UserPage, type UserPatch,
} from '../account-store.js';

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

function rowToUser(r: UserRow): User {
  return {
    id: r.id, username: r.username, email: r.email, role: r.role, emailVerifiedAt: r.email_verified_at, createdAt: r.created_at,
    publicVotes: r.public_votes === 1,
    banned: r.banned_at ? { at: r.banned_at, reason: r.banned_reason ?? '' } : null,
  };
}

function rowToToken(r: ApiTokenRow): ApiTokenInfo {
  return { id: r.id, userId: r.user_id, name: r.name, prefix: r.prefix, createdAt: r.created_at, lastUsedAt: r.last_used_at };
}

/** A UNIQUE violation on users.username / users.email as the error callers understand. */
function duplicateOf(err: unknown): DuplicateAccountError | null {
  const e = err as { code?: string; message?: string };
  if (e?.code !== 'SQLITE_CONSTRAINT_UNIQUE') return null;
  if (e.message?.includes('users.username')) return new DuplicateAccountError('username');
  if (e.message?.includes('users.email')) return new DuplicateAccountError('email');
  return null;
}

/** LIKE pattern for "starts with", with the pattern's own wildcards escaped. */
function prefixPattern(q: string): string {
  return q.replace(/[\\%_]/g, (c) => '\\' + c) + '%';
}

export class SqliteAccountStore implements AccountStore {
  private readonly s;

  constructor(private readonly db: Database.Database) {
    this.s = {
      insertUser: db.prepare(`INSERT INTO users (username, email, password_hash, role, email_verified_at, created_at, updated_at)
        VALUES (@username, @email, @password_hash, @role, @verified, @now, @now) RETURNING ${USER_COLUMNS}`),
      byId: db.prepare(`SELECT ${USER_COLUMNS} FROM users WHERE id = ?`),
      byUsername: db.prepare(`SELECT ${USER_COLUMNS} FROM users WHERE username = ?`),
      byEmail: db.prepare(`SELECT ${USER_COLUMNS} FROM users WHERE email = ?`),
      hash: db.prepare('SELECT password_hash FROM users WHERE id = ?'),
      deleteUser: db.prepare('DELETE FROM users WHERE id = ?'),
      countAll: db.prepare('SELECT COUNT(*) AS n FROM users'),
      countRole: db.prepare('SELECT COUNT(*) AS n FROM users WHERE role = ?'),
      insertSession: db.prepare('INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)'),
      sessionUser: db.prepare(`SELECT u.id, u.username, u.email, u.role, u.email_verified_at, u.created_at, u.public_votes, u.banned_at, u.banned_reason, s.expires_at AS session_expires
        FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ? AND s.expires_at > ?`),
      extendSession: db.prepare('UPDATE sessions SET expires_at = ? WHERE token_hash = ?'),
      deleteSession: db.prepare('DELETE FROM sessions WHERE token_hash = ?'),
      deleteUserSessions: db.prepare('DELETE FROM sessions WHERE user_id = ? AND token_hash IS NOT ?'),
      pruneSessions: db.prepare('DELETE FROM sessions WHERE expires_at <= ?'),
      pruneTokens: db.prepare('DELETE FROM email_tokens WHERE expires_at <= ? OR used_at IS NOT NULL'),
      // A counter untouched for a day and not locking: the name's failures are forgotten (the lock already ran out).
      pruneThrottle: db.prepare('DELETE FROM login_throttle WHERE updated_at <= ? AND (locked_until IS NULL OR locked_until <= ?)'),
      insertEmailToken: db.prepare(`INSERT INTO email_tokens (token_hash, user_id, purpose, email, created_at, expires_at)
        VALUES (?, ?, ?, ?, ?, ?)`),
      spendEmailToken: db.prepare(`UPDATE email_tokens SET used_at = @now
        WHERE token_hash = @hash AND purpose = @purpose AND used_at IS NULL AND expires_at > @now RETURNING user_id, email`),
      emailToken: db.prepare('SELECT purpose, used_at, expires_at FROM email_tokens WHERE token_hash = ?'),
      lastEmailToken: db.prepare('SELECT MAX(created_at) AS at FROM email_tokens WHERE user_id = ? AND purpose = ?'),
      voidEmailTokens: db.prepare('UPDATE email_tokens SET used_at = ? WHERE user_id = ? AND purpose = ? AND used_at IS NULL'),
      insertApiToken: db.prepare(`INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at) VALUES (?, ?, ?, ?, ?)
        RETURNING id, user_id, name, prefix, created_at, last_used_at`),
      listApiTokens: db.prepare('SELECT id, user_id, name, prefix, created_at, last_used_at FROM api_tokens WHERE user_id = ? ORDER BY id'),
      revokeApiToken: db.prepare('DELETE FROM api_tokens WHERE user_id = ? AND id = ?'),
      revokeAllApiTokens: db.prepare('DELETE FROM api_tokens WHERE user_id = ?'),
      apiToken: db.prepare('SELECT id, user_id, name, prefix, created_at, last_used_at FROM api_tokens WHERE token_hash = ?'),
      apiTokenUsed: db.prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ?'),
      throttle: db.prepare('SELECT failures, locked_until FROM login_throttle WHERE key = ?'),
      setThrottle: db.prepare(`INSERT INTO login_throttle (key, failures, locked_until, updated_at) VALUES (?, ?, ?, ?)
        ON CONFLICT(key) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until, updated_at = excluded.updated_at`),
      clearThrottle: db.prepare('DELETE FROM login_throttle WHERE key = ?'),
    };
  }

  async createUser(u: NewUser): Promise<User> {
    const now = u.now.toISOString();
    try {
      const row = this.s.insertUser.get({
        username: u.username, email: u.email, password_hash: u.passwordHash, role: u.role ?? 'user',
        verified: u.emailVerified ? now : null, now,
      }) as UserRow;
      return rowToUser(row);
    } catch (err) {
      throw duplicateOf(err) ?? err;
    }
  }

  async getUser(id: number): Promise<User | null> {
    const r = this.s.byId.get(id) as UserRow | undefined;
    return r ? rowToUser(r) : null;
  }

  async getUserByUsername(username: string): Promise<User | null> {
    const r = this.s.byUsername.get(username) as UserRow | undefined;
    return r ? rowToUser(r) : null;
  }

  async getUserByEmail(email: string): Promise<User | null> {
    const r = this.s.byEmail.get(email) as UserRow | undefined;
    return r ? rowToUser(r) : null;
  }

  async passwordHash(userId: number): Promise<string | null> {
    const r = this.s.hash.get(userId) as { password_hash: string } | undefined;
    return r?.password_hash ?? null;
  }

  async updateUser(id: number, patch: UserPatch, now: Date): Promise<User | null> {
    const sets: string[] = [];
    const params: Record<string, unknown> = { id, now: now.toISOString() };
    if (patch.email !== undefined) { sets.push('email = @email'); params.email = patch.email; }
    if (patch.passwordHash !== undefined) { sets.push('password_hash = @password_hash'); params.password_hash = patch.passwordHash; }
    if (patch.role !== undefined) { sets.push('role = @role'); params.role = patch.role; }
    if (patch.emailVerifiedAt !== undefined) { sets.push('email_verified_at = @verified'); params.verified = patch.emailVerifiedAt; }
    if (patch.publicVotes !== undefined) { sets.push('public_votes = @public_votes'); params.public_votes = patch.publicVotes ? 1 : 0; }
    if (patch.banned !== undefined) {
      sets.push('banned_at = @banned_at', 'banned_reason = @banned_reason');
      params.banned_at = patch.banned?.at ?? null;
      params.banned_reason = patch.banned?.reason ?? null;
    }
    sets.push('updated_at = @now');
    try {
      const r = this.db.prepare(`UPDATE users SET ${sets.join(', ')} WHERE id = @id RETURNING ${USER_COLUMNS}`).get(params) as UserRow | undefined;
      return r ? rowToUser(r) : null;
    } catch (err) {
      throw duplicateOf(err) ?? err;
    }
  }

  async deleteUser(id: number): Promise<boolean> {
    // Sessions, mailed tokens and API tokens go with the user (ON DELETE CASCADE).
    return this.s.deleteUser.run(id).changes > 0;
  }

  async listUsers(opts: { limit: number; offset: number; query?: string }): Promise<UserPage> {
    const q = opts.query?.trim();
    const where = q ? "WHERE username LIKE @p ESCAPE '\\' OR email LIKE @p ESCAPE '\\'" : '';
    const params = { p: q ? prefixPattern(q) : null, limit: opts.limit, offset: opts.offset };
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM users ${where}`).get(params) as { n: number }).n;
    const rows = this.db.prepare(`SELECT ${USER_COLUMNS} FROM users ${where} ORDER BY username LIMIT @limit OFFSET @offset`)
      .all(params) as UserRow[];
    return { users: rows.map(rowToUser), total };
  }

  async countUsers(role?: Role): Promise<number> {
    const r = (role ? this.s.countRole.get(role) : this.s.countAll.get()) as { n: number };
    return r.n;
  }

  async createSession(x: { tokenHash: string; userId: number; now: Date; expiresAt: Date }): Promise<void> {
    this.s.insertSession.run(x.tokenHash, x.userId, x.now.toISOString(), x.expiresAt.toISOString());
  }

  async sessionUser(tokenHash: string, now: Date): Promise<{ user: User; expiresAt: string } | null> {
    const r = this.s.sessionUser.get(tokenHash, now.toISOString()) as (UserRow & { session_expires: string }) | undefined;
    return r ? { user: rowToUser(r), expiresAt: r.session_expires } : null;
  }

  async extendSession(tokenHash: string, expiresAt: Date): Promise<void> {
    this.s.extendSession.run(expiresAt.toISOString(), tokenHash);
  }

  async deleteSession(tokenHash: string): Promise<void> {
    this.s.deleteSession.run(tokenHash);
  }

  async deleteUserSessions(userId: number, keepTokenHash?: string): Promise<number> {
    return this.s.deleteUserSessions.run(userId, keepTokenHash ?? null).changes;
  }

  async pruneExpired(now: Date): Promise<number> {
    const at = now.toISOString();
    const dayAgo = new Date(now.getTime() - 86_400_000).toISOString();
    return this.db.transaction(() => this.s.pruneSessions.run(at).changes + this.s.pruneTokens.run(at).changes +
      this.s.pruneThrottle.run(dayAgo, at).changes)();
  }

  async createEmailToken(t: { tokenHash: string; userId: number; purpose: EmailTokenPurpose; email: string; now: Date; expiresAt: Date }): Promise<void> {
    this.s.insertEmailToken.run(t.tokenHash, t.userId, t.purpose, t.email, t.now.toISOString(), t.expiresAt.toISOString());
  }

  async spendEmailToken(tokenHash: string, purpose: EmailTokenPurpose, now: Date): Promise<SpentEmailToken | 'expired' | null> {
    const r = this.s.spendEmailToken.get({ hash: tokenHash, purpose, now: now.toISOString() }) as { user_id: number; email: string } | undefined;
    if (r) return { userId: r.user_id, email: r.email };
    const known = this.s.emailToken.get(tokenHash) as { purpose: string; used_at: string | null; expires_at: string } | undefined;
    if (known && known.purpose === purpose && known.used_at === null) return 'expired';
    return null;
  }

  async lastEmailTokenAt(userId: number, purpose: EmailTokenPurpose): Promise<string | null> {
    return (this.s.lastEmailToken.get(userId, purpose) as { at: string | null }).at;
  }

  async voidEmailTokens(userId: number, purpose: EmailTokenPurpose, now: Date): Promise<void> {
    this.s.voidEmailTokens.run(now.toISOString(), userId, purpose);
  }

  async createApiToken(t: { userId: number; name: string; tokenHash: string; prefix: string; now: Date }): Promise<ApiTokenInfo> {
    return rowToToken(this.s.insertApiToken.get(t.userId, t.name, t.tokenHash, t.prefix, t.now.toISOString()) as ApiTokenRow);
  }

  async listApiTokens(userId: number): Promise<ApiTokenInfo[]> {
    return (this.s.listApiTokens.all(userId) as ApiTokenRow[]).map(rowToToken);
  }

  async deleteUserApiTokens(userId: number): Promise<number> {
    return this.s.revokeAllApiTokens.run(userId).changes;
  }

  async revokeApiToken(userId: number, tokenId: number): Promise<boolean> {
    return this.s.revokeApiToken.run(userId, tokenId).changes > 0;
  }

  async apiTokenUser(tokenHash: string, now: Date): Promise<{ user: User; token: ApiTokenInfo } | null> {
    const t = this.s.apiToken.get(tokenHash) as ApiTokenRow | undefined;
    if (!t) return null;
    // "Last used" is for the owner's eyes (settings): to the minute is enough, and spares a write per request.
    if (!t.last_used_at || now.getTime() - Date.parse(t.last_used_at) >= LAST_USED_RESOLUTION_MS) {
      t.last_used_at = now.toISOString();
      this.s.apiTokenUsed.run(t.last_used_at, t.id);
    }
    const user = await this.getUser(t.user_id);
    return user ? { user, token: rowToToken(t) } : null;
  }

  async loginThrottle(key: string): Promise<LoginThrottle | null> {
    const r = this.s.throttle.get(key) as { failures: number; locked_until: string | null } | undefined;
    return r ? { failures: r.failures, lockedUntil: r.locked_until } : null;
  }

  async setLoginThrottle(key: string, t: LoginThrottle, now: Date): Promise<void> {
    this.s.setThrottle.run(key, t.failures, t.lockedUntil, now.toISOString());
  }

  async clearLoginThrottle(key: string): Promise<void> {
    this.s.clearThrottle.run(key);
  }
}
