/**
 * Author names as arXiv writes them: TeX accents ("Bal\'azs"), one string of
 * names separated by commas and "and" with parenthesised affiliations
 * (arXivRaw, snapshot `authors`), or keyname/forenames parts (OAI arXiv
 * format, snapshot `authors_parsed`).
 *
 * Goals: readable Unicode names in the order given, affiliations kept when
 * the source gives them. Non-goals: a TeX renderer (only the accent commands
 * and letters arXiv metadata actually uses), name disambiguation.
 */
import type { Author } from '../domain/paper.js';

/** TeX accent commands → Unicode combining marks. */
const ACCENTS: Record<string, string> = {
  "'": '\u0301', '`': '\u0300', '^': '\u0302', '"': '\u0308', '~': '\u0303', '=': '\u0304', '.': '\u0307',
  u: '\u0306', v: '\u030C', H: '\u030B', c: '\u0327', k: '\u0328', r: '\u030A', d: '\u0323', b: '\u0331',
};
/** TeX letter commands → letters. */
const LETTERS: Record<string, string> = {
  ss: 'ß', o: 'ø', O: 'Ø', aa: 'å', AA: 'Å', ae: 'æ', AE: 'Æ', oe: 'œ', OE: 'Œ', l: 'ł', L: 'Ł', i: 'ı', j: 'ȷ',
};

/** Replaces TeX accents and special letters by Unicode; leaves everything else (math) alone. */
export function decodeTex(s: string): string {
  if (!s.includes('\\')) return s;
  let out = s
    // \'{a}, {\'a}, \'a, \c{c}, \v s ; the accented letter may itself be \i
    .replace(/\{?\\(['`^"~=.]|[uvHckrdb](?=[{\s]))\s*\{?\s*(\\i|\\j|[A-Za-z])\s*\}?\}?/g, (_m, acc: string, letter: string) => {
      const base = letter === '\\i' ? 'i' : letter === '\\j' ? 'j' : letter;
      return (base + ACCENTS[acc]).normalize('NFC');
    })
    .replace(/\{?\\(ss|aa|AA|ae|AE|oe|OE|o|O|l|L)(?![A-Za-z])(?:\{\})?\s*\}?/g, (_m, cmd: string) => LETTERS[cmd] ?? _m);
  out = out.replace(/\\&/g, '&');
  return out;
}

/** "Forenames Keyname Suffix" from the parts arXiv gives (any part may be empty). */
export function nameFromParts(keyname: string, forenames: string, suffix = ''): string {
  return decodeTex([forenames, keyname, suffix].map((x) => x.trim()).filter(Boolean).join(' ')).replace(/\s+/g, ' ');
}

/**
 * Splits an arXiv authors string ("A. Smith (MIT), B. Jones and C. Lee") into
 * ordered authors. Commas and the word "and" separate names, except inside
 * parentheses, which hold affiliations. A trailing "et al." is dropped.
 */
export function splitAuthors(raw: string): Author[] {
  const s = decodeTex(raw.replace(/\s+/g, ' ').trim());
  const parts: { name: string; aff: string[] }[] = [];
  let name = '', aff = '', depth = 0;
  const flush = () => {
    const n = name.replace(/\s+/g, ' ').trim();
    if (n || aff.trim()) parts.push({ name: n, aff: aff.trim() ? [aff.trim()] : [] });
    name = '';
    aff = '';
  };
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch === '(') {
      if (depth > 0) aff += ch;
      depth++;
    } else if (ch === ')' && depth > 0) {
      depth--;
      if (depth > 0) aff += ch;
    } else if (depth > 0) {
      aff += ch;
    } else if (ch === ',' || ch === ';') {
      flush();
    } else if (/^\s+and\s+/i.test(s.slice(i, i + 6)) && /\s/.test(ch)) {
      const m = /^\s+and\s+/i.exec(s.slice(i))!;
      flush();
      i += m[0].length - 1;
    } else {
      name += ch;
    }
  }
  flush();
  // "A. Smith and B. Jones (MIT)" style: an affiliation with no name of its own belongs to the previous author.
  const authors: Author[] = [];
  for (const p of parts) {
    const n = p.name.replace(/^and\s+/i, '').replace(/\s*\bet\.? al\.?$/i, '').trim();
    if (!n && authors.length && p.aff.length) authors[authors.length - 1].affiliations.push(...p.aff);
    else if (n && !/^et\.? al\.?$/i.test(n)) authors.push({ name: n, affiliations: p.aff });
  }
  return authors;
}
