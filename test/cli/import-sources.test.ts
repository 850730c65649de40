/**
 * `paperboy import` on what users type: a folder, a quoted glob, compressed
 * files (compressed here from the plain fixtures), a glob matching nothing,
 * and an arXiv API (Atom) URL whose results span several pages, served by a
 * local fixture server that answers by `start`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { registerImport } from '../../src/cli/import.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { FIXTURES_DIR, startFixtureServer } from '../helpers/fixture-server.js';
import { runCommand } from '../helpers/run-command.js';
import { tempDir } from '../helpers/temp-db.js';

const fx = (name: string) => join(FIXTURES_DIR, 'ingest', name);
const zstdHere = (() => {
  try {
    execFileSync('zstd', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

function counts(out: string): Record<string, number> {
  const r: Record<string, number> = {};
  for (const m of out.matchAll(/^\s+(added|updated|unchanged|rejected)\s+(\d+)$/gm)) r[m[1]] = Number(m[2]);
  return r;
}

async function withDb<T>(fn: (dir: string, db: string) => Promise<T>): Promise<T> {
  const { dir, cleanup } = tempDir();
  try {
    return await fn(dir, join(dir, 'p.db'));
  } finally {
    cleanup();
  }
}

test('import: a folder takes the importable files under it (compressed ones too), skips the rest and says so', async () => {
  await withDb(async (dir, db) => {
    const data = join(dir, 'data');
    mkdirSync(join(data, 'more'), { recursive: true });
    writeFileSync(join(data, '2025-01-15.json.gz'), gzipSync(readFileSync(fx('2025-01-15.json'))));
    copyFileSync(fx('hf-daily-2024.json'), join(data, 'hf-daily-2024.json'));
    if (zstdHere) writeFileSync(join(data, 'snapshot.jsonl.zst'), execFileSync('zstd', ['-c', '-q', fx('snapshot.jsonl')]));
    else writeFileSync(join(data, 'snapshot.jsonl.gz'), gzipSync(readFileSync(fx('snapshot.jsonl'))));
    copyFileSync(fx('atom-feed.xml'), join(data, 'more', 'atom-feed.xml'));
    writeFileSync(join(data, 'README.md'), '# notes\n');
    writeFileSync(join(data, '.hidden.json'), 'not read');
    const r = await runCommand(registerImport, ['import', data, '--db', db]);
    assert.equal(r.exitCode, 0, r.out);
    assert.match(r.out, /imported 4 of 4 sources/);
    assert.deepEqual(counts(r.out), { added: 1 + 2 + 3 + 2, updated: 0, unchanged: 0, rejected: 0 + 1 + 2 + 1 });
    assert.match(r.out, /note: .*data: skipped 1 file\(s\) of other kinds \(e\.g\. .*README\.md\)/);
    const store = new SqliteStore(db);
    try {
      // The daily-list day comes from the compressed file's name.
      const day = await store.listDaily({ from: '2025-01-15', to: '2025-01-15', sort: 'upvotes', limit: 10, offset: 0 });
      assert.equal(day.total, 1);
    } finally {
      await store.close();
    }
  });
});

test('import: a quoted glob is expanded by paperboy; one matching nothing fails alone', async () => {
  await withDb(async (dir, db) => {
    for (const f of ['hf-daily-2024.json', 'hf-daily-multi.json', 'hf-daily-2025.json']) copyFileSync(fx(f), join(dir, f));
    const r = await runCommand(registerImport, ['import', join(dir, 'hf-daily-*.json'), join(dir, 'nothing-*.xml'), '--db', db]);
    assert.equal(r.exitCode, 1, 'the unmatched glob is a failure');
    assert.match(r.out, /imported 3 of 4 sources/);
    assert.equal(counts(r.out).added, 2 + 2 + 1);
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    writeFileSync(join(empty, 'notes.txt'), 'x');
    const none = await runCommand(registerImport, ['import', empty, '--db', db]);
    assert.equal(none.exitCode, 1);
    assert.equal(none.out, '', 'nothing imported, nothing summed up');
  });
});

test('import: an arXiv API URL is followed through every page of its results, politely', async () => {
  const srv = await startFixtureServer((req) => {
    const start = Number(req.query.get('start') ?? 0);
    const page = { 0: 1, 2: 2, 4: 3 }[start];
    return page ? { file: `ingest/atom-page-${page}.xml`, headers: { 'content-type': 'application/atom+xml' } } : { status: 400, body: 'bad start' };
  });
  try {
    await withDb(async (_dir, db) => {
      const url = `${srv.url}/api/query?search_query=cat:cs.*&start=0&max_results=2`;
      const r = await runCommand(registerImport, ['import', url, '--db', db, '--delay-ms', '30']);
      assert.equal(r.exitCode, 0, r.out);
      assert.deepEqual(counts(r.out), { added: 5, updated: 0, unchanged: 0, rejected: 0 });
      assert.deepEqual(srv.requests.map((q) => q.query.get('start')), ['0', '2', '4']);
      assert.ok(srv.requests.every((q) => q.query.get('max_results') === '2' && q.query.get('search_query') === 'cat:cs.*'));
      // The polite client spaces the follow-up pages by --delay-ms (measured on the server's side).
      assert.ok(srv.requests[2].at - srv.requests[1].at >= 30, 'pages 2 and 3 are at least --delay-ms apart');
      const again = await runCommand(registerImport, ['import', url, '--db', db, '--delay-ms', '0']);
      assert.deepEqual(counts(again.out), { added: 0, updated: 0, unchanged: 5, rejected: 0 });
    });
  } finally {
    await srv.close();
  }
});
