/**
 * The change feed of the PostgreSQL backend: a commit-ordered log.
 *
 * The problem. On SQLite one writer at a time means the log's sequence
 * order is commit order. On PostgreSQL writers run concurrently: writer A
 * takes change number 7, writer B takes 8, B commits first. A consumer that
 * reads "after 6" at that moment sees 8, saves 8 as its cursor, and never
 * sees 7 when A commits — an index silently misses a paper. A sequence (or
 * identity) number is handed out when the row is written, not when it
 * becomes visible, so no cursor over it is safe.
 *
 * The design. Triggers on papers write `paper_changes(id, pk)` in the
 * paper's own transaction, with `seq` NULL. The feed position `seq` is given
 * after commit, by the sequencer: one short transaction that holds the
 * advisory lock FEED_SEQUENCER_LOCK and numbers every visible row without a
 * seq, continuing from the highest seq so far (rows of transactions still
 * running are invisible to it and get numbers in a later run). Sequencer
 * runs are serialised by the lock, and a transaction's lock is released only
 * after its commit is visible, so each run's numbers are above every number
 * any reader can already see, and all of one run's numbers appear at once:
 * the visible positions are always a gap-free prefix 1..head, and a row
 * never gets a position below a cursor someone may have saved. A consumer
 * reading between A's and B's commits gets B's change now and A's change
 * with the next number once A commits (test/store/postgres-change-feed.test.ts
 * interleaves two writers to show it).
 *
 * Who runs the sequencer: head() and read() do, before answering (cheap when
 * nothing is pending: a partial index holds the unnumbered rows). Writers
 * need no coordination and hold no lock for it; an import that never reads
 * leaves its rows unnumbered until the first reader numbers them in one
 * statement. Why not the snapshot horizon (read only rows whose xid is below
 * pg_snapshot_xmin): it is safe, but the order it yields is (xid, id), which
 * a single number cursor cannot carry, and consumers compute lag as
 * head − cursor (block-max engine, doctor), which needs positions that grow
 * with the feed.
 *
 * Non-goals: pruning the log; daily-list changes. Consumer cursors live in
 * job_state under `feed.<consumer>`, as on SQLite.
 */
import type pg from 'pg';
import type { ChangeFeed, PaperChange, PaperText } from '../change-feed.js';
import { withTransaction } from './postgres-pool.js';
import { notHidden } from '../community-rows.js';

/**
 * Hidden papers (curation) are not in the feed's view of the store: a change
 * of a hidden paper reads as a delete, scan() and size() leave them out, and
 * hiding or showing one is a change (migration 17's trigger). The indexes
 * following the feed then count only papers the site shows.
 */
const SHOWN = notHidden('papers.id');

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

/** Papers per page of scan(): big enough to amortize a round trip, small enough to keep memory flat. Default 2,000. */
const SCAN_PAGE = 2_000;

/** Advisory lock of the sequencer (an arbitrary constant: "pbsq" in ASCII). */
export const FEED_SEQUENCER_LOCK = 0x70627371;

export class PostgresChangeFeed implements ChangeFeed {
  constructor(private readonly pool: pg.Pool, private readonly readonly = false) {}

  /**
   * Numbers every committed change that has no position yet, after the highest position so far;
   * returns how many. A read-only backend (doctor, stats) does not write: it sees the positions
   * the last writer-side run gave.
   */
  async sequence(): Promise<number> {
    if (this.readonly) return 0;
    const pending = await this.pool.query('SELECT 1 FROM paper_changes WHERE seq IS NULL LIMIT 1');
    if (pending.rowCount === 0) return 0;
    return withTransaction(this.pool, async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [FEED_SEQUENCER_LOCK]);
      // A new statement, so a new snapshot: it sees every earlier run's numbers (committed before
      // this run got the lock) and every change committed by now.
      const r = await c.query(`UPDATE paper_changes c SET seq = m.base + o.n
        FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM paper_changes WHERE seq IS NULL) o,
             (SELECT COALESCE(MAX(seq), 0) AS base FROM paper_changes) m
        WHERE c.id = o.id`);
      return r.rowCount ?? 0;
    });
  }

  async head(): Promise<number> {
    if (this.readonly) {
      // Doctor after an import that no writer-side reader has numbered yet: the committed, unnumbered
      // changes will take the next positions, so they count toward the head (and toward an index's lag).
      return (await this.pool.query<{ s: number }>(`SELECT COALESCE(MAX(seq), 0)
        + (SELECT COUNT(*) FROM paper_changes WHERE seq IS NULL) AS s FROM paper_changes`)).rows[0].s;
    }
    await this.sequence();
    return (await this.pool.query<{ s: number }>('SELECT COALESCE(MAX(seq), 0) AS s FROM paper_changes')).rows[0].s;
  }

  async read(cursor: number, limit: number): Promise<{ changes: PaperChange[]; next: number }> {
    await this.sequence();
    const rows = (await this.pool.query<{ seq: number; pk: number }>(
      'SELECT seq, pk FROM paper_changes WHERE seq > $1 ORDER BY seq LIMIT $2', [cursor, Math.max(1, limit)])).rows;
    if (rows.length === 0) return { changes: [], next: cursor };
    // One change per key, at its latest seq in this range; the paper as it is now.
    const latest = new Map<number, number>();
    for (const r of rows) latest.set(r.pk, r.seq);
    const texts = new Map<number, PaperText>();
    const found = await this.pool.query<TextRow>(`SELECT ${TEXT_COLUMNS} FROM papers WHERE pk = ANY($1::bigint[]) AND ${SHOWN}`, [[...latest.keys()]]);
    for (const t of found.rows) texts.set(t.pk, toText(t));
    const changes = [...latest].sort((a, b) => a[1] - b[1]).map(([key, seq]) => ({ seq, key, paper: texts.get(key) ?? null }));
    return { changes, next: rows[rows.length - 1].seq };
  }

  async *scan(pageSize = SCAN_PAGE): AsyncIterable<PaperText[]> {
    // Publication order (the block-max index's doc order), as keyset pages over papers_published.
    let page = (await this.pool.query<TextRow>(`SELECT ${TEXT_COLUMNS} FROM papers WHERE published_at IS NOT NULL AND ${SHOWN}
      ORDER BY published_at, pk LIMIT $1`, [pageSize])).rows;
    while (page.length > 0) {
      yield page.map(toText);
      const last = page[page.length - 1];
      page = (await this.pool.query<TextRow>(`SELECT ${TEXT_COLUMNS} FROM papers WHERE published_at IS NOT NULL
        AND (published_at, pk) > ($1, $2) AND ${SHOWN} ORDER BY published_at, pk LIMIT $3`, [last.published_at, last.pk, pageSize])).rows;
    }
    let after = 0;
    for (;;) {
      const undated = (await this.pool.query<TextRow>(`SELECT ${TEXT_COLUMNS} FROM papers WHERE published_at IS NULL AND pk > $1 AND ${SHOWN}
        ORDER BY pk LIMIT $2`, [after, pageSize])).rows;
      if (undated.length === 0) break;
      yield undated.map(toText);
      after = undated[undated.length - 1].pk;
    }
  }

  async size(): Promise<number> {
    return (await this.pool.query<{ n: number }>(`SELECT COUNT(*) AS n FROM papers WHERE ${SHOWN}`)).rows[0].n;
  }

  async cursor(consumer: string): Promise<number> {
    const row = (await this.pool.query<{ value: string }>('SELECT value FROM job_state WHERE key = $1', [`feed.${consumer}`])).rows[0];
    const n = row ? Number(row.value) : 0;
    return Number.isSafeInteger(n) && n > 0 ? n : 0;
  }

  async saveCursor(consumer: string, seq: number): Promise<void> {
    await this.pool.query(`INSERT INTO job_state (key, value, updated_at) VALUES ($1, $2, $3)
      ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
    [`feed.${consumer}`, String(seq), new Date().toISOString()]);
  }
}
