/**
 * A Backend: one database kind (Kysely's dialect idea) and everything the
 * rest of paperboy needs from it — the Store, the subscription store, the
 * account store, the change feed derived indexes follow, the place those indexes live, the
 * backend's own lexical engine when it keeps one, and its doctor checks.
 *
 * Goals: callers (web, cli, digest, search) hold a Backend and never import a
 * driver or a file of store/<kind>/ (a lint rule enforces it); a new
 * database kind is a new folder that passes the same conformance suites
 * (test/conformance/). Non-goals: choosing the search engine (search/), the
 * schema (each backend's *-migrations.ts).
 */
import type { AccountStore } from './account-store.js';
import type { ChangeFeed } from './change-feed.js';
import type { LexicalEngine } from './lexical-engine.js';
import type { Store } from './store.js';
import type { SubscriptionStore } from './subscription-store.js';
import type { VoteStore } from './vote-store.js';
import type { CommentStore } from './comment-store.js';
import type { SubmissionStore } from './submission-store.js';
import type { ModerationStore } from './moderation-store.js';
import type { ReadingListStore } from './reading-list-store.js';
import type { CurationStore } from './curation-store.js';
import type { OrganizationStore } from './organization-store.js';
import type { AuthorshipStore } from './authorship-store.js';

export type BackendKind = 'sqlite' | 'postgres';

export interface BackendOptions {
  /** Open without writing anything (doctor, stats): no migrations, no WAL switch. */
  readonly?: boolean;
  /**
   * Keep the backend's own lexical index current on every write (FTS5 rows
   * for SQLite). Only worth its import cost where that index answers
   * searches: PAPERBOY_SEARCH=fts5. Default false.
   */
  nativeLexical?: boolean;
  /**
   * The folder derived indexes live in, instead of the backend's default
   * (`<file>.idx/` for SQLite, `data/pg-<database>.idx/` for PostgreSQL):
   * one replica per process, or a shared one.
   */
  indexDir?: string | null;
}

export type CheckLevel = 'ok' | 'warn' | 'fail';

/** One line of `paperboy doctor`. */
export interface HealthCheck {
  level: CheckLevel;
  name: string;
  /** What was found and, when not ok, what to do next. */
  message: string;
}

export interface Backend {
  readonly kind: BackendKind;
  /** Where the data is, for messages (a file path, or a URL without its password). */
  readonly location: string;
  readonly store: Store;
  readonly subscriptions: SubscriptionStore;
  /** Users, sessions, mailed tokens, API tokens, roles. */
  readonly accounts: AccountStore;
  /** One upvote per user per paper. */
  readonly votes: VoteStore;
  /** Threaded comments on papers. */
  readonly comments: CommentStore;
  /** Users putting papers on the daily list. */
  readonly submissions: SubmissionStore;
  /** Reports of comments and the public moderation log. */
  readonly moderation: ModerationStore;
  /** Users' named lists of papers. */
  readonly readingLists: ReadingListStore;
  /** Admins moving and removing daily entries and hiding papers. */
  readonly curation: CurationStore;
  /** Organizations' members, followers and papers. */
  readonly organizations: OrganizationStore;
  /** Users claiming author names on papers. */
  readonly authorship: AuthorshipStore;
  readonly changes: ChangeFeed;
  /**
   * The folder derived indexes of this database live in (one sub-folder per
   * index, e.g. `lexical/`); null for an in-memory database, whose indexes
   * stay in memory.
   */
  readonly indexDir: string | null;
  /**
   * The backend's own lexical engine, or null when it keeps none current:
   * SQLite's FTS5 only when opened with `nativeLexical`; PostgreSQL's
   * full-text search always (its search vector is written with every paper).
   */
  readonly nativeLexical: LexicalEngine | null;
  /** Database checks for `paperboy doctor`: reachable, writable, schema version. */
  doctorChecks(): Promise<HealthCheck[]>;
  /** Rebuilds the backend's own lexical index from the papers (`paperboy index`); a no-op without one. */
  rebuildNativeLexical(): Promise<number>;
  /**
   * Background work the backend's own lexical index needs, one bounded step
   * (serve calls it in a loop): PostgreSQL computes the search vectors of
   * papers written since. Returns the papers done (0: nothing pending).
   * Absent where writes keep the index current themselves (SQLite).
   */
  maintainNativeLexical?(): Promise<number>;
  /**
   * Gathers the query planner's statistics now, after a bulk write (PostgreSQL: ANALYZE, which
   * autovacuum would otherwise do a minute or more later — meanwhile queries are planned blind).
   * Absent where the planner does not need it (SQLite).
   */
  refreshStatistics?(): Promise<void>;
  close(): Promise<void>;
}
