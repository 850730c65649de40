/**
 * `paperboy stats` and `paperboy doctor` on real SQLite files: the figures and
 * tables printed, each doctor check passing and failing, the exit code, and
 * that no secret is ever printed.
 */
import { test } from 'node:test';
import { openBackend } from '../../src/store/open-backend.js';
import assert from 'node:assert/strict';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { SqliteBackend } from '../../src/store/sqlite/sqlite-backend.js';
import { updateNotes } from '../../src/search/notes/notes-writer.js';
import { openSearch } from '../../src/search/open-search.js';
import { formatStats, registerStats } from '../../src/cli/stats.js';
import { formatChecks, registerDoctor, runDoctor, type Check } from '../../src/cli/doctor.js';
import { paper, record } from '../helpers/papers.js';
import { tempDbPath } from '../helpers/temp-db.js';
import { runCommand } from '../helpers/run-command.js';

async function seeded(file: string, opts: { fts5?: boolean } = {}): Promise<SqliteStore> {
  const store = new SqliteStore(file, { fts5: opts.fts5 });
  await store.upsertRecords([
    record(paper('2405.00001', { categories: ['cs.LG', 'stat.ML'], primaryCategory: 'cs.LG' }), { day: '2024-05-27', submittedAt: null, submittedBy: null, upvotes: 3, numComments: 0 }),
    record(paper('2405.00002', { categories: ['cs.LG'], primaryCategory: 'cs.LG' }, 'hf-daily'), { day: '2024-05-28', submittedAt: null, submittedBy: null, upvotes: 1, numComments: 0 },
      { name: 'acme', fullname: 'Acme Research', avatarUrl: null }),
    record(paper('2405.00003', { categories: ['cs.CV'], primaryCategory: 'cs.CV' }, 'snapshot'), { day: '2024-05-28', submittedAt: null, submittedBy: null, upvotes: 0, numComments: 0 }),
  ]);
  return store;
}



const level = (checks: Check[], name: string) => checks.find((c) => c.name === name)?.level;

/** Builds the block-max index of `file` as serve does at start, and flushes it. */
async function buildIndex(file: string): Promise<void> {
  const backend = new SqliteBackend(file);
  const search = await openSearch(backend, 'engine');
  await updateNotes(backend.indexDir!, backend.changes, search.engine);
  await search.close();
  await backend.close();
}

test('stats: totals, sources, days and categories as tables and as JSON', async () => {
  const { file, cleanup } = tempDbPath();
  try {
    const store = await seeded(file);
    const stats = await store.stats(14);
    await store.close();
    const text = formatStats(stats);
    assert.match(text, /papers\s+3\n/);
    assert.match(text, /daily-list entries\s+3\n/);
    assert.match(text, /organizations\s+1\n/);
    assert.match(text, /Papers by source\n(.*\n)*\s+arxiv-atom\s+1\n/);
    assert.match(text, /2024-05-28\s+2\n\s+2024-05-27\s+1\n/, 'newest day first');
    assert.match(text, /cs\.LG\s+2\n\s+cs\.CV\s+1\n/);

    const { out } = await runCommand(registerStats, ['stats', '--db', file, '--json']);
    const json = JSON.parse(out) as typeof stats;
    assert.equal(json.papers, 3);
    assert.deepEqual(json.bySource, { 'arxiv-atom': 1, 'hf-daily': 1, snapshot: 1 });
    assert.deepEqual(json.byDay, [{ day: '2024-05-28', count: 2 }, { day: '2024-05-27', count: 1 }]);

    const { out: table } = await runCommand(registerStats, ['stats', '--db', file, '--days', '1']);
    assert.match(table, /2024-05-28\s+2/);
    assert.doesNotMatch(table, /2024-05-27/, '--days limits the days shown');
  } finally {
    cleanup();
  }
});

test('stats: a missing database is an error saying what to do', async () => {
  const { file, cleanup } = tempDbPath();
  try {
    await assert.rejects(runCommand(registerStats, ['stats', '--db', file]), /no database at .*pass --db FILE/);
  } finally {
    cleanup();
  }
});

test('doctor: a healthy setup passes every check and prints no secret', async () => {
  const { file, cleanup } = tempDbPath();
  try {
    await (await seeded(file)).close();
    const env = { PAPERBOY_SECRET: 'hunter2-very-secret', SMTP_URL: 'smtp://mailer:p4ssw0rd@mail.example.org:587' };
    // Before serve ever ran: the index is not built yet, a warning that says what builds it.
    const before = await runDoctor({ db: file }, env);
    assert.equal(level(before, 'search index'), 'warn');
    assert.match(before.find((c) => c.name === 'search index')!.message, /not built yet for 3 papers.*paperboy index/);
    assert.equal(level(before, 'vector index'), 'warn');
    assert.match(before.find((c) => c.name === 'vector index')!.message, /not built yet for 3 papers.*paperboy index --vectors/);
    assert.equal(level(before, 'paper notes'), 'warn');
    assert.match(before.find((c) => c.name === 'paper notes')!.message, /not computed ahead yet for 3 papers: paperboy serve .* paperboy index --notes/);
    await buildIndex(file);
    // No admin yet: a warning saying how to make the first one.
    assert.equal(level(before, 'accounts'), 'warn');
    assert.match(before.find((c) => c.name === 'accounts')!.message, /0 users, 0 admins, 0 moderators: no admin yet.*paperboy user create NAME --email ADDRESS --admin/);
    const withAdmin = await openBackend(file);
    await withAdmin.accounts.createUser({ username: 'root', email: 'root@example.org', passwordHash: 'x', role: 'admin', now: new Date() });
    await withAdmin.close();
    const checks = await runDoctor({ db: file }, env);
    assert.deepEqual(checks.map((c) => [c.name, c.level]), [
      ['config', 'ok'], ['secret', 'ok'], ['database', 'ok'], ['schema', 'ok'], ['search index', 'ok'], ['server', 'ok'], ['vector index', 'ok'], ['paper notes', 'ok'], ['accounts', 'ok'], ['disk', checks[9].level], ['smtp', 'ok'],
    ]);
    assert.notEqual(checks[9].level, 'fail');
    assert.match(formatChecks(checks), /^✓ paper notes\s+3 papers noted, keywords scored on a corpus of 3, current with the database$/m);
    assert.match(formatChecks(checks), /^✓ accounts\s+1 user, 1 admin, 0 moderators$/m);
    assert.match(formatChecks(checks), /^✓ vector index\s+3 papers, model lsa-128d-v1-\w+ \(128 dimensions, trained on 3 papers\), current with the database/m);
    const text = formatChecks(checks);
    assert.match(text, /^✓ database\s+.*WAL/m);
    assert.match(text, /^✓ search index\s+3 papers in 1 segment, current with the database/m);
    assert.match(text, /smtp:\/\/mailer:\*\*\*@mail\.example\.org:587 \(not contacted\)/);
    assert.doesNotMatch(text, /p4ssw0rd|hunter2/);
  } finally {
    cleanup();
  }
});

test('doctor: defaults warn (missing database, default secret, no SMTP) without failing', async () => {
  const { file, cleanup } = tempDbPath();
  try {
    const checks = await runDoctor({ db: file }, {});
    assert.equal(level(checks, 'database'), 'warn');
    assert.equal(level(checks, 'secret'), 'warn');
    assert.equal(level(checks, 'smtp'), 'warn');
    assert.ok(!checks.some((c) => c.level === 'fail'));
    assert.equal(level(checks, 'schema'), undefined, 'nothing was created to check');
  } finally {
    cleanup();
  }
});

test('doctor: a search index behind the papers warns; one that does not match the database fails and exits 1', async () => {
  const { file, cleanup } = tempDbPath();
  try {
    await (await seeded(file)).close();
    await buildIndex(file);
    const store = new SqliteStore(file);
    await store.upsertRecords([record(paper('2405.00004'))]);
    const behind = await runDoctor({ db: file }, {});
    assert.equal(level(behind, 'search index'), 'warn');
    assert.match(behind.find((c) => c.name === 'search index')!.message, /3 papers in 1 segment, 1 changes behind the database/);
    // An index from another database (its cursor is past this database's change log) must be rebuilt.
    store.db.exec('DELETE FROM paper_changes');
    await store.close();
    const checks = await runDoctor({ db: file }, {});
    assert.equal(level(checks, 'search index'), 'fail');
    assert.match(checks.find((c) => c.name === 'search index')!.message, /belongs to another database; rebuild it with paperboy index/);
    const { out, exitCode } = await runCommand(registerDoctor, ['doctor', '--db', file]);
    assert.equal(exitCode, 1);
    assert.match(out, /^✗ search index/m);
    // The vector index follows the same change log, so it is found to belong elsewhere too.
    assert.match(out, /^✗ vector index .*belongs to another database; rebuild it with paperboy index --vectors/m);
    assert.match(out, /2 checks failed/);
  } finally {
    cleanup();
  }
});

test('doctor: with PAPERBOY_SEARCH=fts5, an FTS5 table out of step with the papers fails', async () => {
  const { file, cleanup } = tempDbPath();
  try {
    const store = await seeded(file, { fts5: true });
    store.db.prepare('DELETE FROM papers_fts WHERE rowid = (SELECT MIN(pk) FROM papers)').run();
    await store.close();
    const checks = await runDoctor({ db: file }, { PAPERBOY_SEARCH: 'fts5' });
    assert.equal(level(checks, 'fts5 index'), 'fail');
    assert.match(checks.find((c) => c.name === 'fts5 index')!.message, /2 rows for 3 papers: rebuild it with paperboy index/);
    assert.equal(level(checks, 'search index'), undefined, 'the block-max index is not in use');
  } finally {
    cleanup();
  }
});

test('doctor: a schema newer than the code fails; an invalid config fails', async () => {
  const { file, cleanup } = tempDbPath();
  try {
    const store = await seeded(file);
    store.db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', '2030-01-01')").run();
    await store.close();
    const checks = await runDoctor({ db: file }, {});
    assert.equal(level(checks, 'schema'), 'fail');
    assert.match(checks.find((c) => c.name === 'schema')!.message, /version 999 is newer.*upgrade paperboy/);

    const bad = await runDoctor({ db: file }, { PORT: 'eighty' });
    assert.deepEqual(bad.map((c) => c.level), ['fail']);
    assert.match(bad[0].message, /PORT must be a port number/);
  } finally {
    cleanup();
  }
});

test('doctor: a file that is not a paperboy database fails with a hint', async () => {
  const { file, cleanup } = tempDbPath();
  try {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, 'not a database at all, just text that is long enough to not be an empty file');
    const checks = await runDoctor({ db: file }, {});
    assert.ok(checks.some((c) => c.name === 'database' && c.level === 'fail' && /paperboy SQLite database/.test(c.message)));
  } finally {
    cleanup();
  }
});
