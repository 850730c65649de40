/**
 * The demo corpus: loaded into an empty store on recent weekdays with
 * believable upvotes ranked by the listing, recorded as demo data, taken out
 * by `removeDemo` (and never loaded again by itself afterwards), and a demo
 * loaded by an older paperboy (the listing's own 2026 dates) recognised.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { DEMO_DAYS, demoCorpusPath, demoRecords, importDemoIfEmpty, recentWeekdays } from '../../src/ingest/demo.js';
import { demoStatus, removeDemo } from '../../src/ingest/demo-state.js';
import { parseSeedListing } from '../../src/ingest/seed-listing.js';
import { importItems } from '../../src/ingest/importer.js';
import { tempDbPath } from '../helpers/temp-db.js';
import { paper, record } from '../helpers/papers.js';
import { fixtureText } from '../helpers/fixture-server.js';

/** A Wednesday afternoon. */
const NOW = new Date('2025-06-04T15:00:00Z');

function shippedListing() {
  return parseSeedListing(readFileSync(demoCorpusPath(), 'utf8')).flatMap((it) => (it.ok ? [it.record] : []));
}

async function withStore(fn: (store: SqliteStore) => Promise<void>) {
  const { file, cleanup } = tempDbPath();
  const store = new SqliteStore(file);
  try {
    await fn(store);
  } finally {
    await store.close();
    cleanup();
  }
}

test('demo: recentWeekdays skips weekends, newest first', () => {
  assert.deepEqual(recentWeekdays('2025-06-04', 5), ['2025-06-04', '2025-06-03', '2025-06-02', '2025-05-30', '2025-05-29']);
  // A Sunday starts from the Friday before.
  assert.deepEqual(recentWeekdays('2025-06-08', 2), ['2025-06-06', '2025-06-05']);
});

test('demo: the listing is spread over the last weekdays, biggest list today, ranked by the listed upvotes', () => {
  const listing = shippedListing();
  const recs = demoRecords(listing, NOW);
  assert.equal(recs.length, listing.length);
  const days = recentWeekdays('2025-06-04', DEMO_DAYS);
  const byDay = new Map<string, typeof recs>();
  for (const r of recs) {
    assert.ok(r.daily && days.includes(r.daily.day), `${r.daily?.day} is one of the demo days`);
    byDay.set(r.daily!.day, [...(byDay.get(r.daily!.day) ?? []), r]);
  }
  assert.equal(byDay.size, DEMO_DAYS, 'every demo day has papers');
  const sizes = days.map((d) => byDay.get(d)!.length);
  assert.equal(Math.max(...sizes), sizes[0], 'today holds the longest list');
  assert.ok(sizes[0] >= 10, `today's list is full (${sizes[0]} papers)`);
  for (const [day, list] of byDay) {
    const ups = list.map((r) => r.daily!.upvotes);
    assert.ok(ups.every((u, i) => i === 0 || u <= ups[i - 1]), `${day}: upvotes fall down the list`);
    assert.ok(ups[0] >= 20, `${day}: the top paper has a believable count (${ups[0]})`);
    assert.ok(ups.every((u) => u >= 1), `${day}: no paper has zero upvotes`);
    for (const r of list) assert.ok(Date.parse(r.daily!.submittedAt!) <= NOW.getTime(), 'never submitted after the clock');
  }
  // The listing's upvoted papers lead their day.
  const listedTop = listing.filter((r) => (r.daily?.upvotes ?? 0) > 0).map((r) => r.paper.id);
  assert.ok(listedTop.length > 0);
  for (const id of listedTop) {
    const rec = recs.find((r) => r.paper.id === id)!;
    assert.equal(byDay.get(rec.daily!.day)![0].paper.id, id, 'a paper the listing upvoted is first on its day');
  }
  // Titles, abstracts, author counts and publication dates are the listing's.
  const orig = new Map(listing.map((r) => [r.paper.id, r.paper]));
  for (const r of recs) assert.deepEqual(r.paper, orig.get(r.paper.id));
  // The same clock gives the same demo.
  assert.deepEqual(demoRecords(listing, NOW), recs);
});

test('demo: loads into an empty store and is recorded as demo data; not again once loaded', async () => {
  await withStore(async (store) => {
    assert.ok(existsSync(demoCorpusPath()));
    const expected = shippedListing().length;
    assert.equal(await importDemoIfEmpty(store, { now: NOW }), expected);
    assert.equal(await store.countPapers(), expected);
    assert.equal(await store.latestDay(), '2025-06-04');
    assert.deepEqual(await demoStatus(store), { loaded: true, papers: expected });
    assert.equal(await importDemoIfEmpty(store, { now: NOW }), null);
    assert.equal(await store.countPapers(), expected);
  });
});

test('demo: a store that already holds papers is left alone', async () => {
  await withStore(async (store) => {
    await store.upsertRecords([record(paper('2401.00001'))]);
    assert.equal(await importDemoIfEmpty(store, { now: NOW }), null);
    assert.equal(await store.countPapers(), 1);
    assert.deepEqual(await demoStatus(store), { loaded: false, papers: 0 });
  });
});

test('demo: removeDemo takes out its papers, entries and organizations; a removed demo is not loaded again', async () => {
  await withStore(async (store) => {
    const n = await importDemoIfEmpty(store, { now: NOW });
    assert.ok(n);
    assert.ok(await store.getOrganization('ucdavis'), 'the listing names one organization');
    assert.equal(await removeDemo(store), n);
    assert.equal(await store.countPapers(), 0);
    assert.equal(await store.latestDay(), null, 'no daily entries are left');
    assert.equal(await store.getOrganization('ucdavis'), null);
    assert.equal(store.fts5Rows(), 0, 'no FTS5 rows are left');
    assert.deepEqual(await demoStatus(store), { loaded: false, papers: 0 });
    // Empty again, but the demo was removed on purpose: serve does not bring it back.
    assert.equal(await importDemoIfEmpty(store, { now: NOW }), null);
    assert.equal(await removeDemo(store), 0);
    // `paperboy demo --load` does.
    assert.equal(await importDemoIfEmpty(store, { now: NOW, force: true }), n);
  });
});

test('demo: the first real import takes the demo out before writing', async () => {
  await withStore(async (store) => {
    await importDemoIfEmpty(store, { now: NOW });
    let told = 0;
    const s = await importItems(store, [{ ok: true, at: 'entry 1', record: record(paper('2506.00001'), {
      day: '2025-06-02', submittedAt: null, submittedBy: null, upvotes: 3, numComments: 0,
    }) }], { onDemoRemoved: (k) => { told = k; } });
    assert.equal(s.added, 1);
    assert.equal(told, 45);
    assert.equal(await store.countPapers(), 1);
    assert.equal(await store.latestDay(), '2025-06-02');
    assert.deepEqual(await demoStatus(store), { loaded: false, papers: 0 });
  });
});

test('demo: a demo loaded by an older paperboy (listing dates, no demo record) is replaced at start and removed by a real import', async () => {
  await withStore(async (store) => {
    // What older versions did: the plain seed listing into the empty store.
    await store.upsertRecords(shippedListing());
    assert.equal(await store.latestDay(), '2026-03-08');
    assert.equal(await importDemoIfEmpty(store, { now: NOW }), 45, 'replaced by the recent-days demo');
    assert.equal(await store.latestDay(), '2025-06-04');
    assert.equal(await store.countPapers(), 45);
  });
  await withStore(async (store) => {
    await store.upsertRecords(shippedListing());
    const s = await importItems(store, parseSeedListing(fixtureText('ingest/seed-listing.json')).slice(0, 1));
    assert.equal(s.added, 1);
    assert.equal(await store.countPapers(), 1, 'the old demo went, the imported paper stayed');
  });
});
