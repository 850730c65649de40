/**
 * The PostgreSQL backend: one connection pool to a `postgres://` URL, and
 * every role over that pool — the Store, the subscription, account and
 * community stores, the commit-ordered change feed — plus where this
 * process's derived indexes live and the database's doctor checks.
 *
 * Open with PostgresBackend.open(url): it connects, then applies pending
 * migrations under an advisory lock (N processes starting together migrate
 * once). The index folder is per process and machine, not in the database:
 * `indexDir` from the options (--index-dir / PAPERBOY_INDEX_DIR), else a
 * folder named after the database under the data folder (`data/pg-<name>.idx`).
 *
 * Non-goals: creating the database or role (the operator's `createdb`),
 * search ranking (search/), other database kinds.
 */
import { resolve } from 'node:path';
import type pg from 'pg';
import type { Backend, BackendOptions, HealthCheck } from '../backend.js';
import type { LexicalEngine } from '../lexical-engine.js';
import { PostgresAccountStore } from './postgres-account-store.js';
import { PostgresAuthorshipStore } from './postgres-authorship-store.js';
import { PostgresChangeFeed } from './postgres-change-feed.js';
import { PostgresCommentStore } from './postgres-comment-store.js';
import { PostgresCurationStore } from './postgres-curation-store.js';
import { LATEST_VERSION, migrate } from './postgres-migrations.js';
import { PostgresModerationStore } from './postgres-moderation-store.js';
import { PostgresOrganizationStore } from './postgres-organization-store.js';
import { createPool, databaseName, redactUrl } from './postgres-pool.js';
import { PostgresReadingListStore } from './postgres-reading-list-store.js';
import { PostgresStore } from './postgres-store.js';
import { PostgresSubmissionStore } from './postgres-submission-store.js';
import { PostgresSubscriptionStore } from './postgres-subscription-store.js';
import { PostgresVoteStore } from './postgres-vote-store.js';
import { PostgresTsvectorEngine } from './postgres-search.js';

export interface PostgresBackendOptions extends BackendOptions {
  /** Where the default index folder goes (default `data`, relative to the working directory). */
  dataDir?: string;
}

/** The default index folder of a database: named after it, under the data folder. */
export function defaultIndexDir(url: string, dataDir = 'data'): string {
  const name = databaseName(url).replace(/[^A-Za-z0-9_.-]/g, '_') || 'postgres';
  return resolve(dataDir, `pg-${name}.idx`);
}

export class PostgresBackend implements Backend {
  readonly kind = 'postgres' as const;
  readonly location: string;
  readonly store: PostgresStore;
  readonly subscriptions: PostgresSubscriptionStore;
  readonly accounts: PostgresAccountStore;
  readonly votes: PostgresVoteStore;
  readonly comments: PostgresCommentStore;
  readonly submissions: PostgresSubmissionStore;
  readonly moderation: PostgresModerationStore;
  readonly readingLists: PostgresReadingListStore;
  readonly curation: PostgresCurationStore;
  readonly organizations: PostgresOrganizationStore;
  readonly authorship: PostgresAuthorshipStore;
  readonly changes: PostgresChangeFeed;
  readonly indexDir: string;
  readonly nativeLexical: LexicalEngine | null;

  private constructor(readonly pool: pg.Pool, url: string, opts: PostgresBackendOptions) {
    this.location = redactUrl(url);
    // Search vectors in the writing transaction only where full-text search answers (PAPERBOY_SEARCH=fts5):
    // they cost ~3× the rest of a bulk write; elsewhere serve fills them in the background.
    this.store = new PostgresStore(pool, this.location, opts.nativeLexical ?? false);
    this.subscriptions = new PostgresSubscriptionStore(pool);
    this.accounts = new PostgresAccountStore(pool);
    this.votes = new PostgresVoteStore(pool);
    this.comments = new PostgresCommentStore(pool);
    this.submissions = new PostgresSubmissionStore(pool, this.store);
    this.moderation = new PostgresModerationStore(pool);
    this.readingLists = new PostgresReadingListStore(pool);
    this.curation = new PostgresCurationStore(pool);
    this.organizations = new PostgresOrganizationStore(pool);
    this.authorship = new PostgresAuthorshipStore(pool);
    this.changes = new PostgresChangeFeed(pool, opts.readonly ?? false);
    this.indexDir = opts.indexDir ? resolve(opts.indexDir) : defaultIndexDir(url, opts.dataDir);
    // Always: the vectors are kept in the database (inline or filled in the background), so the engine costs nothing until asked.
    this.nativeLexical = new PostgresTsvectorEngine(pool);
  }

  /** Connects and migrates (unless read-only); a server that cannot be reached fails here with the address, not the password. */
  static async open(url: string, opts: PostgresBackendOptions = {}): Promise<PostgresBackend> {
    const pool = createPool(url);
    try {
      await pool.query('SELECT 1');
      if (!opts.readonly) await migrate(pool);
    } catch (err) {
      await pool.end().catch(() => {});
      throw new Error(`PostgreSQL at ${redactUrl(url)}: ${(err as Error).message}`, { cause: err });
    }
    return new PostgresBackend(pool, url, opts);
  }

  async doctorChecks(): Promise<HealthCheck[]> {
    const checks: HealthCheck[] = [];
    try {
      const r = (await this.pool.query<{ v: string; ro: string }>("SELECT version() AS v, current_setting('transaction_read_only') AS ro")).rows[0];
      const server = r.v.split(' ').slice(0, 2).join(' ');
      checks.push(r.ro === 'on'
        ? { level: 'fail', name: 'database', message: `${this.location} answers (${server}) but is read-only (a standby?): point --db at the primary` }
        : { level: 'ok', name: 'database', message: `${this.location} answers (${server}), writable` });
    } catch (err) {
      checks.push({ level: 'fail', name: 'database', message: `${this.location} does not answer: ${(err as Error).message}` });
      return checks;
    }
    const version = await this.store.schemaVersion();
    if (version.current === 0) {
      checks.push({ level: 'warn', name: 'schema', message: `no paperboy schema yet (latest ${LATEST_VERSION}): paperboy serve / import creates it` });
    } else if (version.current === version.latest) {
      checks.push({ level: 'ok', name: 'schema', message: `version ${version.current} (latest)` });
    } else if (version.current < version.latest) {
      checks.push({ level: 'warn', name: 'schema', message: `version ${version.current}, latest ${version.latest}: migrations run at the next paperboy serve / import` });
    } else {
      checks.push({ level: 'fail', name: 'schema', message: `version ${version.current} is newer than this paperboy (${version.latest}): upgrade paperboy` });
    }
    if (version.current > 0) {
      const missing = await this.store.papersWithoutSearchVector();
      const n = (x: number) => x.toLocaleString('en-US');
      checks.push(missing === 0
        ? { level: 'ok', name: 'full-text fallback', message: 'every paper has its search vector' }
        : { level: 'warn', name: 'full-text fallback', message: `${n(missing)} papers without a search vector yet: a running paperboy serve fills them in the background (or run paperboy index --fts5)` });
    }
    return checks;
  }

  async rebuildNativeLexical(): Promise<number> {
    return this.store.rebuildSearchVectors();
  }

  async refreshStatistics(): Promise<void> {
    await this.pool.query('ANALYZE papers, paper_categories, paper_changes, daily_entries, organizations');
  }

  async maintainNativeLexical(): Promise<number> {
    return this.store.fillSearchVectors();
  }

  async close(): Promise<void> {
    await this.store.close();
  }
}
