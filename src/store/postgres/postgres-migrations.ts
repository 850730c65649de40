/**
 * PostgreSQL schema, as numbered migrations applied at start.
 *
 * The numbers follow SQLite's (store/sqlite/sqlite-migrations.ts): version N
 * holds the same tables and rules on both backends, so a database moved from
 * one to the other keeps its version. Each migration runs in its own
 * transaction and is recorded in `schema_migrations`; the whole run holds a
 * session advisory lock, so N processes starting together migrate once (the
 * others wait, then find nothing to do). A database newer than the code is
 * refused. Add a migration by appending to MIGRATIONS (never edit an applied one).
 *
 * Translations from SQLite: `COLLATE NOCASE` uniqueness becomes a unique index
 * on lower(column) (queries compare lower() too); triggers are PL/pgSQL; the
 * change log is written by statement-level triggers with transition tables
 * (one INSERT per statement, not per row: bulk imports write whole batches in
 * one statement); times stay ISO-8601 TEXT and JSON lists stay TEXT, as in
 * SQLite, so rows read the same on both backends.
 * Non-goals: data moves between backends (`paperboy migrate-db`, postgres-transfer.ts).
 */
import type pg from 'pg';
import { guardCheckedOut } from './postgres-pool.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'papers, organizations, daily entries, lexical index, job state',
    sql: `
      CREATE TABLE organizations (
        name TEXT PRIMARY KEY,
        fullname TEXT,
        avatar_url TEXT
      );
      CREATE TABLE papers (
        pk BIGSERIAL PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        arxiv_id TEXT,
        -- titleHash(title), as in SQLite: an 8-byte key for matching one paper across sources by title.
        title_hash BIGINT NOT NULL,
        version INTEGER,
        published_at TEXT,
        updated_at TEXT,
        primary_category TEXT,
        organization TEXT,
        author_count INTEGER NOT NULL DEFAULT 0,
        github_stars INTEGER,
        github_repo TEXT,
        project_page TEXT,
        doi TEXT,
        report_no TEXT,
        license TEXT,
        submitter TEXT,
        journal_ref TEXT,
        sources TEXT NOT NULL DEFAULT '[]',
        categories TEXT NOT NULL DEFAULT '[]',
        versions TEXT NOT NULL DEFAULT '[]',
        ai_keywords TEXT NOT NULL DEFAULT '[]',
        comments TEXT,
        title TEXT NOT NULL,
        authors TEXT NOT NULL DEFAULT '[]',
        ai_summary TEXT,
        abstract TEXT NOT NULL DEFAULT ''
      );
      CREATE INDEX papers_title_hash ON papers(title_hash);
      CREATE INDEX papers_published ON papers(published_at, pk);
      CREATE INDEX papers_org ON papers(organization);
      CREATE INDEX papers_primary_category ON papers(primary_category);
      CREATE TABLE paper_categories (
        paper_pk BIGINT NOT NULL REFERENCES papers(pk) ON DELETE CASCADE,
        category TEXT NOT NULL,
        PRIMARY KEY (category, paper_pk)
      );
      CREATE INDEX paper_categories_paper ON paper_categories(paper_pk);
      CREATE TABLE daily_entries (
        paper_id TEXT NOT NULL REFERENCES papers(id) ON UPDATE CASCADE ON DELETE CASCADE,
        day TEXT NOT NULL,
        submitted_at TEXT,
        submitter_user TEXT,
        submitter_fullname TEXT,
        submitter_avatar TEXT,
        upvotes INTEGER NOT NULL DEFAULT 0,
        num_comments INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (paper_id, day)
      );
      CREATE INDEX daily_day ON daily_entries(day, upvotes DESC);
      CREATE INDEX daily_submitter ON daily_entries(submitter_user);
      -- PostgreSQL's full-text search (postgres-search.ts): title A, author names B, abstract C,
      -- indexed by GIN. NULL until computed: in the writing transaction under PAPERBOY_SEARCH=fts5,
      -- else in the background (PostgresStore.fillSearchVectors, found through the partial index).
      ALTER TABLE papers ADD COLUMN search_tsv tsvector;
      CREATE INDEX papers_search_tsv ON papers USING GIN (search_tsv);
      CREATE INDEX papers_search_tsv_missing ON papers (pk) WHERE search_tsv IS NULL;
      -- Author names of the authors JSON, joined as the lexical index joins them.
      CREATE FUNCTION paper_author_names(authors TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT COALESCE(string_agg(a->>'name', ', '), '') FROM jsonb_array_elements(authors::jsonb) AS a
      $$;
      CREATE TABLE job_state (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'digest subscriptions and outbox',
    sql: `
      CREATE TABLE subscriptions (
        id BIGSERIAL PRIMARY KEY,
        email TEXT NOT NULL,
        frequency TEXT NOT NULL CHECK (frequency IN ('daily', 'weekly')),
        topics TEXT NOT NULL DEFAULT '{"categories":[],"keywords":[],"organizations":[]}',
        status TEXT NOT NULL CHECK (status IN ('pending', 'active', 'paused', 'unsubscribed')),
        user_id TEXT,
        permanent_failures INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        confirmed_at TEXT,
        unsubscribed_at TEXT,
        last_notice_at TEXT
      );
      -- One row per address in any case (SQLite: UNIQUE COLLATE NOCASE).
      CREATE UNIQUE INDEX subscriptions_email ON subscriptions(lower(email));
      CREATE INDEX subscriptions_status ON subscriptions(status, frequency);
      CREATE INDEX subscriptions_user ON subscriptions(user_id);
      CREATE TABLE digest_outbox (
        id BIGSERIAL PRIMARY KEY,
        subscription_id BIGINT NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
        period_key TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'ready', 'sending', 'sent', 'failed', 'skipped')),
        subject TEXT,
        html TEXT,
        text TEXT,
        headers TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        claimed_by TEXT,
        claimed_until TEXT,
        last_error TEXT,
        message_id TEXT,
        created_at TEXT NOT NULL,
        sent_at TEXT,
        UNIQUE (subscription_id, period_key)
      );
      CREATE INDEX digest_outbox_due ON digest_outbox(status, next_attempt_at);
      CREATE INDEX digest_outbox_period ON digest_outbox(period_key, status);
    `,
  },
  {
    version: 3,
    name: 'paper change log for the lexical engine',
    sql: `
      -- Every insert, text change and delete of a paper, written by triggers in the paper's own
      -- transaction. \`id\` is the order of writing; \`seq\`, the feed position, is given after commit
      -- by the sequencer (postgres-change-feed.ts explains why: commit order is not id order when
      -- writers run concurrently).
      CREATE TABLE paper_changes (
        id BIGSERIAL PRIMARY KEY,
        pk BIGINT NOT NULL,
        seq BIGINT UNIQUE
      );
      CREATE INDEX paper_changes_unsequenced ON paper_changes(id) WHERE seq IS NULL;
      CREATE FUNCTION paper_changes_log_new() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO paper_changes (pk) SELECT pk FROM new_rows ORDER BY pk;
        RETURN NULL;
      END $$;
      CREATE FUNCTION paper_changes_log_update() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO paper_changes (pk) SELECT n.pk FROM new_rows n JOIN old_rows o ON o.pk = n.pk
          WHERE o.title IS DISTINCT FROM n.title OR o.abstract IS DISTINCT FROM n.abstract
            OR o.authors IS DISTINCT FROM n.authors OR o.published_at IS DISTINCT FROM n.published_at
            OR o.categories IS DISTINCT FROM n.categories OR o.organization IS DISTINCT FROM n.organization
          ORDER BY n.pk;
        RETURN NULL;
      END $$;
      CREATE FUNCTION paper_changes_log_old() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO paper_changes (pk) SELECT pk FROM old_rows ORDER BY pk;
        RETURN NULL;
      END $$;
      CREATE TRIGGER papers_changes_insert AFTER INSERT ON papers REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION paper_changes_log_new();
      CREATE TRIGGER papers_changes_update AFTER UPDATE ON papers REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION paper_changes_log_update();
      CREATE TRIGGER papers_changes_delete AFTER DELETE ON papers REFERENCING OLD TABLE AS old_rows
        FOR EACH STATEMENT EXECUTE FUNCTION paper_changes_log_old();
    `,
  },
  {
    version: 4,
    name: 'accounts: users, sessions, mailed tokens, API tokens, login back-off',
    sql: `
      CREATE TABLE users (
        id BIGSERIAL PRIMARY KEY,
        username TEXT NOT NULL,
        email TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        role TEXT NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'moderator', 'admin')),
        email_verified_at TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      -- Unique in any case (SQLite: UNIQUE COLLATE NOCASE); the names are what duplicate errors report.
      CREATE UNIQUE INDEX users_username_key ON users(lower(username));
      CREATE UNIQUE INDEX users_email_key ON users(lower(email));
      CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
      );
      CREATE INDEX sessions_user ON sessions(user_id);
      CREATE INDEX sessions_expiry ON sessions(expires_at);
      CREATE TABLE email_tokens (
        token_hash TEXT PRIMARY KEY,
        user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        purpose TEXT NOT NULL CHECK (purpose IN ('verify', 'reset', 'email_change', 'notice')),
        email TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        used_at TEXT
      );
      CREATE INDEX email_tokens_user ON email_tokens(user_id, purpose, created_at);
      CREATE TABLE api_tokens (
        id BIGSERIAL PRIMARY KEY,
        user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,
        prefix TEXT NOT NULL,
        created_at TEXT NOT NULL,
        last_used_at TEXT
      );
      CREATE INDEX api_tokens_user ON api_tokens(user_id);
      CREATE TABLE login_throttle (
        key TEXT PRIMARY KEY,
        failures INTEGER NOT NULL,
        locked_until TEXT,
        updated_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 5,
    name: 'paper thumbnails',
    sql: `ALTER TABLE papers ADD COLUMN thumbnail TEXT;`,
  },
  {
    version: 6,
    name: 'upvotes: one per user per paper, counted on each daily entry',
    sql: `
      CREATE TABLE votes (
        user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        paper_id TEXT NOT NULL REFERENCES papers(id) ON UPDATE CASCADE ON DELETE CASCADE,
        created_at TEXT NOT NULL,
        PRIMARY KEY (user_id, paper_id)
      );
      CREATE INDEX votes_paper ON votes(paper_id);
      CREATE INDEX votes_user_time ON votes(user_id, created_at);
      ALTER TABLE daily_entries ADD COLUMN local_upvotes INTEGER NOT NULL DEFAULT 0;
      CREATE FUNCTION votes_count() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          UPDATE daily_entries SET local_upvotes = local_upvotes + 1 WHERE paper_id = NEW.paper_id;
        ELSE
          UPDATE daily_entries SET local_upvotes = local_upvotes - 1 WHERE paper_id = OLD.paper_id;
        END IF;
        RETURN NULL;
      END $$;
      CREATE TRIGGER votes_count AFTER INSERT OR DELETE ON votes FOR EACH ROW EXECUTE FUNCTION votes_count();
      -- A paper upvoted before it joined a daily list brings its votes to the new entry.
      CREATE FUNCTION daily_entries_votes_init() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.local_upvotes := (SELECT COUNT(*) FROM votes WHERE paper_id = NEW.paper_id);
        RETURN NEW;
      END $$;
      CREATE TRIGGER daily_entries_votes_init BEFORE INSERT ON daily_entries FOR EACH ROW EXECUTE FUNCTION daily_entries_votes_init();
    `,
  },
  {
    version: 7,
    name: 'comments: threaded, soft-deleted, hidden by moderators, counted on each daily entry',
    sql: `
      CREATE TABLE comments (
        id BIGSERIAL PRIMARY KEY,
        paper_id TEXT NOT NULL REFERENCES papers(id) ON UPDATE CASCADE ON DELETE CASCADE,
        parent_id BIGINT REFERENCES comments(id) ON DELETE CASCADE,
        depth INTEGER NOT NULL DEFAULT 0,
        user_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
        body TEXT NOT NULL,
        created_at TEXT NOT NULL,
        edited_at TEXT,
        deleted_at TEXT,
        hidden_at TEXT,
        hidden_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
        hidden_reason TEXT
      );
      CREATE INDEX comments_paper ON comments(paper_id, id);
      CREATE INDEX comments_user ON comments(user_id, id);
      CREATE INDEX comments_parent ON comments(parent_id);
      ALTER TABLE daily_entries ADD COLUMN local_comments INTEGER NOT NULL DEFAULT 0;
      CREATE FUNCTION comments_count() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        was BOOLEAN := FALSE;
        now_visible BOOLEAN := FALSE;
      BEGIN
        IF TG_OP <> 'INSERT' THEN was := OLD.deleted_at IS NULL AND OLD.hidden_at IS NULL; END IF;
        IF TG_OP <> 'DELETE' THEN now_visible := NEW.deleted_at IS NULL AND NEW.hidden_at IS NULL; END IF;
        IF was AND NOT now_visible THEN
          UPDATE daily_entries SET local_comments = local_comments - 1 WHERE paper_id = OLD.paper_id;
        ELSIF now_visible AND NOT was THEN
          UPDATE daily_entries SET local_comments = local_comments + 1 WHERE paper_id = NEW.paper_id;
        END IF;
        RETURN NULL;
      END $$;
      CREATE TRIGGER comments_count AFTER INSERT OR DELETE OR UPDATE OF deleted_at, hidden_at ON comments
        FOR EACH ROW EXECUTE FUNCTION comments_count();
      CREATE FUNCTION daily_entries_comments_init() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.local_comments := (SELECT COUNT(*) FROM comments
          WHERE paper_id = NEW.paper_id AND deleted_at IS NULL AND hidden_at IS NULL);
        RETURN NEW;
      END $$;
      CREATE TRIGGER daily_entries_comments_init BEFORE INSERT ON daily_entries FOR EACH ROW EXECUTE FUNCTION daily_entries_comments_init();
    `,
  },
  {
    version: 8,
    name: 'profiles: whether a user shows their upvotes',
    sql: `ALTER TABLE users ADD COLUMN public_votes INTEGER NOT NULL DEFAULT 0;`,
  },
  {
    version: 9,
    name: 'moderation: reports of comments and the public moderation log',
    sql: `
      CREATE TABLE comment_reports (
        id BIGSERIAL PRIMARY KEY,
        comment_id BIGINT NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
        reporter_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
        reason TEXT NOT NULL,
        created_at TEXT NOT NULL,
        resolved_at TEXT,
        resolved_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
        resolution TEXT CHECK (resolution IN ('hidden', 'dismissed'))
      );
      CREATE UNIQUE INDEX comment_reports_open ON comment_reports(comment_id, reporter_id) WHERE resolved_at IS NULL;
      CREATE INDEX comment_reports_pending ON comment_reports(resolved_at, comment_id);
      CREATE TABLE moderation_log (
        id BIGSERIAL PRIMARY KEY,
        at TEXT NOT NULL,
        actor_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
        action TEXT NOT NULL CHECK (action IN ('hide_comment', 'unhide_comment', 'dismiss_reports')),
        comment_id BIGINT NOT NULL,
        paper_id TEXT NOT NULL,
        author TEXT,
        reason TEXT NOT NULL DEFAULT ''
      );
    `,
  },
  {
    version: 10,
    name: 'reading lists',
    sql: `
      CREATE TABLE reading_lists (
        id BIGSERIAL PRIMARY KEY,
        owner_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        slug TEXT NOT NULL,
        public INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        UNIQUE (owner_id, slug)
      );
      CREATE TABLE reading_list_items (
        list_id BIGINT NOT NULL REFERENCES reading_lists(id) ON DELETE CASCADE,
        paper_id TEXT NOT NULL REFERENCES papers(id) ON UPDATE CASCADE ON DELETE CASCADE,
        added_at TEXT NOT NULL,
        PRIMARY KEY (list_id, paper_id)
      );
      CREATE INDEX reading_list_items_time ON reading_list_items(list_id, added_at);
      CREATE INDEX reading_list_items_paper ON reading_list_items(paper_id);
    `,
  },
  {
    version: 11,
    name: 'bans: an admin can bar a user from logging in and writing',
    sql: `
      ALTER TABLE users ADD COLUMN banned_at TEXT;
      ALTER TABLE users ADD COLUMN banned_reason TEXT;
    `,
  },
  {
    version: 12,
    name: 'curation: admins move and remove daily entries and hide papers; reports of papers; the log covers papers',
    sql: `
      -- A removed entry stays as a row (removed_at set) so an import of its day, which upserts by
      -- (paper_id, day), updates its imported counts and leaves it removed; a move leaves such a row
      -- on the old day (moved_to says where it went). Every read of the lists skips these rows.
      ALTER TABLE daily_entries ADD COLUMN removed_at TEXT;
      ALTER TABLE daily_entries ADD COLUMN moved_to TEXT;
      -- A hidden paper keeps everything (votes, comments, lists) and comes back when the row goes.
      CREATE TABLE hidden_papers (
        paper_id TEXT PRIMARY KEY REFERENCES papers(id) ON UPDATE CASCADE ON DELETE CASCADE,
        hidden_at TEXT NOT NULL,
        hidden_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
        reason TEXT NOT NULL
      );
      CREATE INDEX hidden_papers_time ON hidden_papers(hidden_at);
      CREATE TABLE paper_reports (
        id BIGSERIAL PRIMARY KEY,
        paper_id TEXT NOT NULL REFERENCES papers(id) ON UPDATE CASCADE ON DELETE CASCADE,
        reporter_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
        reason TEXT NOT NULL,
        created_at TEXT NOT NULL,
        resolved_at TEXT,
        resolved_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
        resolution TEXT CHECK (resolution IN ('hidden', 'dismissed'))
      );
      CREATE UNIQUE INDEX paper_reports_open ON paper_reports(paper_id, reporter_id) WHERE resolved_at IS NULL;
      CREATE INDEX paper_reports_pending ON paper_reports(resolved_at, paper_id);
      -- The log takes paper actions (comment_id NULL for them) and a detail column; PostgreSQL
      -- alters in place where SQLite rebuilds the table.
      ALTER TABLE moderation_log DROP CONSTRAINT moderation_log_action_check;
      ALTER TABLE moderation_log ADD CONSTRAINT moderation_log_action_check CHECK (action IN ('hide_comment', 'unhide_comment',
        'dismiss_reports', 'hide_paper', 'unhide_paper', 'dismiss_paper_reports', 'move_entry', 'remove_entry', 'restore_entry'));
      ALTER TABLE moderation_log ALTER COLUMN comment_id DROP NOT NULL;
      ALTER TABLE moderation_log ADD COLUMN detail TEXT NOT NULL DEFAULT '';
    `,
  },
  {
    version: 13,
    name: 'organizations: members and followers',
    sql: `
      CREATE TABLE organization_members (
        org_name TEXT NOT NULL REFERENCES organizations(name) ON UPDATE CASCADE ON DELETE CASCADE,
        user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at TEXT NOT NULL,
        PRIMARY KEY (org_name, user_id)
      );
      CREATE INDEX organization_members_user ON organization_members(user_id);
      CREATE TABLE organization_follows (
        user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        org_name TEXT NOT NULL REFERENCES organizations(name) ON UPDATE CASCADE ON DELETE CASCADE,
        created_at TEXT NOT NULL,
        PRIMARY KEY (user_id, org_name)
      );
      CREATE INDEX organization_follows_org ON organization_follows(org_name);
    `,
  },
  {
    version: 14,
    name: 'authorship claims',
    sql: `
      CREATE TABLE authorship_claims (
        id BIGSERIAL PRIMARY KEY,
        paper_id TEXT NOT NULL REFERENCES papers(id) ON UPDATE CASCADE ON DELETE CASCADE,
        user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        author_name TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
        created_at TEXT NOT NULL,
        decided_at TEXT,
        decided_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
        note TEXT NOT NULL DEFAULT ''
      );
      -- One approved claim per author name of a paper; one open or approved claim per user per paper.
      CREATE UNIQUE INDEX authorship_claims_author ON authorship_claims(paper_id, author_name) WHERE status = 'approved';
      CREATE UNIQUE INDEX authorship_claims_user ON authorship_claims(paper_id, user_id) WHERE status <> 'rejected';
      CREATE INDEX authorship_claims_status ON authorship_claims(status, id);
      CREATE INDEX authorship_claims_by_user ON authorship_claims(user_id, status);
    `,
  },
  {
    version: 15,
    name: 'bulk import: papers kept in the heap, categories removed with their paper by a trigger (PostgreSQL storage; nothing changes in SQLite)',
    sql: `
      -- A paper's row (≈ 2.5 KB with its abstract) stays in the heap, uncompressed, up to ~8 KB. With the
      -- default target of 2 KB most rows went to the TOAST table after pglz had tried to compress their
      -- abstract and given up (it kept 17 of 100,000): a second insert and index entry per paper, and a
      -- TOAST lookup per read. Measured on a bulk import of 100k papers: 4.1 s of server CPU against 5.1 s,
      -- the same database size. Only rows written from now on are stored this way.
      ALTER TABLE papers SET (toast_tuple_target = 8160);
      -- The foreign key of paper_categories checked every category row with a query of its own (≈ 11% of
      -- a bulk import's server CPU, 2 rows a paper): categories are written only by the paper upsert, for
      -- papers it holds in the same transaction, so the key only has to take them away with their paper.
      ALTER TABLE paper_categories DROP CONSTRAINT paper_categories_paper_pk_fkey;
      CREATE FUNCTION paper_categories_delete() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM paper_categories c USING old_rows o WHERE c.paper_pk = o.pk;
        RETURN NULL;
      END $$;
      CREATE TRIGGER papers_categories_delete AFTER DELETE ON papers REFERENCING OLD TABLE AS old_rows
        FOR EACH STATEMENT EXECUTE FUNCTION paper_categories_delete();
    `,
  },
  {
    version: 16,
    name: 'digest subscriptions linked to accounts',
    sql: `
      -- user_id was a placeholder (TEXT, never written): it becomes a reference to the account that made
      -- the subscription or whose verified address it is; deleting the account unlinks, the subscription stays.
      ALTER TABLE subscriptions ALTER COLUMN user_id TYPE BIGINT USING NULL;
      ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_user_fk FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE SET NULL;
      UPDATE subscriptions s SET user_id = u.id FROM users u
        WHERE lower(u.email) = lower(s.email) AND u.email_verified_at IS NOT NULL;
    `,
  },
  {
    version: 17,
    name: 'hiding or showing a paper is a change of the change feed (indexes drop hidden papers)',
    sql: `
      -- The feed reads a hidden paper as gone (store/postgres/postgres-change-feed.ts), so the indexes that
      -- follow it drop the paper when it is hidden and take it back when it is shown. Rows without a
      -- position, numbered by the sequencer after commit like every change.
      CREATE FUNCTION hidden_papers_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO paper_changes (pk) SELECT pk FROM papers
          WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.paper_id ELSE NEW.paper_id END;
        RETURN NULL;
      END $$;
      CREATE TRIGGER hidden_papers_changes AFTER INSERT OR DELETE ON hidden_papers
        FOR EACH ROW EXECUTE FUNCTION hidden_papers_change();
      -- Papers hidden before this migration: indexes built earlier drop them as they catch up.
      INSERT INTO paper_changes (pk) SELECT p.pk FROM hidden_papers h JOIN papers p ON p.id = h.paper_id ORDER BY p.pk;
    `,
  },
  {
    version: 18,
    name: 'the moderation log covers bans (paper_id NULL for them, the user named in author)',
    sql: `
      ALTER TABLE moderation_log DROP CONSTRAINT moderation_log_action_check;
      ALTER TABLE moderation_log ADD CONSTRAINT moderation_log_action_check CHECK (action IN ('hide_comment', 'unhide_comment',
        'dismiss_reports', 'hide_paper', 'unhide_paper', 'dismiss_paper_reports', 'move_entry', 'remove_entry', 'restore_entry',
        'ban_user', 'unban_user'));
      ALTER TABLE moderation_log ALTER COLUMN paper_id DROP NOT NULL;
    `,
  },
  {
    version: 19,
    name: 'dismissed reports can be reopened (the log records it)',
    sql: `
      ALTER TABLE moderation_log DROP CONSTRAINT moderation_log_action_check;
      ALTER TABLE moderation_log ADD CONSTRAINT moderation_log_action_check CHECK (action IN ('hide_comment', 'unhide_comment',
        'dismiss_reports', 'reopen_reports', 'hide_paper', 'unhide_paper', 'dismiss_paper_reports', 'reopen_paper_reports',
        'move_entry', 'remove_entry', 'restore_entry', 'ban_user', 'unban_user'));
    `,
  },
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/**
 * Session advisory lock held while migrating (an arbitrary constant: "pbmg" in ASCII). Advisory
 * locks are per database, so databases on one server migrate independently.
 */
const MIGRATION_LOCK = 0x70626d67;

/** Applies pending migrations under the migration lock; throws when the database is newer than this code. */
export async function migrate(pool: pg.Pool): Promise<{ from: number; to: number }> {
  const client = await pool.connect();
  const unguard = guardCheckedOut(client);
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
      const current = await currentVersion(client);
      if (current > LATEST_VERSION) {
        throw new Error(`database schema version ${current} is newer than this paperboy (${LATEST_VERSION}); upgrade paperboy`);
      }
      for (const m of MIGRATIONS) {
        if (m.version <= current) continue;
        await client.query('BEGIN');
        try {
          await client.query(m.sql);
          await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)',
            [m.version, m.name, new Date().toISOString()]);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK');
          throw new Error(`migration ${m.version} (${m.name}) failed: ${(err as Error).message}`, { cause: err });
        }
      }
      return { from: current, to: LATEST_VERSION };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    client.release(unguard());
  }
}

/** The applied schema version; 0 for an empty database, null-safe when the table is missing. */
export async function currentVersion(q: pg.Pool | pg.PoolClient): Promise<number> {
  const exists = await q.query<{ t: string | null }>("SELECT to_regclass('schema_migrations')::text AS t");
  if (!exists.rows[0].t) return 0;
  const r = await q.query<{ v: number | null }>('SELECT MAX(version) AS v FROM schema_migrations');
  return r.rows[0].v ?? 0;
}
