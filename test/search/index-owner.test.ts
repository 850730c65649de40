/**
 * One owner per index folder: a second engine on the same database follows
 * the owner read-only (finds new papers through the change feed, reloads
 * the owner's segments, never writes), takes over when the owner closes or
 * its process is gone; `paperboy index` refuses to rebuild under a live owner.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { SqliteBackend } from '../../src/store/sqlite/sqlite-backend.js';
import { BlockMaxEngine, lexicalIndexDir } from '../../src/search/block-max-engine.js';
import { LexicalIndex } from '../../src/search/index/lexical-index.js';
import { registerIndex } from '../../src/cli/index-command.js';
import { parseQuery } from '../../src/domain/query-parser.js';
import type { LexicalRequest } from '../../src/store/lexical-engine.js';
import { paper, record } from '../helpers/papers.js';
import { tempDbPath } from '../helpers/temp-db.js';
import { runCommand } from '../helpers/run-command.js';

const req = (text: string): LexicalRequest =>
  ({ query: parseQuery(text), filters: { categories: [], organizations: [] }, sort: 'relevance', limit: 50, offset: 0, countCap: 1000 });
const open = (b: SqliteBackend) => BlockMaxEngine.open({ changes: b.changes, upvotes: async () => new Map() }, b.indexDir);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a second engine follows the owner read-only and takes over when the owner is gone', async () => {
  const { file, cleanup } = tempDbPath();
  const backend = new SqliteBackend(file);
  try {
    await backend.store.upsertRecords([record(paper('2401.00001', { title: 'Quasar surveys' }))]);
    const owner = await open(backend);
    const follower = await open(backend);
    assert.equal(owner.role, 'owner');
    assert.equal(follower.role, 'follower');
    const dir = lexicalIndexDir(backend.indexDir!);
    const files = () => readdirSync(dir).sort().join(',');
    // New papers: both find them; only the owner writes files.
    await backend.store.upsertRecords(Array.from({ length: 20 }, (_, i) => record(paper(`2402.${String(10000 + i)}`, { title: `Quasar study ${i}` }))));
    const before = files();
    assert.equal((await follower.search(req('quasar'))).total, 21);
    assert.equal(files(), before, 'the follower wrote nothing');
    assert.equal((await owner.search(req('quasar'))).total, 21);
    owner.index.flush();
    assert.notEqual(files(), before, 'the owner flushed a segment');
    // The follower reloads the owner's segments and still counts every paper once.
    follower.follow(5);
    await sleep(100);
    assert.equal((await follower.search(req('quasar'))).total, 21);
    assert.equal(follower.index.duplicateKeys(), 0);
    assert.equal(follower.index.readOnly, true);
    // The owner stops: the follower takes the folder over and writes from then on.
    await owner.close();
    for (let i = 0; i < 100 && (follower.role as string) !== 'owner'; i++) await sleep(10);
    assert.equal(follower.role, 'owner');
    await backend.store.upsertRecords([record(paper('2403.00001', { title: 'Quasar finale' }))]);
    assert.equal((await follower.search(req('quasar'))).total, 22);
    follower.index.flush();
    const reopened = LexicalIndex.open(dir, undefined, { readonly: true });
    assert.equal(reopened.duplicateKeys(), 0);
    assert.equal(reopened.liveDocs, 22);
    reopened.close();
    await follower.close();
  } finally {
    await backend.close();
    cleanup();
  }
});

test('a lock left by a dead process is taken over; paperboy index refuses to rebuild under a live owner', async () => {
  const { file, cleanup } = tempDbPath();
  const backend = new SqliteBackend(file);
  try {
    await backend.store.upsertRecords([record(paper('2401.00001', { title: 'Pulsar timing' }))]);
    const dir = lexicalIndexDir(backend.indexDir!);
    const first = await open(backend);
    await first.close();
    // A process that has exited: its pid is free.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(join(dir, 'owner.lock'), JSON.stringify({ pid: Number(dead.stdout), host: hostname(), since: new Date().toISOString() }));
    const engine = await open(backend);
    assert.equal(engine.role, 'owner', 'the stale lock was taken over');
    await assert.rejects(runCommand(registerIndex, ['index', '--db', file, '--no-progress']), /paperboy serve \(pid \d+\) owns .* stop it first/);
    await engine.close();
    const { out } = await runCommand(registerIndex, ['index', '--db', file, '--no-progress']);
    assert.match(out, /indexed 1 papers/);
  } finally {
    await backend.close();
    cleanup();
  }
});
