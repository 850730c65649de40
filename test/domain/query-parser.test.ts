/** The query parser: syntax, prefix, filters, and no user input ever producing an FTS5 syntax error. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { buildMatch, canonicalCategory, highlightTerms, MAX_CLAUSES, parseQuery } from '../../src/domain/query-parser.js';
import { rng } from '../helpers/prng.js';

test('plain words are ANDed quoted terms; quotes make phrases', () => {
  const q = parseQuery('Diffusion "large language models" GPT-4o');
  assert.deepEqual(q.include, [
    { kind: 'term', tokens: ['diffusion'], prefix: false },
    { kind: 'phrase', tokens: ['large', 'language', 'models'] },
    { kind: 'term', tokens: ['gpt', '4o'], prefix: false },
  ]);
  assert.equal(buildMatch(q), '("diffusion") AND ("large language models") AND ("gpt 4o")');
});

test('prefixLast makes the last bare word a prefix only while it is being typed', () => {
  assert.equal(buildMatch(parseQuery('video diff', { prefixLast: true })), '("video") AND ("diff" *)');
  assert.equal(buildMatch(parseQuery('video diff ', { prefixLast: true })), '("video") AND ("diff")');
  assert.equal(buildMatch(parseQuery('video diff', { prefixLast: false })), '("video") AND ("diff")');
  assert.equal(buildMatch(parseQuery('video "diff"', { prefixLast: true })), '("video") AND ("diff")');
  // One character is too short to be a useful prefix.
  assert.equal(buildMatch(parseQuery('video d', { prefixLast: true })), '("video") AND ("d")');
  assert.deepEqual(highlightTerms(parseQuery('video diff', { prefixLast: true })), ['video', 'diff*']);
});

test('author:, category:, org: and exclusions', () => {
  const q = parseQuery('reasoning author:"Richard Pang" author:bordes cat:cs.lg org:ByteDance -survey -"position paper"');
  assert.deepEqual(q.authors, [['richard', 'pang'], ['bordes']]);
  assert.deepEqual(q.categories, ['cs.lg']);
  assert.deepEqual(q.organizations, ['ByteDance']);
  assert.equal(buildMatch(q),
    '(("reasoning") AND ({authors} : NEAR("richard" "pang", 2)) AND ({authors} : "bordes")) NOT ("survey" OR "position paper")');
  assert.deepEqual(highlightTerms(q), ['reasoning']);
});

test('keyword: and kw: are phrases, never a prefix; negated they exclude the phrase', () => {
  const q = parseQuery('keyword:"Reward Modeling" kw:RLHF -keyword:"survey paper" kw:diff', { prefixLast: true });
  assert.deepEqual(q.include, [
    { kind: 'phrase', tokens: ['reward', 'modeling'] },
    { kind: 'phrase', tokens: ['rlhf'] },
    { kind: 'phrase', tokens: ['diff'] },
  ]);
  assert.deepEqual(q.exclude, [{ kind: 'phrase', tokens: ['survey', 'paper'] }]);
  assert.equal(buildMatch(q), '(("reward modeling") AND ("rlhf") AND ("diff")) NOT ("survey paper")');
});

test('nothing positive to match gives no MATCH expression', () => {
  assert.equal(buildMatch(parseQuery('')), null);
  assert.equal(buildMatch(parseQuery('   ')), null);
  assert.equal(buildMatch(parseQuery('-survey')), null);
  assert.equal(buildMatch(parseQuery('category:cs.CL')), null);
  assert.equal(buildMatch(parseQuery('"" () * ^ : -- ""')), null);
});

test('FTS5 operators typed by users are plain words', () => {
  assert.equal(buildMatch(parseQuery('a OR b NOT c NEAR(d e)')), '("a") AND ("or") AND ("b") AND ("not") AND ("c") AND ("near d") AND ("e")');
  // An unknown field is just a word with punctuation: its tokens must be adjacent, like "gpt-4o".
  assert.equal(buildMatch(parseQuery('title:foo')), '"title foo"');
});

test('long queries keep at most MAX_CLAUSES clauses', () => {
  const q = parseQuery(Array.from({ length: 100 }, (_, i) => `w${i}`).join(' '));
  assert.equal(q.include.length, MAX_CLAUSES);
});

test('canonicalCategory spells arXiv categories the usual way', () => {
  assert.equal(canonicalCategory('cs.lg'), 'cs.LG');
  assert.equal(canonicalCategory('STAT.ml'), 'stat.ML');
  assert.equal(canonicalCategory('physics.Optics'), 'physics.optics');
  assert.equal(canonicalCategory('cond-mat.Stat-Mech'), 'cond-mat.stat-mech');
  assert.equal(canonicalCategory('HEP-TH'), 'hep-th');
});


const PIECES = ['"', '""', '(', ')', '*', '^', ':', '-', '+', '{', '}', ',', '.', ' ', '  ', '\t', '\n', '\0', '\u0001', '\u007f',
  'NEAR', 'NEAR(', 'AND', 'OR', 'NOT', 'and', 'author:', 'category:', 'cat:', 'org:', 'title:', 'authors:', 'abstract:',
  'model', 'diff', 'é', 'ß', '東京', '🙂', '\u0301', '\ud800', 'ﬁ', 'İ', 'x', '1', "'", '\\', '%', '_', '[', ']', ';', '--'];

test('fuzz: 5,000 random strings parse, and every MATCH expression is valid FTS5', () => {
  const db = new Database(':memory:');
  db.exec(`CREATE VIRTUAL TABLE papers_fts USING fts5(title, authors, abstract, content='', contentless_delete=1,
    tokenize='porter unicode61 remove_diacritics 2')`);
  db.prepare('INSERT INTO papers_fts (rowid, title, authors, abstract) VALUES (1, ?, ?, ?)')
    .run('Diffusion models near you', 'Richard Yuanzhe Pang, Ann Or', 'We model AND study NOT things');
  const stmt = db.prepare('SELECT rowid FROM papers_fts WHERE papers_fts MATCH ? ORDER BY rank LIMIT 20');
  const r = rng(7);
  let built = 0;
  for (let i = 0; i < 5000; i++) {
    let s = '';
    const len = i % 50 === 0 ? 250 : Math.floor(r() * 40);
    while (s.length < len) {
      s += r() < 0.7 ? PIECES[Math.floor(r() * PIECES.length)] : String.fromCharCode(Math.floor(r() * 0x3000));
    }
    for (const prefixLast of [false, true]) {
      const q = parseQuery(s, { prefixLast });
      const m = buildMatch(q);
      highlightTerms(q);
      if (m === null) continue;
      built++;
      assert.doesNotThrow(() => stmt.all(m), `query ${JSON.stringify(s)} → ${m}`);
    }
  }
  assert.ok(built > 3000, `most random strings hold a word (${built})`);
  db.close();
});
