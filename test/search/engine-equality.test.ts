/**
 * The two lexical engines rank alike, checked at random: one SQLite database
 * with FTS5 rows and a block-max index built from its change feed; random
 * queries of every syntax (words, phrases, keyword: phrases, a prefix last
 * word, exclusions, author:, category:, org:, date ranges; every-word and any-word modes;
 * relevance, newest and upvote sorts, pages). The block-max engine must
 * return the same keys, in the same order, with scores equal to FTS5's
 * bm25(papers_fts, 10, 5, 1) to 1e-9 relative, and the same totals.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SqliteBackend } from '../../src/store/sqlite/sqlite-backend.js';
import { BlockMaxEngine } from '../../src/search/block-max-engine.js';
import type { LexicalEngine, LexicalFilters, LexicalRequest, LexicalSort } from '../../src/store/lexical-engine.js';
import { parseQuery } from '../../src/domain/query-parser.js';
import type { PaperRecord } from '../../src/domain/paper.js';
import { paper, record } from '../helpers/papers.js';
import { rng } from '../helpers/prng.js';
import { tempDbPath } from '../helpers/temp-db.js';

const WORDS = ['graph', 'neural', 'networks', 'diffusion', 'models', 'language', 'reasoning', 'robot', 'policy', 'learning',
  'video', 'generation', 'attention', 'sparse', 'transformer', 'reward', 'modeling', 'benchmark', 'vision', 'agents',
  'retrieval', 'alignment', 'scaling', 'laws', 'quantum', 'protein', 'folding', 'speech', 'translation', 'memory'];
const NAMES = ['Ada Lovelace', 'Alan Turing', 'Grace Hopper', 'Richard Yuanzhe Pang', 'Weizhe Yuan', 'Ann Lee', 'Bo Li', 'Li Wei'];
const CATS = ['cs.LG', 'cs.CL', 'cs.CV', 'cs.RO', 'stat.ML'];
const ORGS = ['Acme', 'Globex', null, null];
const PAPERS = 400;

let backend: SqliteBackend;
let fts: LexicalEngine;
let engine: BlockMaxEngine;
let cleanup: () => void;

function corpus(rand: () => number): PaperRecord[] {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const text = (n: number) => Array.from({ length: n }, () => pick(WORDS)).join(' ');
  const out: PaperRecord[] = [];
  for (let i = 0; i < PAPERS; i++) {
    // One paper a day, inserted in publication order: both engines then break equal scores the same way.
    const day = new Date(Date.UTC(2023, 0, 1) + i * 86_400_000).toISOString();
    const cats = [pick(CATS), ...(rand() < 0.3 ? [pick(CATS)] : [])];
    const authors = Array.from({ length: 1 + Math.floor(rand() * 3) }, () => ({ name: pick(NAMES), affiliations: [] }));
    const org = pick(ORGS);
    out.push(record(paper(`2301.${String(10000 + i)}`, {
      title: text(3 + Math.floor(rand() * 6)), abstract: text(10 + Math.floor(rand() * 60)), authors, authorCount: authors.length,
      publishedAt: day, categories: [...new Set(cats)], primaryCategory: cats[0], organization: org,
    }), { day: day.slice(0, 10), submittedAt: null, submittedBy: null, upvotes: 1 + Math.floor(rand() * 30), numComments: 0 },
    org ? { name: org, fullname: null, avatarUrl: null } : null));
  }
  return out;
}

function randomQuery(rand: () => number): { text: string; prefixLast: boolean } {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const parts: string[] = [];
  const n = 1 + Math.floor(rand() * 3);
  for (let i = 0; i < n; i++) {
    const r = rand();
    if (r < 0.55) parts.push(pick(WORDS));
    else if (r < 0.7) parts.push(`"${pick(WORDS)} ${pick(WORDS)}"`);
    else if (r < 0.73) parts.push(`keyword:"${pick(WORDS)} ${pick(WORDS)}"`);
    else if (r < 0.75) parts.push(`${rand() < 0.5 ? '-' : ''}kw:${pick(WORDS)}`);
    else if (r < 0.8) parts.push(`author:"${pick(NAMES)}"`);
    else if (r < 0.88) parts.push(`-${pick(WORDS)}`);
    else if (r < 0.94) parts.push(`category:${pick(CATS).toLowerCase()}`);
    else parts.push(`org:${pick(['Acme', 'Globex'])}`);
  }
  const prefixLast = rand() < 0.3;
  if (prefixLast) parts.push(pick(WORDS).slice(0, 3 + Math.floor(rand() * 3)));
  return { text: parts.join(' '), prefixLast };
}

before(async () => {
  const t = tempDbPath();
  cleanup = t.cleanup;
  backend = new SqliteBackend(t.file, { nativeLexical: true });
  await backend.store.upsertRecords(corpus(rng(2024)));
  fts = backend.nativeLexical!;
  engine = await BlockMaxEngine.open({ changes: backend.changes, upvotes: () => backend.store.upvotesByKey() }, backend.indexDir);
  // Exact answers are compared: no time budget (a loaded machine could otherwise cut a query short).
  engine.queryBudgetMs = Infinity;
});
after(async () => {
  await engine.close();
  await backend.close();
  cleanup();
});

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

test('300 random queries of every syntax: same keys, order, scores (bm25 10/5/1) and totals on both engines', async () => {
  const rand = rng(Number(process.env.EQUALITY_SEED ?? 77));
  let compared = 0, nonEmpty = 0;
  for (let i = 0; i < 300; i++) {
    const { text, prefixLast } = randomQuery(rand);
    const query = parseQuery(text, { prefixLast });
    if (query.include.length === 0 && query.authors.length === 0) continue;
    const sort: LexicalSort = (['relevance', 'relevance', 'newest', 'upvotes'] as const)[Math.floor(rand() * 4)];
    const mode = sort === 'relevance' && rand() < 0.4 ? 'any' as const : 'all' as const;
    const filters: LexicalFilters = {
      categories: [...new Set(query.categories.map((c) => c.replace(/^cs\.(\w+)$/i, (_m, s: string) => `cs.${s.toUpperCase()}`)))],
      organizations: query.organizations,
    };
    if (rand() < 0.25) {
      filters.from = `2023-${String(1 + Math.floor(rand() * 6)).padStart(2, '0')}-01`;
      filters.to = `2023-${String(7 + Math.floor(rand() * 6)).padStart(2, '0')}-15`;
    }
    const req: LexicalRequest = { query, mode, filters, sort, limit: 10, offset: rand() < 0.3 ? 5 : 0, countCap: mode === 'all' ? 100_000 : 0 };
    const a = await fts.search(req);
    const b = await engine.search(req);
    const where = `query ${JSON.stringify(text)} (${mode}, ${sort}, ${JSON.stringify(filters)}, offset ${req.offset})`;
    assert.deepEqual(b.hits.map((h) => h.key), a.hits.map((h) => h.key), where);
    for (let j = 0; j < a.hits.length; j++) assert.ok(close(a.hits[j].score, b.hits[j].score), `${where}: score ${a.hits[j].score} vs ${b.hits[j].score}`);
    // FTS5 estimates the total of a filtered query it did not read to the end; compare the exact ones.
    if (mode === 'all' && !a.totalIsEstimate) assert.equal(b.total, a.total, `${where}: total`);
    compared++;
    if (a.hits.length > 0) nonEmpty++;
  }
  assert.ok(compared >= 250, `${compared} queries compared`);
  assert.ok(nonEmpty >= compared / 2, `most queries find something (${nonEmpty} of ${compared}), so the comparison means something`);
});

test('document frequencies agree word for word', async () => {
  const a = await fts.documentFrequencies(WORDS);
  const b = await engine.documentFrequencies(WORDS);
  assert.deepEqual(b.df, a.df);
  assert.equal(b.docs, PAPERS);
});
