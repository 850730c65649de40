import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collapseSpace } from '../../src/domain/paper.js';

test('collapseSpace equals the plain "every whitespace run becomes one space, trimmed" rule', () => {
  const pieces = [' ', '  ', '\n', '\t', '\r\n', '\u00a0', '\u2003', 'a', 'bc', 'x y', '-'];
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let i = 0; i < 5000; i++) {
    let s = '';
    const n = Math.floor(rnd() * 12);
    for (let j = 0; j < n; j++) s += pieces[Math.floor(rnd() * pieces.length)];
    assert.equal(collapseSpace(s), s.replace(/\s+/g, ' ').trim(), JSON.stringify(s));
  }
  assert.equal(collapseSpace('Large Multimodal\n  Models'), 'Large Multimodal Models');
});
