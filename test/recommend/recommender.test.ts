/**
 * The recommender's parts on small hand-made papers: TF-IDF terms (stems,
 * stop words, bigrams, authors as whole names) and vectors (document
 * frequency bounds, unit length); the linear SVM separating two topics with
 * balanced classes; recommend() ranking a user's topic first, naming the
 * liked paper behind each pick, never recommending a liked paper, falling
 * back to upvotes without likes, and answering the same twice.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ARXIV_SANITY_TFIDF, PAPERBOY_TFIDF, paperTerms, sparseDot, TfidfModel, type PaperText } from '../../src/recommend/text-features.js';
import { trainLinearSvm } from '../../src/recommend/linear-svm.js';
import { PAPERBOY_RECOMMENDER, recommend, TermCache, type Candidate } from '../../src/recommend/recommender.js';

const p = (id: string, title: string, abstract: string, authors: string[] = []): PaperText => ({ id, title, abstract, authors });

test('terms: stems or folded words, stop words and numbers out, bigrams of neighbours, authors as whole names or as words', () => {
  const paper = p('1', 'Folding Proteins with Transformers', 'We fold 2 proteins and the proteins fold.', ['Ada Lovelace', 'Émile Zola']);
  const stemmed = paperTerms(paper, { ...PAPERBOY_TFIDF, authorTerms: true });
  assert.ok(stemmed.includes('fold') && stemmed.includes('protein') && stemmed.includes('transform'), stemmed.join(','));
  assert.ok(stemmed.includes('fold protein'), 'a bigram of adjacent words');
  assert.ok(!stemmed.includes('with') && !stemmed.includes('the') && !stemmed.includes('2'), 'stop words and numbers are out');
  assert.ok(!stemmed.includes('protein transform'), 'no bigram across a stop word');
  assert.ok(stemmed.includes('author:ada lovelace') && stemmed.includes('author:emile zola'));
  const words = paperTerms(paper, ARXIV_SANITY_TFIDF);
  assert.ok(words.includes('proteins') && words.includes('transformers') && words.includes('lovelace') && !words.some((w) => w.startsWith('author:')));
});

test('vectors: terms outside the document-frequency bounds are dropped; vectors have unit length; shared terms make similarity', () => {
  const docs = [
    p('a', 'protein folding', 'protein structure prediction'),
    p('b', 'protein design', 'protein structure generation'),
    p('c', 'image diffusion', 'image generation with diffusion'),
    p('d', 'video diffusion', 'video generation with diffusion'),
    p('e', 'graph networks', 'message passing networks'),
  ];
  const o = { ...PAPERBOY_TFIDF, minDf: 2, maxDfShare: 0.5 };
  const terms = docs.map((d) => paperTerms(d, o));
  const m = TfidfModel.fit(terms, o);
  const v = terms.map((t) => m.vector(t));
  for (const x of v) assert.ok(Math.abs(sparseDot(x, x) - 1) < 1e-9 || x.idx.length === 0);
  assert.ok(sparseDot(v[0], v[1]) > 0.3, 'two protein papers are alike');
  assert.equal(sparseDot(v[0], v[2]), 0, 'protein and diffusion share nothing');
  assert.equal(m.vector(paperTerms(p('z', 'quantum', 'entanglement'), o)).idx.length, 0, 'terms of no reference paper (min_df 2) are unknown');
  const capped = TfidfModel.fit(terms, { ...o, maxFeatures: 3 });
  assert.equal(capped.size, 3, 'maxFeatures keeps the most frequent terms');
});

test('the linear SVM separates two topics, with balanced weights for a rare positive class', () => {
  const docs = [
    ...Array.from({ length: 3 }, (_, i) => p(`pos${i}`, `protein folding ${['alpha', 'beta', 'gamma'][i]}`, 'protein structure')),
    ...Array.from({ length: 30 }, (_, i) => p(`neg${i}`, `image diffusion ${i % 2 ? 'video' : 'photo'}`, 'image generation')),
  ];
  const terms = docs.map((d) => paperTerms(d, PAPERBOY_TFIDF));
  const m = TfidfModel.fit(terms, PAPERBOY_TFIDF);
  const xs = terms.map((t) => m.vector(t));
  const ys = docs.map((d) => d.id.startsWith('pos'));
  const svm = trainLinearSvm(xs, ys, m.size, { c: 0.1, maxIter: 1000, tol: 1e-6 });
  const score = (i: number) => svm.bias + [...xs[i].idx].reduce((s, k, j) => s + svm.w[k] * xs[i].val[j], 0);
  for (let i = 0; i < docs.length; i++) assert.equal(score(i) > 0, ys[i], `${docs[i].id}: ${score(i)}`);
  const again = trainLinearSvm(xs, ys, m.size, { c: 0.1, maxIter: 1000, tol: 1e-6 });
  assert.deepEqual([...again.w], [...svm.w], 'deterministic');
  assert.equal(trainLinearSvm(xs, ys.map(() => false), m.size, { c: 0.1 }).bias, -1, 'no positives: nothing is recommended');
});

function corpus(): { liked: PaperText[]; candidates: Candidate[]; reference: PaperText[] } {
  const topics = [['protein', 'folding', 'structure'], ['diffusion', 'image', 'generation'], ['graph', 'message', 'passing'], ['speech', 'audio', 'recognition']];
  const reference: PaperText[] = [];
  topics.forEach((t, ti) => {
    for (let i = 0; i < 8; i++) reference.push(p(`r${ti}-${i}`, `${t[0]} ${t[1]} study ${i}`, `${t.join(' ')} ${t[i % 3]} results`, [`Author ${ti}${i % 2}`]));
  });
  const liked = [reference[0], reference[1]]; // protein papers
  const candidates: Candidate[] = [
    { ...p('c-protein', 'protein folding at scale', 'protein structure folding'), upvotes: 1 },
    { ...p('c-diffusion', 'diffusion image models', 'diffusion image generation'), upvotes: 500 },
    { ...p('c-graph', 'graph message passing', 'graph message passing'), upvotes: 3 },
    { ...reference[0], upvotes: 50 },
  ];
  return { liked, candidates, reference: [...reference, ...candidates] };
}

test('recommend: the user\'s topic first, despite upvotes; the liked paper behind it named; liked papers never recommended', () => {
  const input = corpus();
  const ranked = recommend(input);
  assert.equal(ranked[0].id, 'c-protein');
  assert.ok(['r0-0', 'r0-1'].includes(ranked[0].because!), String(ranked[0].because));
  assert.ok(!ranked.some((r) => r.id === 'r0-0'), 'a liked paper is not recommended');
  assert.equal(ranked.length, 3);
  assert.deepEqual(recommend(input, PAPERBOY_RECOMMENDER, new TermCache()), ranked, 'deterministic, with or without a warm cache');
  const popular = recommend(input, { ...PAPERBOY_RECOMMENDER, popularityWeight: 100 });
  assert.equal(popular[0].id, 'c-diffusion', 'the popularity weight moves the most upvoted up');
});

test('recommend: without likes, by upvotes; without candidates, nothing', () => {
  const input = corpus();
  assert.deepEqual(recommend({ ...input, liked: [] }).map((r) => [r.id, r.because]), [['c-diffusion', null], ['r0-0', null], ['c-graph', null], ['c-protein', null]]);
  assert.deepEqual(recommend({ ...input, candidates: [] }), []);
});
