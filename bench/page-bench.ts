/**
 * Server time to render HTML pages (app.inject, no network): the day page,
 * a paper page (with its similar papers), and for context the week, month,
 * trending and search pages, at 100k and 1M synthetic papers, each beside the
 * bare store call the page is built on (listDaily / getPaper / similar), so
 * rendering cost and database cost can be told apart. The paper page renders
 * without waiting for similar papers (the script loads them from
 * /papers/{id}/similar?fragment=1); that fragment is measured on its own,
 * with a cold cache. The extracted keywords and TL;DRs a list page shows
 * (search/paper-notes.ts, remembered per paper) are timed cold for a day's
 * papers: what a first visit of a day page pays for them.
 *
 *   npm run bench -- pages                          # 100k and 1M papers
 *   npm run bench -- pages --quick                  # 20k papers
 *   node --import tsx bench/page-bench.ts [--sizes 100000,1000000] [--runs 200]
 *
 * The papers are the shared synthetic corpus (bench/corpus.ts), reusing the
 * search bench's databases (bench/out/search-<N>.db, built when missing).
 * Daily lists are generated on top without touching that file: the bench
 * connection gets a TEMP `daily_entries` table (SQLite resolves unqualified
 * names in `temp` before `main`), filled with DAILY_PER_DAY papers per day for
 * the newest DAILY_DAYS days of the corpus, with deterministic upvotes.
 * Target: page render ≤ 10 ms p95. Non-goals: network and concurrency (see
 * load-bench.ts), cold caches.
 */
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import { benchDatabase } from './search-bench.js';
import { backendDeps, createApp } from '../src/web/app.js';
import { loadConfig } from '../src/config.js';
import { openSearch } from '../src/search/open-search.js';
import { DfCounter } from '../src/search/similar.js';
import { PaperNoter } from '../src/search/paper-notes.js';
import { updateNotes } from '../src/search/notes/notes-writer.js';
import { notesDir } from '../src/search/notes/notes-file.js';
import type { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { SqliteBackend } from '../src/store/sqlite/sqlite-backend.js';
import { addDays, isoWeekOf } from '../src/domain/periods.js';
import type { Paper } from '../src/domain/paper.js';
import type { BenchOptions, BenchResult } from './run.js';

/** Papers per generated daily list: a busy Hugging Face Daily Papers day has 30–60. */
export const DAILY_PER_DAY = 50;
/** Days of generated daily lists, counted back from the newest paper: a year. */
export const DAILY_DAYS = 365;

/**
 * Adds generated daily lists to a bench store on this connection only
 * (a TEMP table shadowing `main.daily_entries`; the database file is not
 * changed). Returns the latest day and a sample of paper ids on the lists.
 */
export function addDailyLists(store: SqliteStore): { latestDay: string; days: number; entries: number; sampleIds: string[]; allDays: string[] } {
  const db = store.db;
  // The table as the migrations made it (columns added since, such as curation's removed_at, included), without its
  // foreign key (a TEMP table cannot reference the main database).
  const table = (db.prepare("SELECT sql FROM main.sqlite_master WHERE type = 'table' AND name = 'daily_entries'").get() as { sql: string }).sql
    .replace(/^CREATE TABLE daily_entries/, 'CREATE TEMP TABLE IF NOT EXISTS daily_entries')
    .replace(/\s+REFERENCES\s+papers\s*\([^)]*\)(\s+ON\s+(UPDATE|DELETE)\s+CASCADE)*/gi, '');
  db.exec(`${table};
    CREATE INDEX IF NOT EXISTS temp.daily_day ON daily_entries(day, upvotes DESC);
    CREATE INDEX IF NOT EXISTS temp.daily_submitter ON daily_entries(submitter_user);
    DELETE FROM temp.daily_entries;`);
  const newest = (db.prepare('SELECT MAX(published_at) AS t FROM main.papers').get() as { t: string }).t.slice(0, 10);
  // The newest DAILY_DAYS × DAILY_PER_DAY papers, DAILY_PER_DAY to a day counting back from the newest paper's day
  // (a daily list features papers of the previous days). Upvotes follow a long tail (most papers get a few, some
  // hundreds), derived from pk so runs repeat.
  db.prepare(`INSERT INTO temp.daily_entries (paper_id, day, submitted_at, submitter_user, submitter_fullname, upvotes, num_comments)
    SELECT id, day, day || 'T08:00:00.000Z', 'user' || (pk % 997), 'User ' || (pk % 997),
      CAST(300.0 / (1 + (pk * 7919 % 97)) AS INTEGER), pk * 31 % 17
    FROM (SELECT id, pk, date(@newest, '-' || ((ROW_NUMBER() OVER (ORDER BY pk DESC) - 1) / CAST(@perDay AS INTEGER)) || ' days') AS day
          FROM main.papers ORDER BY pk DESC LIMIT @total)`).run({ newest, perDay: DAILY_PER_DAY, total: DAILY_PER_DAY * DAILY_DAYS });
  const stats = db.prepare('SELECT MAX(day) AS latest, COUNT(DISTINCT day) AS days, COUNT(*) AS n FROM temp.daily_entries').get() as
    { latest: string; days: number; n: number };
  const sampleIds = (db.prepare('SELECT paper_id FROM temp.daily_entries ORDER BY paper_id LIMIT 1000').all() as { paper_id: string }[])
    .map((r) => r.paper_id);
  const allDays = (db.prepare('SELECT DISTINCT day FROM temp.daily_entries ORDER BY day DESC').all() as { day: string }[]).map((r) => r.day);
  return { latestDay: stats.latest, days: stats.days, entries: stats.n, sampleIds, allDays };
}

/** An app over a bench store (logger off, pinned clock at the end of the latest day). */
export async function benchApp(backend: SqliteBackend, latestDay: string): Promise<FastifyInstance> {
  const search = await openSearch(backend, loadConfig({}, process.env).search);
  const app = await createApp({
    ...backendDeps(backend),
    search: search.service,
    config: loadConfig({ db: backend.location, port: 0 }, {}),
    now: () => new Date(`${latestDay}T20:00:00Z`),
  });
  app.addHook('onClose', () => search.close());
  return app;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function time(runs: number, fn: (i: number) => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  for (let i = 0; i < 5; i++) await fn(runs + i); // warm statement and page caches (with items the runs do not use)
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn(i);
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { p50: percentile(ms, 50), p95: percentile(ms, 95) };
}

const fmt = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(1));

export async function run(opts: BenchOptions): Promise<BenchResult> {
  const argv = opts.args;
  const flag = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const sizes = (flag('--sizes') ?? (opts.quick ? '20000' : '100000,1000000')).split(',').map(Number);
  const runs = Number(flag('--runs') ?? (opts.quick ? 50 : 200));
  const rows: (string | number)[][] = [];
  const notes: string[] = [];
  for (const n of sizes) {
    opts.log(`[pages] ${n.toLocaleString('en-US')} papers`);
    const backend = await benchDatabase(n, false, opts.log);
    const store = backend.store;
    const t0 = performance.now();
    const lists = addDailyLists(store);
    opts.log(`  daily lists: ${lists.entries.toLocaleString('en-US')} entries over ${lists.days} days in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const app = await benchApp(backend, lists.latestDay);
    const opened = await openSearch(backend, loadConfig({}, process.env).search);
    const search = opened.service;
    const day = lists.latestDay;
    const ids = lists.sampleIds;
    // A month with daily lists on every day (~30 pages of 50): the one before the latest day's month.
    const fullMonth = addDays(`${day.slice(0, 7)}-01`, -1).slice(0, 7);
    const get = async (url: string) => {
      const r = await app.inject({ url });
      if (r.statusCode !== 200) throw new Error(`${url}: HTTP ${r.statusCode}`);
      return r;
    };
    type Case = [string, (i: number) => Promise<unknown>, ((i: number) => Promise<unknown>) | null, number?];
    // The extracted keywords and TL;DR of a day's papers, first computed (what an uncached day page adds): a fresh
    // memo each run over the serving process's warm document-frequency counts.
    const df = new DfCounter(opened.engine);
    const dayPapers: Paper[][] = [];
    for (let i = 0; i < runs + 5; i++) {
      const d = lists.allDays[(i + 7) % lists.allDays.length];
      dayPapers.push((await store.listDaily({ from: d, to: d, sort: 'upvotes', limit: 50, offset: 0 })).items.map((it) => it.paper));
    }
    await new PaperNoter(df).notesOf(dayPapers.flat());
    // What serve's maintainer thread writes in the background (search/notes/): read instead of computed, by a reader
    // whose file is open already (one paper read first); each run reads another day's papers, not yet remembered.
    await updateNotes(backend.indexDir!, backend.changes, opened.engine);
    const reader = new PaperNoter(df);
    reader.useStored(notesDir(backend.indexDir!));
    await reader.notesOf([(await store.getPaper(ids[0]))!.paper]);
    // similar() is slow on big corpora: fewer runs keep the bench short.
    const similarRuns = Math.min(runs, n >= 1_000_000 ? 20 : 40);
    const cases: Case[] = [
      // The list pages keep their data and cards for a few seconds (LIST_CACHE_TTL_MS): a busy server mostly serves
      // the cached row; "uncached" visits a different day each run (more days than the cache holds), the first-visit cost.
      [`day page ${day} (list cache hit)`, () => get(`/papers/date/${day}`),
        () => store.listDaily({ from: day, to: day, sort: 'upvotes', limit: 50, offset: 0 })],
      ['day page, uncached (a new day each run)', (i) => get(`/papers/date/${lists.allDays[i % lists.allDays.length]}`),
        (i) => store.listDaily({ from: lists.allDays[i % lists.allDays.length], to: lists.allDays[i % lists.allDays.length], sort: 'upvotes', limit: 50, offset: 0 })],
      ['extracted notes of a day\'s 50 papers (cold)', (i) => new PaperNoter(df).notesOf(dayPapers[i % dayPapers.length]), null],
      ['the same, read from the notes file (cold)', (i) => reader.notesOf(dayPapers[i % dayPapers.length]), null],
      // Distinct papers per run: the similar-papers cache is cold for each (its first-visit cost).
      ['paper page /papers/{id}', (i) => get(`/papers/${ids[i % ids.length]}`), (i) => store.getPaper(ids[i % ids.length])],
      ['similar fragment (cold)', (i) => get(`/papers/${ids[(i + 250) % ids.length]}/similar?fragment=1`),
        (i) => search.similar(ids[(i + 500) % ids.length], 5), similarRuns],
      ['paper page as Markdown', (i) => get(`/papers/${ids[i % ids.length]}.md`), null],
      [`week page ${isoWeekOf(day)} (cache hit)`, () => get(`/papers/week/${isoWeekOf(day)}`), null],
      [`month page ${day.slice(0, 7)} (cache hit)`, () => get(`/papers/month/${day.slice(0, 7)}`), null],
      // 25 runs on pages 1–25 (the warm-ups take pages 26–30), so no run hits the cache.
      [`month page ${fullMonth}, uncached (pages 1–25)`, (i) => get(`/papers/month/${fullMonth}?page=${1 + (i % 30)}`), null, 25],
      ['trending page (cache hit)', () => get('/papers/trending'), null],
      ['search page "diffusion models"', () => get('/papers?q=diffusion+models'),
        () => search.search({ text: 'diffusion models', filters: {}, sort: 'relevance', limit: 20, offset: 0 })],
    ];
    for (const [label, page, bare, caseRuns = runs] of cases) {
      const pageT = await time(caseRuns, page);
      const bareT = bare ? await time(caseRuns, bare) : null;
      rows.push([n, label, fmt(pageT.p50), fmt(pageT.p95), bareT ? fmt(bareT.p50) : '', bareT ? fmt(bareT.p95) : '']);
      opts.log(`  ${label}: p50 ${fmt(pageT.p50)} ms, p95 ${fmt(pageT.p95)} ms`);
    }
    const bytes = (await get(`/papers/date/${day}`)).body.length;
    notes.push(`${n.toLocaleString('en-US')} papers: ${lists.entries.toLocaleString('en-US')} daily entries over ${lists.days} days (${DAILY_PER_DAY}/day); day page ${bytes.toLocaleString('en-US')} bytes; ${runs} runs per row after 5 warm-ups.`);
    reader.close();
    await app.close();
    await opened.close();
    await backend.close();
  }
  notes.push('Times in ms, server side (app.inject: routing, store, rendering; no socket). "store" = the bare store call the page is built on.');
  notes.push('Target: page render ≤ 10 ms p95. Machine shared with other jobs: treat differences under ~20% as noise.');
  return {
    title: 'Page render time (server side)',
    columns: ['papers', 'page', 'p50', 'p95', 'store p50', 'store p95'],
    rows,
    notes,
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { formatTable } = await import('./run.js');
  const argv = process.argv.slice(2);
  const result = await run({ quick: argv.includes('--quick'), args: argv, log: (s) => process.stderr.write(s + '\n') });
  process.stdout.write(formatTable(result));
}
