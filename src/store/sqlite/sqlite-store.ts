/**
 * The Store on an embedded SQLite file (better-sqlite3 12).
 *
 * Goals: WAL, foreign keys, migrations at open, one IMMEDIATE transaction per
 * write batch (a writer waits for the busy timeout instead of failing on a
 * lock), the change feed written by triggers in the same transaction as the
 * papers, and the FTS5 rows too when FTS5 answers searches (\`fts5\` option).
 * better-sqlite3 is synchronous; methods are async only to honour the Store
 * interface. Non-goals: search ranking (sqlite-search.ts), multi-process
 * writers at scale (use PostgreSQL for that).
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { DailyEntry, Organization, Paper, PaperRecord } from '../../domain/paper.js';
import { blankPaper, titleHash, titleKey } from '../../domain/paper.js';
import { mergePaper, samePaper } from '../../domain/merge.js';
import { trendingScore } from '../../domain/trending.js';
import type { DailyItem, DailyQuery, Page, PaperDetail, Store, StoreStats, UpsertOutcome } from '../store.js';
import type { LexicalFilters, LexicalSort } from '../lexical-engine.js';
import { notHidden } from '../community-rows.js';
import { currentVersion, LATEST_VERSION, migrate } from './sqlite-migrations.js';
import { filterSql, sortSql, upvotesColumn } from './sqlite-filters.js';
import { rowToPaper, type PaperRow } from '../paper-row.js';

interface DailyRow {
  paper_id: string;
  day: string;
  submitted_at: string | null;
  submitter_user: string | null;
  submitter_fullname: string | null;
  submitter_avatar: string | null;
  upvotes: number;
  num_comments: number;
}

interface OrgRow {
  name: string;
  fullname: string | null;
  avatar_url: string | null;
}


function paperParams(p: Paper): Record<string, unknown> {
  return {
    id: p.id,
    arxiv_id: p.arxivId,
    title_hash: titleHash(p.title),
    version: p.version,
    versions: JSON.stringify(p.versions),
    title: p.title,
    abstract: p.abstract,
    authors: JSON.stringify(p.authors),
    author_count: p.authorCount,
    categories: JSON.stringify(p.categories),
    primary_category: p.primaryCategory,
    published_at: p.publishedAt,
    updated_at: p.updatedAt,
    comments: p.comments,
    journal_ref: p.journalRef,
    doi: p.doi,
    report_no: p.reportNo,
    license: p.license,
    submitter: p.submitter,
    github_repo: p.githubRepo,
    github_stars: p.githubStars,
    project_page: p.projectPage,
    organization: p.organization,
    ai_summary: p.aiSummary,
    ai_keywords: JSON.stringify(p.aiKeywords),
    thumbnail: p.thumbnail,
    sources: JSON.stringify(p.sources),
  };
}

function rowToEntry(r: DailyRow): DailyEntry {
  return {
    paperId: r.paper_id,
    day: r.day,
    submittedAt: r.submitted_at,
    submittedBy: r.submitter_user
      ? { user: r.submitter_user, fullname: r.submitter_fullname, avatarUrl: r.submitter_avatar }
      : null,
    upvotes: r.upvotes,
    numComments: r.num_comments,
  };
}

function rowToOrg(r: OrgRow): Organization {
  return { name: r.name, fullname: r.fullname, avatarUrl: r.avatar_url };
}

/** The text the lexical index holds for a paper: title, author names, abstract. */
export function ftsColumns(p: Paper): [string, string, string] {
  return [p.title, p.authors.map((a) => a.name).join(', '), p.abstract];
}

/**
 * The columns of a daily entry as shown: the imported upvote and comment counts plus the paper's
 * local votes and visible comments (`local_upvotes`, `local_comments`, kept by triggers). `e` is the
 * table's alias.
 */
function shownDailyColumns(e: string): string {
  return `${e}.paper_id, ${e}.day, ${e}.submitted_at, ${e}.submitter_user, ${e}.submitter_fullname, ${e}.submitter_avatar, ` +
    `${e}.upvotes + ${e}.local_upvotes AS upvotes, ${e}.num_comments + ${e}.local_comments AS num_comments`;
}

/**
 * Puts a database in WAL mode (it stays so: later opens find it set). Switching needs a lock SQLite
 * will not wait for while another process of a start migrates a new file (it answers SQLITE_BUSY at
 * once rather than risk a deadlock, busy_timeout or not), so a busy switch is tried again for up to
 * 5 s; by then the other process has set WAL itself, or finished migrating.
 */
function useWal(db: Database.Database): void {
  const deadline = Date.now() + 5_000;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() > deadline) throw err;
      Atomics.wait(pause, 0, 0, 20);
    }
  }
}

/** job_state key: '1' while every paper has its FTS5 rows (see ensureFts5Current). */
const FTS5_CURRENT = 'fts5.current';

const PAPER_COLUMNS = Object.keys(paperParams(blankPaper('x', 'seed')));

export interface SqliteStoreOptions {
  /** Open read-only (e.g. `paperboy stats` on a live database). */
  readonly?: boolean;
  /**
   * Write FTS5 rows with every paper (only where FTS5 answers searches,
   * PAPERBOY_SEARCH=fts5): they cost about a third of a bulk import's time.
   * Default false; the table then stays empty until \`paperboy index\` fills it.
   */
  fts5?: boolean;
}

export class SqliteStore implements Store {
  readonly kind = 'sqlite';
  readonly location: string;
  /** The connection, for sibling role files (sqlite-search.ts) in this folder. */
  readonly db: Database.Database;
  private readonly stmts;
  /** Whether writes keep the FTS5 table current (see SqliteStoreOptions.fts5). */
  readonly fts5: boolean;
  private fts5MarkedStale = false;

  constructor(file: string, opts: SqliteStoreOptions = {}) {
    this.fts5 = opts.fts5 ?? false;
    this.location = file === ':memory:' ? file : resolve(file);
    if (file !== ':memory:') mkdirSync(dirname(this.location), { recursive: true });
    this.db = new Database(this.location, { readonly: opts.readonly ?? false });
    this.db.pragma('busy_timeout = 5000');
    if (!opts.readonly) useWal(this.db);
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('synchronous = NORMAL');
    // 64 MiB page cache (default 2 MiB): keeps the indexes of a million-paper import in memory.
    this.db.pragma('cache_size = -65536');
    if (!opts.readonly) migrate(this.db);
    const db = this.db;
    this.stmts = {
      byId: db.prepare('SELECT * FROM papers WHERE id = ?'),
      shownById: db.prepare(`SELECT * FROM papers WHERE id = ? AND ${notHidden('papers.id')}`),
      localByTitle: db.prepare("SELECT * FROM papers WHERE title_hash = ? AND arxiv_id IS NULL"),
      anyByTitle: db.prepare('SELECT * FROM papers WHERE title_hash = ? ORDER BY arxiv_id IS NULL'),
      insert: db.prepare(`INSERT INTO papers (${PAPER_COLUMNS.join(', ')}) VALUES (${PAPER_COLUMNS.map((c) => '@' + c).join(', ')})`),
      update: db.prepare(`UPDATE papers SET ${PAPER_COLUMNS.map((c) => `${c} = @${c}`).join(', ')} WHERE pk = @pk`),
      ftsDelete: db.prepare('DELETE FROM papers_fts WHERE rowid = ?'),
      ftsInsert: db.prepare('INSERT INTO papers_fts (rowid, title, authors, abstract) VALUES (?, ?, ?, ?)'),
      catDelete: db.prepare('DELETE FROM paper_categories WHERE paper_pk = ?'),
      catInsert: db.prepare('INSERT OR IGNORE INTO paper_categories (paper_pk, category) VALUES (?, ?)'),
      orgGet: db.prepare('SELECT * FROM organizations WHERE name = ?'),
      orgGetNocase: db.prepare('SELECT * FROM organizations WHERE name = ? COLLATE NOCASE ORDER BY name LIMIT 1'),
      papersByKeys: db.prepare(`SELECT * FROM papers WHERE pk IN (SELECT value FROM json_each(?)) AND ${notHidden('papers.id')}`),
      dailyOfPapers: db.prepare(`SELECT ${shownDailyColumns('d')} FROM daily_entries d WHERE d.paper_id IN (SELECT value FROM json_each(?))
        AND d.removed_at IS NULL ORDER BY d.day DESC`),
      upvotesByKey: db.prepare(`SELECT p.pk AS pk, MAX(d.upvotes + d.local_upvotes) AS up FROM daily_entries d JOIN papers p ON p.id = d.paper_id
        WHERE d.removed_at IS NULL AND ${notHidden('p.id')} GROUP BY p.pk`),
      localVotesOf: db.prepare('SELECT paper_id, COUNT(*) AS n FROM votes WHERE paper_id IN (SELECT value FROM json_each(?)) GROUP BY paper_id'),
      localCommentsOf: db.prepare(`SELECT paper_id, COUNT(*) AS n FROM comments WHERE paper_id IN (SELECT value FROM json_each(?))
        AND deleted_at IS NULL AND hidden_at IS NULL GROUP BY paper_id`),
      orgUpsert: db.prepare(`INSERT INTO organizations (name, fullname, avatar_url) VALUES (?, ?, ?)
        ON CONFLICT(name) DO UPDATE SET fullname = COALESCE(excluded.fullname, fullname),
          avatar_url = COALESCE(excluded.avatar_url, avatar_url)`),
      dailyGet: db.prepare('SELECT * FROM daily_entries WHERE paper_id = ? AND day = ?'),
      dailyUpsert: db.prepare(`INSERT INTO daily_entries (paper_id, day, submitted_at, submitter_user, submitter_fullname,
          submitter_avatar, upvotes, num_comments) VALUES (@paper_id, @day, @submitted_at, @submitter_user,
          @submitter_fullname, @submitter_avatar, @upvotes, @num_comments)
        ON CONFLICT(paper_id, day) DO UPDATE SET submitted_at = COALESCE(excluded.submitted_at, submitted_at),
          submitter_user = COALESCE(excluded.submitter_user, submitter_user),
          submitter_fullname = COALESCE(excluded.submitter_fullname, submitter_fullname),
          submitter_avatar = COALESCE(excluded.submitter_avatar, submitter_avatar),
          upvotes = excluded.upvotes, num_comments = excluded.num_comments`),
      papersByIds: db.prepare('SELECT * FROM papers WHERE id IN (SELECT value FROM json_each(?))'),
      dailyOfPaper: db.prepare(`SELECT ${shownDailyColumns('d')} FROM daily_entries d WHERE d.paper_id = ? AND d.removed_at IS NULL ORDER BY d.day DESC`),
      latestDay: db.prepare('SELECT MAX(day) AS day FROM daily_entries WHERE removed_at IS NULL'),
      prevDay: db.prepare('SELECT MAX(day) AS day FROM daily_entries WHERE day < ? AND removed_at IS NULL'),
      nextDay: db.prepare('SELECT MIN(day) AS day FROM daily_entries WHERE day > ? AND removed_at IS NULL'),
      count: db.prepare('SELECT COUNT(*) AS n FROM papers'),
      stateGet: db.prepare('SELECT value FROM job_state WHERE key = ?'),
      stateClaim: db.prepare('INSERT OR IGNORE INTO job_state (key, value, updated_at) VALUES (?, ?, ?)'),
      stateReplace: db.prepare('UPDATE job_state SET value = ?, updated_at = ? WHERE key = ? AND value = ?'),
      stateSet: db.prepare(`INSERT INTO job_state (key, value, updated_at) VALUES (?, ?, ?)
        ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`),
    };
  }

  async schemaVersion(): Promise<{ current: number; latest: number }> {
    return { current: currentVersion(this.db), latest: LATEST_VERSION };
  }

  /** Finds the stored paper a record is about: same id, or the same title across local/arXiv ids. */
  private findExisting(p: Paper): PaperRow | undefined {
    const s = this.stmts;
    const same = s.byId.get(p.id) as PaperRow | undefined;
    if (same) return same;
    const key = titleKey(p.title);
    if (!key) return undefined;
    // A paper first known without an arXiv id (the seed listing) becomes the arXiv paper when it arrives;
    // a record without an id joins the arXiv paper of the same title. The hash narrows, the key decides.
    const candidates = (p.arxivId ? s.localByTitle : s.anyByTitle).all(titleHash(p.title)) as PaperRow[];
    return candidates.find((r) => titleKey(r.title) === key);
  }

  /** Writes one record's rows; its lexical-index writes go on `fts`, run by upsertRecords at the batch's end. */
  private writeOne(rec: PaperRecord, fts: (() => void)[]): UpsertOutcome {
    const s = this.stmts;
    if (rec.org) s.orgUpsert.run(rec.org.name, rec.org.fullname, rec.org.avatarUrl);
    const existingRow = this.findExisting(rec.paper);
    let outcome: UpsertOutcome;
    let paperId: string;
    if (!existingRow) {
      const info = s.insert.run(paperParams(rec.paper));
      const pk = Number(info.lastInsertRowid);
      if (this.fts5) {
        const text = ftsColumns(rec.paper);
        fts.push(() => s.ftsInsert.run(pk, ...text));
      }
      for (const c of rec.paper.categories) s.catInsert.run(pk, c);
      outcome = 'added';
      paperId = rec.paper.id;
    } else {
      const existing = rowToPaper(existingRow);
      const merged = mergePaper(existing, rec.paper);
      // A local paper that gains an arXiv id takes the arXiv id (daily entries follow via ON UPDATE CASCADE).
      if (existing.arxivId === null && rec.paper.arxivId) merged.id = rec.paper.arxivId;
      paperId = merged.id;
      if (samePaper(existing, merged)) {
        outcome = 'unchanged';
      } else {
        s.update.run({ ...paperParams(merged), pk: existingRow.pk });
        const oldText = ftsColumns(existing), newText = ftsColumns(merged);
        if (this.fts5 && oldText.some((t, i) => t !== newText[i])) {
          const pk = existingRow.pk;
          fts.push(() => {
            s.ftsDelete.run(pk);
            s.ftsInsert.run(pk, ...newText);
          });
        }
        if (JSON.stringify(existing.categories) !== JSON.stringify(merged.categories)) {
          s.catDelete.run(existingRow.pk);
          for (const c of merged.categories) s.catInsert.run(existingRow.pk, c);
        }
        outcome = 'updated';
      }
    }
    if (rec.daily) {
      const d = rec.daily;
      const before = s.dailyGet.get(paperId, d.day) as DailyRow | undefined;
      const params = {
        paper_id: paperId,
        day: d.day,
        submitted_at: d.submittedAt,
        submitter_user: d.submittedBy?.user ?? null,
        submitter_fullname: d.submittedBy?.fullname ?? null,
        submitter_avatar: d.submittedBy?.avatarUrl ?? null,
        upvotes: d.upvotes,
        num_comments: d.numComments,
      };
      s.dailyUpsert.run(params);
      if (outcome === 'unchanged') {
        const after = s.dailyGet.get(paperId, d.day) as DailyRow;
        if (JSON.stringify(before) !== JSON.stringify(after)) outcome = 'updated';
      }
    }
    return outcome;
  }

  async upsertRecords(records: PaperRecord[]): Promise<UpsertOutcome[]> {
    return this.upsertRecordsSync(records);
  }

  /**
   * upsertRecords, synchronously: for sibling role files that write papers inside a transaction of
   * their own (a nested call becomes a savepoint of theirs).
   */
  upsertRecordsSync(records: PaperRecord[]): UpsertOutcome[] {
    if (!this.fts5 && !this.fts5MarkedStale) {
      // Papers written without FTS5 rows: a later FTS5 process must refill the table first.
      this.stmts.stateSet.run(FTS5_CURRENT, '0', new Date().toISOString());
      this.fts5MarkedStale = true;
    }
    // IMMEDIATE takes the write lock at BEGIN, where SQLite honours busy_timeout; a deferred
    // transaction that upgrades to a writer later fails at once with "database is locked".
    return this.db.transaction((recs: PaperRecord[]) => {
      // The FTS5 writes of the whole batch go last, in their original order. FTS5 flushes its
      // in-memory term buffer to a new on-disk segment at every statement savepoint, and each
      // papers INSERT/UPDATE opens one (its paper_changes trigger makes it a multi-row write):
      // interleaved, the index got one tiny segment per paper and spent most of an import merging
      // them (100k synthetic papers: 22 s in upsertRecords interleaved, 10.5 s batched at the end).
      const fts: (() => void)[] = [];
      const outcomes = recs.map((r) => this.writeOne(r, fts));
      for (const op of fts) op();
      return outcomes;
    }).immediate(records);
  }

  async getPaper(id: string): Promise<PaperDetail | null> {
    const row = this.stmts.shownById.get(id) as PaperRow | undefined;
    if (!row) return null;
    const paper = rowToPaper(row);
    const daily = (this.stmts.dailyOfPaper.all(id) as DailyRow[]).map(rowToEntry);
    const org = paper.organization ? await this.getOrganization(paper.organization) : null;
    return { paper, daily, org, ...this.shownCounts(daily, this.localCounts(daily.length ? [] : [paper.id]), paper.id) };
  }

  /** Local votes and visible comments of papers (only those with any), for papers never on a daily list. */
  private localCounts(ids: string[]): Map<string, { upvotes: number; numComments: number }> {
    const out = new Map<string, { upvotes: number; numComments: number }>();
    if (ids.length === 0) return out;
    const at = (id: string) => {
      let c = out.get(id);
      if (!c) out.set(id, c = { upvotes: 0, numComments: 0 });
      return c;
    };
    for (const r of this.stmts.localVotesOf.all(JSON.stringify(ids)) as { paper_id: string; n: number }[]) at(r.paper_id).upvotes = r.n;
    for (const r of this.stmts.localCommentsOf.all(JSON.stringify(ids)) as { paper_id: string; n: number }[]) at(r.paper_id).numComments = r.n;
    return out;
  }

  /** A paper's shown counts: its newest daily entry's (imported + local), or its local ones alone when never listed. */
  private shownCounts(daily: DailyEntry[], local: Map<string, { upvotes: number; numComments: number }>, id: string): { upvotes: number; numComments: number } {
    const e = daily[0];
    return e ? { upvotes: e.upvotes, numComments: e.numComments } : local.get(id) ?? { upvotes: 0, numComments: 0 };
  }

  async getPapers(ids: string[]): Promise<Paper[]> {
    if (ids.length === 0) return [];
    const rows = this.db
      .prepare(`SELECT * FROM papers WHERE id IN (SELECT value FROM json_each(?)) AND ${notHidden('papers.id')}`)
      .all(JSON.stringify(ids)) as PaperRow[];
    const byId = new Map(rows.map((r) => [r.id, rowToPaper(r)]));
    return ids.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
  }

  async getPaperDetailsByKeys(keys: number[]): Promise<Map<number, PaperDetail>> {
    const out = new Map<number, PaperDetail>();
    if (keys.length === 0) return out;
    const rows = this.stmts.papersByKeys.all(JSON.stringify(keys)) as PaperRow[];
    const daily = new Map<string, DailyEntry[]>();
    for (const d of this.stmts.dailyOfPapers.all(JSON.stringify(rows.map((r) => r.id))) as DailyRow[]) {
      const list = daily.get(d.paper_id);
      if (list) list.push(rowToEntry(d));
      else daily.set(d.paper_id, [rowToEntry(d)]);
    }
    const orgs = new Map<string, Organization | null>();
    const local = this.localCounts(rows.filter((r) => !daily.has(r.id)).map((r) => r.id));
    for (const r of rows) {
      const paper = rowToPaper(r);
      let org: Organization | null = null;
      if (paper.organization) {
        if (!orgs.has(paper.organization)) orgs.set(paper.organization, await this.getOrganization(paper.organization));
        org = orgs.get(paper.organization) ?? null;
      }
      const entries = daily.get(paper.id) ?? [];
      out.set(r.pk, { paper, daily: entries, org, ...this.shownCounts(entries, local, paper.id) });
    }
    return out;
  }

  async countPapers(): Promise<number> {
    return (this.stmts.count.get() as { n: number }).n;
  }

  async deletePapers(ids: string[]): Promise<number> {
    const db = this.db;
    const s = this.stmts;
    return db.transaction((list: string[]) => {
      const orgs = new Set<string>();
      let deleted = 0;
      for (const id of list) {
        const row = db.prepare('SELECT pk, organization FROM papers WHERE id = ?').get(id) as { pk: number; organization: string | null } | undefined;
        if (!row) continue;
        s.ftsDelete.run(row.pk);
        // Categories (by pk) and daily entries (by id) go with the paper: ON DELETE CASCADE.
        db.prepare('DELETE FROM papers WHERE pk = ?').run(row.pk);
        if (row.organization) orgs.add(row.organization);
        deleted++;
      }
      // An organization the community keeps (members or followers) stays without papers.
      const orphan = db.prepare(`DELETE FROM organizations WHERE name = @o AND NOT EXISTS (SELECT 1 FROM papers WHERE organization = @o)
        AND NOT EXISTS (SELECT 1 FROM organization_members WHERE org_name = @o) AND NOT EXISTS (SELECT 1 FROM organization_follows WHERE org_name = @o)`);
      for (const o of orgs) orphan.run({ o });
      return deleted;
    }).immediate(ids);
  }

  async browsePapers(f: LexicalFilters, sort: LexicalSort, limit: number, offset: number): Promise<{ keys: number[]; total: number }> {
    const filtered = filterSql(f);
    const where = `${filtered.where} AND ${notHidden('p.id')}`;
    const params = filtered.params;
    const total = (this.db.prepare(`SELECT count(*) AS n FROM papers p WHERE ${where}`).get(params) as { n: number }).n;
    const rows = this.db.prepare(`SELECT p.pk AS pk ${upvotesColumn(sort)} FROM papers p WHERE ${where}
        ORDER BY ${sortSql(sort === 'upvotes' ? 'upvotes' : 'newest')} LIMIT @limit OFFSET @offset`)
      .all({ ...params, limit, offset }) as { pk: number }[];
    return { keys: rows.map((r) => r.pk), total };
  }

  async upvotesByKey(): Promise<Map<number, number>> {
    const out = new Map<number, number>();
    for (const r of this.stmts.upvotesByKey.all() as { pk: number; up: number }[]) out.set(r.pk, r.up);
    return out;
  }

  /** FTS5 rows (equal to the paper count when the FTS5 index is current). */
  fts5Rows(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM papers_fts').get() as { n: number }).n;
  }

  /** Refills the FTS5 table from the papers in one transaction; returns the papers indexed. */
  rebuildFts5(): number {
    return this.db.transaction(() => {
      this.db.exec("INSERT INTO papers_fts(papers_fts) VALUES ('delete-all')");
      // One statement (a connection cannot write while it iterates); author names joined as ftsColumns() joins them.
      const n = this.db.prepare(`INSERT INTO papers_fts (rowid, title, authors, abstract)
        SELECT pk, title, COALESCE((SELECT group_concat(json_extract(a.value, '$.name'), ', ') FROM json_each(papers.authors) a), ''), abstract
        FROM papers`).run().changes;
      this.stmts.stateSet.run(FTS5_CURRENT, '1', new Date().toISOString());
      return n;
    }).immediate();
  }

  /**
   * With the fts5 option: refills the FTS5 table when writes without it may
   * have left it behind (job_state FTS5_CURRENT is not '1'). Returns the
   * papers indexed, or null when it was current.
   */
  ensureFts5Current(): number | null {
    if (!this.fts5) return null;
    const marker = this.stmts.stateGet.get(FTS5_CURRENT) as { value: string } | undefined;
    if (marker?.value === '1') return null;
    return this.rebuildFts5();
  }

  async getOrganization(name: string): Promise<Organization | null> {
    const row = (this.stmts.orgGet.get(name) ?? this.stmts.orgGetNocase.get(name)) as OrgRow | undefined;
    return row ? rowToOrg(row) : null;
  }

  async latestDay(): Promise<string | null> {
    return (this.stmts.latestDay.get() as { day: string | null }).day;
  }

  async adjacentDay(day: string, direction: -1 | 1): Promise<string | null> {
    const stmt = direction < 0 ? this.stmts.prevDay : this.stmts.nextDay;
    return (stmt.get(day) as { day: string | null }).day;
  }

  async listDaily(q: DailyQuery): Promise<Page<DailyItem>> {
    const where = ['d.day BETWEEN @from AND @to', 'd.removed_at IS NULL', notHidden('d.paper_id')];
    if (q.submitter) where.push('d.submitter_user = @submitter');
    if (q.organization) where.push('p.organization = @organization');
    const params = { from: q.from, to: q.to, submitter: q.submitter ?? null, organization: q.organization ?? null };
    // The papers join is needed in the filter only for the organization; the page itself is chosen on
    // the narrow daily_entries rows and only then joined to the (wide) paper rows.
    const from = q.organization ? 'daily_entries d JOIN papers p ON p.id = d.paper_id' : 'daily_entries d';
    const base = `FROM ${from} WHERE ${where.join(' AND ')}`;
    const total = (this.db.prepare(`SELECT COUNT(*) AS n ${base}`).get(params) as { n: number }).n;
    const entryCols = shownDailyColumns('d');
    let entries: DailyRow[];
    if (q.sort === 'trending') {
      // The trending score depends on the clock, so it is computed here over the period's entries.
      const now = q.now ?? new Date();
      const all = this.db.prepare(`SELECT ${entryCols} ${base}`).all(params) as DailyRow[];
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
      entries = this.db.prepare(`SELECT ${entryCols} ${base} ORDER BY ${order} LIMIT @limit OFFSET @offset`)
        .all({ ...params, limit: q.limit, offset: q.offset }) as DailyRow[];
    }
    const papers = new Map<string, PaperRow>();
    if (entries.length) {
      const ids = JSON.stringify([...new Set(entries.map((e) => e.paper_id))]);
      for (const r of this.stmts.papersByIds.all(ids) as PaperRow[]) papers.set(r.id, r);
    }
    const rows = entries.map((e) => ({ ...papers.get(e.paper_id)!, ...e }));
    const orgs = new Map<string, Organization | null>();
    const items: DailyItem[] = [];
    for (const r of rows) {
      const paper = rowToPaper(r);
      let org: Organization | null = null;
      if (paper.organization) {
        if (!orgs.has(paper.organization)) orgs.set(paper.organization, await this.getOrganization(paper.organization));
        org = orgs.get(paper.organization) ?? null;
      }
      items.push({ paper, entry: rowToEntry(r), org });
    }
    return { items, total };
  }

  async stats(byDayLimit = 30): Promise<StoreStats> {
    const db = this.db;
    const one = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    const bySource: Record<string, number> = {};
    for (const r of db.prepare('SELECT j.value AS source, COUNT(*) AS n FROM papers, json_each(papers.sources) j GROUP BY j.value ORDER BY n DESC').all() as { source: string; n: number }[]) {
      bySource[r.source] = r.n;
    }
    return {
      papers: one('SELECT COUNT(*) AS n FROM papers'),
      dailyEntries: one('SELECT COUNT(*) AS n FROM daily_entries'),
      organizations: one('SELECT COUNT(*) AS n FROM organizations'),
      bySource,
      byDay: db.prepare('SELECT day, COUNT(*) AS count FROM daily_entries GROUP BY day ORDER BY day DESC LIMIT ?').all(byDayLimit) as { day: string; count: number }[],
      byCategory: db.prepare(`SELECT COALESCE(primary_category, '(none)') AS category, COUNT(*) AS count FROM papers
        GROUP BY primary_category ORDER BY count DESC, category LIMIT 50`).all() as { category: string; count: number }[],
    };
  }

  async getState(key: string): Promise<string | null> {
    const row = this.stmts.stateGet.get(key) as { value: string } | undefined;
    return row?.value ?? null;
  }

  async claimState(key: string, value: string): Promise<boolean> {
    return this.stmts.stateClaim.run(key, value, new Date().toISOString()).changes === 1;
  }

  async replaceState(key: string, expected: string, next: string): Promise<boolean> {
    return this.stmts.stateReplace.run(next, new Date().toISOString(), key, expected).changes === 1;
  }

  async setState(key: string, value: string): Promise<void> {
    this.stmts.stateSet.run(key, value, new Date().toISOString());
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
