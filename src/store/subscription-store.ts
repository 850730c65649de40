/**
 * The SubscriptionStore: digest subscribers and the digest outbox, a role of
 * its own beside the Store (same connection, separate interface).
 *
 * Goals: everything the digest needs to promise "every due digest sent, none
 * twice": one outbox row per (subscriber, period) under a unique key, claims
 * with an owner and a lease so several processes can deliver from one
 * database, and state changes that only move forward (ready → sending → sent).
 * A subscription may be linked to an account (`userId`): the one that made it
 * while signed in, or the one whose verified address it is; a linked
 * subscriber's digest adds "For you" and their followed organizations.
 * Non-goals: selection and rendering (digest/), SMTP (digest/smtp.ts), the
 * rules of linking (digest/subscriptions.ts, accounts/).
 */

export type Frequency = 'daily' | 'weekly';
export type SubscriptionStatus = 'pending' | 'active' | 'paused' | 'unsubscribed';

/** What a subscriber follows; empty lists mean "everything". */
export interface Topics {
  /** arXiv categories ("cs.CL") or whole archives ("cs"). */
  categories: string[];
  /** Words or phrases looked for in title, abstract and keywords. */
  keywords: string[];
  /** Organization handles ("ByteDance"). */
  organizations: string[];
}

export interface Subscription {
  id: number;
  email: string;
  frequency: Frequency;
  topics: Topics;
  status: SubscriptionStatus;
  /**
   * The account linked to this subscription (null when none): its digest
   * adds "For you" and the organizations the account follows. Deleting the
   * account unlinks it (the subscription stays).
   */
  userId: number | null;
  /** Permanent SMTP rejections since the last delivered digest. */
  permanentFailures: number;
  createdAt: string;
  updatedAt: string;
  confirmedAt: string | null;
  unsubscribedAt: string | null;
  /** When the last confirmation / "already subscribed" notice was mailed (throttles repeats). */
  lastNoticeAt: string | null;
}

export type SubscriptionPatch = Partial<Pick<Subscription,
  'frequency' | 'topics' | 'status' | 'confirmedAt' | 'unsubscribedAt' | 'lastNoticeAt' | 'permanentFailures' | 'userId'>>;

export type OutboxStatus = 'pending' | 'ready' | 'sending' | 'sent' | 'failed' | 'skipped';

/** A rendered digest, ready for SMTP. */
export interface RenderedMessage {
  subject: string;
  html: string;
  text: string;
  /** Extra headers (List-Unsubscribe, List-Unsubscribe-Post, List-Id). */
  headers: Record<string, string>;
}

/** An outbox row that still has to be rendered, with its subscriber. */
export interface OutboxToRender {
  id: number;
  periodKey: string;
  subscription: Subscription;
}

/** An outbox row claimed for delivery. */
export interface ClaimedDigest {
  id: number;
  subscriptionId: number;
  email: string;
  periodKey: string;
  attempts: number;
  message: RenderedMessage;
}

export interface PeriodStatus {
  periodKey: string;
  sent: number;
  /** pending + ready + sending. */
  pending: number;
  failed: number;
  skipped: number;
  /** Rows waiting for a retry after a temporary failure (subset of pending). */
  retrying: number;
  lastSentAt: string | null;
}

export interface SubscriptionStore {
  getSubscription(id: number): Promise<Subscription | null>;
  findByEmail(email: string): Promise<Subscription | null>;
  createSubscription(input: { email: string; frequency: Frequency; topics: Topics; now: Date; userId?: number | null }): Promise<Subscription>;
  updateSubscription(id: number, patch: SubscriptionPatch, now: Date): Promise<Subscription | null>;
  countSubscriptions(): Promise<Record<SubscriptionStatus, number>>;
  /**
   * Links the subscription of `email` (compared without case) to the user —
   * called once the user proved the address — replacing any other link.
   * Returns the linked subscription, or null when the address has none.
   */
  linkVerifiedAddress(userId: number, email: string, now: Date): Promise<Subscription | null>;
  /** The subscriptions linked to a user, oldest first. */
  subscriptionsOfUser(userId: number): Promise<Subscription[]>;

  /**
   * Adds one 'pending' outbox row per active subscription of `frequency` for
   * `periodKey` (rows that exist are left alone). Returns how many were added.
   */
  enqueue(periodKey: string, frequency: Frequency, now: Date): Promise<number>;
  /** Active subscriptions of a frequency that have no row for the period yet (for --dry-run). */
  countUnqueued(periodKey: string, frequency: Frequency): Promise<number>;
  /** Rows waiting to be rendered, oldest first. */
  listToRender(limit: number): Promise<OutboxToRender[]>;
  /**
   * Stores rendered messages (→ 'ready') or marks rows 'skipped' (message null,
   * e.g. no paper matched the topics), in one transaction. Only 'pending' rows
   * change (a row another process rendered first is left alone). Returns how many changed.
   */
  saveRendered(rows: { id: number; message: RenderedMessage | null; reason: string | null }[]): Promise<number>;
  /**
   * Atomically claims up to `limit` 'ready' rows due at `now` for `owner` until
   * `leaseUntil`, plus 'sending' rows whose lease ran out. Rows of subscriptions
   * that are no longer active are skipped, never sent.
   */
  claimDue(owner: string, now: Date, leaseUntil: Date, limit: number): Promise<ClaimedDigest[]>;
  /** Owners of rows currently in 'sending' (to find claims of dead processes). */
  listClaimOwners(): Promise<string[]>;
  /** Returns the 'sending' rows of these owners to 'ready' (their processes are gone). */
  releaseOwners(owners: string[]): Promise<number>;
  /** The SMTP server accepted the message: 'sent', and the subscriber's failure count resets. */
  markSent(id: number, owner: string, messageId: string | null, now: Date): Promise<void>;
  /** Drops the rendered bodies of finished rows (sent, failed, skipped); returns how many. */
  pruneBodies(): Promise<number>;
  /** A temporary failure: back to 'ready', retried at `nextAttemptAt`. */
  markRetry(id: number, owner: string, error: string, nextAttemptAt: Date, countAttempt: boolean): Promise<void>;
  /**
   * A permanent failure: the row is 'failed'; the subscriber's count grows and
   * the subscription is paused once it reaches `pauseAfter`. Returns true when paused.
   */
  markFailed(id: number, owner: string, error: string, pauseAfter: number, now: Date): Promise<boolean>;
  /** Counts per period, newest first. */
  statusByPeriod(limit: number): Promise<PeriodStatus[]>;
  /** Per-subscriber rows of a period (tests and `digest status --period`). */
  listOutbox(periodKey: string): Promise<{ email: string; status: OutboxStatus; attempts: number; lastError: string | null }[]>;
}
