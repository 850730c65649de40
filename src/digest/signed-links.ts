/**
 * Signed links for confirm / manage / unsubscribe: `purpose.id.expiry.sig`,
 * where sig = HMAC-SHA256(config.secret, purpose.id.expiry.email) in base64url.
 *
 * Goals: links that work without an account or a session, cannot be forged
 * or moved to another purpose or address (the email is signed but not in the
 * token, so a token leaks nothing and dies if the row is re-used), and expire
 * when they should (confirmation: 48 h; manage and unsubscribe never, RFC
 * 8058 expects the unsubscribe URL in an old mail to keep working).
 * Non-goals: revocation lists (changing PAPERBOY_SECRET revokes every link).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type LinkPurpose = 'confirm' | 'manage' | 'unsubscribe';

/** How long a confirmation link works: 48 h covers a weekend away from the inbox. */
export const CONFIRM_TTL_MS = 48 * 3_600_000;

const PURPOSE_CODE: Record<LinkPurpose, string> = { confirm: 'c', manage: 'm', unsubscribe: 'u' };

function sign(secret: string, body: string, email: string): string {
  return createHmac('sha256', secret).update(`${body}.${email.toLowerCase()}`).digest('base64url');
}

/** A token for `purpose` on subscription `id` (whose address is `email`); expiresAt null = never. */
export function signLink(secret: string, purpose: LinkPurpose, id: number, email: string, expiresAt: Date | null): string {
  const exp = expiresAt ? Math.floor(expiresAt.getTime() / 1000).toString(36) : '0';
  const body = `${PURPOSE_CODE[purpose]}.${id.toString(36)}.${exp}`;
  return `${body}.${sign(secret, body, email)}`;
}

/** The subscription id a token names, before the signature is checked (the caller loads the row, then calls verifyLink). */
export function peekLink(token: string, purpose: LinkPurpose): number | null {
  const m = /^([cmu])\.([0-9a-z]{1,12})\.([0-9a-z]{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m || m[1] !== PURPOSE_CODE[purpose]) return null;
  const id = parseInt(m[2], 36);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

export type LinkCheck = 'ok' | 'invalid' | 'expired';

/** Checks signature (constant time), purpose, address and expiry. */
export function verifyLink(secret: string, token: string, purpose: LinkPurpose, email: string, now: Date): LinkCheck {
  if (peekLink(token, purpose) === null) return 'invalid';
  const cut = token.lastIndexOf('.');
  const body = token.slice(0, cut);
  const given = Buffer.from(token.slice(cut + 1));
  const want = Buffer.from(sign(secret, body, email));
  if (given.length !== want.length || !timingSafeEqual(given, want)) return 'invalid';
  const exp = parseInt(body.split('.')[2], 36);
  if (exp !== 0 && now.getTime() > exp * 1000) return 'expired';
  return 'ok';
}

/** The absolute URLs a mail carries, built on config.publicUrl. */
export function subscriptionLinks(publicUrl: string, secret: string, sub: { id: number; email: string }) {
  const q = (purpose: LinkPurpose) => encodeURIComponent(signLink(secret, purpose, sub.id, sub.email, null));
  return {
    manage: `${publicUrl}/subscribe/manage?token=${q('manage')}`,
    unsubscribe: `${publicUrl}/unsubscribe?token=${q('unsubscribe')}`,
  };
}

export function confirmUrl(publicUrl: string, secret: string, sub: { id: number; email: string }, now: Date): string {
  const token = signLink(secret, 'confirm', sub.id, sub.email, new Date(now.getTime() + CONFIRM_TTL_MS));
  return `${publicUrl}/subscribe/confirm?token=${encodeURIComponent(token)}`;
}
