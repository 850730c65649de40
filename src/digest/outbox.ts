/**
 * The digest outbox: enqueue → render → deliver, three separate steps over
 * rows keyed by (subscriber, period).
 *
 * Guarantees (see docs/DIGESTS.md): a row is marked sent only after the SMTP
 * server accepted the message; a crash at any point followed by a re-run sends
 * every due digest, none twice (except a message that was in flight at the
 * crash: at most one per pool connection, and it keeps its Message-ID so
 * receivers can drop the copy); one bad recipient never stops the batch; an
 * unreachable server stops the batch and defers it. Claims carry an owner
 * (host:pid:nonce) and a lease, so several processes can deliver from one
 * database, and claims of a process that died on this host are released at
 * once instead of waiting for the lease.
 * Non-goals: choosing papers (select.ts), HTML (render.ts), the clock of the
 * schedule (schedule.ts).
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { parsePeriod, type Period } from '../domain/periods.js';
import type { Store } from '../store/store.js';
import type { ClaimedDigest, Frequency, RenderedMessage, SubscriptionStore } from '../store/subscription-store.js';
import { classifySmtpError, describeSmtpError, type Mailer } from './smtp.js';
import { DEFAULT_DIGEST_SIZE, loadCandidates, selectForTopics, type DigestItem } from './select.js';
import { renderDigest } from './render.js';
import { subscriptionLinks } from './signed-links.js';
import { PersonalDigests, type PersonalSections, type PersonalSources } from './personal.js';

/**
 * First retry delay after a temporary failure; doubles per attempt. Default
 * 60 s; sane range 10 s–10 min. Greylisting servers ask for 1–5 minutes.
 */
export const RETRY_BASE_MS = 60_000;
/** Longest retry delay. Default 6 h; sane range 1–12 h (a daily digest is stale after a day). */
export const RETRY_MAX_MS = 6 * 3_600_000;
/** Temporary failures before a row is given up as failed. Default 10 (~17 h of backoff); sane range 5–15. */
export const MAX_ATTEMPTS = 10;
/** Permanent rejections in a row (across digests) before the subscription is paused. Default 3; sane range 1–5. */
export const PAUSE_AFTER_PERMANENT = 3;
/**
 * How long a claim holds rows. Default 15 min; sane range 5–60 min. Must
 * exceed the time to send one claimed batch on a slow server, or a second
 * process could take over rows that are still being sent.
 */
export const LEASE_MS = 15 * 60_000;
/** Rows claimed at once per process. Default 20; small batches spread work over several processes. */
export const CLAIM_BATCH = 20;

export interface OutboxDeps {
  store: Store;
  subs: SubscriptionStore;
  mailer: Mailer;
  config: { publicUrl: string; secret: string };
  now?: () => Date;
  log?: (line: string) => void;
  /**
   * Votes, reading lists and follows: with them, the digest of a subscription
   * linked to an account adds "For you" and its followed organizations
   * (personal.ts); without them every digest is the topics' list alone.
   */
  personal?: Omit<PersonalSources, 'store'>;
}

export interface DeliverOptions {
  /** Messages sent in parallel (≤ the mailer's pool connections). Default 2. */
  concurrency?: number;
  claimBatch?: number;
  leaseMs?: number;
  pauseAfter?: number;
  maxAttempts?: number;
  /** Stop after this many messages (benchmarks, tests); default: until nothing is due. */
  maxMessages?: number;
}

export interface DeliverReport {
  sent: number;
  retried: number;
  failed: number;
  paused: number;
  /** Set when the batch stopped because the server was unreachable. */
  stoppedBy: string | null;
  /** Claims of dead processes on this host released (at the start, or when one died during the run). */
  released: number;
}

export function periodOfKey(key: string): { period: Period; frequency: Frequency } | null {
  const kind = /^\d{4}-W\d{2}$/.test(key) ? 'week' : 'day';
  const period = parsePeriod(kind, key);
  return period ? { period, frequency: kind === 'week' ? 'weekly' : 'daily' } : null;
}

export function retryDelayMs(attempt: number): number {
  return Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.max(0, attempt - 1));
}

const OWNER_HOST = hostname();
const liveOwners = new Set<string>();

function newOwner(): string {
  return `${OWNER_HOST}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/** True when `owner` was a process on this host that no longer runs (or a finished run of this process). */
export function isDeadLocalOwner(owner: string): boolean {
  const [host, pidText] = owner.split(':');
  const pid = Number(pidText);
  if (host !== OWNER_HOST || !Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return !liveOwners.has(owner);
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Adds a pending row per active subscriber of `frequency` for `period`; nothing when the period has no papers. */
export async function enqueuePeriod(deps: OutboxDeps, frequency: Frequency, period: Period): Promise<{ papers: number; enqueued: number }> {
  const now = (deps.now ?? (() => new Date()))();
  const candidates = await loadCandidates(deps.store, period, now);
  if (candidates.length === 0) return { papers: 0, enqueued: 0 };
  return { papers: candidates.length, enqueued: await deps.subs.enqueue(period.key, frequency, now) };
}

/** Renders pending rows into ready messages (or skipped, when no paper matches the topics). */
export async function renderPending(deps: OutboxDeps, opts: { size?: number; batch?: number } = {}): Promise<{ rendered: number; skipped: number }> {
  const now = (deps.now ?? (() => new Date()))();
  const candidates = new Map<string, DigestItem[]>();
  const selections = new Map<string, DigestItem[]>();
  const personal = deps.personal ? new PersonalDigests({ store: deps.store, ...deps.personal }) : null;
  let rendered = 0, skipped = 0;
  for (;;) {
    const rows = await deps.subs.listToRender(opts.batch ?? 200);
    if (rows.length === 0) break;
    const out: { id: number; message: RenderedMessage | null; reason: string | null }[] = [];
    for (const row of rows) {
      const pk = periodOfKey(row.periodKey);
      if (!pk) {
        out.push({ id: row.id, message: null, reason: `unknown period ${row.periodKey}` });
        continue;
      }
      let cands = candidates.get(row.periodKey);
      if (!cands) candidates.set(row.periodKey, (cands = await loadCandidates(deps.store, pk.period, now)));
      const sig = `${row.periodKey}\n${JSON.stringify(row.subscription.topics)}`;
      let items = selections.get(sig);
      if (!items) selections.set(sig, (items = selectForTopics(cands, row.subscription.topics, opts.size ?? DEFAULT_DIGEST_SIZE)));
      const userId = row.subscription.userId;
      const own: PersonalSections | null = personal && userId !== null ? await personal.sectionsFor(userId, pk.period, cands, items) : null;
      if (items.length === 0 && !own?.forYou.length && !own?.fromFollowed.length) {
        out.push({ id: row.id, message: null, reason: 'no paper matched the topics' });
        continue;
      }
      out.push({ id: row.id, reason: null, message: renderDigest({
        period: pk.period, frequency: pk.frequency, items, publicUrl: deps.config.publicUrl,
        links: subscriptionLinks(deps.config.publicUrl, deps.config.secret, row.subscription),
        personal: own,
      }) });
    }
    await deps.subs.saveRendered(out);
    // Counted from what this process rendered; a row another process saved first is simply not changed.
    for (const o of out) if (o.message) rendered++; else skipped++;
  }
  return { rendered, skipped };
}

function messageIdFor(d: ClaimedDigest, publicUrl: string): string {
  let host = 'localhost';
  try {
    host = new URL(publicUrl).hostname || host;
  } catch { /* validated by loadConfig */ }
  return `<digest.${d.id}.${d.periodKey}@${host}>`;
}

/** Sends every ready row that is due, until none is left (or the server is unreachable). */
export async function deliverDue(deps: OutboxDeps, opts: DeliverOptions = {}): Promise<DeliverReport> {
  const clock = deps.now ?? (() => new Date());
  const log = deps.log ?? (() => {});
  const concurrency = Math.max(1, opts.concurrency ?? 2);
  const pauseAfter = opts.pauseAfter ?? PAUSE_AFTER_PERMANENT;
  const maxAttempts = opts.maxAttempts ?? MAX_ATTEMPTS;
  const report: DeliverReport = { sent: 0, retried: 0, failed: 0, paused: 0, stoppedBy: null, released: 0 };

  const dead = (await deps.subs.listClaimOwners()).filter(isDeadLocalOwner);
  if (dead.length) report.released = await deps.subs.releaseOwners(dead);

  const owner = newOwner();
  liveOwners.add(owner);
  try {
    while (report.stoppedBy === null && (opts.maxMessages === undefined || report.sent < opts.maxMessages)) {
      const now = clock();
      const want = Math.min(opts.claimBatch ?? CLAIM_BATCH, opts.maxMessages === undefined ? Infinity : opts.maxMessages - report.sent);
      const claimed = await deps.subs.claimDue(owner, now, new Date(now.getTime() + (opts.leaseMs ?? LEASE_MS)), want);
      if (claimed.length === 0) {
        // Before stopping: claims of a process on this host that died during this run go back to
        // 'ready' and are sent now, not at the next sweep (other hosts' claims wait for their lease).
        const gone = (await deps.subs.listClaimOwners()).filter(isDeadLocalOwner);
        const released = gone.length ? await deps.subs.releaseOwners(gone) : 0;
        report.released += released;
        if (released > 0) continue;
        break;
      }
      let next = 0;
      const worker = async () => {
        while (next < claimed.length) {
          const d = claimed[next++];
          if (report.stoppedBy !== null) {
            // The server is unreachable: put the rest back for the same retry time, without counting an attempt.
            await deps.subs.markRetry(d.id, owner, report.stoppedBy, new Date(clock().getTime() + retryDelayMs(1)), false);
            continue;
          }
          await deliverOne(d);
        }
      };
      const deliverOne = async (d: ClaimedDigest) => {
        try {
          const res = await deps.mailer.send({ to: d.email, ...d.message, messageId: messageIdFor(d, deps.config.publicUrl) });
          await deps.subs.markSent(d.id, owner, res.messageId, clock());
          report.sent++;
        } catch (err) {
          const kind = classifySmtpError(err);
          const why = describeSmtpError(err);
          const attempt = d.attempts + 1;
          if (kind === 'permanent' || (kind === 'temporary' && attempt >= maxAttempts)) {
            const paused = await deps.subs.markFailed(d.id, owner, why, pauseAfter, clock());
            report.failed++;
            if (paused) report.paused++;
            log(`digest ${d.periodKey} to ${d.email}: failed (${why})${paused ? '; subscription paused' : ''}`);
          } else {
            await deps.subs.markRetry(d.id, owner, why, new Date(clock().getTime() + retryDelayMs(attempt)), true);
            report.retried++;
            if (kind === 'connection') {
              report.stoppedBy = `SMTP server unreachable: ${why}`;
              log(`digest: ${report.stoppedBy}; the rest is deferred`);
            }
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, claimed.length) }, worker));
    }
  } finally {
    liveOwners.delete(owner);
  }
  await deps.subs.pruneBodies();
  return report;
}
