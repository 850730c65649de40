/**
 * The Store on PostgreSQL, through node-postgres with a connection pool.
 *
 * Goals: the same answers as the SQLite Store (test/conformance/store.ts);
 * every write batch in one transaction holding PAPER_WRITE_LOCK (merges read
 * the stored paper first; see postgres-pool.ts); bulk writes as multi-row
 * statements (postgres-upsert.ts); the change feed written by triggers in the
 * same transaction; the weighted search vector kept with every paper.
 * Non-goals: search ranking (postgres-search.ts), creating the database
 * (the operator's `createdb`), connection retries.
 */
import type pg from 'pg';
import type { DailyEntry, Organization, Paper, PaperRecord } from '../../domain/paper.js';
import { trendingScore } from '../../domain/trending.js';
import type { DailyItem, DailyQuery, Page, PaperDetail, Store, StoreStats, UpsertOutcome } from '../store.js';
import type { LexicalFilters, LexicalSort } from '../lexical-engine.js';
import { currentVersion, LATEST_VERSION } from './postgres-migrations.js';
import { filterSql, Params, sortSql, upvotesColumn } from './postgres-filters.js';
import { PAPER_WRITE_LOCK, withTransaction } from './postgres-pool.js';
import { upsertBatch } from './postgres-upsert.js';
import { notHidden } from '../community-rows.js';
import {
  PAPER_SELECT, rowToEntry, rowToOrg, rowToPaper, shownDailyColumns, tsvectorSql, type DailyRow, type OrgRow, type PaperRow,
} from './postgres-rows.js';

type Counts = Map<string, { upvotes: number; numComments: number }>;

export class PostgresStore implements Store {
  readonly kind = 'postgres';

  /**
   * `inlineVectors`: write each paper's search vector in its own transaction (where full-text
   * search answers, PAPERBOY_SEARCH=fts5); otherwise fillSearchVectors computes them later.
   */
  constructor(readonly pool: pg.Pool, readonly location: string, private readonly inlineVectors = false) {}

  async schemaVersion(): Promise<{ current: number; latest: number }> {
    return { current: await currentVersion(this.pool), latest: LATEST_VERSION };
  }

  async upsertRecords(records: PaperRecord[]): Promise<UpsertOutcome[]> {
    if (records.length === 0) return [];
    return withTransaction(this.pool, (c) => this.upsertIn(c, records));
  }

  /** upsertRecords inside a transaction the caller holds (sibling role files: submissions). */
  async upsertIn(c: pg.PoolClient, records: PaperRecord[]): Promise<UpsertOutcome[]> {
    await c.query('SELECT pg_advisory_xact_lock($1)', [PAPER_WRITE_LOCK]);
    return upsertBatch(c, records, this.inlineVectors);
  }

  async getPaper(id: string): Promise<PaperDetail | null> {
    const row = (await this.pool.query<PaperRow>(`SELECT ${PAPER_SELECT} FROM papers WHERE id = $1 AND ${notHidden('papers.id')}`, [id])).rows[0];
    if (!row) return null;
    const paper = rowToPaper(row);
    const daily = (await this.pool.query<DailyRow>(`SELECT ${shownDailyColumns('d')} FROM daily_entries d WHERE d.paper_id = $1
      AND d.removed_at IS NULL ORDER BY d.day DESC`, [id])).rows.map(rowToEntry);
    const org = paper.organization ? await this.getOrganization(paper.organization) : null;
    return { paper, daily, org, ...shownCounts(daily, await this.localCounts(daily.length ? [] : [paper.id]), paper.id) };
  }

  /** Local votes and visible comments of papers (only those with any), for papers never on a daily list. */
  private async localCounts(ids: string[]): Promise<Counts> {
    const out: Counts = new Map();
    if (ids.length === 0) return out;
    const at = (id: string) => {
      let c = out.get(id);
      if (!c) out.set(id, c = { upvotes: 0, numComments: 0 });
      return c;
    };
    const votes = await this.pool.query<{ paper_id: string; n: number }>(
      'SELECT paper_id, COUNT(*) AS n FROM votes WHERE paper_id = ANY($1::text[]) GROUP BY paper_id', [ids]);
    for (const r of votes.rows) at(r.paper_id).upvotes = r.n;
    const comments = await this.pool.query<{ paper_id: string; n: number }>(`SELECT paper_id, COUNT(*) AS n FROM comments
      WHERE paper_id = ANY($1::text[]) AND deleted_at IS NULL AND hidden_at IS NULL GROUP BY paper_id`, [ids]);
    for (const r of comments.rows) at(r.paper_id).numComments = r.n;
    return out;
  }

  async getPapers(ids: string[]): Promise<Paper[]> {
    if (ids.length === 0) return [];
    const rows = (await this.pool.query<PaperRow>(`SELECT ${PAPER_SELECT} FROM papers WHERE id = ANY($1::text[])
      AND ${notHidden('papers.id')}`, [ids])).rows;
    const byId = new Map(rows.map((r) => [r.id, rowToPaper(r)]));
    return ids.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
  }

  async getPaperDetailsByKeys(keys: number[]): Promise<Map<number, PaperDetail>> {
    const out = new Map<number, PaperDetail>();
    if (keys.length === 0) return out;
    const rows = (await this.pool.query<PaperRow>(`SELECT ${PAPER_SELECT} FROM papers WHERE pk = ANY($1::bigint[])
      AND ${notHidden('papers.id')}`, [keys])).rows;
    const daily = new Map<string, DailyEntry[]>();
    const entries = await this.pool.query<DailyRow>(`SELECT ${shownDailyColumns('d')} FROM daily_entries d
      WHERE d.paper_id = ANY($1::text[]) AND d.removed_at IS NULL ORDER BY d.day DESC`, [rows.map((r) => r.id)]);
    for (const d of entries.rows) {
      const list = daily.get(d.paper_id);
      if (list) list.push(rowToEntry(d));
      else daily.set(d.paper_id, [rowToEntry(d)]);
    }
    const orgs = await this.organizations(rows.map((r) => r.organization));
    const local = await this.localCounts(rows.filter((r) => !daily.has(r.id)).map((r) => r.id));
    for (const r of rows) {
      const paper = rowToPaper(r);
      const list = daily.get(paper.id) ?? [];
      out.set(r.pk, { paper, daily: list, org: paper.organization ? orgs.get(paper.organization) ?? null : null, ...shownCounts(list, local, paper.id) });
    }
    return out;
  }

  /** Organizations by name (as stored on papers), in one statement. */
  private async organizations(names: (string | null)[]): Promise<Map<string, Organization | null>> {
    const out = new Map<string, Organization | null>();
    const wanted = [...new Set(names.filter((n): n is string => !!n))];
    if (wanted.length === 0) return out;
    const rows = (await this.pool.query<OrgRow>('SELECT name, fullname, avatar_url FROM organizations WHERE name = ANY($1::text[])', [wanted])).rows;
    for (const r of rows) out.set(r.name, rowToOrg(r));
    // A paper may name an organization in another case than the stored one.
    for (const n of wanted) if (!out.has(n)) out.set(n, await this.getOrganization(n));
    return out;
  }

  async countPapers(): Promise<number> {
    return (await this.pool.query<{ n: number }>('SELECT COUNT(*) AS n FROM papers')).rows[0].n;
  }

  async deletePapers(ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    return withTransaction(this.pool, async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [PAPER_WRITE_LOCK]);
      // Categories (by pk) and daily entries, votes, comments (by id) go with the paper: ON DELETE CASCADE.
      const gone = (await c.query<{ organization: string | null }>('DELETE FROM papers WHERE id = ANY($1::text[]) RETURNING organization', [ids])).rows;
      const orgs = [...new Set(gone.map((r) => r.organization).filter((o): o is string => !!o))];
      if (orgs.length) {
        // An organization the community keeps (members or followers) stays without papers.
        await c.query(`DELETE FROM organizations o WHERE o.name = ANY($1::text[])
          AND NOT EXISTS (SELECT 1 FROM papers p WHERE p.organization = o.name)
          AND NOT EXISTS (SELECT 1 FROM organization_members m WHERE m.org_name = o.name)
          AND NOT EXISTS (SELECT 1 FROM organization_follows f WHERE f.org_name = o.name)`, [orgs]);
      }
      return gone.length;
    });
  }

  async browsePapers(f: LexicalFilters, sort: LexicalSort, limit: number, offset: number): Promise<{ keys: number[]; total: number }> {
    const params = new Params();
    const where = `${filterSql(f, params)} AND ${notHidden('p.id')}`;
    const total = (await this.pool.query<{ n: number }>(`SELECT count(*) AS n FROM papers p WHERE ${where}`, params.values)).rows[0].n;
    const rows = (await this.pool.query<{ pk: number }>(`SELECT p.pk AS pk ${upvotesColumn(sort)} FROM papers p WHERE ${where}
      ORDER BY ${sortSql(sort === 'upvotes' ? 'upvotes' : 'newest')} LIMIT ${params.add(limit)} OFFSET ${params.add(offset)}`, params.values)).rows;
    return { keys: rows.map((r) => r.pk), total };
  }

  async upvotesByKey(): Promise<Map<number, number>> {
    const out = new Map<number, number>();
    const rows = (await this.pool.query<{ pk: number; up: number }>(`SELECT p.pk AS pk, MAX(d.upvotes + d.local_upvotes) AS up
      FROM daily_entries d JOIN papers p ON p.id = d.paper_id WHERE d.removed_at IS NULL AND ${notHidden('p.id')} GROUP BY p.pk`)).rows;
    for (const r of rows) out.set(r.pk, r.up);
    return out;
  }

  /** Papers whose search vector is missing (written by an older schema or by hand). */
  async papersWithoutSearchVector(): Promise<number> {
    return (await this.pool.query<{ n: number }>('SELECT COUNT(*) AS n FROM papers WHERE search_tsv IS NULL')).rows[0].n;
  }

  /**
   * Computes the search vectors of up to `limit` papers that have none (new or re-texted since),
   * in one statement; returns how many. Rows another process is filling are skipped (SKIP LOCKED),
   * so every serve process may run it at once.
   */
  async fillSearchVectors(limit = 2_000): Promise<number> {
    const r = await this.pool.query(`UPDATE papers p SET search_tsv = ${tsvectorSql('p.title', 'paper_author_names(p.authors)', 'p.abstract')}
      FROM (SELECT pk FROM papers WHERE search_tsv IS NULL ORDER BY pk LIMIT $1 FOR UPDATE SKIP LOCKED) m WHERE p.pk = m.pk`, [limit]);
    return r.rowCount ?? 0;
  }

  /** Recomputes every paper's search vector, in pages of 5,000 papers (one statement each); returns the papers done. */
  async rebuildSearchVectors(): Promise<number> {
    let done = 0, after = 0;
    for (;;) {
      const r = await this.pool.query<{ pk: number }>(`UPDATE papers p SET search_tsv = ${tsvectorSql('p.title', 'paper_author_names(p.authors)', 'p.abstract')}
        FROM (SELECT pk FROM papers WHERE pk > $1 ORDER BY pk LIMIT 5000) m WHERE p.pk = m.pk RETURNING p.pk`, [after]);
      if (r.rows.length === 0) return done;
      done += r.rows.length;
      after = Math.max(...r.rows.map((x) => x.pk));
    }
  }

  async getOrganization(name: string): Promise<Organization | null> {
    const r = (await this.pool.query<OrgRow>(`SELECT name, fullname, avatar_url FROM organizations
      WHERE name = $1 OR lower(name) = lower($1) ORDER BY name = $1 DESC, name LIMIT 1`, [name])).rows[0];
    return r ? rowToOrg(r) : null;
  }

  async latestDay(): Promise<string | null> {
    return (await this.pool.query<{ day: string | null }>('SELECT MAX(day) AS day FROM daily_entries WHERE removed_at IS NULL')).rows[0].day;
  }

  async adjacentDay(day: string, direction: -1 | 1): Promise<string | null> {
    const sql = direction < 0
      ? 'SELECT MAX(day) AS day FROM daily_entries WHERE day < $1 AND removed_at IS NULL'
      : 'SELECT MIN(day) AS day FROM daily_entries WHERE day > $1 AND removed_at IS NULL';
    return (await this.pool.query<{ day: string | null }>(sql, [day])).rows[0].day;
  }

  async listDaily(q: DailyQuery): Promise<Page<DailyItem>> {
    const params = new Params();
    const where = [`d.day BETWEEN ${params.add(q.from)} AND ${params.add(q.to)}`, 'd.removed_at IS NULL', notHidden('d.paper_id')];
    if (q.submitter) where.push(`d.submitter_user = ${params.add(q.submitter)}`);
    if (q.organization) where.push(`p.organization = ${params.add(q.organization)}`);
    const from = q.organization ? 'daily_entries d JOIN papers p ON p.id = d.paper_id' : 'daily_entries d';
    const base = `FROM ${from} WHERE ${where.join(' AND ')}`;
    const total = (await this.pool.query<{ n: number }>(`SELECT COUNT(*) AS n ${base}`, params.values)).rows[0].n;
    const entryCols = shownDailyColumns('d');
    let entries: DailyRow[];
    if (q.sort === 'trending') {
      // The trending score depends on the clock, so it is computed here over the period's entries.
      const now = q.now ?? new Date();
      const all = (await this.pool.query<DailyRow>(`SELECT ${entryCols} ${base}`, params.values)).rows;
      const score = (r: DailyRow) => trendingScore(
        { upvotes: r.upvotes, numComments: r.num_comments, since: r.submitted_at ?? `${r.day}T00:00:00.000Z` }, now);
      entries = all
        .map((r) => ({ r, s: score(r) }))
        .sort((a, b) => b.s - a.s || b.r.day.localeCompare(a.r.day) || a.r.paper_id.localeCompare(b.r.paper_id))
        .slice(q.offset, q.offset + q.limit)
        .map((x) => x.r);
    } else {
      const order = q.sort === 'upvotes'
        ? '(d.upvotes + d.local_upvotes) DESC, (d.num_comments + d.local_comments) DESC, d.day DESC, d.paper_id'
        : 'COALESCE(d.submitted_at, d.day) DESC, d.paper_id';
      entries = (await this.pool.query<DailyRow>(`SELECT ${entryCols} ${base} ORDER BY ${order}
        LIMIT ${params.add(q.limit)} OFFSET ${params.add(q.offset)}`, params.values)).rows;
    }
    const papers = new Map<string, PaperRow>();
    if (entries.length) {
      const ids = [...new Set(entries.map((e) => e.paper_id))];
      for (const r of (await this.pool.query<PaperRow>(`SELECT ${PAPER_SELECT} FROM papers WHERE id = ANY($1::text[])`, [ids])).rows) papers.set(r.id, r);
    }
    const orgs = await this.organizations([...papers.values()].map((r) => r.organization));
    const items: DailyItem[] = entries.map((e) => {
      const paper = rowToPaper(papers.get(e.paper_id)!);
      return { paper, entry: rowToEntry(e), org: paper.organization ? orgs.get(paper.organization) ?? null : null };
    });
    return { items, total };
  }

  async stats(byDayLimit = 30): Promise<StoreStats> {
    const one = async (sql: string) => (await this.pool.query<{ n: number }>(sql)).rows[0].n;
    const bySource: Record<string, number> = {};
    const sources = await this.pool.query<{ source: string; n: number }>(`SELECT j.source, COUNT(*) AS n
      FROM papers, jsonb_array_elements_text(papers.sources::jsonb) AS j(source) GROUP BY j.source ORDER BY n DESC`);
    for (const r of sources.rows) bySource[r.source] = r.n;
    return {
      papers: await one('SELECT COUNT(*) AS n FROM papers'),
      dailyEntries: await one('SELECT COUNT(*) AS n FROM daily_entries'),
      organizations: await one('SELECT COUNT(*) AS n FROM organizations'),
      bySource,
      byDay: (await this.pool.query<{ day: string; count: number }>(
        'SELECT day, COUNT(*) AS count FROM daily_entries GROUP BY day ORDER BY day DESC LIMIT $1', [byDayLimit])).rows,
      byCategory: (await this.pool.query<{ category: string; count: number }>(`SELECT COALESCE(primary_category, '(none)') AS category,
        COUNT(*) AS count FROM papers GROUP BY primary_category ORDER BY count DESC, category LIMIT 50`)).rows,
    };
  }

  async getState(key: string): Promise<string | null> {
    return (await this.pool.query<{ value: string }>('SELECT value FROM job_state WHERE key = $1', [key])).rows[0]?.value ?? null;
  }

  async claimState(key: string, value: string): Promise<boolean> {
    const r = await this.pool.query('INSERT INTO job_state (key, value, updated_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING',
      [key, value, new Date().toISOString()]);
    return r.rowCount === 1;
  }

  async replaceState(key: string, expected: string, next: string): Promise<boolean> {
    const r = await this.pool.query('UPDATE job_state SET value = $1, updated_at = $2 WHERE key = $3 AND value = $4',
      [next, new Date().toISOString(), key, expected]);
    return r.rowCount === 1;
  }

  async setState(key: string, value: string): Promise<void> {
    await this.pool.query(`INSERT INTO job_state (key, value, updated_at) VALUES ($1, $2, $3)
      ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, [key, value, new Date().toISOString()]);
  }

  private closed = false;

  /** Ends the pool (shared with the backend's other role files: PostgresBackend.close calls this). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}

/** A paper's shown counts: its newest daily entry's (imported + local), or its local ones alone when never listed. */
function shownCounts(daily: DailyEntry[], local: Counts, id: string): { upvotes: number; numComments: number } {
  const e = daily[0];
  return e ? { upvotes: e.upvotes, numComments: e.numComments } : local.get(id) ?? { upvotes: 0, numComments: 0 };
}
