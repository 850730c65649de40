/**
 * The Store: everything paperboy keeps, behind one async interface.
 *
 * Goals: callers (ingest, web, digest, cli) never see SQL or a driver; every
 * method is async so a networked backend (PostgreSQL) fits without changing
 * callers. Each backend lives in its own folder with the same role files
 * (`*-store.ts`, `*-migrations.ts`, `*-search.ts`, `*-change-feed.ts`,
 * `*-backend.ts`); callers reach it through a Backend (backend.ts).
 * Non-goals: an ORM; ranking rules live in domain/, not here.
 */
import type { DailyEntry, Organization, Paper, PaperRecord } from '../domain/paper.js';
import type { LexicalFilters, LexicalSort } from './lexical-engine.js';

/** What happened to one record of an import batch. */
export type UpsertOutcome = 'added' | 'updated' | 'unchanged';

/** A paper with what the pages show beside it. */
export interface PaperDetail {
  paper: Paper;
  /** The daily lists it was featured on, newest first. */
  daily: DailyEntry[];
  org: Organization | null;
  /**
   * The counts shown for the paper: its newest daily entry's (the imported
   * count plus local votes), or — for a paper never on a daily list — its
   * local votes and comments alone.
   */
  upvotes: number;
  numComments: number;
}

/** One card of a daily/weekly/monthly list. Its entry's upvotes are the imported count plus local votes. */
export interface DailyItem {
  paper: Paper;
  entry: DailyEntry;
  org: Organization | null;
}

export type DailySort = 'upvotes' | 'publishedAt' | 'trending';

export interface DailyQuery {
  /** Inclusive day range, YYYY-MM-DD. */
  from: string;
  to: string;
  sort: DailySort;
  limit: number;
  offset: number;
  /** Only entries submitted by this user handle. */
  submitter?: string;
  /** Only papers of this organization. */
  organization?: string;
  /** Clock for the trending score (tests pin it). */
  now?: Date;
}

export interface Page<T> {
  items: T[];
  total: number;
}

export interface StoreStats {
  papers: number;
  dailyEntries: number;
  organizations: number;
  bySource: Record<string, number>;
  /** Daily-list entries per day, newest first (at most `limit` days). */
  byDay: { day: string; count: number }[];
  /** Papers per primary category, largest first. */
  byCategory: { category: string; count: number }[];
}

export interface Store {
  /** Which backend ("sqlite", "postgres") and where it is (file path or URL without password). */
  readonly kind: string;
  readonly location: string;

  /** Applied schema version and the latest this code knows. */
  schemaVersion(): Promise<{ current: number; latest: number }>;

  /**
   * Writes a batch of parsed records in one transaction (papers, daily
   * entries, organizations, the change-feed entries of the papers, and the
   * backend's own lexical index rows when it keeps one), merging each with
   * what is stored. Returns one outcome per record, in order. All or nothing.
   */
  upsertRecords(records: PaperRecord[]): Promise<UpsertOutcome[]>;

  /**
   * Every read of papers and daily lists below leaves out papers an admin
   * hid and daily entries an admin removed or moved away (CurationStore):
   * `getPaper` answers null for a hidden paper, lists and batched reads skip
   * it, a paper's `daily` holds only its shown entries.
   */
  getPaper(id: string): Promise<PaperDetail | null>;
  getPapers(ids: string[]): Promise<Paper[]>;
  /**
   * Papers by store key (what lexical engines answer with), with their daily
   * entries (newest first) and organization, in one batched read. Keys with
   * no paper (deleted since the index saw them) are absent from the map.
   */
  getPaperDetailsByKeys(keys: number[]): Promise<Map<number, PaperDetail>>;
  countPapers(): Promise<number>;
  /**
   * Deletes papers by id with everything hanging off them (daily entries,
   * lexical index rows, categories) and the organizations only they named,
   * in one transaction. Returns how many papers were deleted (unknown ids
   * are skipped). Used to take the demo corpus out.
   */
  deletePapers(ids: string[]): Promise<number>;
  /**
   * Papers that pass the filters, without words (browse by category,
   * organization, dates): keys in the requested order ('relevance' = newest)
   * and the exact total.
   */
  browsePapers(filters: LexicalFilters, sort: LexicalSort, limit: number, offset: number): Promise<{ keys: number[]; total: number }>;
  /** Each listed paper's highest daily-list upvote count, by key (papers never listed are absent). */
  upvotesByKey(): Promise<Map<number, number>>;

  /** An organization by name; a name in another case finds it too ("bytedance" finds ByteDance). */
  getOrganization(name: string): Promise<Organization | null>;

  /** The newest day that has daily-list entries, or null when none. */
  latestDay(): Promise<string | null>;
  /** The nearest day with entries before/after `day` (for prev/next links). */
  adjacentDay(day: string, direction: -1 | 1): Promise<string | null>;
  listDaily(q: DailyQuery): Promise<Page<DailyItem>>;

  stats(byDayLimit?: number): Promise<StoreStats>;

  /** Small key/value state for resumable jobs (harvest cursors). */
  getState(key: string): Promise<string | null>;
  setState(key: string, value: string): Promise<void>;
  /**
   * Sets `key` only when it is not set yet, atomically across processes;
   * true for the one caller that set it (scheduled jobs claim their period
   * this way, so N serve processes run a job once).
   */
  claimState(key: string, value: string): Promise<boolean>;
  /**
   * Sets `key` to `next` only when it holds `expected` now, atomically across
   * processes; true when it did (a scheduled job takes over a claim whose
   * lease ran out this way, and renews its own).
   */
  replaceState(key: string, expected: string, next: string): Promise<boolean>;

  close(): Promise<void>;
}
