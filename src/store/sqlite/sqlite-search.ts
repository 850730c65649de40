/**
 * LexicalSearch on the SQLite store: BM25 over title, authors and abstract
 * with FTS5 (the papers_fts table, rowid = papers.pk).
 *
 * Goals: the query syntax of search/query-parser.ts; field weights; filters
 * (publication dates, category, organization) and sorts (relevance, newest,
 * most upvoted); an exact total where it is affordable. FTS5 is always
 * queried through an FTS-only statement (`… WHERE papers_fts MATCH ? ORDER
 * BY r LIMIT ?`) whose rows are joined to papers afterwards: SQLite cannot
 * push a join or a filter into the MATCH scan, and mixing them makes FTS5
 * fall back to row-at-a-time lookups (milliseconds become seconds).
 *
 * Filters and non-relevance sorts (the trade-off): FTS5 ranks by scoring
 * every match, and the filters live in other tables, so
 * - relevance + filters: over-fetch the best N matches by rank, filter them,
 *   and grow N (×8) until a page is filled, every match was seen, or N
 *   reaches `maxCandidates`. The hits are then exact (the true best filtered
 *   matches) unless the cap was reached; the total is exact when every match
 *   was seen, else an estimate (filtered share × match count).
 * - newest: with many matches, the date index is walked newest-first and
 *   matches kept (exact, stops after a page); with few, they are joined and sorted.
 * - upvotes: every match up to `maxCandidates` is read (unranked, newest
 *   rowids first: rowid = insertion order, roughly publication order) and
 *   sorted in SQL. Beyond the cap the order covers the most recently added
 *   matches only and the total is an estimate.
 * The engine of issue 4 (ids in publication order, bitset filters) removes
 * these caps; this one keeps every request bounded.
 *
 * Non-goals: the query syntax (query-parser.ts), highlighting
 * (highlight.ts), arXiv-id lookups (the routes do that).
 */
import type { LexicalSearch, SearchHit, SearchRequest, SearchResult, SearchSort } from '../../search/lexical.js';
import { buildMatch, canonicalCategory, highlightTerms, parseQuery, type ParsedQuery } from '../../search/query-parser.js';
import { tokenize } from '../../search/tokenize.js';
import type { SqliteStore } from './sqlite-store.js';

/**
 * BM25 column weights for bm25(papers_fts, title, authors, abstract). FTS5
 * multiplies each column's term frequency by its weight before BM25's
 * saturation (k1 = 1.2, b = 0.75 over the whole row), so a weight says how
 * many abstract occurrences one occurrence in that column is worth.
 */
export const BM25_WEIGHTS = {
  /**
   * Title: 10. A title is ~10 words chosen to say what the paper is about; a
   * word there is stronger evidence than several mentions in a 200-word
   * abstract. With k1 = 1.2 a single title hit scores ≈ 1.96 vs ≈ 1.77 for
   * five abstract hits, so title matches rank first without making the
   * abstract irrelevant. Sane range 4–20.
   */
  title: 10,
  /**
   * Authors: 5. A name match is almost always intentional (people search
   * for a person), but a common word that happens to be a surname ("Wang",
   * "Long") should not outrank a title match. Sane range 2–10; keep it below
   * the title weight.
   */
  authors: 5,
  /** Abstract: 1, the unit the other weights are measured in. */
  abstract: 1,
} as const;

export interface SqliteSearchOptions {
  /**
   * Most FTS matches examined for a filtered or non-relevance query. Each
   * costs a primary-key lookup (~1–2 µs) after FTS5's own work, so 50,000
   * bounds a request to tens of milliseconds. Default 50,000; sane range
   * 10,000–500,000 (raise it for exact totals on big corpora at the cost of
   * latency on common words).
   */
  maxCandidates?: number;
  /**
   * Matches counted at most for `total`; beyond it the total is reported as
   * an estimate (`totalIsEstimate`). Counting walks the doclists without
   * scoring, ~10× cheaper than ranking. Default 100,000; sane range 10,000–1,000,000.
   */
  maxCount?: number;
  /**
   * sort=newest switches from "join every match, then sort" to "walk the
   * date index newest-first, keep matches" above this many matches. The
   * index walk stops after a page but probes papers in date order, so it
   * wins when matches are dense (measured at 20k papers: 5 ms vs 44 ms for a
   * word in 98% of papers; 0.8 ms vs 0.3 ms for 86 matches). Default 1,000;
   * sane range 200–5,000.
   */
  newestIndexPlanMin?: number;
}

/** Largest page a caller may ask for; the API caps limit at 120. */
const MAX_LIMIT = 1000;
/** First over-fetch round for relevance + filters: this many times the page end, at least FIRST_ROUND_MIN. */
const OVERFETCH_FACTOR = 4;
const FIRST_ROUND_MIN = 200;
/** Growth of the over-fetch between rounds (fewer rounds vs less wasted work). */
const ROUND_GROWTH = 8;

/**
 * similar(): how many of a paper's most distinctive terms form the OR query.
 * More terms find more related papers but cost more doclist walks. Default
 * 12; sane range 6–20.
 */
const SIMILAR_TERMS = 12;
/** similar(): a title word counts as this many abstract words when picking terms. Default 3; sane range 1–5. */
const SIMILAR_TITLE_BOOST = 3;
/**
 * similar(): terms in more than this share of papers say nothing about the
 * topic ("model", "results"). Default 0.05; sane range 0.02–0.2.
 */
const SIMILAR_MAX_DF_SHARE = 0.05;
/**
 * similar(): and never terms in more than this many papers, so the OR query
 * walks at most SIMILAR_TERMS × 5,000 postings whatever the corpus size
 * (a term in 0.5% of a million papers is still distinctive). Default 5,000.
 */
const SIMILAR_MAX_DF = 5000;
/** similar(): in a small corpus (under 1,000 papers) the share rule would leave no terms; allow up to 50 papers. */
const SIMILAR_MIN_DF_CAP = 50;
/**
 * similar(): the paper's words with the highest in-paper weight (title boost ×
 * frequency) that get a document-frequency lookup (one capped FTS5 count
 * each, ~0.5–3 ms for a common word). Default 24; sane range 16–60.
 */
const SIMILAR_CANDIDATES = 24;

interface Filters {
  from: string | null;
  /** Exclusive upper bound (the day after `to`). */
  toNext: string | null;
  categories: string[][];
  organizations: string[];
}

interface CandidateRow {
  id: string;
  pk: number;
  r: number;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function nextDay(day: string): string | null {
  const t = Date.parse(`${day}T00:00:00Z`);
  if (Number.isNaN(t)) return null;
  return new Date(t + 86_400_000).toISOString().slice(0, 10);
}

function clampInt(v: number, lo: number, hi: number): number {
  if (!Number.isFinite(v)) return lo;
  return Math.min(hi, Math.max(lo, Math.floor(v)));
}

export class SqliteLexicalSearch implements LexicalSearch {
  private readonly maxCandidates: number;
  private readonly maxCount: number;
  private readonly newestIndexPlanMin: number;

  constructor(private readonly store: SqliteStore, opts: SqliteSearchOptions = {}) {
    this.maxCandidates = opts.maxCandidates ?? 50_000;
    this.maxCount = opts.maxCount ?? 100_000;
    this.newestIndexPlanMin = opts.newestIndexPlanMin ?? 1000;
  }

  private get db() {
    return this.store.db;
  }

  async search(req: SearchRequest): Promise<SearchResult> {
    const parsed = parseQuery(req.text ?? '', { prefixLast: req.prefixLast ?? true });
    const match = buildMatch(parsed);
    const terms = highlightTerms(parsed);
    const filters = this.filters(req, parsed);
    const limit = clampInt(req.limit, 0, MAX_LIMIT);
    const offset = clampInt(req.offset, 0, Number.MAX_SAFE_INTEGER);
    const sort: SearchSort = req.sort === 'newest' || req.sort === 'upvotes' ? req.sort : 'relevance';
    const filtered = filters.from !== null || filters.toNext !== null || filters.categories.length > 0 || filters.organizations.length > 0;

    if (match === null) {
      if (!filtered) return { hits: [], total: 0, highlightTerms: terms };
      return { ...this.browse(filters, sort, limit, offset), highlightTerms: terms };
    }
    if (sort === 'relevance' && !filtered) return { ...this.ranked(match, limit, offset), highlightTerms: terms };
    if (sort === 'relevance') return { ...this.rankedFiltered(match, filters, limit, offset), highlightTerms: terms };
    return { ...this.sortedMatches(match, filters, sort, limit, offset), highlightTerms: terms };
  }

  /** Request filters and the query's category:/org: filters, all of which must hold. */
  private filters(req: SearchRequest, q: ParsedQuery): Filters {
    const f = req.filters ?? {};
    const from = f.from && DAY.test(f.from) ? f.from : null;
    const toNext = f.to && DAY.test(f.to) ? nextDay(f.to) : null;
    const cats = [...(f.category ? [f.category] : []), ...q.categories];
    const orgs = [...(f.organization ? [f.organization] : []), ...q.organizations];
    return {
      from,
      toNext,
      categories: [...new Set(cats.map((c) => c.trim()).filter(Boolean))].map((c) => [...new Set([c, canonicalCategory(c)])]),
      organizations: [...new Set(orgs.map((o) => this.canonicalOrg(o.trim())).filter(Boolean))],
    };
  }

  /** The stored spelling of an organization typed in any case (organizations is a small table). */
  private canonicalOrg(name: string): string {
    if (!name) return name;
    const row = this.db.prepare('SELECT name FROM organizations WHERE name = ? COLLATE NOCASE ORDER BY name = ? DESC LIMIT 1')
      .get(name, name) as { name: string } | undefined;
    return row?.name ?? name;
  }

  private filterSql(f: Filters): { where: string; params: Record<string, string> } {
    const where: string[] = [];
    const params: Record<string, string> = {};
    if (f.from) { where.push('p.published_at >= @from'); params.from = f.from; }
    if (f.toNext) { where.push('p.published_at < @toNext'); params.toNext = f.toNext; }
    f.categories.forEach((spellings, i) => {
      const names = spellings.map((s, j) => { params[`cat${i}_${j}`] = s; return `@cat${i}_${j}`; });
      where.push(`EXISTS (SELECT 1 FROM paper_categories c WHERE c.category IN (${names.join(', ')}) AND c.paper_pk = p.pk)`);
    });
    f.organizations.forEach((o, i) => { where.push(`p.organization = @org${i}`); params[`org${i}`] = o; });
    return { where: where.length ? where.join(' AND ') : '1', params };
  }

  /** ORDER BY for a sort (NULLs sort lowest in SQLite, so DESC puts papers without a date or upvotes last). */
  private sortSql(sort: SearchSort): string {
    if (sort === 'upvotes') return 'upvotes DESC, p.published_at DESC, p.pk DESC';
    return 'p.published_at DESC, p.pk DESC';
  }

  private rankExpr(): string {
    const w = BM25_WEIGHTS;
    return `bm25(papers_fts, ${w.title.toFixed(1)}, ${w.authors.toFixed(1)}, ${w.abstract.toFixed(1)})`;
  }

  /** Number of matches, counted by an FTS-only statement up to `cap`. */
  private countMatches(match: string, cap: number): { n: number; capped: boolean } {
    const row = this.db.prepare('SELECT count(*) AS n FROM (SELECT rowid FROM papers_fts WHERE papers_fts MATCH ? LIMIT ?)')
      .get(match, cap + 1) as { n: number };
    return row.n > cap ? { n: cap, capped: true } : { n: row.n, capped: false };
  }

  /** Relevance without filters: the top of FTS5's ranking, then joined to papers. */
  private ranked(match: string, limit: number, offset: number): Omit<SearchResult, 'highlightTerms'> {
    const count = this.countMatches(match, this.maxCount);
    if (limit === 0 || offset >= count.n) return { hits: [], total: count.n, totalIsEstimate: count.capped || undefined };
    const rows = this.db.prepare(`SELECT p.id AS id, f.rowid AS pk, f.r AS r FROM
        (SELECT rowid, ${this.rankExpr()} AS r FROM papers_fts WHERE papers_fts MATCH ? ORDER BY r, rowid LIMIT ? OFFSET ?) f
        JOIN papers p ON p.pk = f.rowid ORDER BY f.r, f.rowid`).all(match, limit, offset) as CandidateRow[];
    return { hits: rows.map((r) => ({ paperId: r.id, score: -r.r })), total: count.n, totalIsEstimate: count.capped || undefined };
  }

  /** Relevance with filters: over-fetch the best matches in growing rounds, filter them, page. */
  private rankedFiltered(match: string, f: Filters, limit: number, offset: number): Omit<SearchResult, 'highlightTerms'> {
    const count = this.countMatches(match, this.maxCount);
    const { where, params } = this.filterSql(f);
    const stmt = this.db.prepare(`SELECT p.id AS id, f.rowid AS pk, f.r AS r FROM
        (SELECT rowid, ${this.rankExpr()} AS r FROM papers_fts WHERE papers_fts MATCH @match ORDER BY r, rowid LIMIT @n) f
        JOIN papers p ON p.pk = f.rowid WHERE ${where} ORDER BY f.r, f.rowid`);
    const want = offset + limit;
    let n = Math.min(this.maxCandidates, Math.max(FIRST_ROUND_MIN, want * OVERFETCH_FACTOR));
    let rows: CandidateRow[];
    for (;;) {
      rows = stmt.all({ ...params, match, n }) as CandidateRow[];
      // Stop when the page is full (the best filtered matches are then known exactly), every match
      // was seen, or the cap is reached.
      if (rows.length >= want || (!count.capped && n >= count.n) || n >= this.maxCandidates) break;
      n = Math.min(this.maxCandidates, n * ROUND_GROWTH);
    }
    const sawAll = !count.capped && n >= count.n;
    const total = sawAll ? rows.length : Math.max(rows.length, Math.round((rows.length / n) * count.n));
    return {
      hits: rows.slice(offset, offset + limit).map((r) => ({ paperId: r.id, score: -r.r })),
      total,
      totalIsEstimate: sawAll ? undefined : true,
    };
  }

  /**
   * Newest / most upvoted. Two plans:
   * - newest with many matches: walk the papers_published index newest-first and keep the papers
   *   whose pk is in the FTS-only rowid set; it stops after one page, and is exact with no cap.
   * - otherwise: read the matches (newest rowids first, up to the cap), join, filter and sort in SQL.
   * A filtered total always comes from the second plan's capped join.
   */
  private sortedMatches(match: string, f: Filters, sort: SearchSort, limit: number, offset: number): Omit<SearchResult, 'highlightTerms'> {
    const count = this.countMatches(match, this.maxCount);
    const n = this.maxCandidates;
    const { where, params } = this.filterSql(f);
    const filtered = where !== '1';
    const from = `FROM (SELECT rowid FROM papers_fts WHERE papers_fts MATCH @match ORDER BY rowid DESC LIMIT @n) f
        JOIN papers p ON p.pk = f.rowid WHERE ${where}`;
    const sawAll = !count.capped && count.n <= n;
    let total = count.n;
    let exact = !count.capped;
    if (filtered) {
      const seen = (this.db.prepare(`SELECT count(*) AS n ${from}`).get({ ...params, match, n }) as { n: number }).n;
      total = sawAll ? seen : Math.max(seen, Math.round((seen / n) * count.n));
      exact = sawAll;
    }
    let rows: { id: string }[];
    if (sort === 'newest' && (count.n > this.newestIndexPlanMin || !sawAll)) {
      rows = this.db.prepare(`SELECT p.id AS id FROM papers p INDEXED BY papers_published
          WHERE p.pk IN (SELECT rowid FROM papers_fts WHERE papers_fts MATCH @match) AND ${where}
          ORDER BY ${this.sortSql('newest')} LIMIT @limit OFFSET @offset`).all({ ...params, match, limit, offset }) as { id: string }[];
    } else {
      const upvotes = sort === 'upvotes' ? ', (SELECT MAX(d.upvotes) FROM daily_entries d WHERE d.paper_id = p.id) AS upvotes' : '';
      rows = this.db.prepare(`SELECT p.id AS id ${upvotes} ${from} ORDER BY ${this.sortSql(sort)} LIMIT @limit OFFSET @offset`)
        .all({ ...params, match, n, limit, offset }) as { id: string }[];
      exact = exact && sawAll;
    }
    return { hits: rows.map((r) => ({ paperId: r.id, score: 0 })), total, totalIsEstimate: exact ? undefined : true };
  }

  /** Filters without words (e.g. only `category:cs.CL`): the filtered papers in the requested order (relevance = newest). */
  private browse(f: Filters, sort: SearchSort, limit: number, offset: number): Omit<SearchResult, 'highlightTerms'> {
    const { where, params } = this.filterSql(f);
    const total = (this.db.prepare(`SELECT count(*) AS n FROM papers p WHERE ${where}`).get(params) as { n: number }).n;
    const upvotes = sort === 'upvotes' ? ', (SELECT MAX(d.upvotes) FROM daily_entries d WHERE d.paper_id = p.id) AS upvotes' : '';
    const rows = this.db.prepare(`SELECT p.id AS id ${upvotes} FROM papers p WHERE ${where}
        ORDER BY ${this.sortSql(sort === 'upvotes' ? 'upvotes' : 'newest')} LIMIT @limit OFFSET @offset`)
      .all({ ...params, limit, offset }) as { id: string }[];
    return { hits: rows.map((r) => ({ paperId: r.id, score: 0 })), total };
  }

  async similar(paperId: string, limit: number): Promise<SearchHit[]> {
    const n = clampInt(limit, 0, 100);
    if (n === 0) return [];
    const paper = this.db.prepare('SELECT pk, title, abstract FROM papers WHERE id = ?').get(paperId) as
      { pk: number; title: string; abstract: string } | undefined;
    if (!paper) return [];
    // Term frequencies by stem, remembering one surface form to put in the query (FTS5 stems it back).
    const tf = new Map<string, { surface: string; weight: number }>();
    // (keyed by stem; the surface form is what goes into the MATCH string)
    const add = (text: string, w: number) => {
      for (const t of tokenize(text)) {
        if (t.stem.length < 3 || /^\d+$/.test(t.stem)) continue;
        const e = tf.get(t.stem);
        if (e) e.weight += w;
        else tf.set(t.stem, { surface: t.folded, weight: w });
      }
    };
    add(paper.title, SIMILAR_TITLE_BOOST);
    add(paper.abstract, 1);
    // max(pk) stands for the number of papers (exact without deletions; count(*) would scan the table).
    const docs = (this.db.prepare('SELECT max(pk) AS n FROM papers').get() as { n: number | null }).n ?? 1;
    const maxDf = Math.min(SIMILAR_MAX_DF, Math.max(SIMILAR_MIN_DF_CAP, Math.floor(docs * SIMILAR_MAX_DF_SHARE)));
    const dfStmt = this.db.prepare('SELECT count(*) AS n FROM (SELECT rowid FROM papers_fts WHERE papers_fts MATCH ? LIMIT ?)');
    const candidates = [...tf.values()].sort((a, b) => b.weight - a.weight || a.surface.localeCompare(b.surface)).slice(0, SIMILAR_CANDIDATES);
    const scored: { surface: string; score: number }[] = [];
    for (const e of candidates) {
      const df = (dfStmt.get(`"${e.surface}"`, maxDf + 1) as { n: number }).n;
      if (df <= 1 || df > maxDf) continue; // only this paper, or too common to say anything about its topic
      scored.push({ surface: e.surface, score: e.weight * Math.log(docs / df) });
    }
    scored.sort((a, b) => b.score - a.score || a.surface.localeCompare(b.surface));
    const picked = scored.slice(0, SIMILAR_TERMS);
    if (picked.length === 0) return [];
    const match = picked.map((p) => `"${p.surface}"`).join(' OR ');
    const rows = this.db.prepare(`SELECT p.id AS id, f.r AS r FROM
        (SELECT rowid, ${this.rankExpr()} AS r FROM papers_fts WHERE papers_fts MATCH ? ORDER BY r, rowid LIMIT ?) f
        JOIN papers p ON p.pk = f.rowid ORDER BY f.r, f.rowid`).all(match, n + 1) as { id: string; r: number }[];
    return rows.filter((r) => r.id !== paperId).slice(0, n).map((r) => ({ paperId: r.id, score: -r.r }));
  }
}
