import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { MAX_TRANSACTION_CHARS, MAX_TRANSACTION_RECORDS, importItems } from '../../src/ingest/importer.js';
import { readSnapshotJsonl } from '../../src/ingest/snapshot-jsonl.js';
import { parseHfDaily } from '../../src/ingest/hf-daily.js';
import { parseSeedListing } from '../../src/ingest/seed-listing.js';
import type { ParsedItem } from '../../src/ingest/parsed-item.js';
import { FIXTURES_DIR, fixtureText } from '../helpers/fixture-server.js';
import { tempDbPath } from '../helpers/temp-db.js';
import { paper, record } from '../helpers/papers.js';

function snapshot(name: string) {
  return readSnapshotJsonl(createReadStream(join(FIXTURES_DIR, 'ingest', name)));
}

async function withStore(fn: (store: SqliteStore) => Promise<void>): Promise<void> {
  const { file, cleanup } = tempDbPath();
  const store = new SqliteStore(file, { fts5: true });
  try {
    await fn(store);
  } finally {
    await store.close();
    cleanup();
  }
}

test('importer: counts added and rejected, keeps the rejects with where and why, and the index follows the papers', async () => {
  await withStore(async (store) => {
    const seen: string[] = [];
    const s = await importItems(store, snapshot('snapshot.jsonl'), { onReject: (at) => seen.push(at) });
    assert.deepEqual({ ...s, rejects: s.rejects.map((r) => r.at) }, { added: 3, updated: 0, unchanged: 0, rejected: 2, rejects: ['line 4', 'line 5'] });
    assert.match(s.rejects[1].reason, /missing "id"/);
    assert.deepEqual(seen, ['line 4', 'line 5']);
    assert.equal(await store.countPapers(), 3);
    assert.deepEqual({ papers: await store.countPapers(), indexed: store.fts5Rows() }, { papers: 3, indexed: 3 });
  });
});

test('importer: importing the same file again is a no-op (all unchanged)', async () => {
  await withStore(async (store) => {
    await importItems(store, snapshot('snapshot.jsonl'));
    await importItems(store, parseHfDaily(fixtureText('ingest/hf-daily-2025.json')));
    const before = await store.getPaper('2406.00001');
    const again = await importItems(store, snapshot('snapshot.jsonl'));
    assert.deepEqual({ added: again.added, updated: again.updated, unchanged: again.unchanged }, { added: 0, updated: 0, unchanged: 3 });
    const daily = await importItems(store, parseHfDaily(fixtureText('ingest/hf-daily-2025.json')));
    assert.deepEqual({ added: daily.added, updated: daily.updated, unchanged: daily.unchanged }, { added: 0, updated: 0, unchanged: 1 });
    assert.deepEqual(await store.getPaper('2406.00001'), before);
  });
});

test('importer: a newer arXiv version replaces an older one, an older one never replaces a newer one', async () => {
  await withStore(async (store) => {
    await importItems(store, snapshot('snapshot-v1.jsonl'));
    assert.equal((await store.getPaper('2406.00001'))?.paper.title, 'Calibrated Uncertainty (draft)');
    const v2 = await importItems(store, snapshot('snapshot.jsonl'));
    assert.equal(v2.updated, 1);
    let p = (await store.getPaper('2406.00001'))!.paper;
    assert.equal(p.version, 2);
    assert.equal(p.title, 'Calibrated Uncertainty for Small Language Models');
    await importItems(store, snapshot('snapshot-v3.jsonl'));
    p = (await store.getPaper('2406.00001'))!.paper;
    assert.equal(p.version, 3);
    assert.equal(p.title, 'Calibrated Uncertainty for Small Language Models (Extended)');
    assert.equal(p.authorCount, 4);
    assert.deepEqual(p.versions.map((v) => v.version), [1, 2, 3]);
    const old = await importItems(store, snapshot('snapshot-v1.jsonl'));
    assert.equal(old.unchanged, 1);
    assert.equal((await store.getPaper('2406.00001'))?.paper.title, 'Calibrated Uncertainty for Small Language Models (Extended)');
  });
});

test('importer: writes in batches of batchSize (one upsertRecords call each) and reports progress after each', async () => {
  await withStore(async (store) => {
    const calls: number[] = [];
    const orig = store.upsertRecords.bind(store);
    store.upsertRecords = async (recs) => {
      calls.push(recs.length);
      return orig(recs);
    };
    const items: ParsedItem[] = [];
    for (let i = 1; i <= 7; i++) items.push({ ok: true, at: `line ${i}`, record: record(paper(`2401.0000${i}`)) });
    items.splice(3, 0, { ok: false, at: 'line x', reason: 'bad' });
    const progress: number[] = [];
    const s = await importItems(store, items, { batchSize: 3, onProgress: (n) => progress.push(n) });
    assert.deepEqual(calls, [3, 3, 1]);
    assert.equal(s.added, 7);
    assert.equal(s.rejected, 1);
    assert.deepEqual(progress, [3, 7, 8, 8]);
  });
});

test('importer: a transaction holds at most MAX_TRANSACTION_RECORDS records and MAX_TRANSACTION_CHARS of text, however large batchSize is', async () => {
  await withStore(async (store) => {
    const calls: number[] = [];
    const orig = store.upsertRecords.bind(store);
    store.upsertRecords = async (recs) => {
      calls.push(recs.length);
      return orig(recs);
    };
    const n = MAX_TRANSACTION_RECORDS * 2 + 500;
    const items = Array.from({ length: n }, (_, i): ParsedItem => ({ ok: true, at: `line ${i + 1}`, record: record(paper(`2401.${String(10000 + i)}`)) }));
    const s = await importItems(store, items, { batchSize: 100_000 });
    assert.equal(s.added, n);
    assert.deepEqual(calls, [MAX_TRANSACTION_RECORDS, MAX_TRANSACTION_RECORDS, 500]);
    // Long records: the text bound cuts batches short of the record bound.
    calls.length = 0;
    const abstract = 'long '.repeat(3_000); // 15,000 characters, within ABSTRACT_MAX
    const perBatch = Math.ceil(MAX_TRANSACTION_CHARS / (abstract.length + 200 + 'Paper 2402.10000'.length));
    const long = Array.from({ length: 800 }, (_, i): ParsedItem => ({ ok: true, at: `line ${i + 1}`, record: record(paper(`2402.${String(10000 + i)}`, { abstract })) }));
    assert.equal((await importItems(store, long, { batchSize: 100_000 })).added, 800);
    assert.ok(calls.length >= Math.floor(800 / perBatch), `${calls.length} transactions for 800 long records`);
    assert.ok(Math.max(...calls) <= perBatch, `at most ${perBatch} long records per transaction (got ${Math.max(...calls)})`);
  });
});

test('importer: maxRejectsKept bounds the kept rejects, the count stays exact', async () => {
  await withStore(async (store) => {
    const items: ParsedItem[] = Array.from({ length: 50 }, (_, i) => ({ ok: false, at: `line ${i + 1}`, reason: 'bad' }));
    const s = await importItems(store, items, { maxRejectsKept: 5 });
    assert.equal(s.rejected, 50);
    assert.deepEqual(s.rejects.map((r) => r.at), ['line 1', 'line 2', 'line 3', 'line 4', 'line 5']);
  });
});

test('importer: daily entries and organizations go in with the papers (seed listing and HF daily)', async () => {
  await withStore(async (store) => {
    const seed = await importItems(store, parseSeedListing(fixtureText('ingest/seed-listing.json')));
    assert.equal(seed.added, 2);
    assert.deepEqual(await store.getOrganization('ucdavis'), { name: 'ucdavis', fullname: 'UC Davis', avatarUrl: null });
    await importItems(store, parseHfDaily(fixtureText('ingest/hf-daily-2025.json')));
    const d = await store.getPaper('2512.22525');
    assert.equal(d?.daily[0].day, '2025-12-31');
    assert.equal(d?.daily[0].upvotes, 17);
    assert.equal(d?.org?.fullname, 'ByteDance');
    assert.equal(await store.latestDay(), '2026-03-08'); // the seed listing's "Mar 8"
  });
});

test('importer: within one batch, a paper added then replaced by a newer version is indexed once, with the newer text only', async () => {
  await withStore(async (store) => {
    const v1 = paper('2401.00001', { version: 1, title: 'Quokka draft', abstract: 'wombat estimators' });
    const v2 = paper('2401.00001', { version: 2, title: 'Quokka final', abstract: 'platypus estimators' });
    const other = paper('2401.00002', { title: 'Echidna results', abstract: 'numbat data' });
    const items: ParsedItem[] = [v1, other, v2].map((p, i) => ({ ok: true, at: `line ${i + 1}`, record: record(p) }));
    const s = await importItems(store, items, { batchSize: 10 });
    assert.deepEqual({ added: s.added, updated: s.updated }, { added: 2, updated: 1 });
    const hits = (q: string) => (store.db.prepare('SELECT p.id FROM papers_fts f JOIN papers p ON p.pk = f.rowid WHERE papers_fts MATCH ? ORDER BY p.id')
      .all(q) as { id: string }[]).map((r) => r.id);
    assert.deepEqual(hits('platypus'), ['2401.00001']);
    assert.deepEqual(hits('wombat'), []);
    assert.deepEqual(hits('draft'), []);
    assert.deepEqual(hits('numbat'), ['2401.00002']);
    assert.deepEqual({ papers: await store.countPapers(), indexed: store.fts5Rows() }, { papers: 2, indexed: 2 });
  });
});

test('importer: the next batch is parsed while one is written, but never two batches are written at once, and they commit in order', async () => {
  await withStore(async (store) => {
    const orig = store.upsertRecords.bind(store);
    let writing = 0;
    let most = 0;
    const order: string[] = [];
    const parsedDuringWrite: boolean[] = [];
    let parsed = 0;
    store.upsertRecords = async (recs) => {
      writing++;
      most = Math.max(most, writing);
      const before = parsed;
      // A database server's round trip: the importer's loop runs meanwhile.
      await new Promise((r) => setTimeout(r, 20));
      parsedDuringWrite.push(parsed > before);
      order.push(recs[0].paper.id);
      try {
        return await orig(recs);
      } finally {
        writing--;
      }
    };
    async function* items(): AsyncGenerator<ParsedItem> {
      for (let i = 0; i < 10; i++) {
        parsed++;
        await new Promise((r) => setImmediate(r));
        yield { ok: true, at: `line ${i + 1}`, record: record(paper(`2401.${String(10000 + i)}`)) };
      }
    }
    const s = await importItems(store, items(), { batchSize: 3 });
    assert.equal(s.added, 10);
    assert.equal(most, 1, 'one batch in flight at most');
    assert.deepEqual(order, ['2401.10000', '2401.10003', '2401.10006', '2401.10009']);
    assert.ok(parsedDuringWrite.slice(0, 3).every(Boolean), `records were parsed while the first batches were written: ${parsedDuringWrite}`);
  });
});

test('importer: a batch that fails ends the import with its error; the batches before it stay, none after it is written', async () => {
  await withStore(async (store) => {
    const orig = store.upsertRecords.bind(store);
    let calls = 0;
    store.upsertRecords = async (recs) => {
      calls++;
      await new Promise((r) => setTimeout(r, 5));
      if (calls === 2) throw new Error('database went away');
      return orig(recs);
    };
    const items = Array.from({ length: 12 }, (_, i): ParsedItem => ({ ok: true, at: `line ${i + 1}`, record: record(paper(`2401.${String(10000 + i)}`)) }));
    await assert.rejects(importItems(store, items, { batchSize: 3 }), /database went away/);
    assert.equal(calls, 2, 'no batch written after the failed one');
    assert.equal(await store.countPapers(), 3);
  });
});

test('importer: a source that fails mid-file waits for the batch in flight before the error is thrown', async () => {
  await withStore(async (store) => {
    const orig = store.upsertRecords.bind(store);
    let inFlight = 0;
    store.upsertRecords = async (recs) => {
      inFlight++;
      await new Promise((r) => setTimeout(r, 20));
      try {
        return await orig(recs);
      } finally {
        inFlight--;
      }
    };
    async function* items(): AsyncGenerator<ParsedItem> {
      for (let i = 0; i < 4; i++) yield { ok: true, at: `line ${i + 1}`, record: record(paper(`2401.${String(10000 + i)}`)) };
      throw new Error('read error');
    }
    await assert.rejects(importItems(store, items(), { batchSize: 3 }), /read error/);
    assert.equal(inFlight, 0, 'the written batch ended before importItems returned');
    assert.equal(await store.countPapers(), 3);
  });
});
