/**
 * LexicalSearch over paperboy's own block-max index (search/index/), a
 * drop-in for the FTS5 implementation when the corpus is large.
 *
 * Papers are documents keyed by papers.pk (FTS5's rowid); the index lives in
 * `<db>.idx/` beside the SQLite file. Queries are parsed by query-parser.ts
 * exactly as for FTS5 and scored with FTS5's bm25 (bm25.ts), so the ranking
 * is the same. `rebuild()` indexes every paper in publication order. The
 * index follows the store by itself: triggers write every paper insert,
 * text update and delete to `paper_changes` (migration 3) in the paper's
 * own transaction, and `catchUp()` (run at open and before each search)
 * applies the changes past the seq the index last saw; a new version
 * tombstones the old document.
 *
 * Non-goals: highlighting (highlight.ts works from highlightTerms as with
 * FTS5); running merges on a timer (callers call maintain()).
 */
import type Database from 'better-sqlite3';
import type { LexicalSearch, SearchHit, SearchRequest, SearchResult } from './lexical.js';
import { AUTHOR_NEAR, canonicalCategory, highlightTerms, parseQuery, type QueryClause } from './query-parser.js';
import { foldedTokens, porterStem } from './tokenize.js';
import { ParallelSegmentWriter } from './index/parallel-segment-writer.js';
import { LexicalIndex, type ClauseSpec, type EngineHit, type EngineQuery } from './index/lexical-index.js';
import { dayNumber, type IndexDoc } from './index/segment-builder.js';

/** Exact result counts stop here ("10,000+" beyond): counting costs a walk over every match. Default 10,000. */
export const COUNT_CAP = 10_000;
/** At most this many distinct words of a paper make its "similar papers" query. Default 32; sane range 16–64. */
export const SIMILAR_TERMS = 32;

interface PaperTextRow { pk: number; title: string; authors: string; abstract: string; published_at: string | null; categories: string; organization: string | null }

export function indexDocOfRow(r: PaperTextRow): IndexDoc {
  const names = (JSON.parse(r.authors) as { name: string }[]).map((a) => a.name).join(', ');
  return {
    key: r.pk, title: r.title, authors: names, abstract: r.abstract, date: dayNumber(r.published_at),
    categories: JSON.parse(r.categories) as string[], organization: r.organization,
  };
}

/**
 * A rebuild writes a segment every this many papers and keeps them (no
 * final merge, which would hold the whole index in memory at once).
 * Default 250,000: the builder then peaks at a few hundred MB whatever the
 * corpus size, and 3M papers make 12 segments, which top-k searches with
 * one shared threshold at little cost; sane range 100,000–1,000,000 (larger
 * = fewer segments, more build memory).
 */
export const REBUILD_SEGMENT_DOCS = 250_000;

const SELECT_TEXT = 'SELECT pk, title, authors, abstract, published_at, categories, organization FROM papers';

function clauseSpec(c: QueryClause): ClauseSpec {
  return { terms: c.tokens.map(porterStem), prefixLast: c.kind === 'term' && c.prefix };
}

/** Changes pulled from paper_changes per statement while catching up. Default 5,000; any positive value works. */
const CATCH_UP_BATCH = 5_000;

export class IndexedLexicalSearch implements LexicalSearch {
  private readonly maxSeq: Database.Statement;
  private readonly changesAfter: Database.Statement;
  private readonly rowByPk: Database.Statement;

  /** Wraps an open index; call catchUp() (open() does) before relying on it. */
  constructor(private readonly db: Database.Database, readonly index: LexicalIndex) {
    this.maxSeq = db.prepare('SELECT COALESCE(MAX(seq), 0) AS s FROM paper_changes');
    this.changesAfter = db.prepare('SELECT seq, pk FROM paper_changes WHERE seq > ? ORDER BY seq LIMIT ?');
    this.rowByPk = db.prepare(`${SELECT_TEXT} WHERE pk = ?`);
  }

  /**
   * Opens `<dbFile>.idx/` for the store's connection and catches up with the
   * papers changed since the index was last written. An index never built
   * (no manifest) is built from scratch here: run `paperboy index --lexical`
   * beforehand on large databases, as it shows progress.
   */
  static open(db: Database.Database, dbFile: string): IndexedLexicalSearch {
    const s = new IndexedLexicalSearch(db, LexicalIndex.open(`${dbFile}.idx`));
    if (s.index.changeSeq === 0 && s.index.liveDocs === 0) s.rebuild();
    else s.catchUp();
    return s;
  }

  /**
   * Re-indexes every paper in publication order; calls `progress(done, total)`.
   * The change log position is read first, so a paper changed during the
   * rebuild is replayed by the next catchUp() (replaying is idempotent).
   */
  rebuild(
    progress: (done: number, total: number) => void = () => {},
    opts: { threads?: number; segmentDocs?: number } = {},
  ): void {
    const segmentDocs = opts.segmentDocs ?? REBUILD_SEGMENT_DOCS;
    const seq = (this.maxSeq.get() as { s: number }).s;
    const total = (this.db.prepare('SELECT COUNT(*) AS n FROM papers').get() as { n: number }).n;
    let done = 0;
    // Worker threads build alternate segments of a large corpus into a new, empty folder (the main thread reads rows).
    const parallel = (opts.threads ?? 1) > 1 && this.index.dir !== null && this.index.segmentCount === 0 && this.index.liveDocs === 0 &&
      total > segmentDocs * 2;
    const writer = parallel ? new ParallelSegmentWriter(this.index, opts.threads ?? 1, segmentDocs) : null;
    try {
      const rows = this.db.prepare(`${SELECT_TEXT} ORDER BY published_at IS NULL, published_at, pk`).iterate() as IterableIterator<PaperTextRow>;
      for (const r of rows) {
        if (writer) writer.add(indexDocOfRow(r));
        else {
          this.index.add(indexDocOfRow(r), { fresh: true });
          if ((done + 1) % segmentDocs === 0) this.index.flush();
        }
        if (++done % 5_000 === 0) progress(done, total);
      }
      this.index.changeSeq = seq;
      if (writer) writer.finish();
      else this.index.flush();
    } finally {
      writer?.close();
    }
    // A small corpus (one segment, or a few) is merged into one; a large one keeps its segmentDocs segments.
    if (done <= segmentDocs * 2) this.index.merge({ all: true });
    progress(done, total);
  }

  /**
   * Applies the papers changed since the index's change seq (new papers, new
   * versions, deletes), so they are searchable at once. Cheap when nothing
   * changed (one indexed MAX). Called before every search.
   */
  catchUp(): number {
    const max = (this.maxSeq.get() as { s: number }).s;
    let applied = 0;
    while (this.index.changeSeq < max) {
      const rows = this.changesAfter.all(this.index.changeSeq, CATCH_UP_BATCH) as { seq: number; pk: number }[];
      if (rows.length === 0) break;
      const pks = new Set<number>();
      for (const r of rows) pks.add(r.pk);
      for (const pk of pks) {
        const r = this.rowByPk.get(pk) as PaperTextRow | undefined;
        if (r) this.index.add(indexDocOfRow(r));
        else this.index.delete(pk);
        applied++;
      }
      this.index.changeSeq = rows[rows.length - 1].seq;
      this.maintain();
    }
    return applied;
  }

  /** Releases the index files (the serve process calls it at shutdown). */
  close(): void {
    this.index.close();
  }

  /** Flushes a full memory segment and runs a tiered merge when one is due. */
  maintain(): void {
    if (this.index.shouldFlush) this.index.flush();
    while (this.index.merge()) { /* merge until nothing is due */ }
  }

  private engineQuery(req: SearchRequest): { q: EngineQuery; terms: string[] } | null {
    const parsed = parseQuery(req.text, { prefixLast: req.prefixLast ?? true });
    const must: ClauseSpec[] = parsed.include.map(clauseSpec);
    for (const a of parsed.authors) must.push({ terms: a.map(porterStem), authors: { near: AUTHOR_NEAR } });
    if (must.length === 0) return null;
    const f = req.filters;
    const q: EngineQuery = {
      must, mustNot: parsed.exclude.map(clauseSpec),
      categories: [...parsed.categories.map(canonicalCategory), ...(f.category ? [canonicalCategory(f.category)] : [])],
      organizations: [...parsed.organizations, ...(f.organization ? [f.organization] : [])],
    };
    if (f.from) q.dateFrom = dayNumber(f.from);
    if (f.to) q.dateTo = dayNumber(f.to);
    return { q, terms: highlightTerms(parsed) };
  }

  private idsOf(keys: number[]): Map<number, string> {
    const out = new Map<number, string>();
    for (let i = 0; i < keys.length; i += 500) {
      const chunk = keys.slice(i, i + 500);
      const rows = this.db.prepare(`SELECT pk, id FROM papers WHERE pk IN (${chunk.map(() => '?').join(',')})`).all(...chunk) as { pk: number; id: string }[];
      for (const r of rows) out.set(r.pk, r.id);
    }
    return out;
  }

  private toHits(hits: EngineHit[], scored: boolean): SearchHit[] {
    const ids = this.idsOf(hits.map((h) => h.key));
    return hits.filter((h) => ids.has(h.key)).map((h) => ({ paperId: ids.get(h.key)!, score: scored ? h.score : 0 }));
  }

  async search(req: SearchRequest): Promise<SearchResult> {
    this.catchUp();
    const plan = this.engineQuery(req);
    if (!plan) return { hits: [], total: 0, highlightTerms: [] };
    const { q, terms } = plan;
    const k = req.offset + req.limit;
    const counted = this.index.matches(q, req.sort === 'relevance' ? COUNT_CAP : Infinity);
    const total = counted.hits.length;
    let page: EngineHit[];
    if (req.sort === 'relevance') {
      page = this.index.search(q, k).slice(req.offset);
    } else if (req.sort === 'newest') {
      page = counted.hits.sort((a, b) => b.date - a.date || b.doc - a.doc).slice(req.offset, k);
    } else {
      // Most upvoted: upvotes live in daily_entries; papers never listed count as 0, then newest first.
      const up = new Map<number, number>();
      const rows = this.db.prepare(`SELECT p.pk AS pk, MAX(d.upvotes) AS up FROM daily_entries d JOIN papers p ON p.id = d.paper_id
        GROUP BY p.pk`).all() as { pk: number; up: number }[];
      for (const r of rows) up.set(r.pk, r.up);
      page = counted.hits.sort((a, b) => (up.get(b.key) ?? 0) - (up.get(a.key) ?? 0) || b.date - a.date || b.doc - a.doc).slice(req.offset, k);
    }
    return { hits: this.toHits(page, req.sort === 'relevance'), total, totalIsEstimate: !counted.complete, highlightTerms: terms };
  }

  async similar(paperId: string, limit: number): Promise<SearchHit[]> {
    this.catchUp();
    const r = this.db.prepare(`${SELECT_TEXT} WHERE id = ?`).get(paperId) as PaperTextRow | undefined;
    if (!r) return [];
    const seen = new Set<string>();
    for (const t of foldedTokens(`${r.title} ${r.abstract}`)) {
      if (t.length < 3 || /^\d+$/.test(t)) continue;
      seen.add(porterStem(t));
      if (seen.size >= SIMILAR_TERMS) break;
    }
    if (seen.size === 0) return [];
    const hits = this.index.search({ must: [...seen].map((s) => ({ terms: [s] })), mode: 'or' }, limit + 1);
    return this.toHits(hits.filter((h) => h.key !== r.pk).slice(0, limit), true);
  }
}
