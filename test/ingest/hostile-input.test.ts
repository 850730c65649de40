/**
 * Ingest against hostile or broken files (issue 9): control characters
 * stripped, field limits refusing a record by its line and letting the rest
 * in, JSON Lines longer than the cap skipped and named (a 600 MB line
 * included), and XML errors reported at their true line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { blankPaper, type PaperRecord } from '../../src/domain/paper.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { importItems } from '../../src/ingest/importer.js';
import {
  ABSTRACT_MAX, AUTHOR_NAME_MAX, AUTHORS_MAX, COMMENTS_MAX, ORG_NAME_MAX, TITLE_MAX, URL_MAX,
  checkRecord, cleanRecord, recordLimitProblem, stripControls,
} from '../../src/ingest/record-limits.js';
import { boundedLines, MAX_LINE_BYTES, readSnapshotJsonl } from '../../src/ingest/snapshot-jsonl.js';
import { parseArxivAtom } from '../../src/ingest/arxiv-atom.js';
import { parseOaiPage } from '../../src/ingest/arxiv-oai.js';
import { FormatError, type ParsedItem } from '../../src/ingest/parsed-item.js';
import { FIXTURES_DIR } from '../helpers/fixture-server.js';
import { tempDbPath } from '../helpers/temp-db.js';

function rec(id: string, fields: Partial<PaperRecord['paper']> = {}, extra: Partial<PaperRecord> = {}): PaperRecord {
  return { paper: { ...blankPaper(id, 'snapshot'), arxivId: id, title: `Paper ${id}`, ...fields }, daily: null, org: null, ...extra };
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

test('control characters (NUL, backspace, ESC, DEL …) are stripped from every text field; tab and line breaks stay', () => {
  assert.equal(stripControls('a\u0000b\u0008c\u001Bd\u007Fe\u000Bf\u000Cg'), 'abcdefg');
  assert.equal(stripControls('tab\there\nnew\r\nline'), 'tab\there\nnew\r\nline');
  const dirty = rec('2401.00001', {
    title: 'Ti\u0000tle\u0008',
    abstract: 'Ab\u001Bstract',
    authors: [{ name: 'Ada\u0007 Lovelace', affiliations: ['Lab\u0000'] }],
    aiKeywords: ['k\u0001w'],
  }, {
    daily: { day: '2024-01-02', submittedAt: null, submittedBy: { user: 'u\u0000', fullname: 'F\u0008', avatarUrl: null }, upvotes: 1, numComments: 0 },
    org: { name: 'Org\u0000', fullname: 'Evil\u0008 Org', avatarUrl: null },
  });
  const clean = cleanRecord(dirty);
  assert.equal(clean.paper.title, 'Title');
  assert.equal(clean.paper.abstract, 'Abstract');
  assert.deepEqual(clean.paper.authors, [{ name: 'Ada Lovelace', affiliations: ['Lab'] }]);
  assert.deepEqual(clean.paper.aiKeywords, ['kw']);
  assert.deepEqual(clean.daily?.submittedBy, { user: 'u', fullname: 'F', avatarUrl: null });
  assert.deepEqual(clean.org, { name: 'Org', fullname: 'Evil Org', avatarUrl: null });
  assert.equal(dirty.paper.title, 'Ti\u0000tle\u0008', 'the input is not modified');
  const tidy = rec('2401.00002');
  assert.equal(cleanRecord(tidy), tidy, 'a clean record comes back as is (no copy)');
});

test('each field limit refuses the record with a reason naming the field, its size and the limit; at the limit passes', () => {
  const cases: [Partial<PaperRecord['paper']>, RegExp][] = [
    [{ title: 'T'.repeat(TITLE_MAX + 1) }, /title is 1,001 characters; at most 1,000/],
    [{ abstract: 'a'.repeat(ABSTRACT_MAX + 1) }, /abstract is 20,001 characters; at most 20,000/],
    [{ authors: Array.from({ length: AUTHORS_MAX + 1 }, (_, i) => ({ name: `A${i}`, affiliations: [] })) }, /authors has 10,001 entries/],
    [{ authorCount: AUTHORS_MAX + 1 }, /author count is 10,001/],
    [{ authors: [{ name: 'ok', affiliations: [] }, { name: 'n'.repeat(AUTHOR_NAME_MAX + 1), affiliations: [] }] }, /author 2's name is 501 characters/],
    [{ comments: 'c'.repeat(COMMENTS_MAX + 1) }, /comments is 10,001 characters/],
    [{ githubRepo: 'https://github.com/' + 'x'.repeat(URL_MAX) }, /githubRepo is/],
    [{ organization: 'o'.repeat(ORG_NAME_MAX + 1) }, /organization is 101 characters; at most 100/],
    [{ categories: ['c'.repeat(51)] }, /a category is 51 characters/],
  ];
  for (const [fields, reason] of cases) {
    const why = recordLimitProblem(rec('2401.00003', fields));
    assert.ok(why, JSON.stringify(Object.keys(fields)));
    assert.match(why, reason);
    assert.match(why, /^2401\.00003: /);
  }
  assert.equal(recordLimitProblem(rec('2401.00004', {
    title: 'T'.repeat(TITLE_MAX), abstract: 'a'.repeat(ABSTRACT_MAX), authorCount: AUTHORS_MAX,
    authors: Array.from({ length: 3 }, () => ({ name: 'n'.repeat(AUTHOR_NAME_MAX), affiliations: [] })),
  })), null);
  const org = checkRecord(rec('2401.00005', {}, { org: { name: 'x'.repeat(ORG_NAME_MAX + 1), fullname: null, avatarUrl: null } }));
  assert.equal(org.ok, false);
  // Control characters do not count towards a limit: they are stripped first.
  assert.equal(checkRecord(rec('2401.00006', { title: 'T'.repeat(TITLE_MAX) + '\u0000'.repeat(10) })).ok, true);
});

test('importItems: an over-limit record is a reject at its line, the others go in cleaned', async () => {
  const { file, cleanup } = tempDbPath();
  const store = new SqliteStore(file);
  try {
    const items: ParsedItem[] = [
      { ok: true, at: 'line 1', record: rec('2401.00010', { title: 'Good \u0000paper\u0008', abstract: 'Fine.' }) },
      { ok: true, at: 'line 2', record: rec('2401.00011', { abstract: 'x'.repeat(ABSTRACT_MAX * 10) }) },
      { ok: false, at: 'line 3', reason: 'not valid JSON' },
      { ok: true, at: 'line 4', record: rec('2401.00012') },
    ];
    const summary = await importItems(store, items, { batchSize: 2 });
    assert.equal(summary.added, 2);
    assert.equal(summary.rejected, 2);
    assert.equal(summary.rejects[0].at, 'line 2');
    assert.match(summary.rejects[0].reason, /abstract is 200,000 characters; at most 20,000/);
    assert.equal((await store.getPaper('2401.00010'))?.paper.title, 'Good paper');
    assert.equal(await store.getPaper('2401.00011'), null);
  } finally {
    await store.close();
    cleanup();
  }
});

test('boundedLines: lines across chunks, CRLF, blank lines, a last line without newline, an over-long line by its size', async () => {
  const chunks = ['ab', 'c\r\n\nde', 'f\n', '0123456789', '0123', '\nlast'];
  const lines = await collect(boundedLines((async function* () { for (const c of chunks) yield Buffer.from(c); })(), 10));
  assert.deepEqual(lines, [{ text: 'abc' }, { text: '' }, { text: 'def' }, { tooLongBytes: 14 }, { text: 'last' }]);
  assert.deepEqual(await collect(boundedLines((async function* () { yield 'a\n'; })(), 10)), [{ text: 'a' }], 'no phantom line after a final newline');
  // Multi-byte characters split across chunks decode whole.
  const e = Buffer.from('é\n');
  assert.deepEqual(await collect(boundedLines((async function* () { yield e.subarray(0, 1); yield e.subarray(1); })(), 10)), [{ text: 'é' }]);
});

test('snapshot JSONL: a line over the cap is skipped and named, the import goes on', async () => {
  const good = (id: string) => JSON.stringify({ id, title: `T ${id}`, abstract: 'A.', authors: 'A. B' });
  const big = JSON.stringify({ id: '2401.00021', title: 'Big', abstract: 'x'.repeat(5000) });
  const text = [good('2401.00020'), big, good('2401.00022')].join('\n') + '\n';
  const items = await collect(readSnapshotJsonl((async function* () { yield Buffer.from(text); })(), 1024));
  assert.equal(items.length, 3);
  assert.deepEqual(items.map((i) => [i.at, i.ok]), [['line 1', true], ['line 2', false], ['line 3', true]]);
  const skipped = items[1] as { reason: string };
  assert.match(skipped.reason, /line is 0\.0 MiB, longer than the 0\.0009765625 MiB a record may take; skipped/);
});

test('snapshot JSONL: a 600 MB line does not abort the import ("Invalid string length" before)', async () => {
  const MB = 1024 * 1024;
  const block = Buffer.alloc(MB, 0x61); // one reused 1 MiB block of "a": the test holds no 600 MB
  async function* source() {
    yield Buffer.from(JSON.stringify({ id: '2401.00030', title: 'Before', abstract: 'A.' }) + '\n{"id":"2401.00031","abstract":"');
    for (let i = 0; i < 600; i++) yield block;
    yield Buffer.from('"}\n' + JSON.stringify({ id: '2401.00032', title: 'After', abstract: 'A.' }) + '\n');
  }
  const { file, cleanup } = tempDbPath();
  const store = new SqliteStore(file);
  try {
    const summary = await importItems(store, readSnapshotJsonl(source()));
    assert.equal(summary.added, 2);
    assert.equal(summary.rejected, 1);
    assert.equal(summary.rejects[0].at, 'line 2');
    assert.match(summary.rejects[0].reason, /^line is 600\.0 MiB, longer than the 8 MiB a record may take; skipped$/);
    assert.equal(MAX_LINE_BYTES, 8 * MB);
    assert.ok(await store.getPaper('2401.00032'));
  } finally {
    await store.close();
    cleanup();
  }
});

test('a truncated XML file is reported where it ends, with the open elements — not at line 1, column 1', () => {
  const atom = readFileSync(join(FIXTURES_DIR, 'ingest/atom-feed.xml'), 'utf8');
  // Cut inside the second entry's <summary>.
  const cut = atom.indexOf('<summary>', atom.indexOf('<entry>', atom.indexOf('<entry>') + 1)) + 20;
  const truncated = atom.slice(0, cut);
  const endLine = truncated.trimEnd().split('\n').length;
  const summaryLine = truncated.slice(0, truncated.lastIndexOf('<summary>')).split('\n').length;
  assert.throws(() => parseArxivAtom(truncated), (err: unknown) => {
    assert.ok(err instanceof FormatError);
    assert.doesNotMatch(err.message, /line 1, column 1/);
    assert.match(err.message, new RegExp(`ends at line ${endLine} with <feed> <entry> <summary> still open \\(<summary> opened at line ${summaryLine}\\); is the file truncated\\?`));
    return true;
  });
  // One element left open: the same words.
  assert.throws(() => parseOaiPage('<?xml version="1.0"?>\n<OAI-PMH>\n<ListRecords>\n</ListRecords>\n'), /ends at line 4 with <OAI-PMH> still open \(<OAI-PMH> opened at line 2\)/);
  // Other errors keep the validator's own position.
  assert.throws(() => parseArxivAtom('<feed>\n<entry>\n</summary>\n</feed>'), /line 3, column 1: Expected closing tag 'entry'/);
});
