/**
 * Index replicas: `--index-dir` gives a process its own index folder, and
 * `paperboy index --from DIR` seeds it from another process's folder (a
 * consistent copy, then the change feed replayed from the copy's position),
 * answering like an index rebuilt from the database.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { registerIndex } from '../../src/cli/index-command.js';
import { loadConfig } from '../../src/config.js';
import { SqliteBackend } from '../../src/store/sqlite/sqlite-backend.js';
import { openSearch } from '../../src/search/open-search.js';
import { BlockMaxEngine, lexicalIndexDir } from '../../src/search/block-max-engine.js';
import { acquireIndexLock } from '../../src/search/index-lock.js';
import { readManifest } from '../../src/search/vectors/vector-file.js';
import type { SearchService } from '../../src/search/search-service.js';
import { runCommand } from '../helpers/run-command.js';
import { tempDbPath } from '../helpers/temp-db.js';
import { topicPapers } from '../helpers/topic-papers.js';
import { paper, record } from '../helpers/papers.js';

const QUERIES = ['diffusion', 'reward model', 'safety alignment', 'language', 'image generation policy'];

async function answers(service: SearchService): Promise<string[][]> {
  const out: string[][] = [];
  for (const text of QUERIES) {
    // Every match, as a set: a deleted paper still counts in its segment's statistics until a merge
    // drops it (as in Lucene), so scores, and the order of near ties, may differ from a fresh build.
    const r = await service.search({ text, filters: {}, sort: 'relevance', mode: 'lexical', limit: 100, offset: 0 });
    out.push(r.hits.map((h) => h.detail.paper.id).sort());
  }
  return out;
}

test('PAPERBOY_INDEX_DIR and --index-dir choose the index folder; the default stays <db>.idx', async () => {
  assert.equal(loadConfig({}, {}).indexDir, null);
  assert.equal(loadConfig({}, { PAPERBOY_INDEX_DIR: '/srv/idx-a' }).indexDir, '/srv/idx-a');
  assert.equal(loadConfig({ indexDir: '/srv/idx-b' }, { PAPERBOY_INDEX_DIR: '/srv/idx-a' }).indexDir, '/srv/idx-b');
  const { file, cleanup } = tempDbPath();
  try {
    const plain = new SqliteBackend(file);
    assert.equal(plain.indexDir, `${file}.idx`);
    await plain.close();
    const own = new SqliteBackend(file, { indexDir: `${file}.replica` });
    assert.equal(own.indexDir, `${file}.replica`);
    await own.close();
  } finally {
    cleanup();
  }
});

test('two processes with their own --index-dir each own a replica of one database', async () => {
  const { file, cleanup } = tempDbPath();
  try {
    const a = new SqliteBackend(file, { indexDir: `${file}.a` });
    await a.store.upsertRecords(topicPapers());
    const b = new SqliteBackend(file, { indexDir: `${file}.b` });
    const src = (x: SqliteBackend) => ({ changes: x.changes, upvotes: async () => new Map<number, number>() });
    const ea = await BlockMaxEngine.open(src(a), a.indexDir);
    const eb = await BlockMaxEngine.open(src(b), b.indexDir);
    assert.equal(ea.role, 'owner');
    assert.equal(eb.role, 'owner', 'a replica of its own, not a follower of the other');
    assert.ok(existsSync(join(lexicalIndexDir(`${file}.a`), 'manifest.json')));
    assert.ok(existsSync(join(lexicalIndexDir(`${file}.b`), 'manifest.json')));
    await ea.close();
    await eb.close();
    await a.close();
    await b.close();
  } finally {
    cleanup();
  }
});

test('index --from copies another folder, replays the changes made since, and answers like a rebuild', async () => {
  const { file, cleanup } = tempDbPath();
  try {
    const backend = new SqliteBackend(file);
    await backend.store.upsertRecords(topicPapers());
    await backend.close();
    const built = await runCommand(registerIndex, ['index', '--lexical', '--vectors', '--no-progress', '--db', file]);
    assert.equal(built.exitCode, 0, built.out);

    // The database moves on after the source index was built: a new paper and a deleted one.
    const later = new SqliteBackend(file);
    await later.store.upsertRecords([record(paper('2402.00001', {
      title: 'Diffusion policies for image generation with reward models',
      abstract: 'A diffusion policy trained with a reward model generates images.',
      publishedAt: '2024-02-01T00:00:00.000Z',
    }))]);
    const gone = '2401.00001';
    assert.equal(await later.store.deletePapers([gone]), 1);
    const head = await later.changes.head();
    await later.close();

    const replica = `${file}.replica`;
    const seeded = await runCommand(registerIndex, ['index', '--no-progress', '--db', file, '--index-dir', replica, '--from', `${file}.idx`]);
    assert.equal(seeded.exitCode, 0, seeded.out);
    assert.match(seeded.out, /copied lexical \(\d+ files/);
    assert.match(seeded.out, /copied vectors \(\d+ files/);
    assert.match(seeded.out, new RegExp(`at change ${head - 2}; caught up to change ${head} `), 'copied at the old position, then replayed');
    assert.equal(readManifest(join(replica, 'vectors'))!.changeSeq, head, 'the vector copy replayed the feed too');

    const fromReplica = new SqliteBackend(file, { indexDir: replica });
    const r = await openSearch(fromReplica, 'engine', { vectors: false });
    assert.equal(r.blockMax!.index.changeSeq, head);
    const fresh = new SqliteBackend(file, { indexDir: `${file}.fresh` });
    const f = await openSearch(fresh, 'engine', { vectors: false });
    const got = await answers(r.service);
    assert.deepEqual(got, await answers(f.service));
    assert.ok(got[0].includes('2402.00001'), 'the paper imported after the copy is found');
    assert.ok(!got.flat().includes(gone), 'the paper deleted after the copy is gone');
    await r.close();
    await f.close();
    await fromReplica.close();
    await fresh.close();
  } finally {
    cleanup();
  }
});

test('index --from refuses its own folder, a folder with no index, and a target a live process owns', async () => {
  const { file, cleanup } = tempDbPath();
  try {
    const backend = new SqliteBackend(file);
    await backend.store.upsertRecords(topicPapers());
    await backend.close();
    await runCommand(registerIndex, ['index', '--lexical', '--no-progress', '--db', file]);

    await assert.rejects(runCommand(registerIndex, ['index', '--db', file, '--from', `${file}.idx`]), /own index folder/);
    mkdirSync(`${file}.empty`);
    await assert.rejects(runCommand(registerIndex, ['index', '--db', file, '--index-dir', `${file}.r`, '--from', `${file}.empty`]), /holds no index/);
    mkdirSync(lexicalIndexDir(`${file}.r`), { recursive: true });
    const lock = acquireIndexLock(lexicalIndexDir(`${file}.r`))!;
    try {
      await assert.rejects(runCommand(registerIndex, ['index', '--db', file, '--index-dir', `${file}.r`, '--from', `${file}.idx`]), /owns .*stop it first/);
    } finally {
      lock.release();
    }
  } finally {
    cleanup();
  }
});
