/**
 * `paperboy import` (the real command, in a child process) on refused and
 * hostile sources: a refused import leaves no database file behind; a
 * truncated XML file is named at its true line; a JSON Lines file with an
 * over-limit record and control characters imports the rest, cleaned.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { FIXTURES_DIR } from '../helpers/fixture-server.js';
import { tempDir } from '../helpers/temp-db.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

interface Run { code: number; stdout: string; stderr: string }

function paperboy(args: string[]): Promise<Run> {
  return new Promise((ok) => {
    execFile(process.execPath, [MAIN, ...args], { env: { ...process.env, PAPERBOY_DB: '' } },
      (err, stdout, stderr) => ok({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
  });
}

test('a refused import (a folder, a missing file, an unknown format, a truncated XML file) creates no database file', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const db = join(dir, 'p.db');
    const folder = join(dir, 'papers');
    mkdirSync(folder);
    const atom = readFileSync(join(FIXTURES_DIR, 'ingest/atom-feed.xml'), 'utf8');
    const truncated = join(dir, 'truncated.xml');
    const text = atom.slice(0, atom.lastIndexOf('</entry>'));
    writeFileSync(truncated, text);
    for (const [args, message] of [
      [[folder], /is a folder with no importable files/],
      [[join(dir, 'nope.jsonl')], /no such file/],
      [[join(FIXTURES_DIR, 'ingest/not-a-format.csv')], /cannot tell the format/],
      [[truncated], new RegExp(`ends at line ${text.trimEnd().split('\n').length} with <feed> <entry> still open`)],
    ] as const) {
      const r = await paperboy(['import', ...args, '--db', db]);
      assert.equal(r.code, 1, args[0]);
      assert.match(r.stderr, message);
      assert.equal(existsSync(db), false, `${args[0]}: no database file left behind`);
    }
  } finally {
    cleanup();
  }
});

test('a JSON Lines file with an over-limit abstract and control characters: the record is refused by line, the rest goes in clean', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const db = join(dir, 'p.db');
    const file = join(dir, 'hostile.jsonl');
    writeFileSync(file, [
      JSON.stringify({ id: '2402.00001', title: 'Nul\u0000 and back\u0008space', abstract: 'Fine.', authors: 'A. Author' }),
      JSON.stringify({ id: '2402.00002', title: 'Huge', abstract: 'x'.repeat(300_000), authors: 'B. Author' }),
      JSON.stringify({ id: '2402.00003', title: 'After', abstract: 'Fine.', authors: 'C. Author' }),
    ].join('\n') + '\n');
    const r = await paperboy(['import', file, '--db', db]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /added\s+2/);
    assert.match(r.stdout, /rejected\s+1/);
    assert.match(r.stdout, /line 2: 2402\.00002: abstract is 300,000 characters; at most 20,000/);
    const store = new SqliteStore(db);
    try {
      assert.equal((await store.getPaper('2402.00001'))?.paper.title, 'Nul and backspace');
      assert.ok(await store.getPaper('2402.00003'));
    } finally {
      await store.close();
    }
  } finally {
    cleanup();
  }
});
