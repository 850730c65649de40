/**
 * mode=auto|hybrid|lexical|semantic through the JSON API and the search page, on
 * a real backend with the vector index open (the topic corpus of
 * test/helpers/topic-papers.ts): a misspelt query that matches no word is
 * answered by meaning in auto (the default), hybrid and semantic mode and not
 * at all in lexical mode; auto answers lexically when at least
 * WEAK_LEXICAL_EVIDENCE papers have every word, else as hybrid; an exact query keeps its lexical best hit first; syntax that asks for
 * exact matches (-word) keeps its meaning in every mode; no value of mode,
 * alone or with hostile queries, gets a 5xx.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openTestApp, type TestApp } from '../../helpers/test-app.js';
import { tempDbPath } from '../../helpers/temp-db.js';
import { topicPapers } from '../../helpers/topic-papers.js';
import { PROBE_TOP_CLAUSES, WEAK_LEXICAL_EVIDENCE } from '../../../src/search/search-service.js';

interface SearchItem { paper: { id: string }; title: string }

describe('search modes', () => {
  let t: TestApp;
  let cleanup: () => void;
  before(async () => {
    const db = tempDbPath();
    cleanup = db.cleanup;
    t = await openTestApp(db.file, { records: topicPapers() });
    assert.ok(t.search.vectors, 'the vector index is open');
  });
  after(async () => {
    await t.close();
    cleanup();
  });

  const api = async (q: string, mode?: string) => {
    const res = await t.app.inject({ method: 'GET', url: `/api/papers/search?q=${encodeURIComponent(q)}${mode === undefined ? '' : `&mode=${encodeURIComponent(mode)}`}` });
    assert.equal(res.statusCode, 200, res.body);
    return (res.json() as SearchItem[]);
  };
  const topicOf = (id: string) => Math.floor((Number(id.slice(5)) - 1) / 5);

  it('a misspelt query: nothing lexically, the right topic by meaning in auto (the default), hybrid and semantic mode', async () => {
    assert.deepEqual(await api('adversarail jailbrokn', 'lexical'), []);
    for (const mode of [undefined, 'auto', 'hybrid', 'semantic']) {
      const items = await api('adversarail jailbrokn', mode);
      assert.ok(items.length > 0, `mode ${mode}: answered`);
      assert.equal(topicOf(items[0].paper.id), 1, `mode ${mode}: the top hit is a safety paper, got "${items[0].title}"`);
    }
  });

  it('auto answers lexically when enough papers have every word, and as hybrid when too few do', async () => {
    const ids = (items: SearchItem[]) => items.map((i) => i.paper.id);
    // "models": in the diffusion and the safety abstracts, 10 papers.
    const strong = await api('models', 'lexical');
    assert.ok(strong.length >= WEAK_LEXICAL_EVIDENCE, `${strong.length} papers have the word`);
    assert.deepEqual(ids(await api('models')), ids(strong), 'default = auto = lexical here');
    assert.deepEqual(ids(await api('models', 'auto')), ids(strong));
    // "denoising robots": no paper has both words, so the meaning is asked, as in hybrid.
    const weak = await api('denoising robots', 'hybrid');
    assert.deepEqual(ids(await api('denoising robots', 'auto')), ids(weak));
    assert.notDeepEqual(ids(weak), ids(await api('denoising robots', 'lexical')), 'the weak query does differ between lexical and hybrid');
  });

  it('auto on a long query (its every-word matches probed once, PROBE_TOP_CLAUSES) answers as hybrid, every-word papers first', async () => {
    const ids = (items: SearchItem[]) => items.map((i) => i.paper.id);
    const queries = [
      'diffusion models generate images by denoising noise step by step',
      'large language models can be jailbroken by adversarial prompts that bypass safety alignment',
      'graph neural networks pass messages between atoms and bonds to predict molecular properties',
      'models that generate images and predict properties with networks trained step by step',
    ];
    for (const q of queries) {
      assert.ok(q.split(' ').length >= PROBE_TOP_CLAUSES);
      const hybrid = await api(q, 'hybrid');
      assert.deepEqual(ids(await api(q, 'auto')), ids(hybrid), q);
      assert.deepEqual(ids(await api(q)), ids(hybrid), `${q} (default mode)`);
    }
    // The first three are sentences of a topic's shared abstract: its five papers have every word and come first.
    const first = await api(queries[0], 'auto');
    assert.deepEqual(first.slice(0, 5).map((i) => topicOf(i.paper.id)), [0, 0, 0, 0, 0]);
  });

  it('words no paper uses, misspelt or not, get no answer by meaning (no random list)', async () => {
    for (const mode of ['auto', 'hybrid', 'semantic']) assert.deepEqual(await api('zzyzx qwertyuiop', mode), []);
  });

  it('an exact query keeps its lexical best hit first in hybrid mode', async () => {
    const lexical = await api('equivariant protein structures', 'lexical');
    assert.equal(lexical[0].title, 'Equivariant graph networks for protein structures');
    const hybrid = await api('equivariant protein structures');
    assert.equal(hybrid[0].title, lexical[0].title);
    assert.ok(hybrid.length >= lexical.length, 'hybrid adds papers by meaning, never drops the lexical ones');
  });

  it('an exclusion keeps its exact meaning in every mode', async () => {
    for (const mode of ['auto', 'hybrid', 'lexical', 'semantic']) {
      const items = await api('diffusion -latent', mode);
      assert.ok(items.length > 0);
      assert.ok(!items.some((i) => /latent/i.test(i.title)), `mode ${mode}: no paper with "latent"`);
    }
  });

  it('the search page has the mode control and keeps the mode in its links', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/papers?q=robots&mode=semantic' });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /<select id="mode" name="mode">/);
    assert.match(res.body, /<option value="semantic" selected>/);
  });

  it('no 5xx for any mode value, alone or with hostile queries; an unknown mode is a 400 naming it', async () => {
    const modes = ['hybrid', 'lexical', 'semantic', '', ' ', 'HYBRID', 'vector', '%00', '<script>', 'hybrid&mode=lexical', 'x'.repeat(3000)];
    const queries = ['diffusion', '"', 'author:', '-x', 'category:cs.LG robots', 'a'.repeat(250), '字', '🙂 rewards', 'NEAR( OR'];
    for (const mode of modes) {
      for (const q of queries) {
        for (const path of ['/api/papers/search', '/papers']) {
          const url = `${path}?q=${encodeURIComponent(q)}&mode=${mode.includes('&') ? mode : encodeURIComponent(mode)}`;
          const res = await t.app.inject({ method: 'GET', url });
          assert.ok(res.statusCode < 500, `${url}: ${res.statusCode}`);
          if (res.statusCode === 400 && path.startsWith('/api')) assert.match(res.body, /mode/);
        }
      }
    }
    const bad = await t.app.inject({ method: 'GET', url: '/api/papers/search?q=robots&mode=vector' });
    assert.equal(bad.statusCode, 400);
    assert.equal((bad.json() as { error: { code: string } }).error.code, 'invalid_parameter');
  });
});
