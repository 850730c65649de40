/**
 * The log of a background task that retries on its own (the search index's
 * catch-up, a maintainer thread's restart): while the database does not
 * answer, the first failure is logged and the rest are counted, and the
 * first success after them is logged once — one line when an outage starts,
 * one when it ends, not one per retry for as long as it lasts.
 *
 * Goals: quiet logs through a PostgreSQL restart or a long outage, with the
 * outage's length and number of failed attempts told at the end. Non-goals:
 * retrying (each task keeps its own schedule); failures that are not the
 * database being away (isDatabaseUnavailable): those are faults and are
 * logged every time.
 */
import { isDatabaseUnavailable } from './database-unavailable.js';

export class OutageLog {
  private down: { since: number; failures: number } | null = null;

  /** `what` names the task in the log lines ("search index catch-up"). */
  constructor(
    private readonly what: string,
    private readonly log: (line: string) => void = (line) => console.error(line),
    private readonly now: () => number = Date.now,
  ) {}

  /** True while failures of an outage are being counted, not logged. */
  get inOutage(): boolean {
    return this.down !== null;
  }

  /** A failed attempt: logged, unless it is one more failure of an outage already told. */
  failed(err: unknown, unavailable = isDatabaseUnavailable(err)): void {
    const message = err instanceof Error ? err.message : String(err);
    if (!unavailable) {
      this.log(`paperboy: ${this.what} failed: ${message}`);
      return;
    }
    if (this.down) {
      this.down.failures++;
      return;
    }
    this.down = { since: this.now(), failures: 1 };
    this.log(`paperboy: ${this.what} failed: the database does not answer (${message}); retrying quietly until it does`);
  }

  /** A successful attempt: tells the end of an outage, once. */
  succeeded(): void {
    if (!this.down) return;
    const seconds = Math.round((this.now() - this.down.since) / 1000);
    this.log(`paperboy: ${this.what} works again: the database answers (down ${seconds} s, ${this.down.failures} failed attempts)`);
    this.down = null;
  }
}
