/**
 * The tokenizer and stemmer of paperboy's lexical search, in TypeScript.
 *
 * Goals: reproduce what SQLite FTS5 does with
 * `tokenize='porter unicode61 remove_diacritics 2'` (the papers_fts table), so
 * that (1) highlight.ts marks exactly the words a query matched, (2) the
 * query parser can tell when a "term" holds no token at all, and (3) a future
 * engine (issue 4) indexes the same terms FTS5 does and returns the same
 * results. Rules, as in SQLite's fts5_tokenize.c:
 * - unicode61: a token is a run of characters of the Unicode categories L*,
 *   N* and Co; inside a token, combining diacritics (U+0300..U+0331 subset)
 *   also continue it. Everything else separates tokens.
 * - folding: lower case, and (remove_diacritics 2) Latin letters lose their
 *   diacritics ("Mañas" → "manas"); letters with a stroke stay ("Łukasz").
 * - porter: tokens of 3..64 UTF-8 bytes are stemmed with FTS5's Porter
 *   stemmer (bytes outside ASCII count as consonants); others pass through.
 *
 * Offsets are JavaScript string indices (UTF-16), not bytes: they are for
 * slicing the original string when highlighting.
 *
 * Non-goals: other languages' stemmers; being faster than it needs to be for
 * highlighting a page of results (a bulk indexer may want a leaner loop).
 */

/** One token of a text: where it is, its folded form and its stem. */
export interface Token {
  /** Start (inclusive) and end (exclusive) in the original string, UTF-16 indices. */
  start: number;
  end: number;
  /** Lower-cased, diacritics removed (what unicode61 emits). */
  folded: string;
  /** What porter emits from `folded`: the term stored in the index. */
  stem: string;
}

const TOKEN_CHAR = /[\p{L}\p{N}\p{Co}]/u;

/** unicode61's "diacritic" set: combining marks that continue a token (sqlite3Fts5UnicodeIsdiacritic). */
function isDiacritic(c: number): boolean {
  if (c < 768 || c > 817) return false;
  return c < 800 ? ((0x08029fdf >>> (c - 768)) & 1) === 1 : ((0x000361f8 >>> (c - 800)) & 1) === 1;
}

function isAsciiTokenChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

const foldCache = new Map<string, string>();

/** Folds one token character (a code point, as a string) the way unicode61 with remove_diacritics 2 does. */
function foldChar(ch: string): string {
  const cached = foldCache.get(ch);
  if (cached !== undefined) return cached;
  let out = ch.toLowerCase();
  if ([...out].length > 1) out = String.fromCodePoint(out.codePointAt(0)!); // "İ" → "i̇" in JS; FTS5 folds 1:1 to "i"
  const cp = out.codePointAt(0)!;
  if (isDiacritic(cp)) {
    out = '';
  } else if (cp >= 0xc0 && cp < 0x2000) {
    // remove_diacritics: only Latin letters lose their marks (Greek/Cyrillic keep theirs).
    const nfd = out.normalize('NFD');
    const base = nfd.codePointAt(0)!;
    if (nfd.length > 1 && base < 0x250 && /\p{Script=Latin}/u.test(String.fromCodePoint(base))) {
      out = nfd.replace(/[\u0300-\u036f]/g, '');
    } // Letters with a stroke (ø, ł, đ) do not decompose and FTS5 keeps them too.
  }
  if (foldCache.size < 10_000) foldCache.set(ch, out);
  return out;
}

/** Splits `text` into tokens (folded and stemmed), as FTS5 indexes it. */
export function tokenize(text: string): Token[] {
  return scanTokens(text, stemmedToken);
}

function stemmedToken(start: number, end: number, folded: string): Token {
  return { start, end, folded, stem: porterStem(folded) };
}

/**
 * Splits `text` into tokens as tokenize() does and keeps what `take` makes
 * of each one (its span and folded form; null keeps nothing): a caller that
 * needs few of the tokens stems and allocates only those (highlight.ts).
 * With `initials` (folded first characters, UTF-16 code units), a run of
 * ASCII letters and digits that starts otherwise is passed over without
 * being sliced or folded; other tokens still go to `take`.
 */
export function scanTokens<T>(text: string, take: (start: number, end: number, folded: string) => T | null, initials?: ReadonlySet<number>): T[] {
  const tokens: T[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    // Skip separators. A token never starts with a combining diacritic.
    let c = text.charCodeAt(i);
    if (c < 128) {
      if (!isAsciiTokenChar(c)) { i++; continue; }
    } else {
      const cp = text.codePointAt(i)!;
      const w = cp > 0xffff ? 2 : 1;
      if (!TOKEN_CHAR.test(String.fromCodePoint(cp))) { i += w; continue; }
    }
    const start = i;
    // The common case: a run of ASCII letters and digits ended by an ASCII separator (or the text's end) is folded
    // by one toLowerCase, as the loop below would fold it character by character.
    let j = i;
    while (j < n && isAsciiTokenChar(text.charCodeAt(j))) j++;
    if (j > i && (j === n || text.charCodeAt(j) < 128)) {
      if (initials && !initials.has(c >= 65 && c <= 90 ? c + 32 : c)) { i = j; continue; }
      const kept = take(start, j, text.slice(i, j).toLowerCase());
      if (kept !== null) tokens.push(kept);
      i = j;
      continue;
    }
    let folded = '';
    while (i < n) {
      c = text.charCodeAt(i);
      if (c < 128) {
        if (!isAsciiTokenChar(c)) break;
        folded += c >= 65 && c <= 90 ? String.fromCharCode(c + 32) : text[i];
        i++;
      } else {
        const cp = text.codePointAt(i)!;
        const ch = String.fromCodePoint(cp);
        if (!TOKEN_CHAR.test(ch) && !isDiacritic(cp)) break;
        folded += foldChar(ch);
        i += ch.length;
      }
    }
    const kept = take(start, i, folded);
    if (kept !== null) tokens.push(kept);
  }
  return tokens;
}

/** The folded forms of the tokens of `text` (no stemming): what a query word becomes before porter. */
export function foldedTokens(text: string): string[] {
  return tokenize(text).map((t) => t.folded);
}

/** The index terms (stems) of `text`. */
export function stems(text: string): string[] {
  return tokenize(text).map((t) => t.stem);
}

// ---------------------------------------------------------------------------
// FTS5's Porter stemmer, on bytes (so that non-ASCII letters behave as in C).

const A = 97, E = 101, I = 105, O = 111, U = 117, Y = 121;
const utf8 = new TextEncoder();
const utf8d = new TextDecoder();

function isVowel(c: number, yIsVowel: boolean): boolean {
  return c === A || c === E || c === I || c === O || c === U || (yIsVowel && c === Y);
}

/** Length up to and including the first consonant after the first vowel (one "VC"), or 0. */
function gobbleVC(b: number[], from: number, n: number, prevCons: boolean): number {
  let cons = prevCons;
  let i = from;
  for (; i < n; i++) {
    cons = !isVowel(b[i], cons);
    if (!cons) break;
  }
  for (i++; i < n; i++) {
    cons = !isVowel(b[i], cons);
    if (cons) return i + 1;
  }
  return 0;
}

function mGt0(b: number[], n: number): boolean {
  return gobbleVC(b, 0, n, false) !== 0;
}
function mGt1(b: number[], n: number): boolean {
  const k = gobbleVC(b, 0, n, false);
  return k !== 0 && gobbleVC(b, k, n, true) !== 0;
}
function mEq1(b: number[], n: number): boolean {
  const k = gobbleVC(b, 0, n, false);
  return k !== 0 && gobbleVC(b, k, n, true) === 0;
}
/** *o: the stem ends consonant-vowel-consonant, the last not w, x or y. */
function oStar(b: number[], n: number): boolean {
  const last = b[n - 1];
  if (last === 119 || last === 120 || last === Y) return false;
  let mask = 0;
  let cons = false;
  for (let i = 0; i < n; i++) {
    cons = !isVowel(b[i], cons);
    mask = (mask << 1) + (cons ? 1 : 0);
  }
  return (mask & 7) === 5;
}
/** *v*: the stem contains a vowel. */
function hasVowel(b: number[], n: number): boolean {
  for (let i = 0; i < n; i++) if (isVowel(b[i], i > 0)) return true;
  return false;
}

type Cond = (b: number[], n: number) => boolean;
/** `signal`: whether firing the rule reports success to the caller (FTS5's `ret = 1`, used by step 1b only). */
interface Rule { suffix: number[]; cond: Cond | null; output: number[]; signal: boolean }

const codes = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));
const rule = (suffix: string, cond: Cond | null, output = '', signal = true): Rule =>
  ({ suffix: codes(suffix), cond, output: codes(output), signal });

function endsWith(b: number[], n: number, suffix: number[]): boolean {
  if (n <= suffix.length) return false; // FTS5 requires a non-empty stem (nBuf > nSuffix)
  for (let k = 0; k < suffix.length; k++) if (b[n - suffix.length + k] !== suffix[k]) return false;
  return true;
}

/**
 * Applies the first rule whose suffix matches (FTS5 groups rules by the
 * penultimate letter and tries them in order; the first suffix match wins
 * even when its condition fails). Returns the new length and whether a signalling rule fired.
 */
function applyRules(b: number[], n: number, rules: Rule[]): [number, boolean] {
  for (const r of rules) {
    if (!endsWith(b, n, r.suffix)) continue;
    const stem = n - r.suffix.length;
    if (r.cond && !r.cond(b, stem)) return [n, false];
    for (let k = 0; k < r.output.length; k++) b[stem + k] = r.output[k];
    return [stem + r.output.length, r.signal];
  }
  return [n, false];
}

function byPenultimate(rules: Rule[]): Map<number, Rule[]> {
  const m = new Map<number, Rule[]>();
  for (const r of rules) {
    const key = r.suffix[r.suffix.length - 2];
    if (!m.has(key)) m.set(key, []);
    m.get(key)!.push(r);
  }
  return m;
}

const STEP2 = byPenultimate([
  rule('ational', mGt0, 'ate'), rule('tional', mGt0, 'tion'),
  rule('enci', mGt0, 'ence'), rule('anci', mGt0, 'ance'),
  rule('izer', mGt0, 'ize'),
  rule('logi', mGt0, 'log'),
  rule('bli', mGt0, 'ble'), rule('alli', mGt0, 'al'), rule('entli', mGt0, 'ent'), rule('eli', mGt0, 'e'), rule('ousli', mGt0, 'ous'),
  rule('ization', mGt0, 'ize'), rule('ation', mGt0, 'ate'), rule('ator', mGt0, 'ate'),
  rule('alism', mGt0, 'al'), rule('iveness', mGt0, 'ive'), rule('fulness', mGt0, 'ful'), rule('ousness', mGt0, 'ous'),
  rule('aliti', mGt0, 'al'), rule('iviti', mGt0, 'ive'), rule('biliti', mGt0, 'ble'),
]);
const STEP3 = byPenultimate([
  rule('ical', mGt0, 'ic'), rule('ness', mGt0), rule('icate', mGt0, 'ic'), rule('iciti', mGt0, 'ic'),
  rule('ful', mGt0), rule('ative', mGt0), rule('alize', mGt0, 'al'),
]);
const sOrT: Cond = (b, n) => (b[n - 1] === 115 || b[n - 1] === 116) && mGt1(b, n);
const STEP4 = byPenultimate([
  rule('al', mGt1), rule('ance', mGt1), rule('ence', mGt1), rule('er', mGt1), rule('ic', mGt1),
  rule('able', mGt1), rule('ible', mGt1), rule('ant', mGt1), rule('ement', mGt1), rule('ment', mGt1), rule('ent', mGt1),
  rule('ion', sOrT), rule('ou', mGt1), rule('ism', mGt1), rule('ate', mGt1), rule('iti', mGt1),
  rule('ous', mGt1), rule('ive', mGt1), rule('ize', mGt1),
]);
const STEP1B = byPenultimate([rule('eed', mGt0, 'ee', false), rule('ed', hasVowel), rule('ing', hasVowel)]);
const STEP1B2 = byPenultimate([rule('at', null, 'ate'), rule('bl', null, 'ble'), rule('iz', null, 'ize')]);

function step(b: number[], n: number, table: Map<number, Rule[]>): [number, boolean] {
  const rules = table.get(b[n - 2]);
  return rules ? applyRules(b, n, rules) : [n, false];
}

/**
 * Stems of recent tokens, in two generations: a token is looked up in the
 * young map, then the old one (and moved to the young one); when the young
 * map holds STEM_CACHE_GENERATION tokens it becomes the old one. Words in
 * use stay cached however large the vocabulary grows (a cache that stopped
 * at 50,000 entries left a server highlighting 100k papers' abstracts
 * stemming most words again: 15% of its CPU). Default 50,000 (≈ 5 MB for
 * both generations); sane range 10,000–500,000.
 */
const STEM_CACHE_GENERATION = 50_000;
let stemCache = new Map<string, string>();
let oldStems = new Map<string, string>();

/** FTS5's porter step for one folded token. Tokens under 3 or over 64 UTF-8 bytes are returned unchanged. */
export function porterStem(token: string): string {
  const cached = stemCache.get(token);
  if (cached !== undefined) return cached;
  const old = oldStems.get(token);
  if (old !== undefined) return remember(token, old);
  const ascii = !/[^\p{ASCII}]/u.test(token);
  const b: number[] = ascii ? codes(token) : Array.from(utf8.encode(token));
  let n = b.length;
  if (n < 3 || n > 64) return token;

  // Step 1a.
  if (b[n - 1] === 115) {
    if (b[n - 2] === E) {
      if ((n > 4 && b[n - 4] === 115 && b[n - 3] === 115) || (n > 3 && b[n - 3] === I)) n -= 2;
      else n -= 1;
    } else if (b[n - 2] !== 115) {
      n -= 1;
    }
  }
  // Step 1b. Only the "ed"/"ing" rules continue to 1b2 (the "eed" rule does not signal, as in FTS5).
  const [n1b, removedEdIng] = step(b, n, STEP1B);
  n = n1b;
  if (removedEdIng) {
    let fired2: boolean;
    [n, fired2] = step(b, n, STEP1B2);
    if (!fired2) {
      const c = b[n - 1];
      if (!isVowel(c, false) && c !== 108 && c !== 115 && c !== 122 && c === b[n - 2]) {
        n--;
      } else if (mEq1(b, n) && oStar(b, n)) {
        b[n++] = E;
      }
    }
  }
  // Step 1c.
  if (b[n - 1] === Y && hasVowel(b, n - 1)) b[n - 1] = I;
  // Steps 2-4.
  [n] = step(b, n, STEP2);
  [n] = step(b, n, STEP3);
  [n] = step(b, n, STEP4);
  // Step 5a.
  if (b[n - 1] === E && (mGt1(b, n - 1) || (mEq1(b, n - 1) && !oStar(b, n - 1)))) n--;
  // Step 5b.
  if (n > 1 && b[n - 1] === 108 && b[n - 2] === 108 && mGt1(b, n - 1)) n--;

  const out = ascii ? String.fromCharCode(...b.slice(0, n)) : utf8d.decode(Uint8Array.from(b.slice(0, n)));
  return remember(token, out);
}

function remember(token: string, stem: string): string {
  if (stemCache.size >= STEM_CACHE_GENERATION) {
    oldStems = stemCache;
    stemCache = new Map();
  }
  stemCache.set(token, stem);
  return stem;
}
