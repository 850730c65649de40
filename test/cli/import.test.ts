/**
 * `paperboy import` as a user runs it: the real command in a child process
 * (`node dist/src/cli/main.js import …`, the built CLI the `paperboy` command runs) against a temp database —
 * summaries, rejects, several files, detection, the errors and exit codes,
 * and an OAI-PMH URL followed through its resumption token.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { FIXTURES_DIR, startFixtureServer } from '../helpers/fixture-server.js';
import { tempDir } from '../helpers/temp-db.js';

const ROOT = dirname(dirname(FIXTURES_DIR));
const fx = (name: string) => join(FIXTURES_DIR, 'ingest', name);

interface Run { code: number; stdout: string; stderr: string }

function paperboy(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((ok) => {
    execFile(process.execPath, ['dist/src/cli/main.js', ...args], { cwd: ROOT, env: { ...process.env, ...env } },
      (err, stdout, stderr) => ok({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
  });
}

/** "added 3" etc. from a printed summary. */
function counts(out: string): Record<string, number> {
  const r: Record<string, number> = {};
  for (const m of out.matchAll(/^\s+(added|updated|unchanged|rejected)\s+(\d+)$/gm)) r[m[1]] = Number(m[2]);
  return r;
}

test('cli import: prints the summary and the first rejects with their line; a re-run is all unchanged', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const db = join(dir, 'p.db');
    const first = await paperboy(['import', fx('snapshot.jsonl'), '--db', db]);
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(counts(first.stdout), { added: 3, updated: 0, unchanged: 0, rejected: 2 });
    assert.match(first.stdout, /first rejects \(2 of 2\):\n {2}line 4: not valid JSON .*\n {2}line 5: missing "id"/);
    // Not on a terminal: no bar; a short import prints no progress line either.
    assert.doesNotMatch(first.stderr, /\[.*\]/);
    const again = await paperboy(['import', fx('snapshot.jsonl')], { PAPERBOY_DB: db });
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(counts(again.stdout), { added: 0, updated: 0, unchanged: 3, rejected: 2 });
  } finally {
    cleanup();
  }
});

test('cli import: several files of several formats give one total; rejects name their file', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const db = join(dir, 'p.db');
    const r = await paperboy(['import', fx('hf-daily-2024.json'), fx('hf-daily-multi.json'), fx('2025-01-15.json'),
      fx('seed-listing.json'), fx('atom-feed.xml'), fx('oai-arxivraw-list.xml'), '--db', db, '--batch-size', '2']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /imported 6 of 6 sources/);
    assert.deepEqual(counts(r.stdout), { added: 2 + 2 + 1 + 2 + 2 + 1, updated: 0, unchanged: 0, rejected: 1 + 2 + 2 + 1 });
    assert.match(r.stdout, /hf-daily-multi\.json entry 2: missing "paper\.id"/);
    assert.match(r.stdout, /atom-feed\.xml entry 3: /);
    const store = new SqliteStore(db, { readonly: true });
    try {
      // The file name of a daily_papers answer gives the list day.
      assert.equal((await store.getPaper('2501.08313'))?.daily[0].day, '2025-01-15');
      assert.equal(await store.countPapers(), 10);
    } finally {
      await store.close();
    }
  } finally {
    cleanup();
  }
});

test('cli import: a missing file, an unknown format, an empty file and an error feed exit 1 with a helpful message', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const db = join(dir, 'p.db');
    const missing = await paperboy(['import', join(dir, 'nope.jsonl'), '--db', db]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no such file: .*nope\.jsonl \(check the path/);
    const csv = await paperboy(['import', fx('not-a-format.csv'), '--db', db]);
    assert.equal(csv.code, 1);
    assert.match(csv.stderr, /cannot tell the format of .*not-a-format\.csv: it is none of atom .*oai .*snapshot .*hf-daily .*seed .*Pass --format/);
    // Mixed: the good file goes in, the bad ones are listed, the exit code says something failed.
    const mixed = await paperboy(['import', fx('atom-error.xml'), fx('empty.txt'), fx('oai-arxiv-list-2.xml'), '--db', db]);
    assert.equal(mixed.code, 1);
    assert.match(mixed.stdout, /imported 1 of 3 sources/);
    assert.deepEqual(counts(mixed.stdout), { added: 2, updated: 0, unchanged: 0, rejected: 0 });
    assert.match(mixed.stderr, /arXiv API error: incorrect id format for 1234\.12345/);
    assert.match(mixed.stderr, /empty\.txt is empty/);
    const forced = await paperboy(['import', fx('snapshot.jsonl'), '--format', 'atom', '--db', db]);
    assert.equal(forced.code, 1);
    assert.match(forced.stderr, /not well-formed XML|not an Atom feed/);
    const badFormat = await paperboy(['import', fx('snapshot.jsonl'), '--format', 'csv', '--db', db]);
    assert.equal(badFormat.code, 1);
    assert.match(badFormat.stderr, /unknown --format "csv": use one of atom/);
  } finally {
    cleanup();
  }
});

test('cli import: an OAI-PMH URL is followed through its resumption token to the last page', async () => {
  const { dir, cleanup } = tempDir();
  const srv = await startFixtureServer((req) => req.query.get('resumptionToken') === '7001234|1001'
    ? { file: 'ingest/oai-arxiv-list-2.xml' }
    : { file: 'ingest/oai-arxiv-list.xml' });
  try {
    const r = await paperboy(['import', `${srv.url}/oai2?verb=ListRecords&metadataPrefix=arXiv&set=cs`, '--db', join(dir, 'p.db'), '--delay-ms', '0']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(counts(r.stdout), { added: 3, updated: 0, unchanged: 0, rejected: 1 });
    assert.equal(srv.requests.length, 2);
    assert.equal(srv.requests[1].path, '/oai2');
    assert.equal(srv.requests[1].query.get('verb'), 'ListRecords');
    assert.equal(srv.requests[1].query.get('resumptionToken'), '7001234|1001');
    assert.equal(srv.requests[1].query.get('metadataPrefix'), null);
  } finally {
    await srv.close();
    cleanup();
  }
});
