/**
 * `npm run eval:search`: search quality as people use it — nDCG@10, MRR@10
 * and recall@10 of each search mode on the relevance sets of
 * bench/eval-sets.ts (known-item by ai_summary, known-item by three
 * ai_keywords, topics, and the demo set written in other words).
 *
 *   npm run eval:search                       # test halves (what the README shows)
 *   npm run eval:search -- --split dev        # the halves settings were chosen on
 *   npm run eval:search -- --sample 300 --data DIR
 *
 * The Daily Papers corpus is imported into an in-memory database with the
 * AI fields hidden; the block-max engine and the search service answer as
 * they do on the site (whole query, no prefix on the last word).
 * Non-goals: latency (bench/vector-bench.ts, bench/lexical-engine-bench.ts).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { SqliteBackend } from '../src/store/sqlite/sqlite-backend.js';
import { openSearch, type OpenedSearch } from '../src/search/open-search.js';
import { parseQuery } from '../src/domain/query-parser.js';
import { realDataDir } from './corpus.js';
import { dailyPaperSets, dataDirExists, demoSet, loadDailyPapers, scoreRanking, type EvalQuery, type SetName, type Split } from './eval-sets.js';
import type { PaperRecord } from '../src/domain/paper.js';
import type { SearchMode } from '../src/search/search-request.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', ...(import.meta.url.includes('/dist/') ? ['..'] : []));

export type Ranker = (text: string, k: number) => Promise<string[]>;

export interface EvalRow { set: SetName; method: string; queries: number; ndcg: number; mrr: number; recall: number; ms: number }

/** Every method on every query of `queries`; one row per (set, method). */
export async function evaluate(queries: EvalQuery[], methods: Record<string, Ranker>): Promise<EvalRow[]> {
  const rows: EvalRow[] = [];
  const sets = [...new Set(queries.map((q) => q.set))];
  for (const set of sets) {
    const qs = queries.filter((q) => q.set === set);
    for (const [method, rank] of Object.entries(methods)) {
      let ndcg = 0, mrr = 0, recall = 0;
      const t0 = performance.now();
      for (const q of qs) {
        const s = scoreRanking(await rank(q.text, 10), q.relevant);
        ndcg += s.ndcg; mrr += s.rr; recall += s.recall;
      }
      const n = Math.max(1, qs.length);
      rows.push({ set, method, queries: qs.length, ndcg: ndcg / n, mrr: mrr / n, recall: recall / n, ms: (performance.now() - t0) / n });
    }
  }
  return rows;
}

/** The rankers of one opened search layer: the service's four modes, and plain any-word BM25 from the engine (the reference). */
export function searchRankers(opened: OpenedSearch, idOf: (key: number) => string | undefined): Record<string, Ranker> {
  const mode = (m: SearchMode): Ranker => async (text, k) =>
    (await opened.service.search({ text, filters: {}, sort: 'relevance', mode: m, limit: k, offset: 0, prefixLast: false, count: false }))
      .hits.map((h) => h.detail.paper.id);
  return {
    lexical: mode('lexical'),
    semantic: mode('semantic'),
    hybrid: mode('hybrid'),
    auto: mode('auto'),
    'any-word BM25': async (text, k) => {
      const query = parseQuery(text, { prefixLast: false });
      if (query.include.length === 0 && query.authors.length === 0) return [];
      const res = await opened.engine.search({ query, mode: 'any', filters: { categories: [], organizations: [] }, sort: 'relevance', limit: k, offset: 0, countCap: 0 });
      return res.hits.flatMap((h) => idOf(h.key) ?? []);
    },
  };
}

/** An in-memory backend holding `records`, its search layer, and key → paper id. */
export async function openEvalSearch(records: PaperRecord[]): Promise<{ backend: SqliteBackend; opened: OpenedSearch; idOf: (key: number) => string | undefined }> {
  const backend = new SqliteBackend(':memory:');
  for (let i = 0; i < records.length; i += 2000) await backend.store.upsertRecords(records.slice(i, i + 2000));
  const opened = await openSearch(backend, 'engine');
  const ids = new Map<number, string>();
  for await (const page of backend.changes.scan()) {
    const details = await backend.store.getPaperDetailsByKeys(page.map((p) => p.key));
    for (const [key, d] of details) ids.set(key, d.paper.id);
  }
  return { backend, opened, idOf: (key) => ids.get(key) };
}

function flag(args: string[], name: string, def: string): string {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : def;
}

async function main(args: string[]): Promise<void> {
  const split = flag(args, '--split', 'test') as Split;
  const sample = Number(flag(args, '--sample', '600'));
  const seed = Number(flag(args, '--seed', '11'));
  const dir = flag(args, '--data', realDataDir());
  const started = performance.now();
  const rows: EvalRow[] = [];
  let corpusNote = `no Daily Papers data at ${dir} (pass --data DIR): demo set only`;

  if (dataDirExists(dir)) {
    const corpus = loadDailyPapers(dir);
    const queries = dailyPaperSets(corpus, sample, seed).filter((q) => q.split === split);
    process.stderr.write(`[eval] ${corpus.records.length} Daily Papers, ${queries.length} ${split} queries; importing…\n`);
    const { backend, opened, idOf } = await openEvalSearch(corpus.records);
    try {
      rows.push(...await evaluate(queries, searchRankers(opened, idOf)));
    } finally {
      await opened.close();
      await backend.close();
    }
    corpusNote = `${corpus.records.length} papers of ${dir} (ai_summary / ai_keywords hidden), ${sample} known-item papers per set before the split, seed ${seed}`;
  }
  const demo = demoSet(ROOT);
  {
    const { backend, opened, idOf } = await openEvalSearch(demo.records);
    try {
      rows.push(...await evaluate(demo.queries, searchRankers(opened, idOf)));
    } finally {
      await opened.close();
      await backend.close();
    }
  }

  const f = (x: number) => x.toFixed(3);
  const lines = ['| set | queries | method | nDCG@10 | MRR@10 | recall@10 | ms/query |', '| --- | --- | --- | --- | --- | --- | --- |'];
  for (const r of rows) lines.push(`| ${r.set} | ${r.queries} | ${r.method} | ${f(r.ndcg)} | ${f(r.mrr)} | ${f(r.recall)} | ${r.ms.toFixed(1)} |`);
  process.stdout.write(`${lines.join('\n')}\n\nsplit: ${split} (demo: all queries); ${corpusNote}; ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main(process.argv.slice(2));
}
