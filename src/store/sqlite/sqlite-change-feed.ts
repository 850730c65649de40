/**
 * The change feed of the SQLite backend: the `paper_changes` log (migration
 * 3), written by triggers on papers in the same transaction as the paper, so
 * a change is in the log exactly when the paper is committed. SQLite has one
 * writer at a time, so seq order is commit order. Consumer cursors live in
 * job_state under `feed.<consumer>`.
 *
 * Hidden papers read as deleted (SHOWN below). Non-goals: pruning the log
 * (≈ 10 bytes per change), daily-list changes.
 */
import type Database from 'better-sqlite3';
import type { ChangeFeed, PaperChange, PaperText } from '../change-feed.js';
import { notHidden } from '../community-rows.js';

interface TextRow {
  pk: number;
  title: string;
  authors: string;
  abstract: string;
  published_at: string | null;
  categories: string;
  organization: string | null;
}

const TEXT_COLUMNS = 'pk, title, authors, abstract, published_at, categories, organization';

function toText(r: TextRow): PaperText {
  return {
    key: r.pk,
    title: r.title,
    authors: (JSON.parse(r.authors) as { name: string }[]).map((a) => a.name).join(', '),
    abstract: r.abstract,
    publishedAt: r.published_at,
    categories: JSON.parse(r.categories) as string[],
    organization: r.organization,
  };
}

/**
 * Hidden papers (curation) are not in the feed's view of the store: a change
 * of a hidden paper reads as a delete, scan() and size() leave them out, and
 * hiding or showing one is a change (migration 17's triggers). The indexes
 * following the feed then count only papers the site shows.
 */
const SHOWN = notHidden('papers.id');

/** Papers per page of scan(): big enough to amortize a statement, small enough to keep memory flat. Default 2,000. */
const SCAN_PAGE = 2_000;

export class SqliteChangeFeed implements ChangeFeed {
  private readonly stmts;

  constructor(private readonly db: Database.Database) {
    this.stmts = {
      head: db.prepare('SELECT COALESCE(MAX(seq), 0) AS s FROM paper_changes'),
      after: db.prepare('SELECT seq, pk FROM paper_changes WHERE seq > ? ORDER BY seq LIMIT ?'),
      texts: db.prepare(`SELECT ${TEXT_COLUMNS} FROM papers WHERE pk IN (SELECT value FROM json_each(?)) AND ${SHOWN}`),
      count: db.prepare(`SELECT COUNT(*) AS n FROM papers WHERE ${SHOWN}`),
      // Publication order (the block-max index's doc order), as keyset pages over the papers_published index.
      datedFirst: db.prepare(`SELECT ${TEXT_COLUMNS} FROM papers WHERE published_at IS NOT NULL AND ${SHOWN}
        ORDER BY published_at, pk LIMIT ?`),
      datedNext: db.prepare(`SELECT ${TEXT_COLUMNS} FROM papers WHERE published_at IS NOT NULL AND (published_at, pk) > (?, ?) AND ${SHOWN}
        ORDER BY published_at, pk LIMIT ?`),
      undated: db.prepare(`SELECT ${TEXT_COLUMNS} FROM papers WHERE published_at IS NULL AND pk > ? AND ${SHOWN} ORDER BY pk LIMIT ?`),
      cursorGet: db.prepare('SELECT value FROM job_state WHERE key = ?'),
      cursorSet: db.prepare(`INSERT INTO job_state (key, value, updated_at) VALUES (?, ?, ?)
        ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`),
    };
  }

  async head(): Promise<number> {
    return (this.stmts.head.get() as { s: number }).s;
  }

  async read(cursor: number, limit: number): Promise<{ changes: PaperChange[]; next: number }> {
    const rows = this.stmts.after.all(cursor, Math.max(1, limit)) as { seq: number; pk: number }[];
    if (rows.length === 0) return { changes: [], next: cursor };
    // One change per key, at its latest seq in this range; the paper as it is now.
    const latest = new Map<number, number>();
    for (const r of rows) latest.set(r.pk, r.seq);
    const texts = new Map<number, PaperText>();
    for (const t of this.stmts.texts.all(JSON.stringify([...latest.keys()])) as TextRow[]) texts.set(t.pk, toText(t));
    const changes = [...latest].sort((a, b) => a[1] - b[1]).map(([key, seq]) => ({ seq, key, paper: texts.get(key) ?? null }));
    return { changes, next: rows[rows.length - 1].seq };
  }

  async *scan(pageSize = SCAN_PAGE): AsyncIterable<PaperText[]> {
    let page = this.stmts.datedFirst.all(pageSize) as TextRow[];
    while (page.length > 0) {
      yield page.map(toText);
      const last = page[page.length - 1];
      page = this.stmts.datedNext.all(last.published_at, last.pk, pageSize) as TextRow[];
    }
    let after = 0;
    for (;;) {
      const undated = this.stmts.undated.all(after, pageSize) as TextRow[];
      if (undated.length === 0) break;
      yield undated.map(toText);
      after = undated[undated.length - 1].pk;
    }
  }

  async size(): Promise<number> {
    return (this.stmts.count.get() as { n: number }).n;
  }

  async cursor(consumer: string): Promise<number> {
    const row = this.stmts.cursorGet.get(`feed.${consumer}`) as { value: string } | undefined;
    const n = row ? Number(row.value) : 0;
    return Number.isSafeInteger(n) && n > 0 ? n : 0;
  }

  async saveCursor(consumer: string, seq: number): Promise<void> {
    this.stmts.cursorSet.run(`feed.${consumer}`, String(seq), new Date().toISOString());
  }
}
