import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { tempDbPath } from '../helpers/temp-db.js';
import { paper, record } from '../helpers/papers.js';

function withStore(fn: (s: SqliteStore, file: string) => Promise<void>) {
  return async () => {
    const { file, cleanup } = tempDbPath();
    const s = new SqliteStore(file);
    try {
      await fn(s, file);
    } finally {
      await s.close();
      cleanup();
    }
  };
}

test('opens a real file in WAL mode with foreign keys and the latest schema', withStore(async (s) => {
  assert.equal(s.db.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(s.db.pragma('foreign_keys', { simple: true }), 1);
  const v = await s.schemaVersion();
  assert.equal(v.current, v.latest);
}));

test('re-importing the same record is unchanged; a newer version replaces versioned fields', withStore(async (s) => {
  const v1 = paper('2401.00001', { version: 1, title: 'Old title', abstract: 'old words', categories: ['cs.LG'] });
  assert.deepEqual(await s.upsertRecords([record(v1)]), ['added']);
  assert.deepEqual(await s.upsertRecords([record(v1)]), ['unchanged']);
  const v2 = paper('2401.00001', { version: 2, title: 'New title', abstract: 'new words', categories: ['cs.CL'] });
  assert.deepEqual(await s.upsertRecords([record(v2)]), ['updated']);
  const got = (await s.getPaper('2401.00001'))!.paper;
  assert.equal(got.title, 'New title');
  assert.deepEqual(got.categories, ['cs.CL']);
  // An older version arriving later does not roll the paper back.
  assert.deepEqual(await s.upsertRecords([record(v1)]), ['unchanged']);
  assert.equal((await s.getPaper('2401.00001'))!.paper.title, 'New title');
  // The lexical index follows the text.
  const hits = s.db.prepare("SELECT rowid FROM papers_fts WHERE papers_fts MATCH 'new'").all();
  assert.equal(hits.length, 1);
  assert.equal(s.db.prepare("SELECT rowid FROM papers_fts WHERE papers_fts MATCH 'old'").all().length, 0);
}));

test('a merged record keeps the richer fields of each source', withStore(async (s) => {
  const fromHf = paper('2402.00002', { title: 'T', authors: [{ name: 'A B', affiliations: [] }], authorCount: 1, githubRepo: 'https://github.com/x/y' }, 'hf-daily');
  const fromArxiv = paper('2402.00002', { title: 'T', version: 1, doi: '10.1/x', authors: [{ name: 'A B', affiliations: ['MIT'] }], authorCount: 1 }, 'arxiv-atom');
  await s.upsertRecords([record(fromHf)]);
  await s.upsertRecords([record(fromArxiv)]);
  const got = (await s.getPaper('2402.00002'))!.paper;
  assert.equal(got.doi, '10.1/x');
  assert.equal(got.githubRepo, 'https://github.com/x/y');
  assert.deepEqual(got.authors[0].affiliations, ['MIT']);
  assert.deepEqual(got.sources.sort(), ['arxiv-atom', 'hf-daily']);
}));

test('a local paper becomes the arXiv paper of the same title, daily entries follow', withStore(async (s) => {
  const local = paper('local-abc', { title: 'Grokking: A Study', authorCount: 5 }, 'seed');
  await s.upsertRecords([record(local, { day: '2026-03-08', submittedAt: null, submittedBy: null, upvotes: 7, numComments: 0 })]);
  const arx = paper('2603.01234', { title: 'Grokking - a study', version: 1, authors: [{ name: 'X', affiliations: [] }], authorCount: 1 });
  assert.deepEqual(await s.upsertRecords([record(arx)]), ['updated']);
  assert.equal(await s.getPaper('local-abc'), null);
  const got = (await s.getPaper('2603.01234'))!;
  assert.equal(got.daily[0].upvotes, 7);
  assert.equal(await s.countPapers(), 1);
}));

test('a failing batch writes nothing', withStore(async (s) => {
  const good = paper('2403.00003');
  const bad = paper('2403.00004');
  (bad as unknown as { title: null }).title = null; // violates NOT NULL
  await assert.rejects(s.upsertRecords([record(good), record(bad)]));
  assert.equal(await s.countPapers(), 0);
}));

test('daily lists: ordering by upvotes, latest and adjacent days, submitter filter', withStore(async (s) => {
  const entry = (day: string, upvotes: number, user: string | null = null) =>
    ({ day, submittedAt: `${day}T08:00:00.000Z`, submittedBy: user ? { user, fullname: null, avatarUrl: null } : null, upvotes, numComments: 0 });
  await s.upsertRecords([
    record(paper('2404.00001'), entry('2024-04-01', 3, 'ak')),
    record(paper('2404.00002'), entry('2024-04-01', 9)),
    record(paper('2404.00003'), entry('2024-04-03', 1, 'ak')),
  ]);
  assert.equal(await s.latestDay(), '2024-04-03');
  assert.equal(await s.adjacentDay('2024-04-03', -1), '2024-04-01');
  assert.equal(await s.adjacentDay('2024-04-03', 1), null);
  const day = await s.listDaily({ from: '2024-04-01', to: '2024-04-01', sort: 'upvotes', limit: 10, offset: 0 });
  assert.deepEqual(day.items.map((i) => i.paper.id), ['2404.00002', '2404.00001']);
  assert.equal(day.total, 2);
  const byAk = await s.listDaily({ from: '2024-04-01', to: '2024-04-30', sort: 'publishedAt', limit: 10, offset: 0, submitter: 'ak' });
  assert.deepEqual(byAk.items.map((i) => i.paper.id), ['2404.00003', '2404.00001']);
  const st = await s.stats();
  assert.equal(st.papers, 3);
  assert.deepEqual(st.byDay, [{ day: '2024-04-03', count: 1 }, { day: '2024-04-01', count: 2 }]);
}));

test('job state survives reopening the file', async () => {
  const { file, cleanup } = tempDbPath();
  try {
    const a = new SqliteStore(file);
    await a.setState('harvest:cs.LG', 'token-1');
    await a.close();
    const b = new SqliteStore(file);
    assert.equal(await b.getState('harvest:cs.LG'), 'token-1');
    assert.equal(await b.getState('missing'), null);
    await b.close();
  } finally {
    cleanup();
  }
});
