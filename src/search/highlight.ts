/**
 * Highlighting of search matches in titles and abstracts, as escaped HTML.
 *
 * Goals: mark exactly the words the index matched, by tokenizing the text
 * the way FTS5 does (tokenize.ts) and comparing stems, so "models" marks
 * "model" and "modeling", and a prefix term "diff*" marks "diffusion".
 * Every character of the text is HTML-escaped; only <mark> and </mark> are
 * added. Shared by every LexicalSearch engine (the terms come from
 * query-parser.ts's highlightTerms).
 * Non-goals: phrase-exact marking (each word of a phrase is marked wherever
 * it occurs), HTML input (text is plain text).
 */
import { porterStem, scanTokens, tokenize, type Token } from '../domain/tokenize.js';
import { escapeHtml } from '../html/html.js';

interface Matcher {
  exact: Set<string>;
  prefixes: string[];
  /** The first characters (UTF-16 code units) of the stems and prefixes: a token that starts otherwise matches none. */
  initials: Set<number>;
}

/** Turns highlight terms (surface words, stems, "prefix*") into index-term matchers. */
function matcher(terms: string[]): Matcher {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const raw of terms) {
    const isPrefix = raw.endsWith('*');
    const toks = tokenize(isPrefix ? raw.slice(0, -1) : raw);
    toks.forEach((t, i) => {
      // FTS5 stems a prefix query's token too, then matches index terms starting with it.
      if (isPrefix && i === toks.length - 1) prefixes.push(t.stem);
      else exact.add(t.stem);
    });
  }
  const initials = new Set<number>();
  for (const t of [...exact, ...prefixes]) if (t) initials.add(t.charCodeAt(0));
  return { exact, prefixes, initials };
}

function matches(m: Matcher, t: Token): boolean {
  if (m.exact.has(t.stem)) return true;
  for (const p of m.prefixes) if (t.stem.startsWith(p)) return true;
  return false;
}

/** Which term (stem or prefix) a token matched, to count distinct terms in a snippet window. */
function matchKey(m: Matcher, t: Token): string {
  if (m.exact.has(t.stem)) return t.stem;
  return m.prefixes.find((p) => t.stem.startsWith(p)) ?? t.stem;
}

/**
 * The tokens of `text` that match, stemming only those that start with one
 * of the matcher's initials: a stem begins with its word's first character
 * (porterStem rewrites suffixes only), so no other token can match. For a
 * short query that skips the stemming (a cache lookup of a fresh string) of
 * ≈ 95% of an abstract's words — the bulk of highlighting a page of 20.
 */
function matchingTokens(text: string, m: Matcher): Token[] {
  return scanTokens(text, (start, end, folded) => {
    if (!m.initials.has(folded.charCodeAt(0))) return null;
    const t = { start, end, folded, stem: porterStem(folded) };
    return matches(m, t) ? t : null;
  }, m.initials);
}

/** Escaped HTML of `text[from, to)` with the matching tokens in that range wrapped in <mark>. */
function render(text: string, tokens: Token[], m: Matcher, from: number, to: number): string {
  let out = '';
  let pos = from;
  for (const t of tokens) {
    if (t.start < from || t.end > to) continue;
    if (!matches(m, t)) continue;
    out += escapeHtml(text.slice(pos, t.start)) + '<mark>' + escapeHtml(text.slice(t.start, t.end)) + '</mark>';
    pos = t.end;
  }
  return out + escapeHtml(text.slice(pos, to));
}

/** HTML-escaped `text` with every word matching one of `terms` wrapped in <mark>…</mark>. */
export function highlightHtml(text: string, terms: string[]): string {
  if (!text) return '';
  const m = matcher(terms);
  if (m.exact.size === 0 && m.prefixes.length === 0) return escapeHtml(text);
  return render(text, matchingTokens(text, m), m, 0, text.length);
}

/**
 * Snippets start this many characters before their first match, so the
 * reader sees the words leading into it. Default 40; sane range 0–80 (a
 * fifth to a third of the snippet).
 */
const LEAD_CHARS = 40;

/**
 * An escaped excerpt of about `maxChars` characters around the best match —
 * the window holding the most distinct query terms, then the most matches —
 * with <mark> on matches and "…" where the text was cut. Cuts fall between
 * words. Without a match, the start of the text.
 */
export function snippetHtml(text: string, terms: string[], maxChars = 240): string {
  if (!text) return '';
  return snippetOf(text, tokenize(text), matcher(terms), maxChars);
}

/** snippetHtml over tokens and a matcher made once (highlightPaper shares them with the whole abstract). */
function snippetOf(text: string, tokens: Token[], m: Matcher, maxChars: number): string {
  const limit = Math.max(20, Math.floor(maxChars));
  const any = m.exact.size > 0 || m.prefixes.length > 0;
  if (text.length <= limit) return any ? render(text, tokens, m, 0, text.length) : escapeHtml(text);
  const hits = tokens.filter((t) => any && matches(m, t));

  let bestStart = 0;
  if (hits.length > 0) {
    // Windows [start, start + limit) from each hit (LEAD_CHARS before it), scored by the distinct terms and the hits
    // they hold. Hits are in text order and the windows move forward, so the hits inside are a range [lo, hi) that
    // two pointers slide (a 30-word query marks ~100 words of an abstract: one pass instead of one per hit).
    const keys = hits.map((x) => matchKey(m, x));
    const inWindow = new Map<string, number>();
    let bestScore = -1;
    let lo = 0;
    let hi = 0;
    for (const h of hits) {
      const start = Math.max(0, h.start - LEAD_CHARS);
      const end = start + limit;
      for (; hi < hits.length && hits[hi].end <= end; hi++) inWindow.set(keys[hi], (inWindow.get(keys[hi]) ?? 0) + 1);
      for (; lo < hi && hits[lo].start < start; lo++) {
        const c = inWindow.get(keys[lo])! - 1;
        if (c === 0) inWindow.delete(keys[lo]);
        else inWindow.set(keys[lo], c);
      }
      const score = inWindow.size * 1000 + (hi - lo);
      if (score > bestScore) { bestScore = score; bestStart = start; }
    }
  }
  // Snap the window to word boundaries: start at a token start, end at a token end.
  let start = bestStart;
  if (start > 0) {
    const first = tokens.find((t) => t.start >= start);
    start = first ? first.start : start;
  }
  let end = Math.min(text.length, start + limit);
  if (end < text.length) {
    let lastEnd = -1;
    for (const t of tokens) {
      if (t.start < start) continue;
      if (t.end > end) break;
      lastEnd = t.end;
    }
    if (lastEnd > start) end = lastEnd;
  }
  // If the window reaches the end of the text, pull its start back to use the whole budget.
  if (end === text.length && start > 0) {
    const want = Math.max(0, text.length - limit);
    const first = tokens.find((t) => t.start >= want);
    if (first && first.start < start) start = first.start;
  }
  const body = render(text, tokens, m, start, end).trim();
  return (start > 0 ? '…' : '') + body + (end < text.length ? '…' : '');
}

/** A paper's title and whole abstract highlighted, and its snippet (made when first read: the JSON API never reads it). */
export interface HighlightedPaper {
  title: string;
  summary: string;
  readonly snippet: string;
}

/**
 * One hit's highlighting, its snippet cut when first read. A class, not an
 * object literal with a getter: V8 (Node 20) keeps each such literal, and
 * everything its getter's closure reaches, alive from the old generation
 * until a full collection (seen with --trace-gc; a closure-valued property
 * or a class getter does not), so every page's tokens survived young
 * collections — ≈ 0.5 MB promoted per API request at 1M papers, scavenges
 * of 3–15 ms every few requests and a full collection every few hundred:
 * the short queries' p95.
 */
class PaperHighlight implements HighlightedPaper {
  private cut: string | null = null;

  constructor(readonly title: string, readonly summary: string, private readonly abstract: string,
    private readonly m: Matcher, private readonly snippetChars: number) {}

  get snippet(): string {
    this.cut ??= !this.abstract ? '' : snippetOf(this.abstract, tokenize(this.abstract), this.m, this.snippetChars);
    return this.cut;
  }
}

/**
 * Highlights the hits of one query: the matcher (the query's terms
 * tokenized and stemmed: 30 of them for a pasted sentence) is made once for
 * all hits, the title and abstract are marked from their matching tokens
 * only, and a snippet is cut (from all of the abstract's tokens) only when
 * read.
 */
export function paperHighlighter(terms: string[]): (title: string, abstract: string, snippetChars: number) => HighlightedPaper {
  const m = matcher(terms);
  const any = m.exact.size > 0 || m.prefixes.length > 0;
  return (title, abstract, snippetChars) => new PaperHighlight(
    !title ? '' : any ? render(title, matchingTokens(title, m), m, 0, title.length) : escapeHtml(title),
    !abstract ? '' : any ? render(abstract, matchingTokens(abstract, m), m, 0, abstract.length) : escapeHtml(abstract),
    abstract, m, snippetChars,
  );
}

/** A hit's title and whole abstract highlighted, and its snippet: the matcher made once, the abstract tokenized once. */
export function highlightPaper(title: string, abstract: string, terms: string[], snippetChars: number): HighlightedPaper {
  return paperHighlighter(terms)(title, abstract, snippetChars);
}
