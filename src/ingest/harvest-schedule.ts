/**
 * Scheduled harvests in `serve`: every day at HARVEST_TIME (PAPERBOY_TIMEZONE)
 * each configured job (a Hub-compatible Daily Papers list, arXiv categories)
 * runs once for that day, however many processes serve the database: the
 * first process to claim `harvest:run:<job>:<day>` in the store runs it, the
 * others skip. Each run records what it brought under `harvest:last:<job>`
 * (shown by `paperboy doctor`).
 *
 * Goals: fresh papers without anyone lifting a finger; a failed run is logged
 * and recorded, and the next day's run resumes where it stopped (the
 * harvests are resumable). Non-goals: retrying within the day (the harvests'
 * polite client already retries), catching up days the server was down (a
 * Daily Papers harvest re-reads from its last day anyway).
 */
import { Cron } from 'croner';
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
}

export interface HarvestSchedule {
  /** Runs every job not yet run today (by any process); what the timer calls. Returns the jobs this process ran. */
  runDue(): Promise<string[]>;
  stop(): void;
}

export function startHarvestSchedule(deps: HarvestScheduleDeps): HarvestSchedule {
  const log = deps.log ?? ((line: string) => console.log(`paperboy: ${line}`));
  const now = deps.now ?? (() => new Date());
  const jobs = deps.config.harvests;
  const run = deps.run ?? ((job: HarvestJob) => runHarvestJob(deps.store, job, { log: (l) => log(`harvest ${harvestJobName(job)}: ${l}`) }));
  let running: Promise<string[]> | null = null;

  async function runDue(): Promise<string[]> {
    const day = localDay(now(), deps.config.timezone);
    const ran: string[] = [];
    for (const job of jobs) {
      const name = harvestJobName(job);
      if (!(await deps.store.claimState(`harvest:run:${name}:${day}`, String(process.pid)))) continue; // another process has it
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
      await deps.store.setState(lastRunKey(job), JSON.stringify(record));
      ran.push(name);
    }
    return ran;
  }

  if (jobs.length === 0) return { runDue: async () => [], stop() {} };
  const [hh, mm] = deps.config.harvestTime.split(':').map(Number);
  const cron = new Cron(`${mm} ${hh} * * *`, { timezone: deps.config.timezone, protect: true }, () => {
    if (running) return;
    running = runDue().catch((err) => { log(`harvest schedule failed: ${err instanceof Error ? err.message : String(err)}`); return []; })
      .finally(() => { running = null; });
  });
  log(`harvests scheduled at ${deps.config.harvestTime} ${deps.config.timezone} (${jobs.map(harvestJobName).join(', ')}); next run ${cron.nextRun()?.toISOString() ?? 'never'}`);
  return {
    runDue,
    stop() {
      cron.stop();
    },
  };
}
