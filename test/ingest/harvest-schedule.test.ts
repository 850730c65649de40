/**
 * Scheduled harvests: HARVEST parsing, one run per job per day across
 * processes sharing a database (two connections claim the same day), a
 * failed run recorded and the next day run again, a real Daily Papers
 * harvest from a local fixture Hub through the scheduled runner, a run whose
 * runner died taken over by exactly one other process once its lease ran
 * out (and not before), and doctor
 * reporting the last runs and the address a running serve listens on.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { ConfigError, loadConfig, parseHarvests, type HarvestJob } from '../../src/config.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { runHarvestJob, startHarvestSchedule } from '../../src/ingest/harvest-schedule.js';
import { runDoctor } from '../../src/cli/doctor.js';
import { SERVE_STATE_KEY } from '../../src/cli/serve-record.js';
import { tempDbPath } from '../helpers/temp-db.js';

test('HARVEST lists jobs; HARVEST_CATEGORIES adds an arXiv job; bad values say what to write', () => {
  assert.deepEqual(parseHarvests('hf, arxiv:cs.LG+cs.CL', undefined, 'https://huggingface.co'), [
    { kind: 'hf', endpoint: 'https://huggingface.co' }, { kind: 'arxiv', categories: ['cs.LG', 'cs.CL'] }]);
  assert.deepEqual(parseHarvests('hf=http://127.0.0.1:9/', 'cs.RO', 'x'), [{ kind: 'hf', endpoint: 'http://127.0.0.1:9/' }, { kind: 'arxiv', categories: ['cs.RO'] }]);
  assert.deepEqual(loadConfig({}, {}).harvests, [], 'off by default');
  assert.throws(() => parseHarvests('rss', undefined, 'x'), (e) => e instanceof ConfigError && /unknown job "rss"/.test(e.message));
  assert.throws(() => parseHarvests('arxiv:', undefined, 'x'), /arxiv:cs.LG\+cs.CL/);
  assert.throws(() => parseHarvests('hf=not a url', undefined, 'x'), /absolute URL/);
  assert.throws(() => loadConfig({}, { HARVEST: 'hf', HARVEST_TIME: '25:00' }), /HARVEST_TIME must be HH:MM/);
});

test('two processes on one database run each job once a day; a failure is recorded and the next day runs again', async () => {
  const { file, cleanup } = tempDbPath();
  const a = new SqliteStore(file);
  const b = new SqliteStore(file);
  try {
    const config = loadConfig({ db: file }, { HARVEST: 'hf,arxiv:cs.LG', PAPERBOY_TIMEZONE: 'Europe/Paris' });
    const clock = { now: new Date('2025-06-02T04:30:00Z') };
    const calls: string[] = [];
    let fail = false;
    const run = async (job: HarvestJob) => {
      calls.push(job.kind);
      if (fail && job.kind === 'arxiv') throw new Error('arXiv answered 503 five times');
      return `${job.kind} ok`;
    };
    const logs: string[] = [];
    const sa = startHarvestSchedule({ store: a, config, now: () => clock.now, run, log: (l) => logs.push(l) });
    const sb = startHarvestSchedule({ store: b, config, now: () => clock.now, run, log: (l) => logs.push(l) });
    try {
      assert.match(logs[0], /harvests scheduled at 06:00 Europe\/Paris \(hf, arxiv:cs.LG\)/);
      const [ranA, ranB] = await Promise.all([sa.runDue(), sb.runDue()]);
      assert.deepEqual([...ranA, ...ranB].sort(), ['arxiv:cs.LG', 'hf'], 'each job ran in exactly one process');
      assert.deepEqual(calls.sort(), ['arxiv', 'hf']);
      assert.deepEqual(await sa.runDue(), [], 'not again the same day');
      clock.now = new Date('2025-06-03T04:30:00Z');
      fail = true;
      assert.deepEqual((await sb.runDue()).sort(), ['arxiv:cs.LG', 'hf'], 'the next day, again');
      const doctor = await runDoctor({ db: file }, { HARVEST: 'hf,arxiv:cs.LG' });
      assert.match(doctor.find((c) => c.name === 'harvest hf')!.message, /last run .*: hf ok/);
      const arxiv = doctor.find((c) => c.name === 'harvest arxiv:cs.LG')!;
      assert.equal(arxiv.level, 'warn');
      assert.match(arxiv.message, /failed: arXiv answered 503 five times \(the next run resumes\)/);
    } finally {
      sa.stop();
      sb.stop();
    }
  } finally {
    await a.close();
    await b.close();
    cleanup();
  }
});

test('a run whose runner dies is taken over once its lease runs out, by exactly one process, and not before', async () => {
  const { file, cleanup } = tempDbPath();
  const a = new SqliteStore(file);
  const b = new SqliteStore(file);
  const c = new SqliteStore(file);
  try {
    const config = loadConfig({ db: file }, { HARVEST: 'hf', PAPERBOY_TIMEZONE: 'UTC' });
    const clock = { now: new Date('2025-06-02T06:00:00Z') };
    const leaseMs = 60_000;
    const logs: string[] = [];
    let started = 0;
    const ran: string[] = [];
    const sa = startHarvestSchedule({ store: a, config, now: () => clock.now, leaseMs, run: () => { started++; return new Promise<string>(() => {}); }, log: (l) => logs.push(l) });
    const mk = (store: SqliteStore, who: string) => startHarvestSchedule({ store, config, now: () => clock.now, leaseMs, log: (l) => logs.push(l),
      run: async () => { ran.push(who); return `${who} finished the run`; } });
    const sb = mk(b, 'b');
    const sc = mk(c, 'c');
    try {
      void sa.runDue(); // claims the day and hangs in its run
      for (let i = 0; i < 200 && started === 0; i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(started, 1, 'the first process runs the job');
      assert.deepEqual(await sb.runDue(), [], 'claimed today: not run again');
      clock.now = new Date(clock.now.getTime() + leaseMs / 2);
      assert.deepEqual(await sb.takeOver(), [], 'the lease holds: no takeover');
      // The runner dies: its connection is gone, its lease is not renewed.
      await a.close();
      clock.now = new Date(clock.now.getTime() + leaseMs);
      const [rb, rc] = await Promise.all([sb.takeOver(), sc.takeOver()]);
      assert.deepEqual([...rb, ...rc], ['hf'], 'exactly one process took the run over');
      assert.equal(ran.length, 1);
      assert.ok(logs.some((l) => /stopped renewing its claim; taking it over/.test(l)), logs.join('\n'));
      assert.match(JSON.parse((await b.getState('harvest:last:hf'))!).summary, /finished the run/);
      assert.deepEqual(await sc.takeOver(), [], 'done: nothing to take over');
      clock.now = new Date(clock.now.getTime() + 10 * leaseMs);
      assert.deepEqual(await sb.takeOver(), [], 'a finished run is never taken over');
    } finally {
      sa.stop();
      sb.stop();
      sc.stop();
    }
  } finally {
    await b.close();
    await c.close();
    cleanup();
  }
});

test('a runner that works longer than its lease renews it: nobody takes over a live run', async () => {
  const { file, cleanup } = tempDbPath();
  const a = new SqliteStore(file);
  const b = new SqliteStore(file);
  try {
    const config = loadConfig({ db: file }, { HARVEST: 'hf', PAPERBOY_TIMEZONE: 'UTC' });
    const leaseMs = 600;
    let finish: (s: string) => void = () => {};
    const sa = startHarvestSchedule({ store: a, config, leaseMs, log: () => {}, run: () => new Promise<string>((resolve) => { finish = resolve; }) });
    const sb = startHarvestSchedule({ store: b, config, leaseMs, log: () => {}, run: async () => 'taken over' });
    try {
      const runA = sa.runDue();
      // Four leases long, b looks for a lapsed claim every 50 ms.
      const tookOver: string[] = [];
      const until = Date.now() + 4 * leaseMs;
      while (Date.now() < until) {
        tookOver.push(...await sb.takeOver());
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.deepEqual(tookOver, [], 'the renewed claim was never taken over');
      finish('done by a');
      assert.deepEqual(await runA, ['hf']);
      assert.match(JSON.parse((await b.getState('harvest:last:hf'))!).summary, /done by a/);
    } finally {
      sa.stop();
      sb.stop();
    }
  } finally {
    await a.close();
    await b.close();
    cleanup();
  }
});

test('the scheduled runner harvests a Daily Papers list from a Hub-compatible endpoint', async () => {
  const { file, cleanup } = tempDbPath();
  const store = new SqliteStore(file);
  const item = (id: string, upvotes: number) => ({
    paper: { id, title: `Paper ${id}`, summary: 'An abstract.', authors: [{ name: 'Ada Lovelace' }], publishedAt: '2025-06-01T00:00:00.000Z', upvotes },
    publishedAt: '2025-06-01T00:00:00.000Z', title: `Paper ${id}`, summary: 'An abstract.', numComments: 0,
  });
  const server: Server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    const day = u.searchParams.get('date');
    res.setHeader('content-type', 'application/json');
    // The same two papers on every day the runner asks for (the last HF_DEFAULT_DAYS days by default).
    res.end(JSON.stringify(day ? [item('2506.00001', 7), item('2506.00002', 3)] : []));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  try {
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const summary = await runHarvestJob(store, { kind: 'hf', endpoint }, { log: () => {}, delayMs: 0 });
    assert.match(summary, /added 2/);
    assert.equal(await store.countPapers(), 2);
  } finally {
    server.close();
    await store.close();
    cleanup();
  }
});

test('doctor reports the address a running serve listens on, not this shell\'s port', async () => {
  const { file, cleanup } = tempDbPath();
  const store = new SqliteStore(file);
  try {
    await store.setState(SERVE_STATE_KEY, JSON.stringify({ pid: process.pid, host: hostname(), address: 'http://127.0.0.1:4567', startedAt: '2025-06-02T10:00:00.000Z' }));
    const checks = await runDoctor({ db: file }, { PORT: '3000' });
    assert.match(checks.find((c) => c.name === 'server')!.message, /paperboy serve \(pid \d+\) is listening at http:\/\/127\.0\.0\.1:4567/);
    await store.setState(SERVE_STATE_KEY, JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), address: 'http://127.0.0.1:4567', startedAt: 'x' }));
    assert.match((await runDoctor({ db: file }, {})).find((c) => c.name === 'server')!.message, /no paperboy serve running .*the last one listened at http:\/\/127\.0\.0\.1:4567/);
  } finally {
    await store.close();
    cleanup();
  }
});
