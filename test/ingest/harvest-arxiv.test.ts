/**
 * The arXiv OAI-PMH harvest against a local server serving fixture pages in
 * the real arXiv format (test/fixtures/harvest/): the requests made, the
 * spacing the server saw, what lands in the store, Retry-After, noRecordsMatch,
 * badResumptionToken, and resuming after a crash on page 2.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { PoliteHttpClient } from '../../src/ingest/http-fetch.js';
import { parseOaiPage } from '../../src/ingest/arxiv-oai.js';
import { importItems } from '../../src/ingest/importer.js';
import {
  harvestArxiv, HarvestError, inCategory, oaiSetFor, readHarvestState, stateKey, type HarvestResult,
} from '../../src/ingest/harvest-arxiv.js';
import { registerHarvest } from '../../src/cli/harvest.js';
import { startFixtureServer, type FixtureServer, type Reply, type RecordedRequest } from '../helpers/fixture-server.js';
import { tempDbPath } from '../helpers/temp-db.js';
import { runCommand } from '../helpers/run-command.js';

const DELAY = 30;
const NOW = new Date('2024-05-28T12:00:00Z');
const TOKEN_2 = '6960524|1001';
const TOKEN_3 = '6960524|2001';

/** The arXiv OAI server as the fixtures describe it: three pages chained by tokens. */
function oaiPages(req: RecordedRequest): Reply {
  const token = req.query.get('resumptionToken');
  if (token === null) return { file: 'harvest/cs-page-1.xml' };
  if (token === TOKEN_2) return { file: 'harvest/cs-page-2.xml' };
  if (token === TOKEN_3) return { file: 'harvest/cs-page-3.xml' };
  return { file: 'harvest/bad-resumption-token.xml' };
}

function harvest(store: SqliteStore, srv: FixtureServer, opts: { from?: string; restart?: boolean } = {}, log: string[] = []): Promise<HarvestResult> {
  const client = new PoliteHttpClient({ minDelayMs: DELAY, baseBackoffMs: 5, maxAttempts: 2 });
  return harvestArxiv(store, { category: 'cs.LG', from: opts.from ?? null, baseUrl: `${srv.url}/oai2`, restart: opts.restart }, {
    fetchText: async (url) => (await client.getText(url)).body,
    parsePage: parseOaiPage,
    importItems: (s, items, o) => importItems(s, items, o),
    log: (l) => log.push(l),
    now: () => NOW,
  });
}

async function ids(store: SqliteStore): Promise<string[]> {
  const rows = store.db.prepare('SELECT id FROM papers ORDER BY id').all() as { id: string }[];
  return rows.map((r) => r.id);
}

const CS_LG = ['2405.10001', '2405.10003', '2405.10005', '2405.10006'];

test('oaiSetFor maps categories to arXiv OAI sets; inCategory matches categories and archives', () => {
  assert.equal(oaiSetFor('cs.LG'), 'cs');
  assert.equal(oaiSetFor('math.AG'), 'math');
  assert.equal(oaiSetFor('stat.ML'), 'stat');
  assert.equal(oaiSetFor('hep-th'), 'physics:hep-th');
  assert.equal(oaiSetFor('cond-mat.mtrl-sci'), 'physics:cond-mat');
  assert.equal(oaiSetFor('physics.optics'), 'physics:physics');
  assert.throws(() => oaiSetFor('biology.XY'), /unknown arXiv category "biology.XY": use a category such as cs.LG/);
  assert.ok(inCategory(['math.OC', 'cs.LG'], 'cs.LG'));
  assert.ok(!inCategory(['cs.LGX'], 'cs.LG'));
  assert.ok(inCategory(['hep-th.foo', 'x'], 'hep-th') && inCategory(['hep-th'], 'hep-th') && !inCategory(['hep-ph'], 'hep-th'));
});

test('harvests every page, keeps only the category, spaces the calls, records the day reached', async () => {
  const { file, cleanup } = tempDbPath();
  const srv = await startFixtureServer(oaiPages);
  const store = new SqliteStore(file);
  try {
    const log: string[] = [];
    const r = await harvest(store, srv, { from: '2024-05-20' }, log);
    const q = srv.requests.map((x) => Object.fromEntries(x.query));
    assert.deepEqual(srv.requests.map((x) => x.path), ['/oai2', '/oai2', '/oai2']);
    assert.deepEqual(q[0], { verb: 'ListRecords', metadataPrefix: 'arXiv', set: 'cs', from: '2024-05-20' });
    assert.deepEqual(q[1], { verb: 'ListRecords', resumptionToken: TOKEN_2 }, 'resumptionToken is an exclusive argument');
    assert.deepEqual(q[2], { verb: 'ListRecords', resumptionToken: TOKEN_3 });
    for (let i = 1; i < srv.requests.length; i++) assert.ok(srv.requests[i].at - srv.requests[i - 1].at >= DELAY);
    assert.match(String(srv.requests[0].headers['user-agent']), /paperboy/);

    assert.deepEqual(await ids(store), CS_LG, 'cs.CV, cs.AI and cs.RO papers of the set are left out');
    const p = (await store.getPaper('2405.10006'))!.paper;
    assert.deepEqual(p.categories, ['math.OC', 'cs.LG']);
    assert.equal(p.title, 'Convergence of Adaptive Gradient Methods under Heavy Tails');
    assert.deepEqual([r.pages, r.seen, r.kept, r.added, r.completeListSize, r.resumed], [3, 7, 4, 4, 7, false]);
    assert.match(log[0], /page 1: 3 of 7 records listed in set cs, 2 in cs\.LG \(added 2/);
    assert.match(log[2], /page 3: 7 of 7 records/);
    const state = await readHarvestState(store, 'cs.LG');
    assert.deepEqual([state.lastUntil, state.run], ['2024-05-28', null]);
  } finally {
    await store.close();
    await srv.close();
    cleanup();
  }
});

test('the next run starts from the day the last one reached; harvesting again changes nothing', async () => {
  const { file, cleanup } = tempDbPath();
  const srv = await startFixtureServer(oaiPages);
  const store = new SqliteStore(file);
  try {
    await harvest(store, srv, { from: '2024-05-20' });
    const log: string[] = [];
    const again = await harvest(store, srv, {}, log);
    assert.equal(srv.requests[3].query.get('from'), '2024-05-28');
    assert.match(log[0], /from 2024-05-28: the day the last harvest of cs\.LG reached/);
    assert.deepEqual([again.added, again.updated, again.unchanged], [0, 0, 4]);
    assert.equal(await store.countPapers(), 4);
  } finally {
    await store.close();
    await srv.close();
    cleanup();
  }
});

test('a first run without --from takes the last 7 days', async () => {
  const { file, cleanup } = tempDbPath();
  const srv = await startFixtureServer([{ file: 'harvest/no-records-match.xml' }]);
  const store = new SqliteStore(file);
  try {
    await harvest(store, srv);
    assert.equal(srv.requests[0].query.get('from'), '2024-05-21');
  } finally {
    await store.close();
    await srv.close();
    cleanup();
  }
});

test('waits out a 503 with Retry-After before asking again', async () => {
  const { file, cleanup } = tempDbPath();
  const srv = await startFixtureServer((req, i) =>
    i === 1 ? { status: 503, headers: { 'retry-after': '1' }, body: 'Retry after 1 second' } : oaiPages(req));
  const store = new SqliteStore(file);
  try {
    const r = await harvest(store, srv, { from: '2024-05-20' });
    assert.equal(srv.requests.length, 4);
    assert.equal(srv.requests[2].query.get('resumptionToken'), TOKEN_2, 'the same page is asked again');
    assert.ok(srv.requests[2].at - srv.requests[1].at >= 1000, 'Retry-After: 1 s honoured');
    assert.equal(r.added, 4);
  } finally {
    await store.close();
    await srv.close();
    cleanup();
  }
});

test('noRecordsMatch is an empty harvest, not an error', async () => {
  const { file, cleanup } = tempDbPath();
  const srv = await startFixtureServer([{ file: 'harvest/no-records-match.xml' }]);
  const store = new SqliteStore(file);
  try {
    const r = await harvest(store, srv, { from: '2024-05-28' });
    assert.deepEqual([r.pages, r.seen, r.added], [1, 0, 0]);
    assert.equal(srv.requests.length, 1);
    assert.equal((await readHarvestState(store, 'cs.LG')).lastUntil, '2024-05-28');
  } finally {
    await store.close();
    await srv.close();
    cleanup();
  }
});

test('a crash on page 2 keeps page 1 and its token; the re-run continues from page 2', async () => {
  const { file, cleanup } = tempDbPath();
  const broken = await startFixtureServer((req) => (req.query.get('resumptionToken') === TOKEN_2 ? { status: 500, body: 'down' } : oaiPages(req)));
  const store = new SqliteStore(file);
  try {
    await assert.rejects(harvest(store, broken, { from: '2024-05-20' }), (e: unknown) =>
      e instanceof HarvestError && /gave up after 2 attempts.*progress so far is saved \(1 pages\), run the same command again/.test(e.message));
    assert.deepEqual(await ids(store), ['2405.10001', '2405.10003'], 'page 1 was committed');
    const saved = await readHarvestState(store, 'cs.LG');
    assert.equal(saved.run?.token, TOKEN_2);
    assert.equal(saved.run?.from, '2024-05-20');
    await broken.close();

    const healthy = await startFixtureServer(oaiPages);
    try {
      const log: string[] = [];
      const r = await harvest(store, healthy, {}, log);
      assert.deepEqual(Object.fromEntries(healthy.requests[0].query), { verb: 'ListRecords', resumptionToken: TOKEN_2 });
      assert.equal(healthy.requests.length, 2, 'page 1 is not fetched again');
      assert.match(log[0], /resuming the unfinished harvest of cs\.LG/);
      assert.deepEqual([r.resumed, r.pages, r.seen, r.added], [true, 3, 7, 4]);
      assert.deepEqual(await ids(store), CS_LG);
      assert.equal((await readHarvestState(store, 'cs.LG')).run, null);
    } finally {
      await healthy.close();
    }
  } finally {
    await store.close();
    cleanup();
  }
});

test('an expired saved token (badResumptionToken) lists again from the saved date', async () => {
  const { file, cleanup } = tempDbPath();
  const srv = await startFixtureServer(oaiPages);
  const store = new SqliteStore(file);
  try {
    await store.setState(stateKey('cs.LG'), JSON.stringify({
      lastUntil: null, lastFinishedAt: null,
      run: { from: '2024-05-20', until: null, token: 'expired|1', pages: 1, seen: 3, kept: 2, added: 2, updated: 0, unchanged: 0, rejected: 0, completeListSize: 7, startedAt: '2024-05-28T08:00:00.000Z' },
    }));
    const log: string[] = [];
    const r = await harvest(store, srv, {}, log);
    assert.equal(srv.requests[0].query.get('resumptionToken'), 'expired|1');
    assert.deepEqual(Object.fromEntries(srv.requests[1].query), { verb: 'ListRecords', metadataPrefix: 'arXiv', set: 'cs', from: '2024-05-20' });
    assert.ok(log.some((l) => /no longer accepts the saved resumption token/.test(l)));
    assert.deepEqual(await ids(store), CS_LG);
    assert.equal(r.resumed, true);
  } finally {
    await store.close();
    await srv.close();
    cleanup();
  }
});

test('a resumption token refused twice ends with a clear error', async () => {
  const { file, cleanup } = tempDbPath();
  const srv = await startFixtureServer((req) => (req.query.get('resumptionToken') ? { file: 'harvest/bad-resumption-token.xml' } : oaiPages(req)));
  const store = new SqliteStore(file);
  try {
    await assert.rejects(harvest(store, srv, { from: '2024-05-20' }), (e: unknown) =>
      e instanceof HarvestError && /answered badResumptionToken/.test(e.message));
    assert.equal(srv.requests.length, 4, 'page 1, bad token, page 1 again, bad token');
  } finally {
    await store.close();
    await srv.close();
    cleanup();
  }
});

test('an OAI error document served with HTTP 400 is reported with its code, without retrying', async () => {
  const { file, cleanup } = tempDbPath();
  const srv = await startFixtureServer(() => ({ status: 400, file: 'harvest/bad-argument.xml' }));
  const store = new SqliteStore(file);
  try {
    await assert.rejects(harvest(store, srv, { from: '2024-05-20' }), (e: unknown) =>
      e instanceof HarvestError && /answered badArgument: .*Illegal date granularity/.test(e.message));
    assert.equal(srv.requests.length, 1);
  } finally {
    await store.close();
    await srv.close();
    cleanup();
  }
});

test('bad dates and categories are refused before any request', async () => {
  const { file, cleanup } = tempDbPath();
  const srv = await startFixtureServer(oaiPages);
  const store = new SqliteStore(file);
  try {
    await assert.rejects(harvest(store, srv, { from: '2024-02-30' }), /--from must be a date YYYY-MM-DD, got "2024-02-30"/);
    await assert.rejects(harvestArxiv(store, { category: 'nope', baseUrl: srv.url }, {
      fetchText: async () => '', parsePage: parseOaiPage, importItems,
    }), /unknown arXiv category/);
    assert.equal(srv.requests.length, 0);
  } finally {
    await store.close();
    await srv.close();
    cleanup();
  }
});

test('paperboy harvest arxiv: flags, progress lines and the summary', async () => {
  const { file, cleanup } = tempDbPath();
  const srv = await startFixtureServer(oaiPages);
  try {
    const { out } = await runCommand(registerHarvest, ['harvest', 'arxiv', '--category', 'cs.LG', '--from', '2024-05-20',
      '--db', file, '--delay-ms', '5', '--oai-url', `${srv.url}/oai2`]);
    assert.equal(srv.requests.length, 3);
    assert.match(out, /^harvest arxiv cs\.LG: page 1: 3 of 7 records/m);
    assert.match(out, /done: 3 pages, 7 records listed, 4 in cs\.LG: added 4, updated 0, unchanged 0, rejected 0/);
    const store = new SqliteStore(file);
    assert.equal(await store.countPapers(), 4);
    await store.close();
  } finally {
    await srv.close();
    cleanup();
  }
});
