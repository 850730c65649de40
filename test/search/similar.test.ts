/**
 * similar() (search/similar.ts) on a real SQLite database with the configured
 * engine: TF-IDF cosine over the whole abstract decides the order (not the
 * OR query's BM25), words common to most papers carry no weight, the vector
 * index's cosine joins when there is one, and the answer carries its notes.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dfCap, similarPapers, sparseCosine, termCounts, tfidfVector, DfCounter, SimilarCache } from '../../src/search/similar.js';
import { paper, record } from '../helpers/papers.js';
import { parseQuery } from '../../src/domain/query-parser.js';
import { tempDbPath } from '../helpers/temp-db.js';
import { openTestBackend, type TestBackend } from '../helpers/test-app.js';

describe('TF-IDF vectors', () => {
  it('weight a word by its stem\'s rarity, keep word forms apart, and skip words over the cap', () => {
    const counts = termCounts('Title only used without abstract', 'generation generative generation common');
    assert.deepEqual([...counts.keys()].sort(), ['common', 'generation', 'generative']);
    assert.equal(counts.get('generation')!.tf, 2);
    const v = tfidfVector(counts, new Map([['gener', 5], ['common', 900]]), 1000, 250);
    assert.equal(v.has('common'), false, 'a word in 90% of papers carries no weight');
    assert.ok(v.get('generation')! > v.get('generative')!, 'sublinear tf: twice is more than once');
    assert.ok(Math.abs(sparseCosine(v, v) - 1) < 1e-12, 'unit length');
    assert.equal(dfCap(100), 50, 'small corpora keep words of up to 50 papers');
    assert.equal(dfCap(10_000_000), 100_000);
  });
});

describe('similarPapers', () => {
  let t: TestBackend;
  let cleanup: () => void;
  before(async () => {
    const tmp = tempDbPath();
    cleanup = tmp.cleanup;
    const filler = Array.from({ length: 40 }, (_, i) => record(paper(`2401.${String(10000 + i)}`, {
      title: `Study ${i} of language models`, abstract: `We evaluate language models on benchmark number ${i} and report results for models.`,
    })));
    t = await openTestBackend(tmp.file, {
      records: [
        record(paper('2501.00001', {
          title: 'Glacier Melt Forecasting',
          abstract: 'Glacier melt forecasting with satellite altimetry and meltwater runoff gauges across alpine glaciers.',
        })),
        // Says the same thing in the same words, under another title.
        record(paper('2501.00002', {
          title: 'A Study of Ice',
          abstract: 'Satellite altimetry and meltwater runoff gauges improve melt forecasting for alpine glaciers.',
        })),
        // Shares the title's words but not the abstract's.
        record(paper('2501.00003', {
          title: 'Glacier Melt Forecasting Benchmarks',
          abstract: 'A benchmark of language models on glacier trivia questions.',
        })),
        ...filler,
      ],
    });
  });
  after(async () => { await t.close(); cleanup(); });

  it('ranks the paper that says the same thing first, the same with and without a vector index', async () => {
    const deps = { store: t.store, engine: t.search.engine, vectors: null, df: new DfCounter(t.search.engine) };
    const lexicalOnly = (await similarPapers(deps, '2501.00001', 2)).map((d) => d.paper.id);
    assert.deepEqual(lexicalOnly, ['2501.00002', '2501.00003']);
    const served = (await t.search.service.similar('2501.00001', 2)).map((d) => d.paper.id);
    assert.equal(served[0], '2501.00002');
  });

  it('never answers the paper itself; an unknown paper or limit 0 gives nothing', async () => {
    const deps = { store: t.store, engine: t.search.engine, vectors: t.search.vectors, df: new DfCounter(t.search.engine) };
    const all = await similarPapers(deps, '2501.00001', 100);
    assert.ok(all.length > 2 && !all.some((d) => d.paper.id === '2501.00001'));
    assert.deepEqual(await similarPapers(deps, 'nope', 5), []);
    assert.deepEqual(await similarPapers(deps, '2501.00001', 0), []);
  });

  it('remembers answers: the same papers again without recomputing, afresh when one of them is gone or the corpus grew', async () => {
    const cache = new SimilarCache();
    let searches = 0;
    const engine = t.search.engine;
    const counting = Object.assign(Object.create(engine) as typeof engine, { search: (r: Parameters<typeof engine.search>[0]) => { searches++; return engine.search(r); } });
    const deps = { store: t.store, engine: counting, vectors: null, df: new DfCounter(engine), cache };
    const ids = async () => (await similarPapers(deps, '2501.00001', 3)).map((d) => d.paper.id);
    const first = await ids();
    assert.equal(searches, 1);
    assert.deepEqual(await ids(), first, 'the remembered answer is the same papers in the same order');
    assert.equal(searches, 1, 'answered from memory');
    // One of the remembered papers is deleted: the answer is computed again, without it.
    await t.store.deletePapers([first[2]]);
    const after = await ids();
    assert.equal(searches, 2, 'a gone paper makes the answer be computed afresh');
    assert.ok(!after.includes(first[2]));
    // The corpus grows by more than DfCounter's 2 %: every remembered answer is forgotten.
    await t.store.upsertRecords([record(paper('2501.00009', { title: 'Alpine glacier melt forecasting', abstract: 'Melt forecasting for alpine glaciers from satellite altimetry and runoff gauges.' }))]);
    // (the engine follows the new paper at its next search)
    await engine.search({ query: parseQuery('glacier'), filters: { categories: [], organizations: [] }, sort: 'relevance', limit: 1, offset: 0, countCap: 0 });
    const grown = await ids();
    assert.equal(searches, 3);
    assert.ok(grown.includes('2501.00009'), `the new paper is in the fresh answer: ${grown.join(', ')}`);
    const uncached = new SimilarCache(0);
    const deps0 = { ...deps, cache: uncached };
    await similarPapers(deps0, '2501.00001', 3);
    await similarPapers(deps0, '2501.00001', 3);
    assert.equal(searches, 5, 'a cache with no lifetime remembers nothing');
  });

  it('fills the answer\'s extracted notes', async () => {
    const [first] = await t.search.service.similar('2501.00001', 1);
    assert.equal(first.paper.extracted?.summary, true);
    assert.ok(first.paper.aiKeywords.length > 0);
  });
});
