/**
 * The AccountStore: users, their sessions, the single-use tokens mailed to
 * them (email verification, password reset, email change), their personal
 * API tokens, their role, and the login back-off counters — a role of its own
 * beside the Store (same database, separate interface).
 *
 * Goals: the store keeps only what cannot be abused when the database leaks —
 * password hashes (never passwords), SHA-256 digests of session, mail and API
 * tokens (never the tokens) — and makes single use a database fact (a mailed
 * token is spent by one conditional UPDATE). Usernames and addresses are
 * unique regardless of case. Non-goals: the rules (accounts/: password
 * hashing, who may do what, mails), HTTP (web/auth/).
 */

/** What a user may do beyond their own content: moderators hide anyone's comments; admins also manage users. */
export type Role = 'user' | 'moderator' | 'admin';

export const ROLES: readonly Role[] = ['user', 'moderator', 'admin'];

export interface User {
  id: number;
  /** The handle shown on the site and in URLs; unique in any case. */
  username: string;
  /** Unique in any case. */
  email: string;
  role: Role;
  /** When the address was proven by following a mailed link; null until then. */
  emailVerifiedAt: string | null;
  createdAt: string;
  /** Whether their profile lists the papers they upvoted (private by default). */
  publicVotes: boolean;
  /** Set while an admin bars them (no login, no writes), with the admin's reason. */
  banned: { at: string; reason: string } | null;
}

export interface NewUser {
  username: string;
  email: string;
  passwordHash: string;
  role?: Role;
  /** Mark the address verified at creation (the CLI's first admin). */
  emailVerified?: boolean;
  now: Date;
}

export type UserPatch = Partial<{
  email: string;
  passwordHash: string;
  role: Role;
  emailVerifiedAt: string | null;
  publicVotes: boolean;
  /** A ban (null lifts it). */
  banned: { at: string; reason: string } | null;
}>;

/** Thrown by createUser/updateUser when a username or address is taken (the field says which). */
export class DuplicateAccountError extends Error {
  constructor(readonly field: 'username' | 'email') {
    super(`${field} already taken`);
  }
}

/** What a mailed token is for; 'notice' rows carry no link and only record when a notice went out (throttling). */
export type EmailTokenPurpose = 'verify' | 'reset' | 'email_change' | 'notice';

/** A spent mailed token: whose it was and the address it was sent to. */
export interface SpentEmailToken {
  userId: number;
  email: string;
}

export interface ApiTokenInfo {
  id: number;
  userId: number;
  /** The owner's label ("laptop script"). */
  name: string;
  /** The first characters of the token, to tell tokens apart in settings (not enough to use one). */
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
}

/** Consecutive failed logins for one login name (known or not), and until when it is locked. */
export interface LoginThrottle {
  failures: number;
  lockedUntil: string | null;
}

export interface UserPage {
  users: User[];
  total: number;
}

export interface AccountStore {
  /** Throws DuplicateAccountError when the username or address is taken. */
  createUser(u: NewUser): Promise<User>;
  getUser(id: number): Promise<User | null>;
  /** By username, in any case. */
  getUserByUsername(username: string): Promise<User | null>;
  /** By address, in any case. */
  getUserByEmail(email: string): Promise<User | null>;
  /** The stored password hash, or null for an unknown user. */
  passwordHash(userId: number): Promise<string | null>;
  /** Throws DuplicateAccountError when a new address is taken; returns the updated user (null when gone). */
  updateUser(id: number, patch: UserPatch, now: Date): Promise<User | null>;
  /** Deletes the user with their sessions, tokens and API tokens. Returns whether a user was deleted. */
  deleteUser(id: number): Promise<boolean>;
  /** Users ordered by username (admin page); `query` matches the start of a username or address. */
  listUsers(opts: { limit: number; offset: number; query?: string }): Promise<UserPage>;
  countUsers(role?: Role): Promise<number>;

  /** A session under the digest of its token. */
  createSession(s: { tokenHash: string; userId: number; now: Date; expiresAt: Date }): Promise<void>;
  /** The user of a session that has not expired, with the session's expiry. */
  sessionUser(tokenHash: string, now: Date): Promise<{ user: User; expiresAt: string } | null>;
  /** Moves a live session's expiry (sliding sessions). */
  extendSession(tokenHash: string, expiresAt: Date): Promise<void>;
  deleteSession(tokenHash: string): Promise<void>;
  /** Ends every session of a user, except the one under `keepTokenHash`. Returns how many ended. */
  deleteUserSessions(userId: number, keepTokenHash?: string): Promise<number>;
  /** Revokes every API token of a user (a ban). Returns how many. */
  deleteUserApiTokens(userId: number): Promise<number>;
  /** Removes expired sessions, spent or expired mailed tokens, and login counters idle for a day; returns rows removed. */
  pruneExpired(now: Date): Promise<number>;

  createEmailToken(t: { tokenHash: string; userId: number; purpose: EmailTokenPurpose; email: string; now: Date; expiresAt: Date }): Promise<void>;
  /**
   * Spends a mailed token: exactly one caller gets it, once, before it
   * expires. 'expired' for a known token past its expiry; null for an
   * unknown, spent or other-purpose token.
   */
  spendEmailToken(tokenHash: string, purpose: EmailTokenPurpose, now: Date): Promise<SpentEmailToken | 'expired' | null>;
  /** When the newest token of this purpose was made for the user (throttles mails), or null. */
  lastEmailTokenAt(userId: number, purpose: EmailTokenPurpose): Promise<string | null>;
  /** Spends every outstanding token of a purpose (a password change voids older reset links). */
  voidEmailTokens(userId: number, purpose: EmailTokenPurpose, now: Date): Promise<void>;

  createApiToken(t: { userId: number; name: string; tokenHash: string; prefix: string; now: Date }): Promise<ApiTokenInfo>;
  listApiTokens(userId: number): Promise<ApiTokenInfo[]>;
  /** Revokes (deletes) one of the user's tokens; false when the user has no such token. */
  revokeApiToken(userId: number, tokenId: number): Promise<boolean>;
  /** The owner of an API token by its digest, recording the use. */
  apiTokenUser(tokenHash: string, now: Date): Promise<{ user: User; token: ApiTokenInfo } | null>;

  loginThrottle(key: string): Promise<LoginThrottle | null>;
  setLoginThrottle(key: string, t: LoginThrottle, now: Date): Promise<void>;
  clearLoginThrottle(key: string): Promise<void>;
}
