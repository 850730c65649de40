/**
 * What a username, an address and a password must look like, and who may
 * do what (roles). Pure functions; the messages are the ones the forms show.
 *
 * Non-goals: storage, hashing, HTTP.
 */
import type { Role } from '../store/account-store.js';
import { normalizeEmail } from '../digest/subscriptions.js';

/** Username: 2–30 letters, digits, '-' or '_', starting and ending with a letter or digit (safe in URLs and mentions). */
const USERNAME = /^[A-Za-z0-9](?:[A-Za-z0-9_-]{0,28}[A-Za-z0-9])?$/;

/** Names that would read as the site speaking, or collide with paths under /users/. */
const RESERVED = new Set(['admin', 'administrator', 'moderator', 'paperboy', 'root', 'system', 'support', 'deleted', 'anonymous', 'me', 'settings', 'api']);

/**
 * Password length bounds. Minimum 8 (NIST SP 800-63B's floor for
 * user-chosen passwords; length, not composition rules, is what resists
 * guessing). Maximum 1024: passphrases fit, and a megabyte "password" cannot
 * make the server hash a megabyte.
 */
export const MIN_PASSWORD = 8;
export const MAX_PASSWORD = 1024;

export type Checked<T> = { ok: true; value: T } | { ok: false; message: string };

/** `allowReserved`: the operator (CLI) may take a reserved name such as "admin" for the site's own account. */
export function checkUsername(raw: unknown, opts: { allowReserved?: boolean } = {}): Checked<string> {
  const s = typeof raw === 'string' ? raw.trim() : '';
  if (s.length < 2 || s.length > 30) return { ok: false, message: 'Choose a username of 2 to 30 characters.' };
  if (!USERNAME.test(s)) return { ok: false, message: 'A username may hold letters, digits, "-" and "_", and starts and ends with a letter or digit.' };
  if (!opts.allowReserved && RESERVED.has(s.toLowerCase())) return { ok: false, message: `"${s}" is reserved; choose another username.` };
  return { ok: true, value: s };
}

export function checkEmail(raw: unknown): Checked<string> {
  const s = typeof raw === 'string' ? normalizeEmail(raw) : null;
  return s ? { ok: true, value: s } : { ok: false, message: 'Enter an email address such as you@example.org.' };
}

export function checkPassword(raw: unknown, others: string[] = []): Checked<string> {
  if (typeof raw !== 'string' || raw.length === 0) return { ok: false, message: 'Enter a password.' };
  const length = [...raw].length;
  if (length < MIN_PASSWORD) return { ok: false, message: `Use a password of at least ${MIN_PASSWORD} characters.` };
  if (length > MAX_PASSWORD) return { ok: false, message: `Use a password of at most ${MAX_PASSWORD} characters.` };
  if (others.some((o) => o && o.toLowerCase() === raw.toLowerCase())) return { ok: false, message: 'Your password must not be your username or address.' };
  return { ok: true, value: raw };
}

/** Moderators and admins may hide anyone's content. */
export function canModerate(role: Role): boolean {
  return role === 'moderator' || role === 'admin';
}

export function isAdmin(role: Role): boolean {
  return role === 'admin';
}
