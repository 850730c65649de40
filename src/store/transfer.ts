/**
 * Moving a whole database from one backend to another (`paperboy
 * migrate-db`): the tables every backend holds, in an order that keeps
 * foreign keys satisfied, and the role each backend implements to read them
 * in key order and write them in batches (store/<kind>/<kind>-transfer.ts).
 *
 * Goals: every row a user or a job wrote arrives with its ids (so foreign
 * keys, links and API ids hold) and the target's id counters continue after
 * them; one batch is one transaction that also records how far the copy got
 * (`migrate-db:progress` in the target's job_state), so a killed copy resumes
 * where it stopped and never writes a row twice. Non-goals: derived state —
 * the change log, FTS5 rows, PostgreSQL's tsvector, index cursors: the
 * target's triggers and indexes rebuild them, as after an import; counters
 * kept by triggers (local upvotes and comments) are recomputed by the
 * target's own triggers as votes and comments arrive.
 */

export type ColumnKind = 'int' | 'text';

export interface TransferColumn {
  name: string;
  kind: ColumnKind;
}

export interface TransferTable {
  name: string;
  columns: TransferColumn[];
  /** The primary key, in the order rows are read (keyset pagination). */
  key: string[];
  /** The id column a counter hands out (SQLite AUTOINCREMENT / rowid, PostgreSQL BIGSERIAL). */
  serial?: string;
  /**
   * Rows left behind: text-key prefixes of derived or process-local state
   * (job_state's feed cursors, the FTS5 marker, the last serve record, a
   * copy's own progress). Counted out on both sides when verifying.
   */
  excludePrefixes?: { column: string; prefixes: string[] };
}

/** A value in a transferred row: integers as numbers (all ids and counters fit in 2^53), text as strings. */
export type TransferValue = number | string | null;
export type TransferRow = TransferValue[];

const int = (name: string): TransferColumn => ({ name, kind: 'int' });
const text = (name: string): TransferColumn => ({ name, kind: 'text' });

/** The key of the copy's own progress record in the target's job_state. */
export const TRANSFER_PROGRESS_KEY = 'migrate-db:progress';

/**
 * Every table of the schema (version 11) that holds data of its own, parents
 * before children. test/store/transfer-tables.test.ts fails when a migration
 * adds a table or column this list does not name.
 */
export const TRANSFER_TABLES: readonly TransferTable[] = [
  { name: 'organizations', key: ['name'], columns: [text('name'), text('fullname'), text('avatar_url')] },
  {
    name: 'papers', key: ['pk'], serial: 'pk',
    columns: [int('pk'), text('id'), text('arxiv_id'), int('title_hash'), int('version'), text('published_at'), text('updated_at'),
      text('primary_category'), text('organization'), int('author_count'), int('github_stars'), text('github_repo'),
      text('project_page'), text('doi'), text('report_no'), text('license'), text('submitter'), text('journal_ref'),
      text('sources'), text('categories'), text('versions'), text('ai_keywords'), text('comments'), text('title'),
      text('authors'), text('ai_summary'), text('abstract'), text('thumbnail')],
  },
  { name: 'paper_categories', key: ['category', 'paper_pk'], columns: [int('paper_pk'), text('category')] },
  {
    // local_upvotes / local_comments are left out: the target's triggers count the votes and comments copied later.
    name: 'daily_entries', key: ['paper_id', 'day'],
    columns: [text('paper_id'), text('day'), text('submitted_at'), text('submitter_user'), text('submitter_fullname'),
      text('submitter_avatar'), int('upvotes'), int('num_comments'), text('removed_at'), text('moved_to')],
  },
  {
    name: 'job_state', key: ['key'], columns: [text('key'), text('value'), text('updated_at')],
    excludePrefixes: { column: 'key', prefixes: ['feed.', 'fts5.', 'serve:', 'migrate-db:'] },
  },
  {
    name: 'users', key: ['id'], serial: 'id',
    columns: [int('id'), text('username'), text('email'), text('password_hash'), text('role'), text('email_verified_at'),
      text('created_at'), text('updated_at'), int('public_votes'), text('banned_at'), text('banned_reason')],
  },
  {
    // After users: a subscription may be linked to an account (migration 16).
    name: 'subscriptions', key: ['id'], serial: 'id',
    columns: [int('id'), text('email'), text('frequency'), text('topics'), text('status'), int('user_id'), int('permanent_failures'),
      text('created_at'), text('updated_at'), text('confirmed_at'), text('unsubscribed_at'), text('last_notice_at')],
  },
  {
    name: 'digest_outbox', key: ['id'], serial: 'id',
    columns: [int('id'), int('subscription_id'), text('period_key'), text('status'), text('subject'), text('html'), text('text'),
      text('headers'), int('attempts'), text('next_attempt_at'), text('claimed_by'), text('claimed_until'), text('last_error'),
      text('message_id'), text('created_at'), text('sent_at')],
  },
  { name: 'sessions', key: ['token_hash'], columns: [text('token_hash'), int('user_id'), text('created_at'), text('expires_at')] },
  {
    name: 'email_tokens', key: ['token_hash'],
    columns: [text('token_hash'), int('user_id'), text('purpose'), text('email'), text('created_at'), text('expires_at'), text('used_at')],
  },
  {
    name: 'api_tokens', key: ['id'], serial: 'id',
    columns: [int('id'), int('user_id'), text('name'), text('token_hash'), text('prefix'), text('created_at'), text('last_used_at')],
  },
  { name: 'login_throttle', key: ['key'], columns: [text('key'), int('failures'), text('locked_until'), text('updated_at')] },
  { name: 'votes', key: ['user_id', 'paper_id'], columns: [int('user_id'), text('paper_id'), text('created_at')] },
  {
    // Ordered by id, so a reply's parent (always an older comment) is there before it.
    name: 'comments', key: ['id'], serial: 'id',
    columns: [int('id'), text('paper_id'), int('parent_id'), int('depth'), int('user_id'), text('body'), text('created_at'),
      text('edited_at'), text('deleted_at'), text('hidden_at'), int('hidden_by'), text('hidden_reason')],
  },
  {
    name: 'comment_reports', key: ['id'], serial: 'id',
    columns: [int('id'), int('comment_id'), int('reporter_id'), text('reason'), text('created_at'), text('resolved_at'),
      int('resolved_by'), text('resolution')],
  },
  {
    name: 'moderation_log', key: ['id'], serial: 'id',
    columns: [int('id'), text('at'), int('actor_id'), text('action'), int('comment_id'), text('paper_id'), text('author'), text('reason'), text('detail')],
  },
  {
    name: 'reading_lists', key: ['id'], serial: 'id',
    columns: [int('id'), int('owner_id'), text('name'), text('slug'), int('public'), text('created_at'), text('updated_at')],
  },
  { name: 'reading_list_items', key: ['list_id', 'paper_id'], columns: [int('list_id'), text('paper_id'), text('added_at')] },
  { name: 'hidden_papers', key: ['paper_id'], columns: [text('paper_id'), text('hidden_at'), int('hidden_by'), text('reason')] },
  {
    name: 'paper_reports', key: ['id'], serial: 'id',
    columns: [int('id'), text('paper_id'), int('reporter_id'), text('reason'), text('created_at'), text('resolved_at'), int('resolved_by'), text('resolution')],
  },
  { name: 'organization_members', key: ['org_name', 'user_id'], columns: [text('org_name'), int('user_id'), text('created_at')] },
  { name: 'organization_follows', key: ['user_id', 'org_name'], columns: [int('user_id'), text('org_name'), text('created_at')] },
  {
    name: 'authorship_claims', key: ['id'], serial: 'id',
    columns: [int('id'), text('paper_id'), int('user_id'), text('author_name'), text('status'), text('created_at'), text('decided_at'),
      int('decided_by'), text('note')],
  },
];

/** Where a copy stands, stored in the target with every batch. */
export interface TransferProgress {
  /** The source's location (a path, or a URL without its password): a target resumes only its own copy. */
  from: string;
  /** Tables finished, in order. */
  done: string[];
  /** The table being copied and the key of its last copied row (null: not started). */
  table: string | null;
  after: TransferValue[] | null;
  /** Rows copied so far, all tables. */
  copied: number;
}

/**
 * One side of a copy; each backend implements it over its own connection
 * (store/sqlite/sqlite-transfer.ts, store/postgres/postgres-transfer.ts).
 */
export interface TransferEndpoint {
  /** For messages: a path, or a URL without its password. */
  readonly location: string;
  schemaVersion(): Promise<number>;
  /** Rows of a table, less its excluded prefixes. */
  count(table: TransferTable): Promise<number>;
  /** Up to `limit` rows after key `after` (null: from the start), in key order, values in `table.columns` order. */
  readBatch(table: TransferTable, after: TransferValue[] | null, limit: number): Promise<TransferRow[]>;
  /** Inserts rows as they are (ids included) and saves `progress`, in one transaction. */
  writeBatch(table: TransferTable, rows: TransferRow[], progress: TransferProgress): Promise<void>;
  readProgress(): Promise<TransferProgress | null>;
  clearProgress(): Promise<void>;
  /** The next id each serial table would hand out, less one (its high-water mark: ≥ the largest id, counting deleted ones). */
  serialHighWater(table: TransferTable): Promise<number>;
  /** Makes the table's counter hand out ids above `highWater` (and above every id it holds). */
  continueSerial(table: TransferTable, highWater: number): Promise<void>;
  /** Gathers the planner's statistics on the copied tables (the target: its first queries are planned with them). */
  analyze(): Promise<void>;
  close(): Promise<void>;
}
