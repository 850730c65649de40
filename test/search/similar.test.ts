/**
 * similar() (search/similar.ts) on a real SQLite database with the configured
 * engine: TF-IDF cosine over the whole abstract decides the order (not the
 * OR query's BM25), words common to most papers carry no weight, the vector
 * index's cosine joins when there is one, and the answer carries its notes.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dfCap, similarPapers, sparseCosine, termCounts, tfidfVector, DfCounter } from '../../src/search/similar.js';
import { paper, record } from '../helpers/papers.js';
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

  it('fills the answer\'s extracted notes', async () => {
    const [first] = await t.search.service.similar('2501.00001', 1);
    assert.equal(first.paper.extracted?.summary, true);
    assert.ok(first.paper.aiKeywords.length > 0);
  });
});
