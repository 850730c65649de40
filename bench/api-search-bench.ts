/**
 * Search as a user gets it: `GET /api/papers/search?q=…&limit=20` over HTTP
 * on a real port (the app as `paperboy serve` builds it, the default
 * block-max engine), one request at a time, on the search bench's database
 * (bench/out/search-<N>.db, built by search-bench.ts when missing). Short
 * queries (1–3 words) and 30-word queries (a pasted abstract sentence, the
 * Hub cuts q at 250 characters). Targets at 1M papers (issue 10): lexical
 * p95 ≤ 10 ms for 1–3 words, ≤ 30 ms for 30 words; hybrid p95 ≤ 50 ms.
 * Each query is asked in every mode (`--modes`, default lexical, auto — the
 * default —, hybrid, semantic); hybrid and semantic once more with the
 * vector index scanning every paper (`exact`, up to 8-bit codes) instead of
 * the ANN index, so the two sit side by side.
 *
 *   npm run bench -- api-search [--sizes 1000000] [--runs 30] [--modes lexical,auto,hybrid,semantic] [--kinds short,long,fresh]
 *
 * `--kinds fresh` times two-word queries asked once each (new to the process,
 * as a user's new search is). Every paper's extracted notes are computed
 * ahead first, as serve's maintainer thread does (search/notes/).
 * `--kinds short` or `--kinds long` times only the 1–3 word or the 30-word
 * queries (a profile of one class: `node --cpu-prof dist/bench/run.js …`).
 * The database and its index folder are built once into bench/out and reused.
 *
 * Non-goals: concurrency (bench/load-bench.ts), quality (search-quality.ts).
 */
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { benchDatabase, HELD_OUT_QUERIES, QUERIES } from './search-bench.js';
import { loadVocabulary, prng } from './corpus.js';
import { openSearch } from '../src/search/open-search.js';
import { updateNotes } from '../src/search/notes/notes-writer.js';
import { backendDeps, createApp } from '../src/web/app.js';
import { loadConfig } from '../src/config.js';
import type { BenchOptions, BenchResult } from './run.js';

/** 30-word queries: sentences people paste, in the corpus's vocabulary (bench/corpus.ts draws from Daily Papers text). */
const LONG_QUERIES = [
  'we propose a simple and effective method for training large language models to reason step by step using reinforcement learning from verifiable rewards on mathematical problems and code generation tasks',
  'this paper studies how diffusion models can generate high quality videos from text prompts while keeping temporal consistency across frames with an efficient attention mechanism and low memory cost',
  'a benchmark for evaluating multimodal agents that plan and act in web environments shows that current vision language models fail on long horizon tasks requiring memory and tool use',
];

/** Fresh queries per mode (`--kinds fresh`): each asked once. */
const FRESH_QUERIES = 60;

/**
 * `n` two-word queries from the bench corpus's vocabulary, drawn by word
 * frequency (words of 4+ letters), seeded: queries a user might type that
 * this process has not answered before.
 */
function freshQueries(n: number, seed: number): string[] {
  const v = loadVocabulary();
  const r = prng(seed);
  const word = (): string => {
    for (;;) {
      const w = v.words[v.table[Math.floor(r() * v.table.length)]];
      if (/^[a-z]{4,}$/.test(w)) return w;
    }
  };
  return Array.from({ length: n }, () => `${word()} ${word()}`);
}

/** Rounds of every query in every mode before timing (see the warm-up in run()). */
const WARM_ROUNDS = 5;

/** One request, its wall and CPU ms (this process: server and client) appended; a non-200 answer stops the bench. */
async function timed(url: string, ms: number[], cpu: number[]): Promise<void> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const r = await fetch(url);
  await r.arrayBuffer();
  cpu.push(process.cpuUsage(c0).user / 1000);
  ms.push(performance.now() - t0);
  if (r.status !== 200) throw new Error(`${url}: HTTP ${r.status}`);
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export async function run(opts: BenchOptions): Promise<BenchResult> {
  const flag = (name: string) => {
    const i = opts.args.indexOf(name);
    return i >= 0 ? opts.args[i + 1] : undefined;
  };
  const sizes = (flag('--sizes') ?? (opts.quick ? '20000' : '1000000')).split(',').map(Number);
  const runs = Number(flag('--runs') ?? 30);
  const modes = (flag('--modes') ?? 'lexical,auto,hybrid,semantic,hybrid-exact,semantic-exact').split(',');
  const kinds = (flag('--kinds') ?? 'short,long,fresh').split(',');
  const rows: (string | number)[][] = [];
  const summary: (string | number)[][] = [];
  const all: { mode: string; kind: string; ms: number[]; cpu: number[] }[] = [];
  for (const n of sizes) {
    opts.log(`[api-search] ${n.toLocaleString('en-US')} papers`);
    const backend = await benchDatabase(n, false, opts.log);
    const search = await openSearch(backend, 'engine');
    // What serve's maintainer thread does in the background: every paper's keywords and TL;DR computed ahead of
    // reads (search/notes/notes-writer.ts; ≈ 4.5 min at 1M the first time, then only what changed).
    const t0 = performance.now();
    const notes = await updateNotes(backend.indexDir!, backend.changes, search.engine, (done, total) => {
      if (done % 50_000 < 200) opts.log(`  notes: ${done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} papers`);
    });
    if (notes.written > 0) opts.log(`  notes: ${notes.written.toLocaleString('en-US')} papers' notes written in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    const app = await createApp({
      // Every store role the backend has (a new role then needs no change here).
      ...backendDeps(backend),
      search: search.service, config: loadConfig({ db: backend.location, port: 0 }, {}),
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    try {
      const cases: [string, string][] = [
        ...QUERIES.map((q) => ['short (tuning set)', q] as [string, string]),
        ...HELD_OUT_QUERIES.map((q) => ['short (held out)', q] as [string, string]),
        ...LONG_QUERIES.map((q) => ['30 words', q.slice(0, 250)] as [string, string]),
      ].filter(([kind]) => kinds.includes(kind === '30 words' ? 'long' : 'short'));
      // Warm-up queries: the timed ones, or the short ones when only fresh queries are timed.
      const warm = cases.length ? cases : QUERIES.map((q) => ['', q] as [string, string]);
      // The process warms up first (JIT of both search threads, the index's pages): every query in every mode
      // WARM_ROUNDS times before anything is timed. Without it the first 30-word query of a fresh process took
      // 258, 113, 70, 47, … ms for its first ten requests and ≈ 17 ms after: a start-up cost, not a request's.
      for (let round = 0; round < WARM_ROUNDS; round++) {
        for (const m of modes) {
          if (search.vectors) search.vectors.index.exactScan = m.endsWith('-exact');
          if (m.endsWith('-exact') && !search.vectors) continue;
          for (const [, q] of warm) await (await fetch(`${base}/api/papers/search?${new URLSearchParams({ q, limit: '20', mode: m.replace(/-exact$/, '') })}`)).arrayBuffer();
        }
      }
      for (const m of modes) {
      const exact = m.endsWith('-exact');
      const mode = m.replace(/-exact$/, '');
      if (search.vectors) search.vectors.index.exactScan = exact;
      if (exact && !search.vectors) continue;
      for (const [kind, q] of cases) {
        const url = `${base}/api/papers/search?${new URLSearchParams({ q, limit: '20', mode })}`;
        let bytes = 0;
        for (let i = 0; i < 2; i++) bytes = (await (await fetch(url)).arrayBuffer()).byteLength; // warm
        const ms: number[] = [];
        const cpu: number[] = [];
        for (let i = 0; i < runs; i++) await timed(url, ms, cpu);
        ms.sort((a, b) => a - b);
        cpu.sort((a, b) => a - b);
        rows.push([n, m, kind, q.length > 48 ? `${q.slice(0, 45)}…` : q, pct(ms, 50).toFixed(2), pct(ms, 95).toFixed(2), ms[ms.length - 1].toFixed(1), pct(cpu, 50).toFixed(2), pct(cpu, 95).toFixed(2), bytes]);
        opts.log(`  ${m} ${kind} "${q.slice(0, 40)}": p95 ${pct(ms, 95).toFixed(2)} ms, CPU p95 ${pct(cpu, 95).toFixed(2)} ms`);
        all.push({ mode: m, kind: kind === '30 words' ? '30 words' : '1–3 words', ms, cpu });
      }
      if (kinds.includes('fresh')) {
        // Queries asked once each, never before in this process: what a user's new search gets, the papers' extracted
        // notes (keywords, TL;DR) included when they are not remembered yet. Different ones per mode.
        const ms: number[] = [];
        const cpu: number[] = [];
        for (const q of freshQueries(FRESH_QUERIES, 7919 * (modes.indexOf(m) + 1))) {
          await timed(`${base}/api/papers/search?${new URLSearchParams({ q, limit: '20', mode })}`, ms, cpu);
        }
        all.push({ mode: m, kind: 'fresh 2 words', ms, cpu });
        opts.log(`  ${m} ${FRESH_QUERIES} fresh 2-word queries: p95 ${pct([...ms].sort((a, b) => a - b), 95).toFixed(2)} ms`);
      }
      }
      for (const m of modes) {
        for (const kind of ['1–3 words', '30 words', 'fresh 2 words']) {
          const xs = all.filter((a) => a.mode === m && a.kind === kind).flatMap((a) => a.ms).sort((a, b) => a - b);
          const cs = all.filter((a) => a.mode === m && a.kind === kind).flatMap((a) => a.cpu).sort((a, b) => a - b);
          if (xs.length) summary.push([n, m, kind, kind.startsWith('fresh') ? `${xs.length} queries, once each` : 'all queries', pct(xs, 50).toFixed(2), pct(xs, 95).toFixed(2), xs[xs.length - 1].toFixed(1), pct(cs, 50).toFixed(2), pct(cs, 95).toFixed(2), '']);
        }
      }
    } finally {
      await app.close();
      await search.close();
      await backend.close();
    }
  }
  return {
    title: 'GET /api/papers/search over HTTP (limit=20), one request at a time',
    columns: ['papers', 'mode', 'kind', 'query', 'p50 ms', 'p95 ms', 'max ms', 'CPU p50 ms', 'CPU p95 ms', 'bytes'],
    rows: [...rows, ...summary],
    notes: [`${runs} requests per query, after ${WARM_ROUNDS} warm-up rounds of every query in every mode and 2 more of each query; client and server on this machine (loopback).`,
      'Targets at 1M: lexical p95 ≤ 10 ms for 1–3 words, ≤ 30 ms for 30 words; hybrid p95 ≤ 50 ms. "-exact": the vector side scans every paper instead of the ANN index.',
      'CPU ms: the CPU time this process (server and client) spent per request — what an idle core would take; wall ms grow with the machine\'s load.',
      'The last rows pool every query of a mode and kind. The machine is shared: note its load (printed above).'],
  };
}
