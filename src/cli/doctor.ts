/**
 * `paperboy doctor`: a preflight for self-hosters. Prints one ✓ / ! / ✗ line
 * per check — configuration, database (opens, writable, WAL), schema
 * version, search index (lag, papers, duplicates), accounts (is there an admin), free disk, SMTP — and exits 1 when any check fails.
 *
 * Goals: every failing line says what to do next; nothing secret is printed
 * (the config is shown redacted). The database is opened read-only, so the
 * doctor never migrates or creates anything. Non-goals: contacting the SMTP
 * server or arXiv (a check that sends traffic is a different command).
 */
import type { Command } from 'commander';
import { accessSync, constants, existsSync, statfsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type Config, ConfigError, displayDb, loadConfig, redactConfig } from '../config.js';
import type { Backend, CheckLevel, HealthCheck } from '../store/backend.js';
import { isPostgresUrl, openBackend } from '../store/open-backend.js';
import { lexicalIndexChecks } from '../search/index-health.js';
import { processAlive } from '../search/index-lock.js';
import { harvestJobName } from '../config.js';
import { lastRunKey, type HarvestRunRecord } from '../ingest/harvest-schedule.js';
import { SERVE_STATE_KEY, type ServeRecord } from './serve-record.js';
import { hostname } from 'node:os';
import { vectorIndexChecks } from '../search/vectors/vector-health.js';
import { notesChecks } from '../search/notes/notes-health.js';
import { accountChecks } from '../accounts/account-health.js';

export type { CheckLevel };
export type Check = HealthCheck;

/**
 * Free space below this fails the check: 200 MB. SQLite needs room for the WAL
 * and for a temporary copy during VACUUM / index rebuilds. Sane range
 * 100 MB – 1 GB.
 */
export const DISK_FAIL_BYTES = 200 * 1024 ** 2;
/**
 * Free space below this is a warning: 2 GB. A daily-papers site needs far
 * less; a bulk snapshot import needs ~4 GB per million papers (measured by
 * bench/import-bench.ts, papers + FTS5). Sane range 1–10 GB.
 */
export const DISK_WARN_BYTES = 2 * 1024 ** 3;

const SYMBOL: Record<CheckLevel, string> = { ok: '✓', warn: '!', fail: '✗' };

function human(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = bytes, i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

/** The closest existing folder at or above `p`. */
function existingDir(p: string): string {
  let d = p;
  while (!existsSync(d) && dirname(d) !== d) d = dirname(d);
  return d;
}

function writable(p: string): boolean {
  try {
    accessSync(p, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

async function databaseChecks(config: Config): Promise<Check[]> {
  const checks: Check[] = [];
  if (isPostgresUrl(config.db)) {
    let backend: Backend;
    try {
      backend = await openBackend(config.db, { readonly: true, nativeLexical: config.search === 'fts5', indexDir: config.indexDir });
    } catch (err) {
      checks.push({ level: 'fail', name: 'database', message: `${err instanceof Error ? err.message : String(err)}: is the server running, and the URL right?` });
      return checks;
    }
    return withBackend(backend, config, checks);
  }
  const file = resolve(config.db);
  const dir = existingDir(dirname(file));
  if (!existsSync(file)) {
    checks.push(writable(dir)
      ? { level: 'warn', name: 'database', message: `${file} does not exist yet; paperboy serve or import will create it (folder ${dir} is writable)` }
      : { level: 'fail', name: 'database', message: `${file} does not exist and ${dir} is not writable: choose another --db / PAPERBOY_DB or fix the folder's permissions` });
    return checks;
  }
  let backend: Backend;
  try {
    backend = await openBackend(file, { readonly: true, nativeLexical: config.search === 'fts5', indexDir: config.indexDir });
  } catch (err) {
    checks.push({ level: 'fail', name: 'database', message: `${file} cannot be opened (${err instanceof Error ? err.message : String(err)}): is it a paperboy SQLite database?` });
    return checks;
  }
  return withBackend(backend, config, checks);
}

/** The checks of an opened database: its own, then the indexes, server, harvests and accounts over it. */
async function withBackend(backend: Backend, config: Config, checks: Check[]): Promise<Check[]> {
  try {
    const db = await backend.doctorChecks();
    checks.push(...db);
    // A database without a paperboy schema yet (a new PostgreSQL database) has nothing more to check.
    const schemaOk = db.some((c) => c.name === 'schema' && c.level !== 'fail') && (await backend.store.schemaVersion()).current > 0;
    if (schemaOk && config.search === 'engine') checks.push(...await lexicalIndexChecks(backend));
    if (schemaOk) checks.push(...await serverAndHarvestChecks(backend, config));
    if (schemaOk && config.vectors) checks.push(...await vectorIndexChecks(backend));
    if (schemaOk && config.search === 'engine') checks.push(...await notesChecks(backend));
    if (schemaOk) checks.push(...await accountChecks(backend));
  } finally {
    await backend.close();
  }
  return checks;
}

/** Where a running serve really listens (its port may differ from this shell's config), and what the scheduled harvests last did. */
async function serverAndHarvestChecks(backend: Backend, config: Config): Promise<Check[]> {
  const checks: Check[] = [];
  const raw = await backend.store.getState(SERVE_STATE_KEY);
  const serve = raw ? (JSON.parse(raw) as ServeRecord) : null;
  if (serve && serve.host === hostname() && processAlive(serve.pid)) {
    checks.push({ level: 'ok', name: 'server', message: `paperboy serve (pid ${serve.pid}) is listening at ${serve.address} since ${serve.startedAt}` });
  } else {
    checks.push({ level: 'ok', name: 'server', message: `no paperboy serve running on this machine for this database${serve ? ` (the last one listened at ${serve.address})` : ''}` });
  }
  for (const job of config.harvests) {
    const rec = await backend.store.getState(lastRunKey(job));
    const r = rec ? (JSON.parse(rec) as HarvestRunRecord) : null;
    const name = `harvest ${harvestJobName(job)}`;
    if (!r) checks.push({ level: 'warn', name, message: `scheduled at ${config.harvestTime} ${config.timezone}, never run yet (paperboy serve runs it; paperboy harvest runs it now)` });
    else if (!r.ok) checks.push({ level: 'warn', name, message: `last run ${r.finishedAt} failed: ${r.summary} (the next run resumes)` });
    else checks.push({ level: 'ok', name, message: `last run ${r.finishedAt}: ${r.summary}` });
  }
  return checks;
}

function diskCheck(config: Config): Check {
  if (/^postgres/i.test(config.db)) return { level: 'ok', name: 'disk', message: 'database is remote (PostgreSQL)' };
  const dir = existingDir(dirname(resolve(config.db)));
  try {
    const s = statfsSync(dir);
    const free = s.bavail * s.bsize;
    const msg = `${human(free)} free where the database lives (${dir})`;
    if (free < DISK_FAIL_BYTES) return { level: 'fail', name: 'disk', message: `${msg}: free some space before importing` };
    if (free < DISK_WARN_BYTES) return { level: 'warn', name: 'disk', message: `${msg}: a bulk import (≈ 4 GB per million papers) may not fit` };
    return { level: 'ok', name: 'disk', message: msg };
  } catch (err) {
    return { level: 'warn', name: 'disk', message: `free space of ${dir} unknown (${err instanceof Error ? err.message : String(err)})` };
  }
}

/** Runs every check; `env` defaults to the process environment. */
export async function runDoctor(flags: { db?: string; indexDir?: string }, env: NodeJS.ProcessEnv = process.env): Promise<Check[]> {
  const checks: Check[] = [];
  let config: Config;
  try {
    config = loadConfig({ db: flags.db, indexDir: flags.indexDir }, env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    checks.push({ level: 'fail', name: 'config', message: `${err.message}` });
    return checks;
  }
  const shown = redactConfig(config);
  checks.push({ level: 'ok', name: 'config', message: `valid (db ${displayDb(config.db)}, configured address ${config.host}:${config.port}, public URL ${config.publicUrl}, digest ${config.digestTime} ${config.timezone}${config.harvests.length ? `, harvests ${config.harvests.map(harvestJobName).join(', ')} at ${config.harvestTime}` : ''})` });
  if (shown.secret !== '***') {
    checks.push({ level: 'warn', name: 'secret', message: 'PAPERBOY_SECRET is the built-in default: set it to a long random value before going public (signed links depend on it)' });
  } else {
    checks.push({ level: 'ok', name: 'secret', message: 'PAPERBOY_SECRET is set' });
  }
  checks.push(...await databaseChecks(config));
  checks.push(diskCheck(config));
  checks.push(config.smtpUrl
    ? { level: 'ok', name: 'smtp', message: `configured: ${String(shown.smtpUrl)} (not contacted), mail from ${config.mailFrom}` }
    : { level: 'warn', name: 'smtp', message: 'SMTP_URL is not set: digest mails stay in the outbox and account mails (verification, password reset) are only logged until it is (e.g. smtp://user:pass@mail.example.org:587)' });
  return checks;
}

export function formatChecks(checks: Check[]): string {
  const w = Math.max(...checks.map((c) => c.name.length));
  return checks.map((c) => `${SYMBOL[c.level]} ${c.name.padEnd(w)}  ${c.message}`).join('\n') + '\n';
}

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('check configuration, database, schema, search index, disk and SMTP; exits 1 when a check fails')
    .option('--db <file>', 'SQLite database file or postgres:// URL (env PAPERBOY_DB, default ./data/paperboy.db)')
    .option('--index-dir <dir>', 'the search indexes to check (env PAPERBOY_INDEX_DIR, default <db>.idx/, or data/pg-<database>.idx/ on PostgreSQL)')
    .action(async (opts: { db?: string; indexDir?: string }) => {
      const checks = await runDoctor({ db: opts.db, indexDir: opts.indexDir });
      process.stdout.write(formatChecks(checks));
      const failed = checks.filter((c) => c.level === 'fail').length;
      if (failed > 0) {
        process.stdout.write(`${failed} check${failed > 1 ? 's' : ''} failed\n`);
        process.exitCode = 1;
      }
    });
}
