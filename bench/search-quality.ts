/**
 * Search quality: a known-item evaluation on real Daily Papers data. These
 * are the numbers a new lexical engine (issue 4) must keep unchanged.
 *
 *   node --import tsx bench/search-quality.ts [--year 2025] [--sample 400] [--seed 7]
 *   npm run bench -- search-quality
 *
 * It reads a year of Hugging Face Daily Papers responses from
 * ../shared/data/hf-daily-papers (or $PAPERBOY_BENCH_DATA) at run time —
 * nothing is copied into the project — imports them into a temporary
 * database, and for a seeded sample of papers asks two kinds of query whose
 * right answer is that paper:
 *   title     3–5 of the title's most distinctive words (highest IDF), in title order
 *   keywords  2–3 of the paper's ai_keywords, as plain words (no quotes); papers
 *             without ai_keywords use 4 distinctive abstract words absent from the title
 * and reports MRR@10 (mean of 1/rank, 0 when not in the top 10), recall@10
 * and the share of queries with no result at all (every word must match).
 * Queries are built with the shared tokenizer, so they do not depend on the engine.
 * Non-goals: graded relevance judgments; latency (see search-bench.ts).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { prng, realDataDir } from './corpus.js';
import { blankPaper, collapseSpace, type PaperRecord } from '../src/domain/paper.js';
import { SqliteBackend } from '../src/store/sqlite/sqlite-backend.js';
import { openSearch } from '../src/search/open-search.js';
import type { SearchService } from '../src/search/search-service.js';
import { tokenize } from '../src/domain/tokenize.js';
import type { BenchOptions, BenchResult } from './run.js';

interface HfItem {
  paper?: {
    id?: unknown; title?: unknown; summary?: unknown; publishedAt?: unknown;
    authors?: { name?: unknown }[]; ai_keywords?: unknown; organization?: { name?: unknown };
  };
}

/** Minimal parse of the Hub's daily_papers items into records (the real importer lives in src/ingest/). */
export function loadYear(dir: string, year: string): PaperRecord[] {
  const byId = new Map<string, PaperRecord>();
  for (const f of readdirSync(dir).filter((x) => x.startsWith(`${year}-`) && x.endsWith('.json')).sort()) {
    const items = JSON.parse(readFileSync(join(dir, f), 'utf8')) as HfItem[];
    for (const it of items) {
      const p = it.paper;
      if (!p || typeof p.id !== 'string' || typeof p.title !== 'string') continue;
      const authors = (p.authors ?? []).flatMap((a) => (typeof a.name === 'string' ? [{ name: a.name, affiliations: [] }] : []));
      byId.set(p.id, {
        paper: {
          ...blankPaper(p.id, 'hf-daily'),
          arxivId: p.id,
          title: collapseSpace(p.title),
          abstract: typeof p.summary === 'string' ? collapseSpace(p.summary) : '',
          authors,
          authorCount: authors.length,
          publishedAt: typeof p.publishedAt === 'string' ? p.publishedAt : null,
          aiKeywords: Array.isArray(p.ai_keywords) ? p.ai_keywords.filter((k): k is string => typeof k === 'string') : [],
          organization: typeof p.organization?.name === 'string' ? p.organization.name : null,
        },
        daily: null,
        org: null,
      });
    }
  }
  return [...byId.values()];
}

export interface KnownItemQuery {
  kind: 'title' | 'keywords';
  paperId: string;
  text: string;
}

/** Builds the seeded known-item queries for a corpus (engine-independent). */
export function knownItemQueries(records: PaperRecord[], sample: number, seed: number): KnownItemQuery[] {
  const df = new Map<string, number>();
  for (const r of records) {
    for (const s of new Set(tokenize(`${r.paper.title} ${r.paper.abstract}`).map((t) => t.stem))) df.set(s, (df.get(s) ?? 0) + 1);
  }
  const idf = (stem: string) => Math.log(records.length / (df.get(stem) ?? 1));
  /** Distinct words of a text (first surface form per stem), with their IDF, in text order. */
  const words = (text: string) => {
    const seen = new Set<string>();
    const out: { word: string; stem: string; idf: number; pos: number }[] = [];
    for (const t of tokenize(text)) {
      if (seen.has(t.stem) || t.folded.length < 3 || /^\d+$/.test(t.folded)) continue;
      seen.add(t.stem);
      out.push({ word: text.slice(t.start, t.end), stem: t.stem, idf: idf(t.stem), pos: out.length });
    }
    return out;
  };
  const rnd = prng(seed);
  const order = records.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const queries: KnownItemQuery[] = [];
  for (const idx of order.slice(0, sample)) {
    const p = records[idx].paper;
    const tw = words(p.title);
    const k = 3 + Math.floor(rnd() * 3);
    const picked = [...tw].sort((a, b) => b.idf - a.idf).slice(0, k).sort((a, b) => a.pos - b.pos);
    if (picked.length > 0) queries.push({ kind: 'title', paperId: p.id, text: picked.map((w) => w.word).join(' ') });
    let kwText: string;
    if (p.aiKeywords.length > 0) {
      const kws = [...p.aiKeywords];
      const n = Math.min(kws.length, 2 + Math.floor(rnd() * 2));
      const chosen: string[] = [];
      while (chosen.length < n) chosen.push(kws.splice(Math.floor(rnd() * kws.length), 1)[0]);
      kwText = chosen.join(' ');
    } else {
      const titleStems = new Set(tw.map((w) => w.stem));
      kwText = words(p.abstract).filter((w) => !titleStems.has(w.stem)).sort((a, b) => b.idf - a.idf).slice(0, 4)
        .sort((a, b) => a.pos - b.pos).map((w) => w.word).join(' ');
    }
    if (kwText.trim()) queries.push({ kind: 'keywords', paperId: p.id, text: kwText });
  }
  return queries;
}

export interface QualityRow {
  kind: string;
  queries: number;
  mrr10: number;
  recall10: number;
  noResult: number;
  p50ms: number;
}

/** Runs the queries against an engine (relevance, top 10, no prefix) and aggregates per kind. */
export async function evaluate(search: SearchService, queries: KnownItemQuery[]): Promise<QualityRow[]> {
  const kinds = ['title', 'keywords'] as const;
  const rows: QualityRow[] = [];
  for (const kind of kinds) {
    const qs = queries.filter((q) => q.kind === kind);
    let rr = 0, found = 0, empty = 0;
    const ms: number[] = [];
    for (const q of qs) {
      const t0 = performance.now();
      const r = await search.search({ text: q.text, filters: {}, sort: 'relevance', limit: 10, offset: 0, prefixLast: false, count: false });
      ms.push(performance.now() - t0);
      const rank = r.hits.findIndex((h) => h.detail.paper.id === q.paperId);
      if (rank >= 0) { rr += 1 / (rank + 1); found++; }
      if (r.hits.length === 0) empty++;
    }
    ms.sort((a, b) => a - b);
    rows.push({ kind, queries: qs.length, mrr10: rr / Math.max(1, qs.length), recall10: found / Math.max(1, qs.length),
      noResult: empty / Math.max(1, qs.length), p50ms: ms[Math.floor(ms.length / 2)] ?? 0 });
  }
  return rows;
}

export async function run(opts: BenchOptions): Promise<BenchResult> {
  const flag = (name: string, def: string) => {
    const i = opts.args.indexOf(name);
    return i >= 0 && opts.args[i + 1] ? opts.args[i + 1] : def;
  };
  const year = flag('--year', '2025');
  const sample = Number(flag('--sample', opts.quick ? '100' : '400'));
  const seed = Number(flag('--seed', '7'));
  const dir = realDataDir();
  const title = `Search quality: known-item MRR@10 / recall@10 on Daily Papers ${year}`;
  const columns = ['query kind', 'queries', 'MRR@10', 'recall@10', 'no result', 'p50 ms'];
  if (!existsSync(dir)) return { title, columns, rows: [], notes: [`No data at ${dir}: set PAPERBOY_BENCH_DATA to a folder of hf-daily-papers JSON.`] };
  const records = loadYear(dir, year);
  const tmp = mkdtempSync(join(tmpdir(), 'paperboy-quality-'));
  const backend = new SqliteBackend(join(tmp, 'quality.db'), { nativeLexical: true });
  const store = backend.store;
  try {
    for (let i = 0; i < records.length; i += 2000) await store.upsertRecords(records.slice(i, i + 2000));
    const queries = knownItemQueries(records, sample, seed);
    opts.log(`[search-quality] ${records.length} papers, ${queries.length} queries`);
    // Both engines on the same queries: the block-max engine must keep FTS5's quality numbers.
    const out: (string | number)[][] = [];
    for (const engine of ['fts5', 'engine'] as const) {
      const opened = await openSearch(backend, engine);
      const rows = await evaluate(opened.service, queries);
      await opened.close();
      for (const r of rows) out.push([`${r.kind} (${engine})`, r.queries, r.mrr10.toFixed(3), r.recall10.toFixed(3), `${(r.noResult * 100).toFixed(1)}%`, r.p50ms.toFixed(2)]);
    }
    return {
      title,
      columns,
      rows: out,
      notes: [`${records.length} papers of ${year} from ${dir}; sample ${sample}, seed ${seed}; engines: fts5 (SQLite FTS5) and engine (block-max index).`,
        'Examples: ' + queries.slice(0, 4).map((q) => `${q.kind}: "${q.text}"`).join('; ')],
    };
  } finally {
    await backend.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { formatTable } = await import('./run.js');
  const argv = process.argv.slice(2);
  const result = await run({ quick: argv.includes('--quick'), args: argv, log: (s) => process.stderr.write(s + '\n') });
  process.stdout.write(formatTable(result));
}
