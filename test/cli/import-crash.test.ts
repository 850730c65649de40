/**
 * Crash safety of `paperboy import`: a real child process importing a large
 * generated snapshot is killed with SIGKILL mid-import. The database must
 * hold whole batches only (the paper count is a multiple of the batch size,
 * the lexical index matches the papers), and running the same import again
 * must finish it with the same contents as one clean import.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { dirname, join } from 'node:path';
import { once } from 'node:events';
import Database from 'better-sqlite3';
import { FIXTURES_DIR } from '../helpers/fixture-server.js';
import { tempDir } from '../helpers/temp-db.js';

const ROOT = dirname(dirname(FIXTURES_DIR));
const PAPERS = 24_000;
const BATCH = 500;
const WORDS = 'model learning data neural training language graph sparse attention robust vision policy kernel bayesian transformer'.split(' ');

async function writeSnapshot(file: string, n: number): Promise<void> {
  const out = createWriteStream(file);
  for (let i = 0; i < n; i++) {
    const words = Array.from({ length: 60 }, (_, k) => WORDS[(i * 7 + k * 3) % WORDS.length]).join(' ');
    const line = JSON.stringify({
      id: `2401.${String(i).padStart(5, '0')}`, submitter: 'Gen Erator', authors: 'A. One, B. Two',
      title: `Synthetic paper ${i} on ${WORDS[i % WORDS.length]}`, comments: null, 'journal-ref': null, doi: null, 'report-no': null,
      categories: 'cs.LG', license: null, abstract: words,
      versions: [{ version: 'v1', created: 'Mon, 1 Jan 2024 10:00:00 GMT' }], update_date: '2024-01-01',
      authors_parsed: [['One', 'A.', ''], ['Two', 'B.', '']],
    }) + '\n';
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

function counts(db: string): { papers: number; indexed: number } | null {
  try {
    const c = new Database(db, { readonly: true, fileMustExist: true });
    try {
      const papers = (c.prepare('SELECT COUNT(*) AS n FROM papers').get() as { n: number }).n;
      // What the search index follows: every stored paper has its entry in the change feed, in the same transaction.
      const indexed = (c.prepare('SELECT COUNT(DISTINCT pk) AS n FROM paper_changes').get() as { n: number }).n;
      return { papers, indexed };
    } finally {
      c.close();
    }
  } catch {
    return null; // not created / migrated yet
  }
}

function contents(db: string): string {
  const c = new Database(db, { readonly: true });
  try {
    const rows = c.prepare('SELECT id, title, abstract, authors, versions FROM papers ORDER BY id').all();
    return JSON.stringify(rows);
  } finally {
    c.close();
  }
}

function runImport(file: string, db: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((ok) => {
    execFile(process.execPath, ['dist/src/cli/main.js', 'import', file, '--db', db, '--batch-size', String(BATCH)],
      { cwd: ROOT, maxBuffer: 1 << 24 }, (err, stdout, stderr) => ok({ code: err ? 1 : 0, stdout, stderr }));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('cli import: kill -9 mid-import leaves whole batches; the re-run completes it like a clean import', { timeout: 180_000 }, async () => {
  const { dir, cleanup } = tempDir();
  try {
    const file = join(dir, 'big.jsonl');
    await writeSnapshot(file, PAPERS);
    const db = join(dir, 'crash.db');

    const child = spawn(process.execPath, ['dist/src/cli/main.js', 'import', file, '--db', db, '--batch-size', String(BATCH)],
      { cwd: ROOT, stdio: 'ignore' });
    const exited = once(child, 'exit');
    // Wait until a few batches are committed, then kill without warning.
    let seen = 0;
    for (let i = 0; i < 2000 && seen < 4 * BATCH; i++) {
      await sleep(20);
      seen = counts(db)?.papers ?? 0;
    }
    child.kill('SIGKILL');
    const [code, signal] = await exited;
    assert.equal(signal, 'SIGKILL', `the import ended before it could be killed (exit code ${code}); raise PAPERS`);

    const after = counts(db);
    assert.ok(after, 'the database exists after the kill');
    assert.ok(after.papers >= 4 * BATCH && after.papers < PAPERS, `killed mid-import (${after.papers} of ${PAPERS} papers)`);
    assert.equal(after.papers % BATCH, 0, `only whole batches: ${after.papers} papers`);
    assert.equal(after.indexed, after.papers, 'the change feed holds exactly the stored papers');

    const rerun = await runImport(file, db);
    assert.equal(rerun.code, 0, rerun.stderr);
    assert.match(rerun.stdout, new RegExp(`added\\s+${PAPERS - after.papers}\\n`));
    assert.match(rerun.stdout, new RegExp(`unchanged\\s+${after.papers}\\n`));

    const clean = join(dir, 'clean.db');
    const once1 = await runImport(file, clean);
    assert.equal(once1.code, 0, once1.stderr);
    assert.match(once1.stdout, new RegExp(`added\\s+${PAPERS}\\n`));
    assert.deepEqual(counts(db), { papers: PAPERS, indexed: PAPERS });
    assert.equal(contents(db), contents(clean));
  } finally {
    cleanup();
  }
});
