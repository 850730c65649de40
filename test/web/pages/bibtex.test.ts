import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bibtex, bibtexKey } from '../../../src/web/pages/bibtex.js';
import { paper } from '../../helpers/papers.js';

test('BibTeX entry has the arXiv fields and a readable key', () => {
  const p = paper('1706.03762', {
    title: 'Attention Is All You Need',
    authors: [{ name: 'Ashish Vaswani', affiliations: [] }, { name: 'Noam Shazeer', affiliations: [] }],
    publishedAt: '2017-06-12T17:57:34Z',
    primaryCategory: 'cs.CL',
  });
  assert.equal(bibtexKey(p), 'vaswani2017attention');
  assert.equal(bibtex(p, 'https://x.org'), [
    '@misc{vaswani2017attention,',
    '  title={Attention Is All You Need},',
    '  author={Ashish Vaswani and Noam Shazeer},',
    '  year={2017},',
    '  eprint={1706.03762},',
    '  archivePrefix={arXiv},',
    '  primaryClass={cs.CL},',
    '  url={https://arxiv.org/abs/1706.03762},',
    '}',
  ].join('\n'));
});

test('unbalanced braces cannot end a field early; local papers cite their page here', () => {
  const p = paper('local-x1', { title: 'Bad } title {{ here', authors: [] });
  const b = bibtex(p, 'https://papers.example.org');
  assert.match(b, /title=\{Bad title here\}/);
  assert.doesNotMatch(b, /eprint/);
  assert.match(b, /url=\{https:\/\/papers.example.org\/papers\/local-x1\}/);
  assert.equal(bibtexKey(paper('local-x1', { title: 'A', authors: [] })), 'paperlocalx1');
  // Balanced LaTeX braces are kept.
  assert.match(bibtex(paper('2401.1', { title: 'On {BERT} and $\\{x\\}$' }), ''), /title=\{On \{BERT\} and/);
});
