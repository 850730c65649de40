import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeTex, nameFromParts, splitAuthors } from '../../src/ingest/author-names.js';

test('names: TeX accents and letters become Unicode; math is left alone', () => {
  assert.equal(decodeTex("C. Bal\\'azs"), 'C. Balázs');
  assert.equal(decodeTex('Tom\\\'a\\v{s} Nov\\\'ak'), 'Tomáš Novák');
  assert.equal(decodeTex('{\\"o}zt{\\"u}rk'), 'öztürk');
  assert.equal(decodeTex('Garc{\\\'\\i}a'), 'García');
  assert.equal(decodeTex('Fran\\c{c}ois, \\O{}stergaard, Stra\\ss e'), 'François, Østergaard, Straße');
  assert.equal(decodeTex('$\\alpha$-stable'), '$\\alpha$-stable');
});

test('names: an authors string splits on commas and "and", affiliations in parentheses', () => {
  assert.deepEqual(splitAuthors('A. Smith (MIT, CSAIL), B. Jones and C. Lee (Stanford), D. Kim et al.'), [
    { name: 'A. Smith', affiliations: ['MIT, CSAIL'] },
    { name: 'B. Jones', affiliations: [] },
    { name: 'C. Lee', affiliations: ['Stanford'] },
    { name: 'D. Kim', affiliations: [] },
  ]);
  assert.deepEqual(splitAuthors('Ileana Streinu and Louis Theran').map((a) => a.name), ['Ileana Streinu', 'Louis Theran']);
  assert.deepEqual(splitAuthors('Alexandra Anderson').map((a) => a.name), ['Alexandra Anderson']);
  assert.deepEqual(splitAuthors(''), []);
});

test('names: parts join as forenames keyname suffix', () => {
  assert.equal(nameFromParts('Smith', 'John', 'Jr'), 'John Smith Jr');
  assert.equal(nameFromParts('Collaboration', ''), 'Collaboration');
});
