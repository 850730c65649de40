/**
 * Accounts: sign up, verify the address by a mailed link, log in and out,
 * reset a forgotten password by mail, change address or password, delete the
 * account, personal API tokens, roles.
 *
 * Goals: no account enumeration — sign-up with a taken address, a reset for
 * an unknown address and a login with an unknown name answer exactly like
 * their counterparts (the owner of a taken address gets a mail instead), and
 * a login with an unknown name costs one scrypt like any other; back-off on
 * repeated failed logins per login name, known or not; every mailed link is
 * single-use and expires; a password change or reset ends the other
 * sessions; sessions and tokens live in the database as digests.
 * Non-goals: HTTP, cookies and forms (web/auth/), storage (store/).
 */
import type { AccountStore, ApiTokenInfo, EmailTokenPurpose, Role, User } from '../store/account-store.js';
import { DuplicateAccountError } from '../store/account-store.js';
import type { OutgoingMail } from '../digest/smtp.js';
import { DEFAULT_SCRYPT, dummyHash, hashPassword, needsRehash, verifyPassword, type ScryptParams } from './passwords.js';
import { digestSecret, isApiTokenShape, isSecretShape, newApiToken, newSecret } from './tokens.js';
import { addressInUseMail, emailChangeMail, resetMail, verifyMail } from './account-mail.js';
import { checkEmail, checkPassword, checkUsername, isAdmin } from './rules.js';

/** A session lasts 30 days from its last use (sliding): a weekly reader stays logged in, a lost laptop's session dies within a month. */
export const SESSION_TTL_MS = 30 * 86_400_000;
/** A session's expiry is pushed forward at most once a day (one write per session per day, not per request). */
export const SESSION_REFRESH_MS = 86_400_000;
/** Verification and email-change links work 48 hours: a weekend away from the inbox. */
export const VERIFY_TTL_MS = 48 * 3_600_000;
/** Reset links work 1 hour: long enough to read the mail, short enough that an old mailbox copy is useless. */
export const RESET_TTL_MS = 3_600_000;
/**
 * Least time between two mails of one kind to one account. Default 2 min;
 * sane range 1–10 min. Someone who lost the first mail can ask again soon; a
 * stranger cannot flood an inbox through the reset or resend forms.
 */
export const MAIL_INTERVAL_MS = 2 * 60_000;
/**
 * Failed logins for one login name before back-off starts. Default 5; sane
 * range 3–10. Enough for typos and a forgotten password or two; from then on
 * each failure locks the name for LOCK_BASE_MS × 2^(failures − 5), at most
 * LOCK_MAX_MS, which caps online guessing at a few hundred tries a day while
 * the owner, locked out by a stranger, waits at most 15 minutes (or resets).
 */
export const FREE_LOGIN_FAILURES = 5;
export const LOCK_BASE_MS = 30_000;
export const LOCK_MAX_MS = 15 * 60_000;
/** Longest API token label. */
export const MAX_TOKEN_NAME = 80;
/** API tokens per user: plenty for scripts and machines, a bound on a runaway loop. */
export const MAX_API_TOKENS = 50;

export interface AccountServiceDeps {
  accounts: AccountStore;
  /** Sends a mail without waiting (web: NoticeQueue.push; errors are logged there). */
  send: (mail: OutgoingMail) => void;
  publicUrl: string;
  now: () => Date;
  /** scrypt cost of new hashes (default DEFAULT_SCRYPT). */
  scrypt?: ScryptParams;
  /**
   * Called once a user proved their address (verification, reset, email
   * change): the web app links the digest subscription of that address to
   * them (SubscriptionStore.linkVerifiedAddress).
   */
  addressVerified?: (user: User) => Promise<void>;
}

export type Fail<F extends string = string> = { ok: false; field?: F; message: string };
export type LinkFail = { ok: false; reason: 'invalid' | 'expired' };

export type LoginResult =
  | { ok: true; user: User }
  | { ok: false; reason: 'invalid' }
  /** Right password, but an admin barred the account (said only to someone who knows the password). */
  | { ok: false; reason: 'banned'; why: string }
  | { ok: false; reason: 'locked'; retryAfterS: number };

export class AccountService {
  private readonly accounts: AccountStore;
  private readonly prm: ScryptParams;
  private dummy: Promise<string> | null = null;

  constructor(private readonly deps: AccountServiceDeps) {
    this.accounts = deps.accounts;
    this.prm = deps.scrypt ?? DEFAULT_SCRYPT;
  }

  private link(path: string, token: string): string {
    return `${this.deps.publicUrl}${path}?token=${encodeURIComponent(token)}`;
  }

  /** A new mailed token of `purpose` for the user, or null when one was mailed within MAIL_INTERVAL_MS. */
  private async mailToken(user: User, purpose: EmailTokenPurpose, email: string, ttlMs: number, throttle: boolean): Promise<string | null> {
    const now = this.deps.now();
    if (throttle) {
      const last = await this.accounts.lastEmailTokenAt(user.id, purpose);
      if (last && now.getTime() - Date.parse(last) < MAIL_INTERVAL_MS) return null;
    }
    const token = newSecret();
    await this.accounts.createEmailToken({ tokenHash: digestSecret(token), userId: user.id, purpose, email, now, expiresAt: new Date(now.getTime() + ttlMs) });
    return token;
  }

  private async sendVerification(user: User, throttle: boolean): Promise<boolean> {
    const token = await this.mailToken(user, 'verify', user.email, VERIFY_TTL_MS, throttle);
    if (!token) return false;
    this.deps.send(verifyMail(user.email, user.username, this.deps.publicUrl, this.link('/verify', token), VERIFY_TTL_MS));
    return true;
  }

  /**
   * Creates an account and mails a verification link. A taken username is
   * said (usernames are public); a taken address is not: its owner is mailed
   * instead, and the caller answers "check your inbox" either way.
   */
  async signUp(input: { username: unknown; email: unknown; password: unknown }): Promise<{ ok: true; email: string } | Fail<'username' | 'email' | 'password'>> {
    const username = checkUsername(input.username);
    if (!username.ok) return { ok: false, field: 'username', message: username.message };
    const email = checkEmail(input.email);
    if (!email.ok) return { ok: false, field: 'email', message: email.message };
    const password = checkPassword(input.password, [username.value, email.value]);
    if (!password.ok) return { ok: false, field: 'password', message: password.message };
    if (await this.accounts.getUserByUsername(username.value)) {
      return { ok: false, field: 'username', message: `The username "${username.value}" is taken; choose another.` };
    }
    const taken = await this.accounts.getUserByEmail(email.value);
    if (taken) {
      // Same work as a real sign-up (one hash), so the answer's timing tells nothing either.
      await hashPassword(password.value, this.prm);
      await this.mailAddressInUse(taken);
      return { ok: true, email: email.value };
    }
    const passwordHash = await hashPassword(password.value, this.prm);
    let user: User;
    try {
      user = await this.accounts.createUser({ username: username.value, email: email.value, passwordHash, now: this.deps.now() });
    } catch (err) {
      if (!(err instanceof DuplicateAccountError)) throw err;
      // Lost a race with another sign-up of the same name or address.
      if (err.field === 'username') return { ok: false, field: 'username', message: `The username "${username.value}" is taken; choose another.` };
      return { ok: true, email: email.value };
    }
    await this.sendVerification(user, false);
    return { ok: true, email: email.value };
  }

  private async mailAddressInUse(user: User): Promise<void> {
    // It carries no link; its (already expired) token row only records when it went out, to throttle repeats.
    const token = await this.mailToken(user, 'notice', user.email, 0, true);
    if (token === null) return;
    this.deps.send(addressInUseMail(user.email, this.deps.publicUrl, `${this.deps.publicUrl}/reset`));
  }

  /** Follows a verification link. */
  async verifyEmail(token: unknown): Promise<{ ok: true; user: User } | LinkFail> {
    if (!isSecretShape(token)) return { ok: false, reason: 'invalid' };
    const now = this.deps.now();
    const spent = await this.accounts.spendEmailToken(digestSecret(token), 'verify', now);
    if (spent === null || spent === 'expired') return { ok: false, reason: spent === 'expired' ? 'expired' : 'invalid' };
    const user = await this.accounts.getUser(spent.userId);
    // The link proves the address it was sent to; a changed address since needs its own proof.
    if (!user || user.email.toLowerCase() !== spent.email.toLowerCase()) return { ok: false, reason: 'invalid' };
    const updated = user.emailVerifiedAt ? user : await this.accounts.updateUser(user.id, { emailVerifiedAt: now.toISOString() }, now);
    await this.deps.addressVerified?.(updated ?? user);
    return { ok: true, user: updated ?? user };
  }

  /** Mails a fresh verification link (settings); false when one went out within MAIL_INTERVAL_MS. */
  async resendVerification(user: User): Promise<boolean> {
    if (user.emailVerifiedAt) return false;
    return this.sendVerification(user, true);
  }

  private throttleKey(login: string): string {
    return login.trim().toLowerCase().slice(0, 300);
  }

  /** Checks a login (username or address) and password, with back-off per login name. */
  async logIn(login: unknown, password: unknown): Promise<LoginResult> {
    const name = typeof login === 'string' ? login.trim() : '';
    const pass = typeof password === 'string' ? password : '';
    const now = this.deps.now();
    const key = this.throttleKey(name);
    const throttle = await this.accounts.loginThrottle(key);
    if (throttle?.lockedUntil && Date.parse(throttle.lockedUntil) > now.getTime()) {
      return { ok: false, reason: 'locked', retryAfterS: Math.ceil((Date.parse(throttle.lockedUntil) - now.getTime()) / 1000) };
    }
    const user = name.includes('@') ? await this.accounts.getUserByEmail(name) : await this.accounts.getUserByUsername(name);
    const stored = user ? await this.accounts.passwordHash(user.id) : null;
    // Unknown name: verify against a dummy so the answer takes as long as for a real account.
    const good = pass.length > 0 && pass.length <= 4 * 1024 && await verifyPassword(pass, stored ?? await this.dummyHash());
    if (!user || !stored || !good) {
      const failures = (throttle?.failures ?? 0) + 1;
      const over = failures - FREE_LOGIN_FAILURES;
      const lockedUntil = over >= 0 ? new Date(now.getTime() + Math.min(LOCK_MAX_MS, LOCK_BASE_MS * 2 ** Math.min(over, 20))).toISOString() : null;
      await this.accounts.setLoginThrottle(key, { failures, lockedUntil }, now);
      return { ok: false, reason: 'invalid' };
    }
    if (throttle) await this.accounts.clearLoginThrottle(key);
    if (user.banned) return { ok: false, reason: 'banned', why: user.banned.reason };
    if (needsRehash(stored, this.prm)) {
      await this.accounts.updateUser(user.id, { passwordHash: await hashPassword(pass, this.prm) }, now);
    }
    return { ok: true, user };
  }

  private dummyHash(): Promise<string> {
    this.dummy ??= dummyHash(this.prm);
    return this.dummy;
  }

  /** A new session for the user; returns the secret for the cookie. */
  async startSession(userId: number): Promise<string> {
    const token = newSecret();
    const now = this.deps.now();
    await this.accounts.createSession({ tokenHash: digestSecret(token), userId, now, expiresAt: new Date(now.getTime() + SESSION_TTL_MS) });
    return token;
  }

  /** The user of a session cookie value, pushing the session's expiry forward at most once a day. */
  async sessionUser(token: unknown): Promise<{ user: User; tokenHash: string } | null> {
    if (!isSecretShape(token)) return null;
    const tokenHash = digestSecret(token);
    const now = this.deps.now();
    const s = await this.accounts.sessionUser(tokenHash, now);
    if (!s || s.user.banned) return null;
    if (Date.parse(s.expiresAt) - now.getTime() < SESSION_TTL_MS - SESSION_REFRESH_MS) {
      await this.accounts.extendSession(tokenHash, new Date(now.getTime() + SESSION_TTL_MS));
    }
    return { user: s.user, tokenHash };
  }

  async endSession(token: unknown): Promise<void> {
    if (isSecretShape(token)) await this.accounts.deleteSession(digestSecret(token));
  }

  /** Mails a reset link when an account has this address; says nothing either way. */
  async requestPasswordReset(email: unknown): Promise<void> {
    const e = checkEmail(email);
    if (!e.ok) return;
    const user = await this.accounts.getUserByEmail(e.value);
    if (!user) return;
    const token = await this.mailToken(user, 'reset', user.email, RESET_TTL_MS, true);
    if (token) this.deps.send(resetMail(user.email, user.username, this.deps.publicUrl, this.link('/reset/password', token), RESET_TTL_MS));
  }

  /**
   * Sets a new password through a reset link: spends the link, voids other
   * reset links, ends every session, and marks the address verified (the
   * link proved it). A password refused after the link was spent comes back
   * with a fresh link for the form (`token`), so the owner can try again.
   */
  async resetPassword(token: unknown, password: unknown): Promise<{ ok: true; user: User } | LinkFail | (Fail<'password'> & { token?: string })> {
    if (!isSecretShape(token)) return { ok: false, reason: 'invalid' };
    const basic = checkPassword(password);
    if (!basic.ok) return { ok: false, field: 'password', message: basic.message };
    const now = this.deps.now();
    const spent = await this.accounts.spendEmailToken(digestSecret(token), 'reset', now);
    if (spent === null || spent === 'expired') return { ok: false, reason: spent === 'expired' ? 'expired' : 'invalid' };
    const user = await this.accounts.getUser(spent.userId);
    if (!user || user.email.toLowerCase() !== spent.email.toLowerCase()) return { ok: false, reason: 'invalid' };
    const c = checkPassword(password, [user.username, user.email]);
    if (!c.ok) {
      const again = await this.mailToken(user, 'reset', user.email, RESET_TTL_MS, false);
      return { ok: false, field: 'password', message: c.message, token: again ?? undefined };
    }
    const updated = await this.accounts.updateUser(user.id, {
      passwordHash: await hashPassword(c.value, this.prm),
      ...(user.emailVerifiedAt ? {} : { emailVerifiedAt: now.toISOString() }),
    }, now);
    await this.accounts.voidEmailTokens(user.id, 'reset', now);
    await this.accounts.deleteUserSessions(user.id);
    await this.accounts.clearLoginThrottle(this.throttleKey(user.username));
    await this.accounts.clearLoginThrottle(this.throttleKey(user.email));
    await this.deps.addressVerified?.(updated ?? user);
    return { ok: true, user: updated ?? user };
  }

  private async passwordMatches(user: User, password: unknown): Promise<boolean> {
    const stored = await this.accounts.passwordHash(user.id);
    return typeof password === 'string' && password.length > 0 && password.length <= 4096 && !!stored && verifyPassword(password, stored);
  }

  /** Changes the password (current one required) and ends every other session. */
  async changePassword(user: User, current: unknown, next: unknown, keepSessionHash: string | null): Promise<{ ok: true } | Fail<'current' | 'password'>> {
    if (!(await this.passwordMatches(user, current))) return { ok: false, field: 'current', message: 'Your current password is not right.' };
    const c = checkPassword(next, [user.username, user.email]);
    if (!c.ok) return { ok: false, field: 'password', message: c.message };
    const now = this.deps.now();
    await this.accounts.updateUser(user.id, { passwordHash: await hashPassword(c.value, this.prm) }, now);
    await this.accounts.voidEmailTokens(user.id, 'reset', now);
    await this.accounts.deleteUserSessions(user.id, keepSessionHash ?? undefined);
    return { ok: true };
  }

  /** Mails a confirmation link to a new address (current password required); the address changes when it is followed. */
  async requestEmailChange(user: User, password: unknown, newEmail: unknown): Promise<{ ok: true; email: string } | Fail<'current' | 'email'>> {
    if (!(await this.passwordMatches(user, password))) return { ok: false, field: 'current', message: 'Your current password is not right.' };
    const e = checkEmail(newEmail);
    if (!e.ok) return { ok: false, field: 'email', message: e.message };
    if (e.value.toLowerCase() === user.email.toLowerCase()) return { ok: false, field: 'email', message: 'That is already your address.' };
    // A taken address is not revealed here either: the link would fail at confirmation, and its owner learns nothing new.
    if (!(await this.accounts.getUserByEmail(e.value))) {
      const token = await this.mailToken(user, 'email_change', e.value, VERIFY_TTL_MS, false);
      if (token) this.deps.send(emailChangeMail(e.value, user.username, this.deps.publicUrl, this.link('/settings/email/confirm', token), VERIFY_TTL_MS));
    }
    return { ok: true, email: e.value };
  }

  /** Follows an email-change link: the account takes the new, now verified, address. */
  async confirmEmailChange(token: unknown): Promise<{ ok: true; user: User } | LinkFail | { ok: false; reason: 'taken' }> {
    if (!isSecretShape(token)) return { ok: false, reason: 'invalid' };
    const now = this.deps.now();
    const spent = await this.accounts.spendEmailToken(digestSecret(token), 'email_change', now);
    if (spent === null || spent === 'expired') return { ok: false, reason: spent === 'expired' ? 'expired' : 'invalid' };
    try {
      const user = await this.accounts.updateUser(spent.userId, { email: spent.email, emailVerifiedAt: now.toISOString() }, now);
      if (!user) return { ok: false, reason: 'invalid' };
      // Links mailed to the old address no longer prove anything.
      await this.accounts.voidEmailTokens(user.id, 'verify', now);
      await this.accounts.voidEmailTokens(user.id, 'reset', now);
      await this.deps.addressVerified?.(user);
      return { ok: true, user };
    } catch (err) {
      if (err instanceof DuplicateAccountError) return { ok: false, reason: 'taken' };
      throw err;
    }
  }

  /** Deletes the account (current password required). */
  async deleteAccount(user: User, password: unknown): Promise<{ ok: true } | Fail<'current'>> {
    if (!(await this.passwordMatches(user, password))) return { ok: false, field: 'current', message: 'Your current password is not right.' };
    await this.accounts.deleteUser(user.id);
    return { ok: true };
  }

  /** A new personal API token; the token itself is returned once and never stored. */
  async createApiToken(user: User, name: unknown): Promise<{ ok: true; token: string; info: ApiTokenInfo } | Fail<'name'>> {
    const label = typeof name === 'string' ? name.trim() : '';
    if (!label) return { ok: false, field: 'name', message: 'Give the token a name, such as "laptop script".' };
    if ([...label].length > MAX_TOKEN_NAME) return { ok: false, field: 'name', message: `A token name is at most ${MAX_TOKEN_NAME} characters.` };
    if ((await this.accounts.listApiTokens(user.id)).length >= MAX_API_TOKENS) {
      return { ok: false, field: 'name', message: `You have ${MAX_API_TOKENS} tokens; revoke one first.` };
    }
    const { token, prefix } = newApiToken();
    const info = await this.accounts.createApiToken({ userId: user.id, name: label, tokenHash: digestSecret(token), prefix, now: this.deps.now() });
    return { ok: true, token, info };
  }

  /** The owner of a Bearer token, or null for anything that is not a live paperboy token. */
  async apiTokenUser(token: string): Promise<User | null> {
    if (!isApiTokenShape(token)) return null;
    const r = await this.accounts.apiTokenUser(digestSecret(token), this.deps.now());
    return r && !r.user.banned ? r.user : null;
  }

  /** An admin gives a user a role. Admins cannot change their own role (the site must keep an admin). */
  async setRole(actor: User, targetId: number, role: Role): Promise<{ ok: true; user: User } | Fail> {
    if (!isAdmin(actor.role)) return { ok: false, message: 'Only admins grant roles.' };
    if (actor.id === targetId) return { ok: false, message: 'You cannot change your own role; ask another admin.' };
    const user = await this.accounts.updateUser(targetId, { role }, this.deps.now());
    return user ? { ok: true, user } : { ok: false, message: 'No such user.' };
  }

  /**
   * An admin bans a user (a reason is required) or lifts the ban (`reason`
   * null). A ban ends the user's sessions and revokes their API tokens, so it
   * takes effect at once; their content stays (moderators hide what needs
   * hiding). Admins are not banned (demote first), nor oneself.
   */
  async setBan(actor: User, targetId: number, reason: string | null): Promise<{ ok: true; user: User } | Fail> {
    if (!isAdmin(actor.role)) return { ok: false, message: 'Only admins ban users.' };
    if (actor.id === targetId) return { ok: false, message: 'You cannot ban yourself.' };
    const target = await this.accounts.getUser(targetId);
    if (!target) return { ok: false, message: 'No such user.' };
    if (reason !== null && target.role === 'admin') return { ok: false, message: `${target.username} is an admin: make them a user first.` };
    const now = this.deps.now();
    const user = await this.accounts.updateUser(targetId, { banned: reason === null ? null : { at: now.toISOString(), reason } }, now);
    if (reason !== null) {
      await this.accounts.deleteUserSessions(targetId);
      await this.accounts.deleteUserApiTokens(targetId);
    }
    return user ? { ok: true, user } : { ok: false, message: 'No such user.' };
  }

  /**
   * Creates a user from the command line (`paperboy user create`): the
   * address counts as verified (the operator vouches for it).
   */
  async createUserDirectly(input: { username: unknown; email: unknown; password: unknown; role: Role }): Promise<{ ok: true; user: User } | Fail> {
    const username = checkUsername(input.username, { allowReserved: true });
    if (!username.ok) return { ok: false, field: 'username', message: username.message };
    const email = checkEmail(input.email);
    if (!email.ok) return { ok: false, field: 'email', message: email.message };
    const password = checkPassword(input.password, [username.value, email.value]);
    if (!password.ok) return { ok: false, field: 'password', message: password.message };
    try {
      const user = await this.accounts.createUser({
        username: username.value, email: email.value, passwordHash: await hashPassword(password.value, this.prm),
        role: input.role, emailVerified: true, now: this.deps.now(),
      });
      return { ok: true, user };
    } catch (err) {
      if (err instanceof DuplicateAccountError) return { ok: false, field: err.field, message: `That ${err.field} is taken.` };
      throw err;
    }
  }
}
