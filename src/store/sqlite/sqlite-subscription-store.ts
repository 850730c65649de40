/**
 * The SubscriptionStore on the SqliteStore's connection (`store.db`).
 *
 * Goals: claims are one UPDATE … RETURNING inside a write transaction, so two
 * processes sharing the file never claim the same row (SQLite serialises
 * writers); every state change names the owner it expects, so a process whose
 * lease ran out cannot overwrite the row a newer claimer holds. Rendered
 * bodies are dropped after a delivery run (pruneBodies; the subject and
 * Message-ID stay) to keep the file small: one statement per run rather than
 * a larger write per message. Non-goals: PostgreSQL (same interface, `FOR UPDATE
 * SKIP LOCKED`, later).
 */
import type Database from 'better-sqlite3';
import type {
  ClaimedDigest, Frequency, OutboxStatus, OutboxToRender, PeriodStatus, RenderedMessage, Subscription,
  SubscriptionPatch, SubscriptionStatus, SubscriptionStore, Topics,
} from '../subscription-store.js';

interface SubscriptionRow {
  id: number;
  email: string;
  frequency: Frequency;
  topics: string;
  status: SubscriptionStatus;
  user_id: number | null;
  permanent_failures: number;
  created_at: string;
  updated_at: string;
  confirmed_at: string | null;
  unsubscribed_at: string | null;
  last_notice_at: string | null;
}

interface OutboxRow {
  id: number;
  subscription_id: number;
  period_key: string;
  status: OutboxStatus;
  subject: string | null;
  html: string | null;
  text: string | null;
  headers: string | null;
  attempts: number;
}

const EMPTY_TOPICS: Topics = { categories: [], keywords: [], organizations: [] };

function parseTopics(json: string): Topics {
  try {
    const t = JSON.parse(json) as Partial<Topics>;
    return { categories: t.categories ?? [], keywords: t.keywords ?? [], organizations: t.organizations ?? [] };
  } catch {
    return { ...EMPTY_TOPICS };
  }
}

function rowToSubscription(r: SubscriptionRow): Subscription {
  return {
    id: r.id,
    email: r.email,
    frequency: r.frequency,
    topics: parseTopics(r.topics),
    status: r.status,
    userId: r.user_id,
    permanentFailures: r.permanent_failures,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    confirmedAt: r.confirmed_at,
    unsubscribedAt: r.unsubscribed_at,
    lastNoticeAt: r.last_notice_at,
  };
}

const PATCH_COLUMNS: Record<keyof SubscriptionPatch, string> = {
  frequency: 'frequency',
  topics: 'topics',
  status: 'status',
  confirmedAt: 'confirmed_at',
  unsubscribedAt: 'unsubscribed_at',
  lastNoticeAt: 'last_notice_at',
  permanentFailures: 'permanent_failures',
  userId: 'user_id',
};

export class SqliteSubscriptionStore implements SubscriptionStore {
  private readonly s;

  constructor(private readonly db: Database.Database) {
    this.s = {
      byId: db.prepare('SELECT * FROM subscriptions WHERE id = ?'),
      byEmail: db.prepare('SELECT * FROM subscriptions WHERE email = ?'),
      insert: db.prepare(`INSERT INTO subscriptions (email, frequency, topics, status, created_at, updated_at, user_id)
        VALUES (?, ?, ?, 'pending', ?, ?, ?)`),
      linkAddress: db.prepare(`UPDATE subscriptions SET user_id = ?, updated_at = ? WHERE email = ? RETURNING *`),
      ofUser: db.prepare('SELECT * FROM subscriptions WHERE user_id = ? ORDER BY id'),
      counts: db.prepare('SELECT status, COUNT(*) AS n FROM subscriptions GROUP BY status'),
      enqueue: db.prepare(`INSERT OR IGNORE INTO digest_outbox (subscription_id, period_key, status, next_attempt_at, created_at)
        SELECT id, @period, 'pending', @now, @now FROM subscriptions WHERE status = 'active' AND frequency = @frequency`),
      unqueued: db.prepare(`SELECT COUNT(*) AS n FROM subscriptions s WHERE s.status = 'active' AND s.frequency = ?
        AND NOT EXISTS (SELECT 1 FROM digest_outbox o WHERE o.subscription_id = s.id AND o.period_key = ?)`),
      toRender: db.prepare(`SELECT o.id AS outbox_id, o.period_key, s.* FROM digest_outbox o
        JOIN subscriptions s ON s.id = o.subscription_id WHERE o.status = 'pending' ORDER BY o.id LIMIT ?`),
      saveRendered: db.prepare(`UPDATE digest_outbox SET status = 'ready', subject = ?, html = ?, text = ?, headers = ?
        WHERE id = ? AND status = 'pending'`),
      saveSkipped: db.prepare(`UPDATE digest_outbox SET status = 'skipped', last_error = ? WHERE id = ? AND status = 'pending'`),
      skipRow: db.prepare(`UPDATE digest_outbox SET status = 'skipped', last_error = 'subscription not active',
        claimed_by = NULL, claimed_until = NULL WHERE id = ?`),
      claim: db.prepare(`UPDATE digest_outbox SET status = 'sending', claimed_by = @owner, claimed_until = @lease
        WHERE id IN (SELECT id FROM digest_outbox
          WHERE (status = 'ready' AND next_attempt_at <= @now) OR (status = 'sending' AND claimed_until < @now)
          ORDER BY id LIMIT @limit)
        RETURNING id, subscription_id, period_key, status, subject, html, text, headers, attempts`),
      owners: db.prepare(`SELECT DISTINCT claimed_by AS owner FROM digest_outbox WHERE status = 'sending' AND claimed_by IS NOT NULL`),
      releaseOwner: db.prepare(`UPDATE digest_outbox SET status = 'ready', claimed_by = NULL, claimed_until = NULL
        WHERE status = 'sending' AND claimed_by = ?`),
      sent: db.prepare(`UPDATE digest_outbox SET status = 'sent', sent_at = ?, message_id = ?,
        claimed_by = NULL, claimed_until = NULL, attempts = attempts + 1, last_error = NULL
        WHERE id = ? AND status = 'sending' AND claimed_by = ? RETURNING subscription_id`),
      pruneBodies: db.prepare(`UPDATE digest_outbox SET html = NULL, text = NULL WHERE status IN ('sent', 'failed', 'skipped')
        AND (html IS NOT NULL OR text IS NOT NULL)`),
      resetFailures: db.prepare('UPDATE subscriptions SET permanent_failures = 0 WHERE id = ? AND permanent_failures != 0'),
      retry: db.prepare(`UPDATE digest_outbox SET status = 'ready', last_error = ?, next_attempt_at = ?,
        attempts = attempts + ?, claimed_by = NULL, claimed_until = NULL
        WHERE id = ? AND status = 'sending' AND claimed_by = ?`),
      failed: db.prepare(`UPDATE digest_outbox SET status = 'failed', last_error = ?, attempts = attempts + 1,
        claimed_by = NULL, claimed_until = NULL WHERE id = ? AND status = 'sending' AND claimed_by = ? RETURNING subscription_id`),
      bumpFailures: db.prepare(`UPDATE subscriptions SET permanent_failures = permanent_failures + 1, updated_at = ?
        WHERE id = ? RETURNING permanent_failures`),
      pause: db.prepare(`UPDATE subscriptions SET status = 'paused', updated_at = ? WHERE id = ? AND status = 'active'`),
      byPeriod: db.prepare(`SELECT period_key,
          SUM(status = 'sent') AS sent,
          SUM(status IN ('pending', 'ready', 'sending')) AS pending,
          SUM(status = 'failed') AS failed,
          SUM(status = 'skipped') AS skipped,
          SUM(status IN ('ready', 'sending') AND attempts > 0) AS retrying,
          MAX(sent_at) AS last_sent_at
        FROM digest_outbox GROUP BY period_key ORDER BY MAX(created_at) DESC, period_key DESC LIMIT ?`),
      outboxOf: db.prepare(`SELECT s.email, o.status, o.attempts, o.last_error FROM digest_outbox o
        JOIN subscriptions s ON s.id = o.subscription_id WHERE o.period_key = ? ORDER BY s.email`),
    };
  }

  async getSubscription(id: number): Promise<Subscription | null> {
    const r = this.s.byId.get(id) as SubscriptionRow | undefined;
    return r ? rowToSubscription(r) : null;
  }

  async findByEmail(email: string): Promise<Subscription | null> {
    const r = this.s.byEmail.get(email) as SubscriptionRow | undefined;
    return r ? rowToSubscription(r) : null;
  }

  async createSubscription(input: { email: string; frequency: Frequency; topics: Topics; now: Date; userId?: number | null }): Promise<Subscription> {
    const now = input.now.toISOString();
    const info = this.s.insert.run(input.email, input.frequency, JSON.stringify(input.topics), now, now, input.userId ?? null);
    return (await this.getSubscription(Number(info.lastInsertRowid)))!;
  }

  async updateSubscription(id: number, patch: SubscriptionPatch, now: Date): Promise<Subscription | null> {
    const sets: string[] = ['updated_at = @updated_at'];
    const params: Record<string, unknown> = { id, updated_at: now.toISOString() };
    for (const [key, column] of Object.entries(PATCH_COLUMNS) as [keyof SubscriptionPatch, string][]) {
      if (patch[key] === undefined) continue;
      sets.push(`${column} = @${column}`);
      params[column] = key === 'topics' ? JSON.stringify(patch.topics) : patch[key];
    }
    this.db.prepare(`UPDATE subscriptions SET ${sets.join(', ')} WHERE id = @id`).run(params);
    return this.getSubscription(id);
  }

  async linkVerifiedAddress(userId: number, email: string, now: Date): Promise<Subscription | null> {
    // email is COLLATE NOCASE: the comparison ignores case, as the unique key does.
    const r = this.s.linkAddress.get(userId, now.toISOString(), email) as SubscriptionRow | undefined;
    return r ? rowToSubscription(r) : null;
  }

  async subscriptionsOfUser(userId: number): Promise<Subscription[]> {
    return (this.s.ofUser.all(userId) as SubscriptionRow[]).map(rowToSubscription);
  }

  async countSubscriptions(): Promise<Record<SubscriptionStatus, number>> {
    const out: Record<SubscriptionStatus, number> = { pending: 0, active: 0, paused: 0, unsubscribed: 0 };
    for (const r of this.s.counts.all() as { status: SubscriptionStatus; n: number }[]) out[r.status] = r.n;
    return out;
  }

  async enqueue(periodKey: string, frequency: Frequency, now: Date): Promise<number> {
    return this.s.enqueue.run({ period: periodKey, frequency, now: now.toISOString() }).changes;
  }

  async countUnqueued(periodKey: string, frequency: Frequency): Promise<number> {
    return (this.s.unqueued.get(frequency, periodKey) as { n: number }).n;
  }

  async listToRender(limit: number): Promise<OutboxToRender[]> {
    const rows = this.s.toRender.all(limit) as (SubscriptionRow & { outbox_id: number; period_key: string })[];
    return rows.map((r) => ({ id: r.outbox_id, periodKey: r.period_key, subscription: rowToSubscription(r) }));
  }

  async saveRendered(rows: { id: number; message: RenderedMessage | null; reason: string | null }[]): Promise<number> {
    return this.db.transaction(() => {
      let changed = 0;
      for (const { id, message, reason } of rows) {
        const info = message
          ? this.s.saveRendered.run(message.subject, message.html, message.text, JSON.stringify(message.headers), id)
          : this.s.saveSkipped.run(reason ?? 'nothing to send', id);
        changed += info.changes;
      }
      return changed;
    })();
  }

  async claimDue(owner: string, now: Date, leaseUntil: Date, limit: number): Promise<ClaimedDigest[]> {
    return this.db.transaction(() => {
      const rows = this.s.claim.all({ owner, lease: leaseUntil.toISOString(), now: now.toISOString(), limit }) as OutboxRow[];
      const out: ClaimedDigest[] = [];
      for (const r of rows.sort((a, b) => a.id - b.id)) {
        const sub = this.s.byId.get(r.subscription_id) as SubscriptionRow | undefined;
        if (!sub || sub.status !== 'active') {
          // Unsubscribed or paused since the row was enqueued: never sent.
          this.s.skipRow.run(r.id);
          continue;
        }
        out.push({
          id: r.id,
          subscriptionId: r.subscription_id,
          email: sub.email,
          periodKey: r.period_key,
          attempts: r.attempts,
          message: { subject: r.subject ?? '', html: r.html ?? '', text: r.text ?? '', headers: JSON.parse(r.headers ?? '{}') },
        });
      }
      return out;
    }).immediate();
  }

  async listClaimOwners(): Promise<string[]> {
    return (this.s.owners.all() as { owner: string }[]).map((r) => r.owner);
  }

  async releaseOwners(owners: string[]): Promise<number> {
    return this.db.transaction(() => owners.reduce((n, o) => n + this.s.releaseOwner.run(o).changes, 0))();
  }

  async markSent(id: number, owner: string, messageId: string | null, now: Date): Promise<void> {
    this.db.transaction(() => {
      const r = this.s.sent.get(now.toISOString(), messageId, id, owner) as { subscription_id: number } | undefined;
      if (r) this.s.resetFailures.run(r.subscription_id);
    })();
  }

  async pruneBodies(): Promise<number> {
    return this.s.pruneBodies.run().changes;
  }

  async markRetry(id: number, owner: string, error: string, nextAttemptAt: Date, countAttempt: boolean): Promise<void> {
    this.s.retry.run(error.slice(0, 500), nextAttemptAt.toISOString(), countAttempt ? 1 : 0, id, owner);
  }

  async markFailed(id: number, owner: string, error: string, pauseAfter: number, now: Date): Promise<boolean> {
    return this.db.transaction(() => {
      const r = this.s.failed.get(error.slice(0, 500), id, owner) as { subscription_id: number } | undefined;
      if (!r) return false;
      const { permanent_failures } = this.s.bumpFailures.get(now.toISOString(), r.subscription_id) as { permanent_failures: number };
      return permanent_failures >= pauseAfter && this.s.pause.run(now.toISOString(), r.subscription_id).changes === 1;
    })();
  }

  async statusByPeriod(limit: number): Promise<PeriodStatus[]> {
    const rows = this.s.byPeriod.all(limit) as { period_key: string; sent: number; pending: number; failed: number;
      skipped: number; retrying: number; last_sent_at: string | null }[];
    return rows.map((r) => ({
      periodKey: r.period_key, sent: r.sent, pending: r.pending, failed: r.failed, skipped: r.skipped,
      retrying: r.retrying, lastSentAt: r.last_sent_at,
    }));
  }

  async listOutbox(periodKey: string): Promise<{ email: string; status: OutboxStatus; attempts: number; lastError: string | null }[]> {
    const rows = this.s.outboxOf.all(periodKey) as { email: string; status: OutboxStatus; attempts: number; last_error: string | null }[];
    return rows.map((r) => ({ email: r.email, status: r.status, attempts: r.attempts, lastError: r.last_error }));
  }
}
