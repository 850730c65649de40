/**
 * One digest run: decide which periods are due, enqueue them, render, deliver.
 * Used by `paperboy digest run` and by the in-process schedule.
 *
 * What is due at a moment (in the configured time zone): daily subscribers get
 * yesterday's list when yesterday was a weekday (so mails arrive Tuesday to
 * Saturday mornings and every weekday list is mailed once); weekly subscribers
 * get the last complete ISO week. An explicit date selects the day / the ISO
 * week holding it instead. Every step is idempotent, so running twice (or in
 * two processes) sends nothing twice. Non-goals: the timer (schedule.ts).
 */
import { addDays, type Period } from '../domain/periods.js';
import type { Frequency } from '../store/subscription-store.js';
import { deliverDue, enqueuePeriod, renderPending, type DeliverOptions, type DeliverReport, type OutboxDeps } from './outbox.js';
import { digestPeriod, loadCandidates } from './select.js';
import { localDay } from '../domain/periods.js';

export { localDay };

function isWeekday(day: string): boolean {
  const dow = new Date(`${day}T00:00:00Z`).getUTCDay();
  return dow >= 1 && dow <= 5;
}

export interface DuePeriod {
  frequency: Frequency;
  period: Period;
}

/**
 * The periods due at `now`. `weekly: 'monday'` (the schedule) plans the weekly
 * digest only on Mondays; `'always'` (a manual run) also catches up a missed Monday.
 */
export function duePeriods(now: Date, timeZone: string, weekly: 'monday' | 'always' = 'always'): DuePeriod[] {
  const today = localDay(now, timeZone);
  const yesterday = addDays(today, -1);
  const out: DuePeriod[] = [];
  if (isWeekday(yesterday)) out.push({ frequency: 'daily', period: digestPeriod('daily', yesterday) });
  const isMonday = new Date(`${today}T00:00:00Z`).getUTCDay() === 1;
  if (weekly === 'always' || isMonday) out.push({ frequency: 'weekly', period: digestPeriod('weekly', addDays(today, -7)) });
  return out;
}

/** The periods holding an explicit date, for both frequencies. */
export function periodsForDate(day: string): DuePeriod[] {
  return [
    { frequency: 'daily', period: digestPeriod('daily', day) },
    { frequency: 'weekly', period: digestPeriod('weekly', day) },
  ];
}

export interface RunReport {
  planned: { frequency: Frequency; period: string; papers: number; enqueued: number }[];
  rendered: number;
  skipped: number;
  delivery: DeliverReport | null;
}

/** Enqueues the periods, renders and delivers. `dryRun` reports what would be enqueued and changes nothing. */
export async function runDigest(deps: OutboxDeps, periods: DuePeriod[], opts: DeliverOptions & { dryRun?: boolean; size?: number } = {}): Promise<RunReport> {
  const now = (deps.now ?? (() => new Date()))();
  const report: RunReport = { planned: [], rendered: 0, skipped: 0, delivery: null };
  for (const { frequency, period } of periods) {
    if (opts.dryRun) {
      const papers = (await loadCandidates(deps.store, period, now)).length;
      const enqueued = papers ? await deps.subs.countUnqueued(period.key, frequency) : 0;
      report.planned.push({ frequency, period: period.key, papers, enqueued });
    } else {
      const r = await enqueuePeriod(deps, frequency, period);
      report.planned.push({ frequency, period: period.key, ...r });
    }
  }
  if (opts.dryRun) return report;
  const r = await renderPending(deps, { size: opts.size });
  report.rendered = r.rendered;
  report.skipped = r.skipped;
  report.delivery = await deliverDue(deps, opts);
  return report;
}
