/**
 * Extracted paper notes: keywords (search/keywords.ts), the TL;DR sentence
 * (search/tldr.ts), and the store wrapper that fills them where a source
 * gave none (search/paper-notes.ts), on a real SQLite database with the
 * configured engine's document frequencies.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { allDigits, extractKeywords, candidatePhrases, isSpace, keywordWords, paperTokens } from '../../src/search/keywords.js';
import { tokenize } from '../../src/domain/tokenize.js';
import { rng } from '../helpers/prng.js';
import { extractTldr, sentences } from '../../src/search/tldr.js';
import { PaperNoter, warmNotes } from '../../src/search/paper-notes.js';
import { DfCounter } from '../../src/search/similar.js';
import { paper, record } from '../helpers/papers.js';
import { tempDbPath } from '../helpers/temp-db.js';
import { openTestBackend, type TestBackend } from '../helpers/test-app.js';

const stats = (df: Record<string, number>, docs = 1000) => ({ docs, df: new Map(Object.entries(df)) });

describe('extractKeywords', () => {
  const title = 'Reward Model Ensembles Reduce Overoptimization';
  const abstract = 'Reward models are used to align language models. We study reward model ensembles, which reduce reward model '
    + 'overoptimization in reinforcement learning from human feedback. Ensembles of reward models help, e.g. on summarization.';

  it('prefers a repeated phrase of rare words to the common words around it', () => {
    const kws = extractKeywords(title, abstract, stats({ reward: 20, model: 400, ensembl: 10, overoptim: 3, languag: 300, align: 80, reinforc: 60, learn: 500, human: 200, feedback: 90, summar: 40, reduc: 150, help: 300 }));
    assert.ok(kws.length > 0 && kws.length <= 8, JSON.stringify(kws));
    assert.ok(kws.some((k) => /^reward model ensembles$/i.test(k)), JSON.stringify(kws));
    // A phrase taken is not repeated by its parts.
    const lower = kws.map((k) => k.toLowerCase());
    assert.equal(new Set(lower).size, lower.length);
    assert.ok(!lower.includes('ensembles') || !lower.includes('reward model ensembles'));
  });

  it('never starts or ends a keyword with a stop word, and keeps acronyms as written', () => {
    const kws = extractKeywords('Prolonged RL Training', 'We show that prolonged RL training with KL divergence control helps. Prolonged RL training works.', stats({ prolong: 2, rl: 30, train: 400, kl: 20, diverg: 15, control: 100, help: 300, work: 500 }));
    assert.ok(kws.includes('Prolonged RL Training') || kws.includes('prolonged RL training'), JSON.stringify(kws));
    for (const k of kws) assert.doesNotMatch(k, /^(we|that|with|the)\b|\b(we|that|with|the)$/i);
  });

  it('splits phrases at punctuation', () => {
    const keys = [...candidatePhrases('', 'graph networks, diffusion models').keys()];
    assert.ok(keys.includes('graph network') && keys.includes('diffus model'));
    assert.ok(!keys.includes('network diffus'));
  });

  it('gives nothing for an empty paper', () => {
    assert.deepEqual(extractKeywords('', '', stats({})), []);
  });

  it('gives the same words, keywords and TL;DR from tokens made once as from the texts (500 random papers)', () => {
    const words = ['Reward', 'models', 'model', 'ensembles', 'We', 'propose', 'a', 'the', 'of', 'RL', 'training', 'café', 'naïve', 'Łukasz',
      'diffusion', 'video', 'generation', '3D', 'e.g.', 'et al.', 'In', 'this', 'paper', 'work', '日本語', 'x\u0301', '\u0301y', 'GPT-4o', '(LLMs)'];
    const r = rng(5);
    const text = (n: number) => Array.from({ length: n }, () => words[Math.floor(r() * words.length)] + (r() < 0.1 ? '. ' : r() < 0.1 ? ', ' : ' ')).join('').trim();
    const df = stats(Object.fromEntries(words.flatMap((w) => tokenize(w)).map((t, i) => [t.stem, 1 + ((i * 37) % 900)])));
    for (let i = 0; i < 500; i++) {
      const title = text(Math.floor(r() * 12));
      const abstract = text(Math.floor(r() * 120));
      const toks = paperTokens(title, abstract);
      // keywordWords once read the title and abstract as one text, a line break between them.
      const joined = new Map<string, string>();
      for (const t of tokenize(`${title}\n${abstract}`)) if (!joined.has(t.stem) && keywordWords(t.folded, '').has(t.stem)) joined.set(t.stem, t.folded);
      assert.deepEqual([...keywordWords(title, abstract, toks)], [...joined], `${title} / ${abstract}`);
      assert.deepEqual(extractKeywords(title, abstract, df, 8, toks), extractKeywords(title, abstract, df), `${title} / ${abstract}`);
      assert.equal(extractTldr(title, abstract, toks.title, toks.abstract), extractTldr(title, abstract));
    }
  });
});

describe('phrase breaks read in place', () => {
  it('isSpace is /\\s/ and allDigits is /^\\d+$/ on every UTF-16 code unit', () => {
    for (let c = 0; c < 0x10000; c++) {
      const ch = String.fromCharCode(c);
      assert.equal(isSpace(c), /\s/.test(ch), `U+${c.toString(16)}`);
      assert.equal(allDigits(ch), /^\d+$/.test(ch), `U+${c.toString(16)}`);
    }
    for (const w of ['', '0', '42', '4a', 'a4', '٣', '12.5']) assert.equal(allDigits(w), /^\d+$/.test(w), w);
  });
});

describe('extractTldr', () => {
  it("reads each sentence's words from the abstract's tokens as a second tokenization would, whatever the whitespace", () => {
    // The sentence split before spans were kept: whitespace runs made one space first, then split.
    const oracle = (text: string): string[] => {
      const t = text.replace(/\s+/g, ' ').trim();
      const out: string[] = [];
      let start = 0;
      const re = /[.!?](?=\s+["'([]?[A-Z0-9])/g;
      for (let m = re.exec(t); m; m = re.exec(t)) {
        const upTo = t.slice(start, m.index + 1);
        if (/(?:\b(?:e\.g|i\.e|et al|etc|vs|cf|fig|figs|eq|eqs|sec|no|approx|resp|incl|al|Dr|Mr|Ms|Prof|St)\.|\b[A-Z]\.)$/i.test(upTo)) continue;
        out.push(upTo.trim());
        start = m.index + 1;
      }
      const rest = t.slice(start).trim();
      if (rest) out.push(rest);
      return out.filter(Boolean);
    };
    const r = rng(77);
    const pieces = ['we', 'propose', 'Reward', 'model', 'training', 'e.g.', 'et al.', 'et\nal.', 'J. Smith', 'Fig. 3', '3.5', 'results',
      'This paper presents', 'Transformers', '(see', 'above)', 'Über', 'naïve', 'RL', '"quoted"', 'policy', 'Ours'];
    const gaps = [' ', ' ', ' ', '  ', '\n', '\t', '. ', '.\n', '! ', '? ', '.  ', ', '];
    let checked = 0;
    for (let i = 0; i < 2000; i++) {
      const n = Math.floor(r() * 90);
      let abstract = r() < 0.2 ? '  ' : '';
      for (let k = 0; k < n; k++) abstract += pieces[Math.floor(r() * pieces.length)] + gaps[Math.floor(r() * gaps.length)];
      const title = pieces.slice(0, 1 + Math.floor(r() * 6)).join(' ');
      assert.deepEqual(sentences(abstract), oracle(abstract), JSON.stringify(abstract));
      const toks = paperTokens(title, abstract);
      assert.equal(extractTldr(title, abstract, toks.title, toks.abstract), extractTldr(title, abstract), JSON.stringify(abstract));
      if (sentences(abstract).length > 1) checked++;
    }
    assert.ok(checked > 1000, `${checked} abstracts of several sentences`);
  });

  it('splits sentences but not after abbreviations or initials', () => {
    assert.deepEqual(sentences('Models work, e.g. Transformers do. As shown by J. Smith et al. Results hold. 3 tasks pass.'),
      ['Models work, e.g. Transformers do.', 'As shown by J. Smith et al. Results hold.', '3 tasks pass.']);
  });

  it('chooses the sentence that says what the paper contributes over the opening background', () => {
    const abstract = 'Large language models have shown remarkable abilities across many tasks in recent years. However, their reasoning remains brittle under distribution shift. '
      + 'In this work, we propose ProbeRL, a prolonged reinforcement learning recipe that expands reasoning boundaries. Experiments on math show gains of 12 points.';
    assert.equal(extractTldr('ProbeRL: Prolonged Reinforcement Learning Expands Reasoning', abstract),
      'In this work, we propose ProbeRL, a prolonged reinforcement learning recipe that expands reasoning boundaries.');
  });

  it('answers a one-sentence abstract with it, and null for none', () => {
    assert.equal(extractTldr('T', 'Short.'), 'Short.');
    assert.equal(extractTldr('T', '  '), null);
  });

  it('cuts a run-on sentence to a card-sized one', () => {
    const long = `We propose ${Array.from({ length: 100 }, (_, i) => `w${i}`).join(' ')}.`;
    const out = extractTldr('Title words', long)!;
    assert.ok(out.endsWith('…') && out.split(' ').length === 60);
  });
});

describe('withPaperNotes (the search service\'s store)', () => {
  let t: TestBackend;
  let cleanup: () => void;
  before(async () => {
    const tmp = tempDbPath();
    cleanup = tmp.cleanup;
    const filler = Array.from({ length: 30 }, (_, i) => record(paper(`2401.${String(10000 + i)}`, {
      title: `Filler study ${i}`, abstract: `We study language models and their evaluation on benchmark ${i}. Results improve.`,
    })));
    t = await openTestBackend(tmp.file, {
      records: [
        record(paper('2501.00001', {
          title: 'Sparse Mixture Routing for Speech Recognition',
          abstract: 'Speech recognition systems are widely used. We propose sparse mixture routing, which routes audio frames to experts. Sparse mixture routing cuts word error rate on speech recognition benchmarks.',
        })),
        record(paper('2501.00002', { title: 'Given Notes', abstract: 'An abstract. We propose a thing with many words in it here.', aiSummary: 'The source summary.', aiKeywords: ['source keyword'] }),
          { day: '2025-01-02', submittedAt: null, submittedBy: null, upvotes: 3, numComments: 0 }),
        record(paper('2501.00003', { title: 'Listed Without Notes', abstract: 'We propose listed routing for daily lists of papers.' }),
          { day: '2025-01-02', submittedAt: null, submittedBy: null, upvotes: 1, numComments: 0 }),
        ...filler,
      ],
    });
  });
  after(async () => { await t.close(); cleanup(); });

  it('fills keywords and a TL;DR where the source gave none, marked as extracted', async () => {
    const store = t.search.service.withNotes(t.store);
    const d = (await store.getPaper('2501.00001'))!;
    assert.deepEqual(d.paper.extracted, { keywords: true, summary: true });
    assert.ok(d.paper.aiKeywords.some((k) => /sparse mixture routing/i.test(k)), JSON.stringify(d.paper.aiKeywords));
    assert.equal(d.paper.aiSummary, 'We propose sparse mixture routing, which routes audio frames to experts.');
    // Every read path fills them.
    const [viaIds] = await store.getPapers(['2501.00001']);
    assert.deepEqual(viaIds.aiKeywords, d.paper.aiKeywords);
  });

  it('keeps what the source gave and stores nothing', async () => {
    const store = t.search.service.withNotes(t.store);
    const given = (await store.getPaper('2501.00002'))!.paper;
    assert.equal(given.aiSummary, 'The source summary.');
    assert.deepEqual(given.aiKeywords, ['source keyword']);
    assert.equal(given.extracted, undefined);
    const raw = (await t.store.getPaper('2501.00001'))!.paper;
    assert.deepEqual(raw.aiKeywords, []);
    assert.equal(raw.aiSummary, null);
    assert.equal(raw.extracted, undefined);
  });

  it('warms the notes of the newest daily lists\' papers that lack them', async () => {
    const noter = new PaperNoter(new DfCounter(t.search.engine));
    assert.equal(await warmNotes(t.store, noter), 1, 'one listed paper lacks notes; the other has the source\'s');
    const notes = await noter.notesOf([(await t.store.getPaper('2501.00003'))!.paper]);
    assert.equal(notes.get('2501.00003')?.tldr, 'We propose listed routing for daily lists of papers.');
  });

  it('finds a paper by its extracted keyword with keyword:', async () => {
    const store = t.search.service.withNotes(t.store);
    const kw = (await store.getPaper('2501.00001'))!.paper.aiKeywords[0];
    const res = await t.search.service.search({ text: `keyword:"${kw}"`, filters: {}, sort: 'relevance', limit: 5, offset: 0 });
    assert.equal(res.hits[0]?.detail.paper.id, '2501.00001');
    // Search hits carry the notes too.
    assert.deepEqual(res.hits[0].detail.paper.extracted, { keywords: true, summary: true });
  });
});
