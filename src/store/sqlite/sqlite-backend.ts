/**
 * The SQLite backend: one database file (or ':memory:') opened through
 * better-sqlite3, and every role over that one connection — the Store, the
 * subscription store, the change feed, the FTS5 engine when FTS5 answers
 * searches — plus where derived indexes live (`<file>.idx/`) and the
 * database's doctor checks.
 *
 * Non-goals: search ranking (search/), other database kinds (their own folder).
 */
import { accessSync, constants } from 'node:fs';
import { dirname } from 'node:path';
import type { Backend, BackendOptions, HealthCheck } from '../backend.js';
import type { LexicalEngine } from '../lexical-engine.js';
import { SqliteAccountStore } from './sqlite-account-store.js';
import { SqliteChangeFeed } from './sqlite-change-feed.js';
import { SqliteFts5Engine } from './sqlite-search.js';
import { SqliteStore } from './sqlite-store.js';
import { SqliteSubscriptionStore } from './sqlite-subscription-store.js';
import { SqliteVoteStore } from './sqlite-vote-store.js';
import { SqliteCommentStore } from './sqlite-comment-store.js';
import { SqliteSubmissionStore } from './sqlite-submission-store.js';
import { SqliteModerationStore } from './sqlite-moderation-store.js';
import { SqliteReadingListStore } from './sqlite-reading-list-store.js';
import { SqliteCurationStore } from './sqlite-curation-store.js';
import { SqliteOrganizationStore } from './sqlite-organization-store.js';
import { SqliteAuthorshipStore } from './sqlite-authorship-store.js';

function writable(p: string): boolean {
  try {
    accessSync(p, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

export class SqliteBackend implements Backend {
  readonly kind = 'sqlite' as const;
  readonly location: string;
  readonly store: SqliteStore;
  readonly subscriptions: SqliteSubscriptionStore;
  readonly accounts: SqliteAccountStore;
  readonly votes: SqliteVoteStore;
  readonly comments: SqliteCommentStore;
  readonly submissions: SqliteSubmissionStore;
  readonly moderation: SqliteModerationStore;
  readonly readingLists: SqliteReadingListStore;
  readonly curation: SqliteCurationStore;
  readonly organizations: SqliteOrganizationStore;
  readonly authorship: SqliteAuthorshipStore;
  readonly changes: SqliteChangeFeed;
  readonly indexDir: string | null;
  readonly nativeLexical: LexicalEngine | null;

  constructor(file: string, opts: BackendOptions = {}) {
    this.store = new SqliteStore(file, { readonly: opts.readonly, fts5: opts.nativeLexical });
    this.location = this.store.location;
    this.subscriptions = new SqliteSubscriptionStore(this.store.db);
    this.accounts = new SqliteAccountStore(this.store.db);
    this.votes = new SqliteVoteStore(this.store.db);
    this.comments = new SqliteCommentStore(this.store.db);
    this.submissions = new SqliteSubmissionStore(this.store.db, this.store);
    this.moderation = new SqliteModerationStore(this.store.db);
    this.readingLists = new SqliteReadingListStore(this.store.db);
    this.curation = new SqliteCurationStore(this.store.db);
    this.organizations = new SqliteOrganizationStore(this.store.db);
    this.authorship = new SqliteAuthorshipStore(this.store.db);
    this.changes = new SqliteChangeFeed(this.store.db);
    this.indexDir = opts.indexDir ?? (this.location === ':memory:' ? null : `${this.location}.idx`);
    this.nativeLexical = opts.nativeLexical ? new SqliteFts5Engine(this.store) : null;
    if (opts.nativeLexical && !opts.readonly) this.store.ensureFts5Current();
  }

  async doctorChecks(): Promise<HealthCheck[]> {
    const checks: HealthCheck[] = [];
    const file = this.location;
    const db = this.store.db;
    if (file !== ':memory:') {
      const journal = String(db.pragma('journal_mode', { simple: true }));
      if (!(writable(file) && writable(dirname(file)))) {
        checks.push({ level: 'fail', name: 'database', message: `${file} opens but is not writable (the file and its folder must be, for the WAL): fix permissions` });
      } else if (journal !== 'wal') {
        checks.push({ level: 'warn', name: 'database', message: `${file} opens and is writable, journal mode is ${journal} (paperboy serve switches it to WAL)` });
      } else {
        checks.push({ level: 'ok', name: 'database', message: `${file} opens, is writable, WAL journal` });
      }
    }
    let version: { current: number; latest: number };
    try {
      version = await this.store.schemaVersion();
    } catch {
      checks.push({ level: 'fail', name: 'schema', message: `${file} has no paperboy schema: point --db at a paperboy database, or at a new path to create one` });
      return checks;
    }
    if (version.current === version.latest) {
      checks.push({ level: 'ok', name: 'schema', message: `version ${version.current} (latest)` });
    } else if (version.current < version.latest) {
      checks.push({ level: 'warn', name: 'schema', message: `version ${version.current}, latest ${version.latest}: migrations run at the next paperboy serve / import` });
    } else {
      checks.push({ level: 'fail', name: 'schema', message: `version ${version.current} is newer than this paperboy (${version.latest}): upgrade paperboy` });
    }
    if (this.nativeLexical && version.current > 0) {
      const papers = await this.store.countPapers();
      const indexed = this.store.fts5Rows();
      const n = (x: number) => x.toLocaleString('en-US');
      checks.push(papers === indexed
        ? { level: 'ok', name: 'fts5 index', message: `${n(indexed)} rows for ${n(papers)} papers` }
        : { level: 'fail', name: 'fts5 index', message: `${n(indexed)} rows for ${n(papers)} papers: rebuild it with paperboy index (serve with PAPERBOY_SEARCH=fts5 also refills it at start)` });
    }
    return checks;
  }

  async rebuildNativeLexical(): Promise<number> {
    return this.store.rebuildFts5();
  }

  async close(): Promise<void> {
    await this.store.close();
  }
}
