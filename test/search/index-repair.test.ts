/**
 * The lexical index verifies itself when its owner opens it — the
 * manifest, each segment's size and CRC-32, each deleted-docs file, no key
 * indexed twice — and repairs what is damaged from the store, saying so,
 * instead of serving it: a truncated segment, flipped bytes, a damaged
 * deleted-docs file, a key indexed twice, an unreadable manifest. After
 * each, the index answers as a fresh rebuild does. doctor names the damage.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteBackend } from '../../src/store/sqlite/sqlite-backend.js';
import { BlockMaxEngine, indexDocOf, lexicalIndexDir } from '../../src/search/block-max-engine.js';
import { LexicalIndex } from '../../src/search/index/lexical-index.js';
import { lexicalIndexChecks } from '../../src/search/index-health.js';
import { tempDbPath } from '../helpers/temp-db.js';
import { assertEqualsRebuild, wordPapers } from '../helpers/word-papers.js';

/** A database of 1,200 papers and an index of several segments with deletes (new versions of 40 papers). */
async function fixture(): Promise<{ backend: SqliteBackend; dir: string; cleanup: () => void }> {
  const { file, cleanup } = tempDbPath();
  const backend = new SqliteBackend(file);
  const engine = await BlockMaxEngine.open({ changes: backend.changes, upvotes: async () => new Map() }, backend.indexDir);
  for (let part = 0; part < 4; part++) {
    await backend.store.upsertRecords(wordPapers(300, part + 1, { first: part * 300 }));
    await engine.catchUp();
    engine.index.flush();
  }
  // New versions tombstone documents in older segments (deleted-docs files).
  await backend.store.upsertRecords(wordPapers(20, 99, { first: 100, version: 2 }));
  await backend.store.upsertRecords(wordPapers(20, 98, { first: 400, version: 2 }));
  await engine.catchUp();
  engine.index.flush();
  await engine.close();
  return { backend, dir: lexicalIndexDir(backend.indexDir!), cleanup };
}

const segmentFiles = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.seg')).sort();

async function reopen(backend: SqliteBackend): Promise<{ engine: BlockMaxEngine; log: string[] }> {
  const log: string[] = [];
  const engine = await BlockMaxEngine.open({ changes: backend.changes, upvotes: async () => new Map() }, backend.indexDir, { log: (l) => log.push(l) });
  return { engine, log };
}

const damages: [string, (dir: string, backend: SqliteBackend) => void | Promise<void>][] = [
  ['a truncated segment', (dir) => {
    const f = join(dir, segmentFiles(dir)[0]);
    truncateSync(f, Math.floor(statSync(f).size / 2));
  }],
  ['flipped bytes in a segment (same size)', (dir) => {
    const f = join(dir, segmentFiles(dir)[1]);
    const bytes = readFileSync(f);
    for (let i = 0; i < 16; i++) bytes[Math.floor(bytes.length * 0.6) + i] ^= 0xff;
    writeFileSync(f, bytes);
  }],
  ['a damaged deleted-docs file', (dir) => {
    const del = readdirSync(dir).find((f) => f.includes('.del-'));
    assert.ok(del, 'the fixture has a deleted-docs file');
    const bytes = readFileSync(join(dir, del));
    bytes[0] ^= 0xff;
    writeFileSync(join(dir, del), bytes);
  }],
  ['a key indexed twice (two writers)', async (dir, backend) => {
    const index = LexicalIndex.open(dir);
    let twice = 0;
    for await (const page of backend.changes.scan()) {
      for (const p of page.slice(0, 25)) {
        index.add(indexDocOf(p), { fresh: true });
        twice++;
      }
    }
    index.flush();
    assert.ok(index.duplicateKeys() >= 25 && twice >= 25, 'the damage is in place');
    index.close();
  }],
  ['a missing segment file', (dir) => {
    rmSync(join(dir, segmentFiles(dir)[0]));
  }],
];

for (const [what, damage] of damages) {
  test(`the owner repairs ${what} at open and answers as a fresh rebuild`, async () => {
    const { backend, dir, cleanup } = await fixture();
    try {
      await damage(dir, backend);
      const doctor = await lexicalIndexChecks(backend);
      assert.equal(doctor[0].level, 'fail', `doctor sees ${what}: ${doctor[0].message}`);
      const { engine, log } = await reopen(backend);
      assert.match(log.join('\n'), /damaged .*repairing it from the database/, 'the repair is announced');
      assert.match(log.join('\n'), /search index repaired/);
      await assertEqualsRebuild(engine, backend.changes, what);
      await engine.close();
      // Repaired on disk too: the next open finds nothing to repair and doctor is clean.
      const again = await reopen(backend);
      assert.deepEqual(again.log, []);
      await again.engine.close();
      const after = await lexicalIndexChecks(backend);
      assert.equal(after[0].level, 'ok', after[0].message);
    } finally {
      await backend.close();
      cleanup();
    }
  });
}

test('an unreadable manifest is rebuilt from the database, with a message', async () => {
  const { backend, dir, cleanup } = await fixture();
  try {
    writeFileSync(join(dir, 'manifest.json'), '{"format": 2, "segm');
    const { engine, log } = await reopen(backend);
    assert.match(log.join('\n'), /manifest\.json cannot be read.*rebuilding it from the database/);
    await assertEqualsRebuild(engine, backend.changes, 'rebuilt');
    await engine.close();
  } finally {
    await backend.close();
    cleanup();
  }
});

test('a sound index opens without a repair and records checksums doctor checks', async () => {
  const { backend, dir, cleanup } = await fixture();
  try {
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { segments: { crc?: number; bytes?: number }[] };
    assert.ok(manifest.segments.length >= 2);
    assert.ok(manifest.segments.every((s) => Number.isInteger(s.crc) && Number.isInteger(s.bytes)), 'every segment has its checksum');
    const { engine, log } = await reopen(backend);
    assert.deepEqual(log, []);
    await assertEqualsRebuild(engine, backend.changes, 'sound');
    await engine.close();
  } finally {
    await backend.close();
    cleanup();
  }
});
