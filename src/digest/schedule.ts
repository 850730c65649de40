/**
 * The in-process digest schedule that `paperboy serve` starts (croner).
 *
 * Two timers, both in config.timezone: at config.digestTime every day, plan
 * what is due (the daily digest for yesterday's list when yesterday was a
 * weekday; on Mondays the weekly digest for last week) and send it; and every
 * RETRY_EVERY minutes, deliver whatever is due in the outbox (retries after
 * temporary failures, rows left by a crashed process). Safe when several
 * processes run it against one database: rows are claimed in the database.
 * Non-goals: catching up a day the server was down for (run `paperboy digest run`).
 */
import { Cron } from 'croner';
import type { Config } from '../config.js';
import type { Store } from '../store/store.js';
import type { SubscriptionStore } from '../store/subscription-store.js';
import { mailerFromConfig, type Mailer } from './smtp.js';
import { deliverDue, renderPending, type OutboxDeps } from './outbox.js';
import { duePeriods, runDigest } from './run-digest.js';

export interface DigestSchedule {
  stop(): void;
}

/** Minutes between outbox sweeps for retries. Default 5; sane range 1–30 (the first retry waits 1 minute). */
export const RETRY_EVERY_MINUTES = 5;

export interface ScheduleOptions {
  mailer?: Mailer;
  log?: (line: string) => void;
  now?: () => Date;
}

export function startDigestSchedule(
  deps: { store: Store; subs: SubscriptionStore; config: Config; personal?: OutboxDeps['personal'] }, opts: ScheduleOptions = {},
): DigestSchedule {
  const log = opts.log ?? ((line: string) => console.log(`paperboy: ${line}`));
  if (!deps.config.smtpUrl && !opts.mailer) {
    log('SMTP_URL is not set: digests are not scheduled (set SMTP_URL to send them)');
    return { stop() {} };
  }
  const subs = deps.subs;
  const mailer = opts.mailer ?? mailerFromConfig(deps.config);
  const outbox: OutboxDeps = { store: deps.store, subs, mailer, config: deps.config, now: opts.now, log, personal: deps.personal };
  const [hh, mm] = deps.config.digestTime.split(':').map(Number);
  const guard = (what: string, fn: () => Promise<void>) => async () => {
    try {
      await fn();
    } catch (err) {
      log(`digest ${what} failed: ${err instanceof Error ? err.message : String(err)} (it will be tried again at the next tick)`);
    }
  };
  const daily = new Cron(`${mm} ${hh} * * *`, { timezone: deps.config.timezone, protect: true },
    guard('run', async () => {
      const periods = duePeriods((opts.now ?? (() => new Date()))(), deps.config.timezone, 'monday');
      const r = await runDigest(outbox, periods);
      log(`digest run: ${r.planned.map((p) => `${p.frequency} ${p.period}: ${p.enqueued} enqueued`).join('; ') || 'nothing due'}; ` +
        `sent ${r.delivery?.sent ?? 0}, retry later ${r.delivery?.retried ?? 0}, failed ${r.delivery?.failed ?? 0}`);
    }));
  const sweep = new Cron(`*/${RETRY_EVERY_MINUTES} * * * *`, { timezone: deps.config.timezone, protect: true },
    guard('retry sweep', async () => {
      await renderPending(outbox);
      const d = await deliverDue(outbox);
      if (d.sent || d.failed || d.retried) log(`digest retry sweep: sent ${d.sent}, retry later ${d.retried}, failed ${d.failed}`);
    }));
  log(`digests scheduled at ${deps.config.digestTime} ${deps.config.timezone}; next run ${daily.nextRun()?.toISOString() ?? 'never'}`);
  return {
    stop() {
      daily.stop();
      sweep.stop();
      if (!opts.mailer) mailer.close();
    },
  };
}
