/**
 * Subscribing, confirming, managing and unsubscribing: the rules behind the
 * HTML forms and the JSON API.
 *
 * Goals: double opt-in (nothing is sent to an address before it follows the
 * signed confirmation link); subscribing again is harmless and reveals
 * nothing (the caller always gets the same answer; the owner of the address
 * gets either a new confirmation or an "already subscribed" mail with a manage
 * link, at most one per NOTICE_INTERVAL_MS); an active subscription's
 * preferences only change through its signed manage link.
 *
 * Linking to accounts: a subscription a signed-in user requests for their
 * own account's address is linked to them when it is created or restarts
 * double opt-in (another address is not: the digest of a linked subscription
 * names papers its account upvoted and saved, which may be private); one whose
 * address an account has proven (a verified account address) belongs to that
 * account — at confirmation, at a signed-in request, and when the account
 * proves the address later (AccountServiceDeps.addressVerified). A linked
 * subscriber's digest adds "For you" and their followed organizations
 * (personal.ts); a stranger signed in cannot take over a confirmed
 * subscription of someone else's address. Non-goals: HTTP
 * (web/subscriptions/), digests (outbox.ts).
 */
import type { Frequency, Subscription, SubscriptionStore, Topics } from '../store/subscription-store.js';
import type { Mailer, OutgoingMail } from './smtp.js';
import { confirmUrl, peekLink, subscriptionLinks, verifyLink, type LinkPurpose } from './signed-links.js';
import { alreadySubscribedMail, confirmationMail } from './notice-mail.js';

/**
 * Least time between two notices to one address. Default 10 min; sane range
 * 1–60 min. Stops a stranger from flooding an inbox through the subscribe form
 * while letting a person who lost the first mail ask again soon.
 */
export const NOTICE_INTERVAL_MS = 10 * 60_000;

/** Longest address accepted (RFC 5321 path limit). */
export const MAX_EMAIL_LENGTH = 254;

export interface SubscriptionServiceDeps {
  subs: SubscriptionStore;
  mailer: Mailer;
  config: { publicUrl: string; secret: string };
  now: () => Date;
  log?: (line: string) => void;
  /** The account that has proven this address (a verified account address), if any. */
  verifiedOwner?: (email: string) => Promise<number | null>;
}

/** The signed-in user making a request: their id, address, and whether they proved it. */
export interface Requester {
  id: number;
  email: string;
  emailVerified: boolean;
}

function isOwnAddress(who: Requester | null | undefined, email: string): who is Requester {
  return !!who && who.email.toLowerCase() === email.toLowerCase();
}

function ownsAddress(who: Requester | null | undefined, email: string): who is Requester {
  return isOwnAddress(who, email) && who.emailVerified;
}

const EMAIL = /^[^\s@<>()[\]\\,;:"]{1,64}@[^\s@<>()[\]\\,;:"_]+\.[^\s@<>()[\]\\,;:"_]{2,}$/;

/** The address as stored (trimmed), or null when it is not a plausible address. */
export function normalizeEmail(raw: string): string | null {
  const s = raw.trim();
  if (s.length > MAX_EMAIL_LENGTH || !EMAIL.test(s) || s.includes('..')) return null;
  return s;
}

export function isFrequency(s: unknown): s is Frequency {
  return s === 'daily' || s === 'weekly';
}

/** Mail sends started by requests; awaited on shutdown and by tests. */
export class NoticeQueue {
  private readonly inflight = new Set<Promise<void>>();
  constructor(private readonly mailer: Mailer, private readonly log: (line: string) => void) {}

  push(mail: OutgoingMail): void {
    const p = this.mailer.send(mail).then(
      () => undefined,
      (err: unknown) => this.log(`subscription notice to ${mail.to} not sent: ${err instanceof Error ? err.message : String(err)}`),
    ).finally(() => this.inflight.delete(p));
    this.inflight.add(p);
  }

  async drain(): Promise<void> {
    while (this.inflight.size) await Promise.all([...this.inflight]);
  }
}

/**
 * Records a subscription request and mails the address's owner. Returns nothing
 * the caller could tell cases apart with.
 */
export async function requestSubscription(
  deps: SubscriptionServiceDeps, notices: NoticeQueue, input: { email: string; frequency: Frequency; topics: Topics },
  requester: Requester | null = null,
): Promise<void> {
  const now = deps.now();
  const existing = await deps.subs.findByEmail(input.email);
  const recentNotice = (s: Subscription) => s.lastNoticeAt !== null && now.getTime() - Date.parse(s.lastNoticeAt) < NOTICE_INTERVAL_MS;
  if (!existing) {
    const sub = await deps.subs.createSubscription({ ...input, now, userId: isOwnAddress(requester, input.email) ? requester.id : null });
    await deps.subs.updateSubscription(sub.id, { lastNoticeAt: now.toISOString() }, now);
    notices.push(confirmationMail(sub, deps.config.publicUrl, confirmUrl(deps.config.publicUrl, deps.config.secret, sub, now)));
    return;
  }
  if (existing.status === 'active' || existing.status === 'paused') {
    // Preferences of a confirmed subscription change only through its manage link; its owner, signed in, links it.
    if (ownsAddress(requester, existing.email) && existing.userId !== requester.id) {
      await deps.subs.updateSubscription(existing.id, { userId: requester.id }, now);
    }
    if (recentNotice(existing)) return;
    await deps.subs.updateSubscription(existing.id, { lastNoticeAt: now.toISOString() }, now);
    notices.push(alreadySubscribedMail(existing, deps.config.publicUrl, subscriptionLinks(deps.config.publicUrl, deps.config.secret, existing).manage));
    return;
  }
  // pending or unsubscribed: (re)start double opt-in with the new preferences.
  const updated = await deps.subs.updateSubscription(existing.id, {
    frequency: input.frequency, topics: input.topics, status: 'pending',
    ...(isOwnAddress(requester, existing.email) ? { userId: requester.id } : {}),
    ...(recentNotice(existing) ? {} : { lastNoticeAt: now.toISOString() }),
  }, now);
  if (updated && !recentNotice(existing)) {
    notices.push(confirmationMail(updated, deps.config.publicUrl, confirmUrl(deps.config.publicUrl, deps.config.secret, updated, now)));
  }
}

export type TokenResult = { ok: true; sub: Subscription } | { ok: false; reason: 'invalid' | 'expired' };

/** The subscription a signed token names, when the token is valid for it. */
export async function subscriptionForToken(deps: SubscriptionServiceDeps, token: string, purpose: LinkPurpose): Promise<TokenResult> {
  const id = peekLink(token, purpose);
  if (id === null) return { ok: false, reason: 'invalid' };
  const sub = await deps.subs.getSubscription(id);
  if (!sub) return { ok: false, reason: 'invalid' };
  const check = verifyLink(deps.config.secret, token, purpose, sub.email, deps.now());
  return check === 'ok' ? { ok: true, sub } : { ok: false, reason: check };
}

/** Follows a confirmation link: pending → active (idempotent for an active one). */
export async function confirmSubscription(deps: SubscriptionServiceDeps, token: string): Promise<TokenResult> {
  const r = await subscriptionForToken(deps, token, 'confirm');
  if (!r.ok) return r;
  if (r.sub.status !== 'pending') return r;
  const now = deps.now();
  // The address's proven owner, when there is one, owns the subscription (whoever asked for it).
  const owner = deps.verifiedOwner ? await deps.verifiedOwner(r.sub.email) : null;
  const sub = await deps.subs.updateSubscription(r.sub.id, {
    status: 'active', confirmedAt: now.toISOString(), permanentFailures: 0, ...(owner !== null ? { userId: owner } : {}),
  }, now);
  return { ok: true, sub: sub! };
}

/** Saves preferences through a manage link; saving also resumes a paused or unsubscribed subscription. */
export async function updatePreferences(
  deps: SubscriptionServiceDeps, token: string, prefs: { frequency: Frequency; topics: Topics },
): Promise<TokenResult> {
  const r = await subscriptionForToken(deps, token, 'manage');
  if (!r.ok) return r;
  const now = deps.now();
  const resume = r.sub.status === 'paused' || r.sub.status === 'unsubscribed';
  // A manage link is only ever mailed to a confirmed address, so saving through it confirms a pending one too.
  const sub = await deps.subs.updateSubscription(r.sub.id, {
    frequency: prefs.frequency, topics: prefs.topics,
    ...(resume || r.sub.status === 'pending' ? { status: 'active', permanentFailures: 0 } : {}),
    ...(r.sub.confirmedAt ? {} : { confirmedAt: now.toISOString() }),
  }, now);
  return { ok: true, sub: sub! };
}

/** One-click unsubscribe: immediate, idempotent. Accepts unsubscribe and manage tokens. */
export async function unsubscribe(deps: SubscriptionServiceDeps, token: string): Promise<TokenResult> {
  let r = await subscriptionForToken(deps, token, 'unsubscribe');
  if (!r.ok && peekLink(token, 'manage') !== null) r = await subscriptionForToken(deps, token, 'manage');
  if (!r.ok) return r;
  if (r.sub.status === 'unsubscribed') return r;
  const now = deps.now();
  const sub = await deps.subs.updateSubscription(r.sub.id, { status: 'unsubscribed', unsubscribedAt: now.toISOString() }, now);
  return { ok: true, sub: sub! };
}
