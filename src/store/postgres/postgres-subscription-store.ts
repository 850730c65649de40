/**
 * The SubscriptionStore on PostgreSQL.
 *
 * Goals: claims take due outbox rows with `FOR UPDATE SKIP LOCKED`, so any
 * number of processes claim at once and never the same row (a row another
 * claimer holds is skipped, not waited for); every state change names the
 * owner it expects, so a process whose lease ran out cannot overwrite the
 * row a newer claimer holds; addresses are unique in any case (a unique
 * index on lower(email)). Non-goals: scheduling (digest/).
 */
import type pg from 'pg';
import type {
  ClaimedDigest, Frequency, OutboxStatus, OutboxToRender, PeriodStatus, RenderedMessage, Subscription,
  SubscriptionPatch, SubscriptionStatus, SubscriptionStore, Topics,
} from '../subscription-store.js';
import { Params } from './postgres-filters.js';
import { withTransaction } from './postgres-pool.js';

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

const SUB_COLUMNS = `id, email, frequency, topics, status, user_id, permanent_failures, created_at, updated_at, confirmed_at,
  unsubscribed_at, last_notice_at`;

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

export class PostgresSubscriptionStore implements SubscriptionStore {
  constructor(private readonly pool: pg.Pool) {}

  async getSubscription(id: number): Promise<Subscription | null> {
    const r = (await this.pool.query<SubscriptionRow>(`SELECT ${SUB_COLUMNS} FROM subscriptions WHERE id = $1`, [id])).rows[0];
    return r ? rowToSubscription(r) : null;
  }

  async findByEmail(email: string): Promise<Subscription | null> {
    const r = (await this.pool.query<SubscriptionRow>(`SELECT ${SUB_COLUMNS} FROM subscriptions WHERE lower(email) = lower($1)`, [email])).rows[0];
    return r ? rowToSubscription(r) : null;
  }

  async createSubscription(input: { email: string; frequency: Frequency; topics: Topics; now: Date; userId?: number | null }): Promise<Subscription> {
    const now = input.now.toISOString();
    const r = await this.pool.query<SubscriptionRow>(`INSERT INTO subscriptions (email, frequency, topics, status, created_at, updated_at, user_id)
      VALUES ($1, $2, $3, 'pending', $4, $4, $5) RETURNING ${SUB_COLUMNS}`,
    [input.email, input.frequency, JSON.stringify(input.topics), now, input.userId ?? null]);
    return rowToSubscription(r.rows[0]);
  }

  async updateSubscription(id: number, patch: SubscriptionPatch, now: Date): Promise<Subscription | null> {
    const p = new Params();
    const sets: string[] = [`updated_at = ${p.add(now.toISOString())}`];
    for (const [key, column] of Object.entries(PATCH_COLUMNS) as [keyof SubscriptionPatch, string][]) {
      if (patch[key] === undefined) continue;
      sets.push(`${column} = ${p.add(key === 'topics' ? JSON.stringify(patch.topics) : patch[key])}`);
    }
    const r = (await this.pool.query<SubscriptionRow>(`UPDATE subscriptions SET ${sets.join(', ')} WHERE id = ${p.add(id)} RETURNING ${SUB_COLUMNS}`,
      p.values)).rows[0];
    return r ? rowToSubscription(r) : null;
  }

  async linkVerifiedAddress(userId: number, email: string, now: Date): Promise<Subscription | null> {
    const r = (await this.pool.query<SubscriptionRow>(`UPDATE subscriptions SET user_id = $1, updated_at = $2 WHERE lower(email) = lower($3)
      RETURNING ${SUB_COLUMNS}`, [userId, now.toISOString(), email])).rows[0];
    return r ? rowToSubscription(r) : null;
  }

  async subscriptionsOfUser(userId: number): Promise<Subscription[]> {
    return (await this.pool.query<SubscriptionRow>(`SELECT ${SUB_COLUMNS} FROM subscriptions WHERE user_id = $1 ORDER BY id`, [userId])).rows
      .map(rowToSubscription);
  }

  async countSubscriptions(): Promise<Record<SubscriptionStatus, number>> {
    const out: Record<SubscriptionStatus, number> = { pending: 0, active: 0, paused: 0, unsubscribed: 0 };
    for (const r of (await this.pool.query<{ status: SubscriptionStatus; n: number }>('SELECT status, COUNT(*) AS n FROM subscriptions GROUP BY status')).rows) {
      out[r.status] = r.n;
    }
    return out;
  }

  async enqueue(periodKey: string, frequency: Frequency, now: Date): Promise<number> {
    const r = await this.pool.query(`INSERT INTO digest_outbox (subscription_id, period_key, status, next_attempt_at, created_at)
      SELECT id, $1, 'pending', $3, $3 FROM subscriptions WHERE status = 'active' AND frequency = $2 ORDER BY id
      ON CONFLICT (subscription_id, period_key) DO NOTHING`, [periodKey, frequency, now.toISOString()]);
    return r.rowCount ?? 0;
  }

  async countUnqueued(periodKey: string, frequency: Frequency): Promise<number> {
    return (await this.pool.query<{ n: number }>(`SELECT COUNT(*) AS n FROM subscriptions s WHERE s.status = 'active' AND s.frequency = $1
      AND NOT EXISTS (SELECT 1 FROM digest_outbox o WHERE o.subscription_id = s.id AND o.period_key = $2)`, [frequency, periodKey])).rows[0].n;
  }

  async listToRender(limit: number): Promise<OutboxToRender[]> {
    const rows = (await this.pool.query<SubscriptionRow & { outbox_id: number; period_key: string }>(`SELECT o.id AS outbox_id, o.period_key,
        s.id, s.email, s.frequency, s.topics, s.status, s.user_id, s.permanent_failures, s.created_at, s.updated_at, s.confirmed_at,
        s.unsubscribed_at, s.last_notice_at
      FROM digest_outbox o JOIN subscriptions s ON s.id = o.subscription_id WHERE o.status = 'pending' ORDER BY o.id LIMIT $1`, [limit])).rows;
    return rows.map((r) => ({ id: r.outbox_id, periodKey: r.period_key, subscription: rowToSubscription(r) }));
  }

  async saveRendered(rows: { id: number; message: RenderedMessage | null; reason: string | null }[]): Promise<number> {
    return withTransaction(this.pool, async (c) => {
      let changed = 0;
      for (const { id, message, reason } of rows) {
        const r = message
          ? await c.query(`UPDATE digest_outbox SET status = 'ready', subject = $1, html = $2, text = $3, headers = $4
              WHERE id = $5 AND status = 'pending'`, [message.subject, message.html, message.text, JSON.stringify(message.headers), id])
          : await c.query(`UPDATE digest_outbox SET status = 'skipped', last_error = $1 WHERE id = $2 AND status = 'pending'`,
            [reason ?? 'nothing to send', id]);
        changed += r.rowCount ?? 0;
      }
      return changed;
    });
  }

  async claimDue(owner: string, now: Date, leaseUntil: Date, limit: number): Promise<ClaimedDigest[]> {
    return withTransaction(this.pool, async (c) => {
      const rows = (await c.query<OutboxRow>(`UPDATE digest_outbox SET status = 'sending', claimed_by = $1, claimed_until = $2
        WHERE id IN (SELECT id FROM digest_outbox
          WHERE (status = 'ready' AND next_attempt_at <= $3) OR (status = 'sending' AND claimed_until < $3)
          ORDER BY id LIMIT $4 FOR UPDATE SKIP LOCKED)
        RETURNING id, subscription_id, period_key, status, subject, html, text, headers, attempts`,
      [owner, leaseUntil.toISOString(), now.toISOString(), limit])).rows;
      const subs = new Map<number, SubscriptionRow>();
      if (rows.length) {
        const found = await c.query<SubscriptionRow>(`SELECT ${SUB_COLUMNS} FROM subscriptions WHERE id = ANY($1::bigint[])`,
          [[...new Set(rows.map((r) => r.subscription_id))]]);
        for (const s of found.rows) subs.set(s.id, s);
      }
      const out: ClaimedDigest[] = [];
      for (const r of rows.sort((a, b) => a.id - b.id)) {
        const sub = subs.get(r.subscription_id);
        if (!sub || sub.status !== 'active') {
          // Unsubscribed or paused since the row was enqueued: never sent.
          await c.query(`UPDATE digest_outbox SET status = 'skipped', last_error = 'subscription not active',
            claimed_by = NULL, claimed_until = NULL WHERE id = $1`, [r.id]);
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
    });
  }

  async listClaimOwners(): Promise<string[]> {
    return (await this.pool.query<{ owner: string }>(`SELECT DISTINCT claimed_by AS owner FROM digest_outbox
      WHERE status = 'sending' AND claimed_by IS NOT NULL`)).rows.map((r) => r.owner);
  }

  async releaseOwners(owners: string[]): Promise<number> {
    if (owners.length === 0) return 0;
    const r = await this.pool.query(`UPDATE digest_outbox SET status = 'ready', claimed_by = NULL, claimed_until = NULL
      WHERE status = 'sending' AND claimed_by = ANY($1::text[])`, [owners]);
    return r.rowCount ?? 0;
  }

  async markSent(id: number, owner: string, messageId: string | null, now: Date): Promise<void> {
    await withTransaction(this.pool, async (c) => {
      const r = (await c.query<{ subscription_id: number }>(`UPDATE digest_outbox SET status = 'sent', sent_at = $1, message_id = $2,
          claimed_by = NULL, claimed_until = NULL, attempts = attempts + 1, last_error = NULL
        WHERE id = $3 AND status = 'sending' AND claimed_by = $4 RETURNING subscription_id`, [now.toISOString(), messageId, id, owner])).rows[0];
      if (r) await c.query('UPDATE subscriptions SET permanent_failures = 0 WHERE id = $1 AND permanent_failures <> 0', [r.subscription_id]);
    });
  }

  async pruneBodies(): Promise<number> {
    const r = await this.pool.query(`UPDATE digest_outbox SET html = NULL, text = NULL WHERE status IN ('sent', 'failed', 'skipped')
      AND (html IS NOT NULL OR text IS NOT NULL)`);
    return r.rowCount ?? 0;
  }

  async markRetry(id: number, owner: string, error: string, nextAttemptAt: Date, countAttempt: boolean): Promise<void> {
    await this.pool.query(`UPDATE digest_outbox SET status = 'ready', last_error = $1, next_attempt_at = $2,
        attempts = attempts + $3, claimed_by = NULL, claimed_until = NULL
      WHERE id = $4 AND status = 'sending' AND claimed_by = $5`, [error.slice(0, 500), nextAttemptAt.toISOString(), countAttempt ? 1 : 0, id, owner]);
  }

  async markFailed(id: number, owner: string, error: string, pauseAfter: number, now: Date): Promise<boolean> {
    return withTransaction(this.pool, async (c) => {
      const r = (await c.query<{ subscription_id: number }>(`UPDATE digest_outbox SET status = 'failed', last_error = $1, attempts = attempts + 1,
        claimed_by = NULL, claimed_until = NULL WHERE id = $2 AND status = 'sending' AND claimed_by = $3 RETURNING subscription_id`,
      [error.slice(0, 500), id, owner])).rows[0];
      if (!r) return false;
      const at = now.toISOString();
      const { permanent_failures } = (await c.query<{ permanent_failures: number }>(`UPDATE subscriptions
        SET permanent_failures = permanent_failures + 1, updated_at = $1 WHERE id = $2 RETURNING permanent_failures`, [at, r.subscription_id])).rows[0];
      if (permanent_failures < pauseAfter) return false;
      const paused = await c.query(`UPDATE subscriptions SET status = 'paused', updated_at = $1 WHERE id = $2 AND status = 'active'`, [at, r.subscription_id]);
      return paused.rowCount === 1;
    });
  }

  async statusByPeriod(limit: number): Promise<PeriodStatus[]> {
    const rows = (await this.pool.query<{ period_key: string; sent: number; pending: number; failed: number; skipped: number;
      retrying: number; last_sent_at: string | null }>(`SELECT period_key,
          COUNT(*) FILTER (WHERE status = 'sent') AS sent,
          COUNT(*) FILTER (WHERE status IN ('pending', 'ready', 'sending')) AS pending,
          COUNT(*) FILTER (WHERE status = 'failed') AS failed,
          COUNT(*) FILTER (WHERE status = 'skipped') AS skipped,
          COUNT(*) FILTER (WHERE status IN ('ready', 'sending') AND attempts > 0) AS retrying,
          MAX(sent_at) AS last_sent_at
        FROM digest_outbox GROUP BY period_key ORDER BY MAX(created_at) DESC, period_key DESC LIMIT $1`, [limit])).rows;
    return rows.map((r) => ({
      periodKey: r.period_key, sent: r.sent, pending: r.pending, failed: r.failed, skipped: r.skipped,
      retrying: r.retrying, lastSentAt: r.last_sent_at,
    }));
  }

  async listOutbox(periodKey: string): Promise<{ email: string; status: OutboxStatus; attempts: number; lastError: string | null }[]> {
    const rows = (await this.pool.query<{ email: string; status: OutboxStatus; attempts: number; last_error: string | null }>(
      `SELECT s.email, o.status, o.attempts, o.last_error FROM digest_outbox o
        JOIN subscriptions s ON s.id = o.subscription_id WHERE o.period_key = $1 ORDER BY lower(s.email), s.email`, [periodKey])).rows;
    return rows.map((r) => ({ email: r.email, status: r.status, attempts: r.attempts, lastError: r.last_error }));
  }
}
