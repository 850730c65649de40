/**
 * Test helper: seeded papers made of a small vocabulary (so queries match
 * many papers and rankings have ties to break), and a check that a lexical
 * index answers exactly as a fresh rebuild from the store does: the same
 * keys, and the same top 20 for a fixed query set.
 */
import assert from 'node:assert/strict';
import type { PaperRecord } from '../../src/domain/paper.js';
import type { ChangeFeed } from '../../src/store/change-feed.js';
import { BlockMaxEngine } from '../../src/search/block-max-engine.js';
import type { LexicalIndex } from '../../src/search/index/lexical-index.js';
import { parseQuery } from '../../src/domain/query-parser.js';
import type { LexicalRequest } from '../../src/store/lexical-engine.js';
import { paper, record } from './papers.js';
import { rng } from './prng.js';

const NAMED = ['diffusion', 'graph', 'neural', 'language', 'model', 'robot', 'policy', 'reward', 'image', 'video', 'protein',
  'molecule', 'attention', 'sparse', 'quantum', 'speech', 'translation', 'retrieval', 'benchmark', 'agent', 'vision', 'planning'];
// 22 named words among 200: each occurs in about a tenth of the papers, so scores differ (a word in most papers has idf ≈ 0).
const SYLLABLES = ['ka', 'lo', 'mi', 'nu', 'pe', 'ra', 'si', 'to', 'vu', 'ze'];
const WORDS = [...NAMED, ...Array.from({ length: 178 }, (_, i) => `${SYLLABLES[i % 10]}${SYLLABLES[Math.floor(i / 10) % 10]}x${SYLLABLES[(i * 7) % 10]}`)];

/** Queries whose top 20 must agree (single words, pairs, a phrase, a prefix, an exclusion). */
export const EQUALITY_QUERIES = ['diffusion', 'graph neural', 'language model', '"reward policy"', 'robo*', 'vision -video', 'quantum speech agent', 'model'];

/** `n` papers with ids `<prefix>.<5 digits>` from `first`, text drawn from WORDS with a seeded generator. */
export function wordPapers(n: number, seed: number, opts: { prefix?: string; first?: number; version?: number } = {}): PaperRecord[] {
  const r = rng(seed);
  const pick = (k: number) => Array.from({ length: k }, () => WORDS[Math.floor(r() * WORDS.length)]).join(' ');
  const prefix = opts.prefix ?? '2401';
  const first = opts.first ?? 0;
  return Array.from({ length: n }, (_, i) => record(paper(`${prefix}.${String(10000 + first + i).padStart(5, '0')}`, {
    title: `${pick(4)} ${i}`,
    abstract: `${pick(30)}.`,
    publishedAt: new Date(Date.UTC(2024, 0, 1) + ((first + i) % 400) * 86_400_000).toISOString(),
    version: opts.version ?? 1,
  })));
}

/** The same papers as snapshot JSONL lines (what `paperboy import` reads), versions v1…v<version>. */
export function wordSnapshotLines(n: number, seed: number, opts: { prefix?: string; first?: number; version?: number } = {}): string[] {
  return wordPapers(n, seed, opts).map(({ paper: p }) => JSON.stringify({
    id: p.id, submitter: null, authors: 'A. Author', title: p.title, comments: null, 'journal-ref': null, doi: null, 'report-no': null,
    categories: 'cs.LG', license: null, abstract: p.abstract,
    versions: Array.from({ length: p.version ?? 1 }, (_, v) => ({ version: `v${v + 1}`, created: new Date(Date.parse(p.publishedAt!) + v * 86_400_000).toUTCString() })),
    update_date: p.publishedAt!.slice(0, 10), authors_parsed: [['Author', 'A.', '']],
  }));
}

const req = (text: string): LexicalRequest =>
  ({ query: parseQuery(text), filters: { categories: [], organizations: [] }, sort: 'relevance', limit: 40, offset: 0, countCap: 0 });

/**
 * The top 20 as the ranking defines it: the 20 best scores, and the papers
 * above the 20th score. Papers tied at the 20th score may differ: the
 * engine breaks ties by doc id, which depends on the order papers were indexed.
 */
async function top20(engine: BlockMaxEngine, q: string): Promise<{ scores: number[]; above: number[] }> {
  const hits = (await engine.search(req(q))).hits.map((h) => ({ key: h.key, score: Number(h.score.toPrecision(9)) }))
    .sort((a, b) => b.score - a.score || a.key - b.key).slice(0, 20);
  const last = hits.length ? hits[hits.length - 1].score : 0;
  return { scores: hits.map((h) => h.score), above: hits.filter((h) => h.score > last).map((h) => h.key).sort((a, b) => a - b) };
}

/** The live keys of an index, sorted. */
export function liveKeys(index: LexicalIndex): number[] {
  return [...index.keyCensus().live].sort((a, b) => a - b);
}

/** Asserts that `engine` holds each stored paper once and ranks EQUALITY_QUERIES as a fresh in-memory rebuild does. */
export async function assertEqualsRebuild(engine: BlockMaxEngine, changes: ChangeFeed, label = 'index'): Promise<void> {
  const fresh = await BlockMaxEngine.open({ changes, upvotes: async () => new Map() }, null);
  try {
    engine.queryBudgetMs = Infinity;
    fresh.queryBudgetMs = Infinity;
    assert.equal(engine.index.duplicateKeys(), 0, `${label}: no key indexed twice`);
    // BM25 statistics count deleted documents until they are merged away: merge them out to compare scores.
    engine.index.merge({ all: true });
    assert.deepEqual(liveKeys(engine.index), liveKeys(fresh.index), `${label}: the same papers as a fresh rebuild`);
    for (const q of EQUALITY_QUERIES) {
      assert.deepEqual(await top20(engine, q), await top20(fresh, q), `${label}: the same top 20 for ${q}`);
    }
  } finally {
    await fresh.close();
  }
}
