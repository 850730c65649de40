/** Test helper: a small seeded corpus with a Zipf-like vocabulary, so common words span many posting blocks. */
import type { IndexDoc } from '../../../src/search/index/segment-builder.js';

import { rng } from '../../helpers/prng.js';

export { rng };

export const WORDS = (
  'learning models model language reasoning video generation diffusion attention graph neural network networks ' +
  'transformer transformers training trained benchmark benchmarks data dataset datasets large small efficient ' +
  'agent agents policy reward robot robotic vision visual image images text retrieval search ranking sparse dense ' +
  'multimodal alignment preference optimization gradient descent stochastic convex theory bound bounds quantum ' +
  'physics protein molecule chemistry medical clinical speech audio music code program synthesis proof theorem'
).split(' ');
const NAMES = ['Wang', 'Li', 'Zhang', 'Smith', 'Müller', 'García', 'Chen', 'Kim', 'Nguyen', 'Rossi', 'Yuan', 'Pang'];
const FIRST = ['Wei', 'Anna', 'Richard', 'José', 'Lena', 'Tao', 'Maria', 'Ken'];
const CATS = ['cs.LG', 'cs.CL', 'cs.CV', 'cs.AI', 'stat.ML', 'quant-ph'];
const ORGS = ['OpenLab', 'DeepThings', 'UniX'];

export function word(r: () => number): string {
  // Zipf-ish: index ~ floor(n * u^3) favours the first words.
  return WORDS[Math.floor(WORDS.length * r() ** 3)];
}

export function sentence(r: () => number, n: number): string {
  const w: string[] = [];
  for (let i = 0; i < n; i++) w.push(i === 0 ? capital(word(r)) : word(r));
  return w.join(' ');
}

const capital = (s: string): string => s[0].toUpperCase() + s.slice(1);

export function makeDocs(n: number, seed = 7, firstKey = 1): IndexDoc[] {
  const r = rng(seed);
  const docs: IndexDoc[] = [];
  for (let i = 0; i < n; i++) {
    const nAuth = 1 + Math.floor(r() * 4);
    const authors = Array.from({ length: nAuth }, () => `${FIRST[Math.floor(r() * FIRST.length)]} ${NAMES[Math.floor(r() * NAMES.length)]}`);
    docs.push({
      key: firstKey + i,
      title: sentence(r, 3 + Math.floor(r() * 8)),
      authors: authors.join(', '),
      abstract: `${sentence(r, 20 + Math.floor(r() * 60))}. ${sentence(r, 5 + Math.floor(r() * 20))}.`,
      date: 19000 + Math.floor(i / 10),
      categories: [CATS[Math.floor(r() * CATS.length)], ...(r() < 0.3 ? [CATS[Math.floor(r() * CATS.length)]] : [])],
      organization: r() < 0.2 ? ORGS[Math.floor(r() * ORGS.length)] : null,
    });
  }
  return docs;
}
