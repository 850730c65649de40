/**
 * The corpus model's typo index (the deletion neighbourhoods of its words)
 * is built in the background by prepare(), or by the first query that needs
 * it, or partly by each: a misspelt query gets the same vector every way,
 * the vector of the word it misspells.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CorpusEmbedder } from '../../../src/search/embed/corpus-embedder.js';
import { makeDocs } from '../index/corpus.js';

const model = CorpusEmbedder.train(makeDocs(600, 3).map((d) => ({ title: d.title, abstract: d.abstract })));
const bytes = model.serialize();
// Misspellings one edit from corpus words (deletion, insertion, substitution, swap), and the words themselves.
const TYPOS: [string, string][] = [['lerning', 'learning'], ['transfomer', 'transformer'], ['difusion', 'diffusion'], ['atention', 'attention'],
  ['reinforcment', 'reinforcement'], ['benchmrak', 'benchmark'], ['retreival', 'retrieval'], ['multimodall', 'multimodal']];

async function vectors(m: CorpusEmbedder, words: string[]): Promise<number[][]> {
  return (await m.embed(words, 'query')).map((v) => [...v]);
}

test('a misspelt query gets the same vector whether the typo index was prepared, is being prepared, or is built by the query', async () => {
  const typos = TYPOS.map(([t]) => t);
  const onDemand = await vectors(CorpusEmbedder.deserialize(bytes), typos);
  const prepared = CorpusEmbedder.deserialize(bytes);
  await prepared.prepare();
  assert.deepEqual(await vectors(prepared, typos), onDemand);
  // A query while prepare() is under way finishes the build; prepare() then stops; the answers do not change.
  // (Slices of 5 words: the query comes after a few of them.)
  const racing = CorpusEmbedder.deserialize(bytes);
  const preparing = racing.prepare(5);
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(await vectors(racing, typos), onDemand);
  await preparing;
  assert.deepEqual(await vectors(racing, typos), onDemand);
  // Slices of one word, to the end.
  const slow = CorpusEmbedder.deserialize(bytes);
  await slow.prepare(1);
  assert.deepEqual(await vectors(slow, typos), onDemand);
  // And each misspelling is read as its word (when the word is in the model).
  let corrected = 0;
  for (const [i, [, word]] of TYPOS.entries()) {
    const [right] = await vectors(prepared, [word]);
    if (right.every((x) => x === 0)) continue;
    assert.deepEqual(onDemand[i], right, `${TYPOS[i][0]} → ${word}`);
    corrected++;
  }
  assert.ok(corrected >= 5, `${corrected} misspellings corrected`);
});
