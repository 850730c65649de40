/**
 * What a user types into the search box, parsed into a typed query, and the
 * FTS5 MATCH expression built from it.
 *
 * Syntax understood (everything else is plain words):
 *   words                  every word must match (AND), stemmed: "models" finds "model"
 *   "a quoted phrase"      the words adjacent, in order
 *   -word, -"a phrase"     exclude papers that contain it (ignored when nothing positive is left)
 *   author:name, author:"First Last"   a filter on the authors field
 *   category:cs.LG (cat:)  papers listed in that arXiv category
 *   org:Name (organization:)           papers of that organization
 *   keyword:"a phrase" (kw:)           the phrase, as "a phrase" finds it: every paper the
 *                          phrase is an extracted keyword of (search/keywords.ts)
 *   the last bare word     a prefix ("diff" finds "diffusion") when `prefixLast` is set and
 *                          the input does not end in a space (the user is still typing it)
 *
 * Goals: pure; total (any string parses, nothing throws); no user input can
 * produce an FTS5 syntax error, because every word reaches FTS5 as a quoted
 * string holding only token characters (see tokenize.ts), and operators are
 * only ever written by this module. Shared by every LexicalSearch engine.
 * Non-goals: boolean operators typed by users (AND/OR/NOT/NEAR are plain
 * words here), field weights (the engine's business).
 */
import { foldedTokens } from './tokenize.js';

export interface QueryTerm {
  kind: 'term';
  /** Folded tokens of the word ("GPT-4o" → ["gpt", "4o"]); several tokens match as adjacent words. */
  tokens: string[];
  /** Matches any index term starting with the last token. */
  prefix: boolean;
}

export interface QueryPhrase {
  kind: 'phrase';
  tokens: string[];
}

export type QueryClause = QueryTerm | QueryPhrase;

export interface ParsedQuery {
  /** Clauses every result must match. */
  include: QueryClause[];
  /** Clauses no result may match. */
  exclude: QueryClause[];
  /** author: values, each as folded tokens of one name. */
  authors: string[][];
  /** category: values as typed (trimmed); see canonicalCategory. */
  categories: string[];
  /** org: values as typed (trimmed). */
  organizations: string[];
}

export interface ParseOptions {
  /** Treat the last bare word as a prefix (type-ahead). Default false. */
  prefixLast?: boolean;
}

/**
 * At most this many clauses (words, phrases, authors) are kept; the rest of a
 * query is ignored. Each clause costs FTS5 one doclist walk, so this bounds
 * the work one request can ask for. Default 32; sane range 8–64; a real
 * query rarely has more than 10 words, and the API caps q at 250 characters.
 */
export const MAX_CLAUSES = 32;

/**
 * A prefix shorter than this many characters is matched as a whole word
 * instead: "a*" would expand to a large share of the vocabulary and scan most
 * of the index for nothing. Default 2; sane range 2–3.
 */
export const MIN_PREFIX_CHARS = 2;

const FIELD_ALIASES: Record<string, 'author' | 'category' | 'org' | 'keyword'> = {
  author: 'author',
  keyword: 'keyword',
  kw: 'keyword',
  authors: 'author',
  category: 'category',
  cat: 'category',
  org: 'org',
  organization: 'org',
};

interface Lexeme {
  text: string;
  quoted: boolean;
  negated: boolean;
  field: 'author' | 'category' | 'org' | 'keyword' | null;
}

function isSpace(c: string): boolean {
  // Whitespace and control characters separate words.
  return /[\s\p{Cc}]/u.test(c);
}

/** Splits the input into words, quoted phrases and field:value pairs. Never throws. */
function lex(input: string): Lexeme[] {
  const out: Lexeme[] = [];
  const s = input;
  let i = 0;
  while (i < s.length) {
    if (isSpace(s[i])) { i++; continue; }
    let negated = false;
    if (s[i] === '-' && i + 1 < s.length && !isSpace(s[i + 1])) { negated = true; i++; }
    let field: Lexeme['field'] = null;
    const fieldMatch = /^([A-Za-z]+):(?=\S)/.exec(s.slice(i, i + 14));
    if (fieldMatch && FIELD_ALIASES[fieldMatch[1].toLowerCase()]) {
      field = FIELD_ALIASES[fieldMatch[1].toLowerCase()];
      i += fieldMatch[0].length;
    }
    if (s[i] === '"') {
      const close = s.indexOf('"', i + 1);
      const end = close < 0 ? s.length : close;
      out.push({ text: s.slice(i + 1, end), quoted: true, negated, field });
      i = end + 1;
      continue;
    }
    let j = i;
    while (j < s.length && !isSpace(s[j]) && s[j] !== '"') j++;
    out.push({ text: s.slice(i, j), quoted: false, negated, field });
    i = j;
  }
  return out;
}

/** Parses any string into a query; clauses without a single token are dropped. */
export function parseQuery(input: string, opts: ParseOptions = {}): ParsedQuery {
  const q: ParsedQuery = { include: [], exclude: [], authors: [], categories: [], organizations: [] };
  const lexemes = lex(typeof input === 'string' ? input : '');
  let clauses = 0;
  let lastBare: QueryTerm | null = null;
  for (const lx of lexemes) {
    if (clauses >= MAX_CLAUSES) break;
    lastBare = null;
    if (lx.field === 'category' || lx.field === 'org') {
      const value = lx.text.trim();
      if (value && !lx.negated) (lx.field === 'category' ? q.categories : q.organizations).push(value);
      continue;
    }
    const tokens = foldedTokens(lx.text);
    if (tokens.length === 0) continue;
    clauses++;
    if (lx.field === 'author') {
      if (!lx.negated) q.authors.push(tokens);
      continue;
    }
    // keyword:"a phrase" is the phrase: a paper's extracted keywords are phrases of its text (search/keywords.ts).
    const clause: QueryClause = lx.quoted || lx.field === 'keyword' ? { kind: 'phrase', tokens } : { kind: 'term', tokens, prefix: false };
    (lx.negated ? q.exclude : q.include).push(clause);
    if (!lx.quoted && !lx.negated && clause.kind === 'term') lastBare = clause;
  }
  const typingLastWord = input.length > 0 && !isSpace(input[input.length - 1]);
  if (opts.prefixLast && typingLastWord && lastBare) {
    const last = lastBare.tokens[lastBare.tokens.length - 1];
    if ([...last].length >= MIN_PREFIX_CHARS) lastBare.prefix = true;
  }
  return q;
}

/** A quoted FTS5 string: tokens hold only letters/digits, so no escaping is ever needed (but `"` is doubled anyway). */
function quote(tokens: string[]): string {
  return `"${tokens.join(' ').replace(/"/g, '""')}"`;
}

function clauseMatch(c: QueryClause): string {
  return c.kind === 'term' && c.prefix ? `${quote(c.tokens)} *` : quote(c.tokens);
}

/**
 * How far apart (in tokens) the words of an author: name may be: 2 lets
 * "Richard Pang" find "Richard Yuanzhe Pang" and "Pang Richard" while
 * keeping a first name of one author and a last name of another apart in
 * most lists. Default 2; sane range 1–3.
 */
export const AUTHOR_NEAR = 2;

function authorMatch(tokens: string[]): string {
  if (tokens.length === 1) return `{authors} : ${quote(tokens)}`;
  return `{authors} : NEAR(${tokens.map((t) => quote([t])).join(' ')}, ${AUTHOR_NEAR + tokens.length - 2})`;
}

/**
 * The FTS5 MATCH expression for a query, or null when it has nothing to
 * match (only filters, or nothing at all). `mode` 'all' (the default) asks
 * for every positive clause, 'any' for at least one. Every word is a quoted string;
 * operators and column names come from this function only.
 */
export function buildMatch(q: ParsedQuery, mode: 'all' | 'any' = 'all'): string | null {
  const positive = [...q.include.map(clauseMatch), ...q.authors.map(authorMatch)];
  if (positive.length === 0) return null;
  const and = positive.length === 1 ? positive[0] : positive.map((p) => `(${p})`).join(mode === 'all' ? ' AND ' : ' OR ');
  if (q.exclude.length === 0) return and;
  return `(${and}) NOT (${q.exclude.map(clauseMatch).join(' OR ')})`;
}

/**
 * The words to highlight in titles and abstracts: the folded tokens of the
 * positive words and phrases, a prefix as "token*". highlight.ts matches
 * them by stem, the way the index does.
 */
export function highlightTerms(q: ParsedQuery): string[] {
  const out = new Set<string>();
  for (const c of q.include) {
    c.tokens.forEach((t, i) => out.add(c.kind === 'term' && c.prefix && i === c.tokens.length - 1 ? `${t}*` : t));
  }
  return [...out];
}

/**
 * The usual spelling of an arXiv category typed in any case: archive in
 * lower case, subject class in upper case ("cs.lg" → "cs.LG"), except the
 * physics and cond-mat archives whose subject classes are lower case
 * ("physics.optics", "cond-mat.stat-mech").
 */
export function canonicalCategory(value: string): string {
  const v = value.trim();
  const dot = v.indexOf('.');
  if (dot < 0) return v.toLowerCase();
  const archive = v.slice(0, dot).toLowerCase();
  const subject = v.slice(dot + 1);
  return `${archive}.${archive === 'physics' || archive === 'cond-mat' ? subject.toLowerCase() : subject.toUpperCase()}`;
}
