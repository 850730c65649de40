/**
 * The lexical fallback of the PostgreSQL backend: PostgreSQL full-text search
 * over the stored, weighted `papers.search_tsv` (title A, author names B,
 * abstract C; GIN-indexed; written with every paper by the store).
 *
 * Goals: a fresh process answers searches before its block-max index is
 * built (search/open-search.ts uses this engine only while the process has
 * no engine index yet, or everywhere under PAPERBOY_SEARCH=fts5); the
 * LexicalEngine contract: the query syntax (words, prefixes, phrases,
 * author:, exclusions), filters, sorts, paging, a capped total. Every word
 * reaches SQL as a bound parameter; tsquery operators come from this file only.
 *
 * Ranking (the trade-off): ts_rank, not BM25. Its weights follow
 * FIELD_WEIGHTS (title 10 : authors 5 : abstract 1 → A 1.0, B 0.5, C 0.1), so
 * a title match still outranks an author match, which outranks an abstract
 * match, but scores and the order of close papers differ from the block-max
 * engine (no document-frequency weighting; length normalization 1 divides by
 * 1 + log(length)). Good enough for minutes of a new node's life; not the
 * engine to run for good on a large corpus.
 *
 * Non-goals: the query syntax (domain/query-parser.ts), highlighting.
 */
import type pg from 'pg';
import { AUTHOR_NEAR, type QueryClause, type ParsedQuery } from '../../domain/query-parser.js';
import { FIELD_WEIGHTS, type LexicalEngine, type LexicalRequest, type LexicalResult } from '../lexical-engine.js';
import { notHidden } from '../community-rows.js';
import { filterSql, Params, sortSql, upvotesColumn } from './postgres-filters.js';

/** ts_rank weights {D, C, B, A}: the field weights scaled so the title is 1 (D is unused). */
const RANK_WEIGHTS = `{0, ${FIELD_WEIGHTS.abstract / FIELD_WEIGHTS.title}, ${FIELD_WEIGHTS.authors / FIELD_WEIGHTS.title}, 1}`;

/** Tokens from the query parser are folded letters and digits; anything else never reaches to_tsquery text. */
const SAFE_TOKEN = /^[\p{L}\p{N}]+$/u;

/** A tsquery SQL expression for one clause, or null when it has no usable token. */
function clauseSql(c: QueryClause, p: Params): string | null {
  const tokens = c.tokens.filter((t) => SAFE_TOKEN.test(t));
  if (tokens.length === 0) return null;
  if (c.kind === 'term' && c.prefix) {
    // Words before the last must follow in order; the last matches as a prefix.
    const body = tokens.map((t, i) => (i === tokens.length - 1 ? `${t}:*` : t)).join(' <-> ');
    return `to_tsquery('english', ${p.add(body)})`;
  }
  return tokens.length === 1 ? `plainto_tsquery('english', ${p.add(tokens[0])})` : `phraseto_tsquery('english', ${p.add(tokens.join(' '))})`;
}

/**
 * author: a name in the authors field (weight B). One token: that word. Several: each next token
 * within AUTHOR_NEAR words of the one before, in either order — FTS5's NEAR, so "Richard Pang"
 * finds "Richard Yuanzhe Pang" and "Pang Richard" but not a Richard and a Pang far apart in a list.
 */
function authorSql(tokens: string[], p: Params): string | null {
  const safe = tokens.filter((t) => SAFE_TOKEN.test(t));
  if (safe.length === 0) return null;
  if (safe.length === 1) return `to_tsquery('english', ${p.add(`${safe[0]}:B`)})`;
  const pairs: string[] = [];
  for (let i = 1; i < safe.length; i++) {
    const [a, b] = [`${safe[i - 1]}:B`, `${safe[i]}:B`];
    const near: string[] = [];
    for (let d = 1; d <= AUTHOR_NEAR + 1; d++) near.push(`${a} <${d}> ${b}`, `${b} <${d}> ${a}`);
    pairs.push(`(${near.join(' | ')})`);
  }
  return `to_tsquery('english', ${p.add(pairs.join(' & '))})`;
}

/** The whole query as one tsquery expression, or null when nothing positive is left. */
export function tsquerySql(q: ParsedQuery, mode: 'all' | 'any', p: Params): string | null {
  const positive = [...q.include.map((c) => clauseSql(c, p)), ...q.authors.map((a) => authorSql(a, p))].filter((s): s is string => !!s);
  if (positive.length === 0) return null;
  let expr = positive.map((s) => `(${s})`).join(mode === 'all' ? ' && ' : ' || ');
  const negative = q.exclude.map((c) => clauseSql(c, p)).filter((s): s is string => !!s);
  if (negative.length) expr = `(${expr}) && !!(${negative.map((s) => `(${s})`).join(' || ')})`;
  return expr;
}

/** lag() counts missing search vectors up to this many (a bound on its cost; "behind by 100,000+"). */
const LAG_COUNT_CAP = 100_000;

/**
 * How long documentFrequencies reuses its paper count: it only weighs words (inverse document
 * frequency) and sizes caps, where a count a few seconds old changes nothing.
 */
const DOCS_COUNT_TTL_MS = 10_000;

export class PostgresTsvectorEngine implements LexicalEngine {
  readonly name = 'postgres-fts';

  constructor(private readonly pool: pg.Pool) {}

  /**
   * Papers whose search vectors are not computed yet (imports and migrate-db leave them to serve's
   * background fill): they are missing from this engine's answers until then. Counted through the
   * partial index of missing vectors, up to LAG_COUNT_CAP.
   */
  async lag(): Promise<number> {
    return (await this.pool.query<{ n: number }>(`SELECT COUNT(*) AS n FROM (SELECT 1 FROM papers WHERE search_tsv IS NULL LIMIT ${LAG_COUNT_CAP}) m`)).rows[0].n;
  }

  async search(req: LexicalRequest): Promise<LexicalResult> {
    const p = new Params();
    const tsq = tsquerySql(req.query, req.mode ?? 'all', p);
    if (tsq === null) return { hits: [], total: 0, totalIsEstimate: false };
    // Hidden papers are left out here too, so the total counts only what the page can show.
    const where = `p.search_tsv @@ q.tsq AND ${filterSql(req.filters, p)} AND ${notHidden('p.id')}`;
    const from = `FROM papers p, (SELECT ${tsq} AS tsq) q`;
    const cap = req.countCap > 0 ? req.countCap : 100_000;
    const counted = (await this.pool.query<{ n: number }>(`SELECT count(*) AS n FROM (SELECT 1 ${from} WHERE ${where}
      LIMIT $${p.values.length + 1}) m`, [...p.values, cap + 1])).rows[0].n;
    const total = Math.min(counted, cap);
    if (req.limit === 0 || req.offset >= total) return { hits: [], total, totalIsEstimate: counted > cap };
    const limit = p.add(req.limit), offset = p.add(req.offset);
    const sql = req.sort === 'relevance'
      ? `SELECT p.pk AS pk, ts_rank('${RANK_WEIGHTS}', p.search_tsv, q.tsq, 1) AS score ${from} WHERE ${where}
         ORDER BY score DESC, p.pk LIMIT ${limit} OFFSET ${offset}`
      : `SELECT p.pk AS pk, 0 AS score ${upvotesColumn(req.sort)} ${from} WHERE ${where}
         ORDER BY ${sortSql(req.sort)} LIMIT ${limit} OFFSET ${offset}`;
    const rows = (await this.pool.query<{ pk: number; score: number }>(sql, p.values)).rows;
    return { hits: rows.map((r) => ({ key: r.pk, score: Number(r.score) })), total, totalIsEstimate: counted > cap };
  }

  /** The paper count and when it was taken: counting every paper for every search was the fallback's largest cost under load. */
  private docsCount: { n: number; at: number } | null = null;

  private async docs(): Promise<number> {
    if (this.docsCount === null || Date.now() - this.docsCount.at > DOCS_COUNT_TTL_MS) {
      this.docsCount = { n: (await this.pool.query<{ n: number }>('SELECT count(*) AS n FROM papers')).rows[0].n, at: Date.now() };
    }
    return this.docsCount.n;
  }

  async documentFrequencies(words: string[], cap = Number.MAX_SAFE_INTEGER): Promise<{ docs: number; df: number[] }> {
    const docs = await this.docs();
    const df: number[] = [];
    for (const w of words) {
      if (!SAFE_TOKEN.test(w)) { df.push(0); continue; }
      // The word is already stemmed the way paperboy stems: match it as a lexeme ('simple' adds no stemming).
      const limit = Math.min(cap, docs);
      // Hidden papers are not counted, as in search totals (an any-word total is estimated from these).
      df.push((await this.pool.query<{ n: number }>(`SELECT count(*) AS n FROM (SELECT 1 FROM papers
        WHERE search_tsv @@ to_tsquery('simple', $1) AND ${notHidden('papers.id')} LIMIT $2) m`, [w, limit])).rows[0].n);
    }
    return { docs, df };
  }
}
