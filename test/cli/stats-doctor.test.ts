/**
 * `paperboy stats` and `paperboy doctor` on real SQLite files: the figures and
 * tables printed, each doctor check passing and failing, the exit code, and
 * that no secret is ever printed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { formatStats, registerStats } from '../../src/cli/stats.js';
import { formatChecks, registerDoctor, runDoctor, type Check } from '../../src/cli/doctor.js';
import { paper, record } from '../helpers/papers.js';
import { tempDbPath } from '../helpers/temp-db.js';
import { runCommand } from '../helpers/run-command.js';

async function seeded(file: string): Promise<SqliteStore> {
  const store = new SqliteStore(file);
  await store.upsertRecords([
    record(paper('2405.00001', { categories: ['cs.LG', 'stat.ML'], primaryCategory: 'cs.LG' }), { day: '2024-05-27', submittedAt: null, submittedBy: null, upvotes: 3, numComments: 0 }),
    record(paper('2405.00002', { categories: ['cs.LG'], primaryCategory: 'cs.LG' }, 'hf-daily'), { day: '2024-05-28', submittedAt: null, submittedBy: null, upvotes: 1, numComments: 0 },
      { name: 'acme', fullname: 'Acme Research', avatarUrl: null }),
    record(paper('2405.00003', { categories: ['cs.CV'], primaryCategory: 'cs.CV' }, 'snapshot'), { day: '2024-05-28', submittedAt: null, submittedBy: null, upvotes: 0, numComments: 0 }),
  ]);
  return store;
}



const level = (checks: Check[], name: string) => checks.find((c) => c.name === name)?.level;

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
    const checks = await runDoctor({ db: file }, env);
    assert.deepEqual(checks.map((c) => [c.name, c.level]), [
      ['config', 'ok'], ['secret', 'ok'], ['database', 'ok'], ['schema', 'ok'], ['lexical index', 'ok'], ['disk', checks[5].level], ['smtp', 'ok'],
    ]);
    assert.notEqual(checks[5].level, 'fail');
    const text = formatChecks(checks);
    assert.match(text, /^✓ database\s+.*WAL/m);
    assert.match(text, /^✓ lexical index\s+3 rows for 3 papers/m);
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

test('doctor: a lexical index out of step with the papers fails, and the command exits 1', async () => {
  const { file, cleanup } = tempDbPath();
  try {
    const store = await seeded(file);
    store.db.prepare('DELETE FROM papers_fts WHERE rowid = (SELECT MIN(pk) FROM papers)').run();
    await store.close();
    const checks = await runDoctor({ db: file }, {});
    assert.equal(level(checks, 'lexical index'), 'fail');
    assert.match(checks.find((c) => c.name === 'lexical index')!.message, /2 rows for 3 papers: rebuild/);
    const { out, exitCode } = await runCommand(registerDoctor, ['doctor', '--db', file]);
    assert.equal(exitCode, 1);
    assert.match(out, /^✗ lexical index/m);
    assert.match(out, /1 check failed/);
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
