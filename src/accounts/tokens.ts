/**
 * Secrets handed to users — session cookies, mailed links, personal API
 * tokens — and the digests the database keeps instead of them.
 *
 * Goals: 256 random bits per secret (guessing is hopeless, so a fast
 * digest suffices: SHA-256, no salt or stretching needed, unlike passwords);
 * API tokens carry a `pb_` prefix so they are recognisable in a leaked
 * config and so a Hugging Face token a client sends along is told apart
 * without a lookup. Non-goals: storage (store/account-store.ts).
 */
import { createHash, randomBytes } from 'node:crypto';

/** Random bytes per secret: 32 (256 bits). */
const SECRET_BYTES = 32;

/** The prefix of personal API tokens. */
export const API_TOKEN_PREFIX = 'pb_';

/** Characters of an API token shown in settings to tell tokens apart: the prefix and 6 of its 43 random characters. */
const SHOWN_CHARS = API_TOKEN_PREFIX.length + 6;

export function newSecret(): string {
  return randomBytes(SECRET_BYTES).toString('base64url');
}

/** The digest stored for a secret (hex SHA-256). */
export function digestSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** A well-formed secret (what newSecret makes): refuses junk before any lookup. */
export function isSecretShape(s: unknown): s is string {
  return typeof s === 'string' && /^[A-Za-z0-9_-]{43}$/.test(s);
}

export function newApiToken(): { token: string; prefix: string } {
  const token = API_TOKEN_PREFIX + newSecret();
  return { token, prefix: token.slice(0, SHOWN_CHARS) };
}

export function isApiTokenShape(s: string): boolean {
  return s.startsWith(API_TOKEN_PREFIX) && isSecretShape(s.slice(API_TOKEN_PREFIX.length));
}
