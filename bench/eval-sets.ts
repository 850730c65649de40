/**
 * Relevance sets for `npm run eval:search` (bench/eval-search.ts), built at
 * run time from real data that stays outside the project:
 *
 *   summary   known-item: a paper's `ai_summary` (one sentence written by the
 *             Hub's model, in other words than the abstract), cut at 250
 *             characters as the Hub cuts `q`; the answer is that paper.
 *   keywords  known-item: three of the paper's `ai_keywords` joined by spaces
 *             ("KL divergence control reference policy resetting RL").
 *   topic     an `ai_keywords` phrase (case-folded) that 10–60 papers share,
 *             e.g. "reward modeling"; every paper carrying it is relevant.
 *   demo      bench/demo-queries.json: queries a person would type about the
 *             45 demo papers (sentences, reworded ideas, typos), graded 2/1.
 *
 * The corpus is every paper of ../shared/data/hf-daily-papers/ read by the
 * real parser, imported with `aiSummary` and `aiKeywords` emptied, so the
 * words the queries come from are not in the index. Each set is split in two
 * halves by a hash of its key (paper id or keyword): `dev` is where fusion and
 * model settings were chosen, `test` is what the README reports.
 *
 * Non-goals: judging relevance beyond these labels (a topic paper without
 * the keyword counts as irrelevant, which lowers every method alike).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PaperRecord } from '../src/domain/paper.js';
import { listDayFromLocation, parseHfDaily } from '../src/ingest/hf-daily.js';
import { parseSeedListing } from '../src/ingest/seed-listing.js';
import { prng } from './corpus.js';

export type SetName = 'summary' | 'keywords' | 'topic' | 'demo';
export type Split = 'dev' | 'test';

export interface EvalQuery {
  set: SetName;
  split: Split;
  text: string;
  /** Relevant paper ids → grade (1 = relevant, 2 = the answer, for the demo set). */
  relevant: Map<string, number>;
}

export interface EvalCorpus {
  /** Records as imported: aiSummary and aiKeywords emptied. */
  records: PaperRecord[];
  /** What was hidden, by paper id. */
  hidden: Map<string, { summary: string | null; keywords: string[] }>;
}

/** Longest query text, as the Hub's search API cuts `q`. */
const QUERY_CHARS = 250;

/** Which half a key falls in: a fixed hash, so sets never depend on sampling order. */
export function splitOf(key: string): Split {
  return createHash('sha256').update(key).digest()[0] % 2 === 0 ? 'dev' : 'test';
}

/** Every paper of the hf-daily-papers folder, merged per id (newest file wins), with the AI fields hidden. */
export function loadDailyPapers(dir: string): EvalCorpus {
  const byId = new Map<string, PaperRecord>();
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.json')).sort()) {
    const items = parseHfDaily(readFileSync(join(dir, f), 'utf8'), { listDay: listDayFromLocation(f) });
    for (const it of items) if (it.ok) byId.set(it.record.paper.id, it.record);
  }
  const hidden = new Map<string, { summary: string | null; keywords: string[] }>();
  const records: PaperRecord[] = [];
  for (const r of byId.values()) {
    hidden.set(r.paper.id, { summary: r.paper.aiSummary, keywords: r.paper.aiKeywords });
    records.push({ ...r, paper: { ...r.paper, aiSummary: null, aiKeywords: [] } });
  }
  return { records, hidden };
}

function shuffled<T>(xs: T[], seed: number): T[] {
  const rnd = prng(seed);
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const cut = (s: string) => [...s.replace(/\s+/g, ' ').trim()].slice(0, QUERY_CHARS).join('');

/** Known-item and topic queries from the hidden fields; `sample` known-item queries per set (both halves together). */
export function dailyPaperSets(corpus: EvalCorpus, sample: number, seed: number): EvalQuery[] {
  const out: EvalQuery[] = [];
  const ids = [...corpus.hidden.keys()].sort();
  const withSummary = shuffled(ids.filter((id) => corpus.hidden.get(id)?.summary), seed);
  for (const id of withSummary.slice(0, sample)) {
    out.push({ set: 'summary', split: splitOf(id), text: cut(corpus.hidden.get(id)!.summary!), relevant: new Map([[id, 1]]) });
  }
  const rnd = prng(seed + 1);
  const withKeywords = shuffled(ids.filter((id) => (corpus.hidden.get(id)?.keywords.length ?? 0) >= 3), seed + 2);
  for (const id of withKeywords.slice(0, sample)) {
    const kws = [...corpus.hidden.get(id)!.keywords];
    const chosen: string[] = [];
    while (chosen.length < 3) chosen.push(kws.splice(Math.floor(rnd() * kws.length), 1)[0]);
    out.push({ set: 'keywords', split: splitOf(id), text: cut(chosen.join(' ')), relevant: new Map([[id, 1]]) });
  }
  // Topics: a keyword phrase, case-folded, shared by 10–60 papers (broad enough to be a topic, narrow enough to judge).
  const byKeyword = new Map<string, Set<string>>();
  for (const id of ids) {
    for (const k of corpus.hidden.get(id)!.keywords) {
      const key = k.toLowerCase().replace(/\s+/g, ' ').trim();
      if (key.length < 3) continue;
      let s = byKeyword.get(key);
      if (!s) byKeyword.set(key, (s = new Set()));
      s.add(id);
    }
  }
  for (const [k, papers] of [...byKeyword].sort((a, b) => a[0].localeCompare(b[0]))) {
    if (papers.size < 10 || papers.size > 60) continue;
    out.push({ set: 'topic', split: splitOf(`topic:${k}`), text: cut(k), relevant: new Map([...papers].map((id) => [id, 1])) });
  }
  return out;
}

interface DemoQueryFile {
  queries: { q: string; relevant: { title: string; grade: number }[] }[];
}

/** The demo corpus's records (the real seed parser, undated) and the demo query set, titles resolved to ids. */
export function demoSet(root: string): { records: PaperRecord[]; queries: EvalQuery[] } {
  const records = parseSeedListing(readFileSync(join(root, 'demo', 'seed-listing.json'), 'utf8')).flatMap((it) => (it.ok ? [it.record] : []));
  const byTitle = new Map(records.map((r) => [r.paper.title, r.paper.id]));
  const file = JSON.parse(readFileSync(join(root, 'bench', 'demo-queries.json'), 'utf8')) as DemoQueryFile;
  const queries = file.queries.map((q) => {
    const relevant = new Map<string, number>();
    for (const r of q.relevant) {
      const id = byTitle.get(r.title);
      if (!id) throw new Error(`bench/demo-queries.json: no demo paper titled "${r.title}"`);
      relevant.set(id, r.grade);
    }
    return { set: 'demo' as const, split: 'test' as const, text: q.q, relevant };
  });
  return { records, queries };
}

export function dataDirExists(dir: string): boolean {
  return existsSync(dir) && readdirSync(dir).some((f) => f.endsWith('.json'));
}

/** nDCG@k, reciprocal rank within k, recall@k of one ranking. */
export function scoreRanking(ranked: string[], relevant: Map<string, number>, k = 10): { ndcg: number; rr: number; recall: number } {
  let dcg = 0, rr = 0, found = 0;
  ranked.slice(0, k).forEach((id, i) => {
    const g = relevant.get(id) ?? 0;
    if (g > 0) {
      dcg += g / Math.log2(i + 2);
      found++;
      if (rr === 0) rr = 1 / (i + 1);
    }
  });
  const ideal = [...relevant.values()].sort((a, b) => b - a).slice(0, k);
  const idcg = ideal.reduce((s, g, i) => s + g / Math.log2(i + 2), 0);
  return { ndcg: idcg > 0 ? dcg / idcg : 0, rr, recall: relevant.size > 0 ? found / relevant.size : 0 };
}
