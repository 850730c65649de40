/**
 * Scheduled harvests in `serve`: every day at HARVEST_TIME (PAPERBOY_TIMEZONE)
 * each configured job (a Hub-compatible Daily Papers list, arXiv categories)
 * runs once for that day, however many processes serve the database: the
 * first process to claim `harvest:run:<job>:<day>` in the store runs it, the
 * others skip. The claim is a lease the runner renews while it works: when
 * the runner dies (kill -9, a crash, a lost machine) the lease runs out and
 * another process takes the run over (replaceState, so only one does) and
 * finishes it — the harvests are resumable. Each run records what it
 * brought under `harvest:last:<job>` (shown by `paperboy doctor`).
 *
 * Goals: fresh papers without anyone lifting a finger; a failed run is logged
 * and recorded, and the next day's run resumes where it stopped (the
 * harvests are resumable). Non-goals: retrying within the day (the harvests'
 * polite client already retries), catching up days the server was down (a
 * Daily Papers harvest re-reads from its last day anyway).
 */
import { Cron } from 'croner';
import { hostname } from 'node:os';
import { harvestJobName, type Config, type HarvestJob } from '../config.js';
import type { Store } from '../store/store.js';
import { localDay } from '../domain/periods.js';
import { PoliteHttpClient } from './http-fetch.js';
import { DEFAULT_OAI_URL, harvestArxiv } from './harvest-arxiv.js';
import { parseOaiPage } from './arxiv-oai.js';
import { importItems } from './importer.js';
import { harvestHf } from './harvest-hf.js';

/**
 * Pause between requests of a scheduled harvest: arXiv asks for ≥ 3 s; the
 * Hub's API is rate-limited per address. Default 3,000 ms for both; the
 * polite client also honours Retry-After.
 */
export const SCHEDULED_DELAY_MS = 3_000;

/**
 * How long a claim holds without renewal; the runner renews it every third
 * of that. Long enough that a process stalled by a slow disk or a busy core
 * keeps its run, short enough that a dead runner's harvest is taken over
 * the same morning. Default 10 minutes.
 */
export const LEASE_MS = 10 * 60_000;
/** How often every process looks for a claim of today whose lease ran out. Default 2 minutes. */
export const TAKEOVER_CHECK_MS = 2 * 60_000;

/** What a claim holds: who runs it, until when (renewed), and whether it is done. */
interface Claim {
  pid: number;
  host: string;
  until: string;
  done: boolean;
}

/** What a run brought, as recorded for doctor. */
export interface HarvestRunRecord {
  job: string;
  day: string;
  startedAt: string;
  finishedAt: string;
  ok: boolean;
  summary: string;
}

export function lastRunKey(job: HarvestJob): string {
  return `harvest:last:${harvestJobName(job)}`;
}

/** Runs one job now (the same code as `paperboy harvest hf|arxiv`); returns a one-line summary. */
export async function runHarvestJob(store: Store, job: HarvestJob, opts: { log: (line: string) => void; delayMs?: number; oaiUrl?: string }): Promise<string> {
  const client = new PoliteHttpClient({
    minDelayMs: opts.delayMs ?? SCHEDULED_DELAY_MS,
    onRetry: (r) => opts.log(`${r.reason}; retrying in ${Math.round(r.waitMs / 1000)} s`),
  });
  const fetchText = async (url: string) => (await client.getText(url)).body;
  if (job.kind === 'hf') {
    const r = await harvestHf(store, { endpoint: job.endpoint }, { fetchText, importItems: (s, items, o) => importItems(s, items, o), log: opts.log });
    return `${r.from} to ${r.to}: ${r.days} days, added ${r.added}, updated ${r.updated}, unchanged ${r.unchanged}, rejected ${r.rejected}`;
  }
  const parts: string[] = [];
  for (const category of job.categories) {
    const r = await harvestArxiv(store, { category, from: null, until: null, baseUrl: opts.oaiUrl ?? process.env.ARXIV_OAI_URL ?? DEFAULT_OAI_URL },
      { fetchText, parsePage: parseOaiPage, importItems: (s, items, o) => importItems(s, items, o), log: opts.log });
    parts.push(`${category}: added ${r.added}, updated ${r.updated}`);
  }
  return parts.join('; ');
}

export interface HarvestScheduleDeps {
  store: Store;
  config: Config;
  log?: (line: string) => void;
  now?: () => Date;
  /** The job runner (tests pass one that talks to a local fixture server). */
  run?: (job: HarvestJob) => Promise<string>;
  /** LEASE_MS unless given (tests). */
  leaseMs?: number;
  /** TAKEOVER_CHECK_MS unless given (tests). */
  takeoverCheckMs?: number;
}

export interface HarvestSchedule {
  /** Runs every job not yet run today (by any process); what the timer calls. Returns the jobs this process ran. */
  runDue(): Promise<string[]>;
  /** Takes over and finishes today's runs whose runner's lease ran out; what the takeover timer calls. Returns the jobs it ran. */
  takeOver(): Promise<string[]>;
  stop(): void;
}

export function startHarvestSchedule(deps: HarvestScheduleDeps): HarvestSchedule {
  const log = deps.log ?? ((line: string) => console.log(`paperboy: ${line}`));
  const now = deps.now ?? (() => new Date());
  const jobs = deps.config.harvests;
  const run = deps.run ?? ((job: HarvestJob) => runHarvestJob(deps.store, job, { log: (l) => log(`harvest ${harvestJobName(job)}: ${l}`) }));
  let running: Promise<string[]> | null = null;
  const leaseMs = deps.leaseMs ?? LEASE_MS;
  const claim = (done = false): string =>
    JSON.stringify({ pid: process.pid, host: hostname(), until: new Date(now().getTime() + leaseMs).toISOString(), done } satisfies Claim);

  /** Claims today's run of each job (new claims with `fresh`, else only lapsed ones) and runs what it claimed. */
  async function runClaimed(fresh: boolean): Promise<string[]> {
    const day = localDay(now(), deps.config.timezone);
    const ran: string[] = [];
    for (const job of jobs) {
      const name = harvestJobName(job);
      const key = `harvest:run:${name}:${day}`;
      let held = claim();
      if (!fresh || !(await deps.store.claimState(key, held))) {
        // Another process claimed it: take it over only when that claim lapsed unfinished.
        const current = await deps.store.getState(key);
        const other = parseClaim(current);
        if (!current || !other || other.done || Date.parse(other.until) > now().getTime()) continue;
        if (!(await deps.store.replaceState(key, current, held))) continue; // another process took it over first
        log(`harvest ${name} for ${day}: the run of process ${other.pid} on ${other.host} stopped renewing its claim; taking it over`);
      }
      // Renew the lease while the job runs; losing it (another process took over) is logged, the run goes on (imports are idempotent).
      let renewing: Promise<void> = Promise.resolve();
      const renew = setInterval(() => {
        renewing = renewing.then(async () => {
          const next = claim();
          if (await deps.store.replaceState(key, held, next)) held = next;
          else log(`harvest ${name} for ${day}: its claim was taken over by another process`);
        }).catch(() => undefined);
      }, Math.max(1, Math.floor(leaseMs / 3)));
      renew.unref();
      const startedAt = now().toISOString();
      let record: HarvestRunRecord;
      try {
        const summary = await run(job);
        record = { job: name, day, startedAt, finishedAt: now().toISOString(), ok: true, summary };
        log(`harvest ${name} for ${day}: ${summary}`);
      } catch (err) {
        const summary = err instanceof Error ? err.message : String(err);
        record = { job: name, day, startedAt, finishedAt: now().toISOString(), ok: false, summary };
        log(`harvest ${name} for ${day} failed: ${summary} (the next run resumes)`);
      }
      clearInterval(renew);
      await renewing;
      await deps.store.setState(lastRunKey(job), JSON.stringify(record));
      // Done (a failed run too: the next day's run resumes it, as before).
      await deps.store.setState(key, claim(true));
      ran.push(name);
    }
    return ran;
  }

  const runDue = () => runClaimed(true);
  const takeOver = () => runClaimed(false);

  if (jobs.length === 0) return { runDue: async () => [], takeOver: async () => [], stop() {} };
  const [hh, mm] = deps.config.harvestTime.split(':').map(Number);
  const cron = new Cron(`${mm} ${hh} * * *`, { timezone: deps.config.timezone, protect: true }, () => {
    if (running) return;
    running = runDue().catch((err) => { log(`harvest schedule failed: ${err instanceof Error ? err.message : String(err)}`); return []; })
      .finally(() => { running = null; });
  });
  const check = setInterval(() => {
    if (running) return;
    running = takeOver().catch((err) => { log(`harvest takeover failed: ${err instanceof Error ? err.message : String(err)}`); return []; })
      .finally(() => { running = null; });
  }, deps.takeoverCheckMs ?? TAKEOVER_CHECK_MS);
  check.unref();
  log(`harvests scheduled at ${deps.config.harvestTime} ${deps.config.timezone} (${jobs.map(harvestJobName).join(', ')}); next run ${cron.nextRun()?.toISOString() ?? 'never'}`);
  return {
    runDue,
    takeOver,
    stop() {
      cron.stop();
      clearInterval(check);
    },
  };
}

/** A claim as stored; null for what is not one (a claim written before leases: a bare pid, treated as finished). */
function parseClaim(value: string | null): Claim | null {
  if (!value?.startsWith('{')) return null;
  try {
    const c = JSON.parse(value) as Claim;
    return typeof c.until === 'string' && typeof c.done === 'boolean' ? c : null;
  } catch {
    return null;
  }
}
