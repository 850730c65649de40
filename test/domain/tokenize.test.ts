/** The TypeScript tokenizer/stemmer gives the same terms as FTS5's 'porter unicode61 remove_diacritics 2'. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { porterStem, scanTokens, stems, tokenize } from '../../src/domain/tokenize.js';
import { rng } from '../helpers/prng.js';

/** Terms FTS5 stores for each text, in order (via an fts5vocab 'instance' table). */
function fts5Terms(texts: string[]): string[][] {
  const db = new Database(':memory:');
  db.exec(`CREATE VIRTUAL TABLE t USING fts5(x, tokenize='porter unicode61 remove_diacritics 2');
    CREATE VIRTUAL TABLE v USING fts5vocab(t, instance);`);
  const ins = db.prepare('INSERT INTO t (rowid, x) VALUES (?, ?)');
  db.transaction(() => texts.forEach((t, i) => ins.run(i + 1, t)))();
  const out: string[][] = texts.map(() => []);
  for (const r of db.prepare('SELECT term, doc, offset FROM v ORDER BY doc, offset').all() as { term: string; doc: number; offset: number }[]) {
    out[r.doc - 1][r.offset] = r.term;
  }
  db.close();
  return out;
}


const SAMPLES = [
  'Attention Is All You Need: generalization, relational reasoning and hopefulness.',
  'Diffusion models for video generation; modeling, modelled, models, model’s capabilities.',
  'Scaling laws of large-language-models (LLMs) w/ 7B–70B params, GPT-4o & o1-preview.',
  'Mañas, Müller, Ångström, Øystein, Łukasz, İstanbul, naïve café résumé, straße, ÆON.',
  'Ελληνικά Ωμέγα, Привет мир, 東京大学, 한국어, ｆｕｌｌｗｉｄｔｈ, ①②, ﬁnance, x\u0301y, \u0301abc.',
  'agreed feed bleed hoping hopping tanned falling hissing fizzing failing filing conflated troubled sized',
  'happy sky relational conditional rational valenci hesitanci digitizer conformabli radicalli differentli',
  'vileli analogousli vietnamization predication operator feudalism decisiveness hopefulness callousness',
  'formaliti sensitiviti sensibiliti triplicate formative formalize electriciti electrical hopeful goodness',
  'revival allowance inference airliner gyroscopic adjustable defensible irritant replacement adjustment',
  'dependent adoption homologou communism activate angulariti homologous effective bowdlerize probate rate cease controll roll',
];

test('tokens and stems equal FTS5 on mixed English, names and scripts', () => {
  const theirs = fts5Terms(SAMPLES);
  SAMPLES.forEach((s, i) => assert.deepEqual(stems(s), theirs[i], s));
});

test('porter stems equal FTS5 on 3,000 random ASCII words', () => {
  const r = rng(42);
  const letters = 'aeiouybcdfghlmnprstvzwx';
  const suffixes = ['', 's', 'es', 'ies', 'ed', 'ing', 'ational', 'ization', 'fulness', 'ness', 'ement', 'ion', 'ly', 'ity', 'able', 'ize', 'y', 'e', 'll'];
  const words: string[] = [];
  for (let i = 0; i < 3000; i++) {
    let w = '';
    const len = 1 + Math.floor(r() * 9);
    for (let k = 0; k < len; k++) w += letters[Math.floor(r() * letters.length)];
    words.push(w + suffixes[Math.floor(r() * suffixes.length)]);
  }
  const text = words.join(' ');
  assert.deepEqual(stems(text), fts5Terms([text])[0]);
});

test('a stem begins with its word\'s first character (highlighting stems only the words that can match by it)', () => {
  const r = rng(7);
  const letters = 'aeiouybcdfghlmnprstvzwxéøüł日';
  const suffixes = ['', 's', 'es', 'ies', 'sses', 'ed', 'eed', 'ing', 'at', 'bl', 'iz', 'ational', 'ization', 'fulness', 'ness', 'ement', 'ion', 'ly', 'ity', 'able', 'ize', 'y', 'e', 'll'];
  const words = SAMPLES.flatMap((s) => tokenize(s).map((t) => t.folded));
  for (let i = 0; i < 20_000; i++) {
    let w = '';
    const len = Math.floor(r() * 5);
    for (let k = 0; k < len; k++) w += letters[Math.floor(r() * letters.length)];
    w += suffixes[Math.floor(r() * suffixes.length)];
    if (w) words.push(w);
  }
  for (const w of words) assert.equal(porterStem(w).charCodeAt(0), w.charCodeAt(0), w);
});

test('scanTokens hands over the spans and folded forms tokenize gives, keeping only what it is given back', () => {
  for (const s of SAMPLES) {
    const all = tokenize(s);
    assert.deepEqual(scanTokens(s, (start, end, folded) => ({ start, end, folded, stem: porterStem(folded) })), all);
    assert.deepEqual(scanTokens(s, (start, _end, folded) => (folded.length > 4 ? start : null)), all.filter((t) => t.folded.length > 4).map((t) => t.start));
    // With initials, ASCII runs starting otherwise are passed over; every token that starts with one still arrives.
    const initials = new Set(['a', 'm', 'g', '7', 'ø'].map((c) => c.charCodeAt(0)));
    const got = scanTokens(s, (start, end, folded) => ({ start, end, folded, stem: porterStem(folded) }), initials);
    assert.deepEqual(got.filter((t) => initials.has(t.folded.charCodeAt(0))), all.filter((t) => initials.has(t.folded.charCodeAt(0))));
    assert.ok(got.every((t) => initials.has(t.folded.charCodeAt(0)) || [...s.slice(t.start, t.end + 1)].some((ch) => ch.charCodeAt(0) >= 128)));
  }
});

test('offsets slice the original text, in UTF-16 indices', () => {
  const text = '«Mañas» and 東京 — GPT-4o!';
  const toks = tokenize(text);
  assert.deepEqual(toks.map((t) => text.slice(t.start, t.end)), ['Mañas', 'and', '東京', 'GPT', '4o']);
  assert.deepEqual(toks.map((t) => t.folded), ['manas', 'and', '東京', 'gpt', '4o']);
});

test('short and very long tokens pass through the stemmer unchanged', () => {
  assert.equal(porterStem('is'), 'is');
  const long = 'a'.repeat(30) + 'ing'.repeat(12);
  assert.equal(porterStem(long), long);
  assert.equal(porterStem('models'), 'model');
  assert.equal(porterStem('modeling'), 'model');
});
