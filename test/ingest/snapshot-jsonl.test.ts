import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { readSnapshotJsonl } from '../../src/ingest/snapshot-jsonl.js';
import { FormatError, type ParsedItem } from '../../src/ingest/parsed-item.js';
import { FIXTURES_DIR } from '../helpers/fixture-server.js';

async function all(it: AsyncIterable<ParsedItem>): Promise<ParsedItem[]> {
  const out: ParsedItem[] = [];
  for await (const x of it) out.push(x);
  return out;
}

function fromText(text: string): Readable {
  return Readable.from([Buffer.from(text, 'utf8')]);
}

test('snapshot: a record maps every Kaggle field (authors_parsed names, versions with dates, v1 = published)', async () => {
  const items = await all(readSnapshotJsonl(createReadStream(join(FIXTURES_DIR, 'ingest/snapshot.jsonl'))));
  const first = items[0];
  assert.ok(first.ok);
  assert.equal(first.at, 'line 1');
  const p = first.record.paper;
  assert.equal(p.id, '2406.00001');
  assert.equal(p.title, 'Calibrated Uncertainty for Small Language Models');
  assert.equal(p.abstract, 'An abstract that wraps across lines.');
  assert.deepEqual(p.authors.map((a) => a.name), ['C. Balázs', 'P. M. Nadolsky', 'C. -P. Yuan Jr']);
  assert.equal(p.authorCount, 3);
  assert.equal(p.version, 2);
  assert.deepEqual(p.versions, [
    { version: 1, date: '2024-06-03T17:59:01.000Z' },
    { version: 2, date: '2024-06-05T08:00:00.000Z' },
  ]);
  assert.equal(p.publishedAt, '2024-06-03T17:59:01.000Z');
  assert.equal(p.updatedAt, '2024-06-05T08:00:00.000Z');
  assert.deepEqual(p.categories, ['cs.CL', 'cs.LG']);
  assert.equal(p.primaryCategory, 'cs.CL');
  assert.equal(p.comments, '12 pages');
  assert.equal(p.doi, '10.1000/fixture.snap.1');
  assert.equal(p.license, 'http://creativecommons.org/licenses/by/4.0/');
  assert.equal(p.submitter, 'Sam Submitter');
  assert.deepEqual(p.sources, ['snapshot']);
});

test('snapshot: blank lines are skipped; bad lines are reported with their line number; the rest go on', async () => {
  const items = await all(readSnapshotJsonl(createReadStream(join(FIXTURES_DIR, 'ingest/snapshot.jsonl'))));
  assert.match(items[2].ok ? '' : items[2].reason, /^not valid JSON \(/);
  assert.deepEqual(items.map((i) => (i.ok ? `${i.at} ok ${i.record.paper.id}` : `${i.at}: ${i.reason.replace(/ \(.*$/, '')}`)), [
    'line 1 ok 2406.00001',
    'line 2 ok 0704.0002',
    'line 4: not valid JSON',
    'line 5: missing "id"',
    'line 6 ok hep-th/9901001',
  ]);
  const old = items[4];
  assert.ok(old.ok);
  // No authors_parsed: the authors string is split instead.
  assert.deepEqual(old.record.paper.authors, [{ name: 'O. Timer', affiliations: [] }, { name: 'P. Other', affiliations: ['CERN'] }]);
});

test('snapshot: a record split across read chunks and CRLF line ends parse the same', async () => {
  const line = '{"id":"2406.00009","title":"Chunked","abstract":"x","categories":"cs.LG","versions":[{"version":"v1","created":"Mon, 3 Jun 2024 10:00:00 GMT"}],"authors_parsed":[["Doe","Jane",""]]}';
  const bytes = Buffer.from(`${line}\r\n${line.replace('00009', '00010')}\r\n`);
  const chunks = [bytes.subarray(0, 17), bytes.subarray(17, 190), bytes.subarray(190)];
  const items = await all(readSnapshotJsonl(Readable.from(chunks)));
  assert.deepEqual(items.map((i) => i.ok && i.record.paper.id), ['2406.00009', '2406.00010']);
});

test('snapshot: an empty file and a file that is not JSON Lines are format errors', async () => {
  await assert.rejects(all(readSnapshotJsonl(fromText(''))), (e: unknown) => e instanceof FormatError && /empty/.test(e.message));
  await assert.rejects(all(readSnapshotJsonl(fromText('\n\n'))), FormatError);
  await assert.rejects(all(readSnapshotJsonl(fromText('<?xml version="1.0"?>\n<feed/>'))), (e: unknown) => e instanceof FormatError && /line 1/.test(e.message));
  await assert.rejects(all(readSnapshotJsonl(fromText('[{"paper": {}}]'))), FormatError);
});
