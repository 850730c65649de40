/**
 * Notes computed ahead (search/notes/): the notes file and the writer that
 * keeps it, on a real SQLite database and a real PostgreSQL server (a
 * throwaway one; skipped with a reason where none can run, a failure under
 * PAPERBOY_REQUIRE_ALL=1) with the block-max engine and its index folder, and
 * a real `paperboy serve` whose maintainer thread fills the file. What
 * readers get from the file must be what they would have computed; a changed
 * text, a drifted corpus or a stopped pass must never serve a stale row or
 * lose one.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Paper } from '../../src/domain/paper.js';
import type { ChangeFeed, PaperText } from '../../src/store/change-feed.js';
import { EXTRACTOR_VERSION, NotesFile, notesDir, textHash, textLength } from '../../src/search/notes/notes-file.js';
import { extractKeywords } from '../../src/search/keywords.js';
import { extractTldr } from '../../src/search/tldr.js';
import { NotesWriter, REFRESH_DRIFT } from '../../src/search/notes/notes-writer.js';
import { extractNotes, PaperNoter, STORED_DRIFT } from '../../src/search/paper-notes.js';
import { DfCounter } from '../../src/search/similar.js';
import { openBackend } from '../../src/store/open-backend.js';
import { paper, record } from '../helpers/papers.js';
import { rng } from '../helpers/prng.js';
import { tempDbPath, tempDir } from '../helpers/temp-db.js';
import { openTestBackend, type TestBackend } from '../helpers/test-app.js';
import { startServe } from '../helpers/serve-process.js';
import { freshDatabase, requirePostgres } from '../helpers/postgres-server.js';

const TOPICS = ['sparse mixture routing', 'speech recognition', 'reward model ensembles', 'video diffusion', 'graph neural networks',
  'protein structure prediction', 'retrieval augmented generation', 'robot manipulation policy'];

/** `n` papers from `first` whose abstracts repeat two of TOPICS among filler, so each has keywords and a TL;DR. */
function papers(n: number, first = 0, seed = 1) {
  const r = rng(seed);
  return Array.from({ length: n }, (_, j) => {
    const i = first + j;
    const a = TOPICS[Math.floor(r() * TOPICS.length)];
    const b = TOPICS[Math.floor(r() * TOPICS.length)];
    return record(paper(`2402.${String(10000 + i)}`, {
      title: `Study ${i} of ${a}`,
      abstract: `We study ${a} in setting ${i}. Our ${a} method combines ${b} with careful tuning. Experiments on ${b} benchmarks show gains of ${i % 7} points.`,
    }));
  });
}

const noteOf = (n: { keywords: string[]; tldr: string | null }) => ({ keywords: n.keywords, tldr: n.tldr });

/** The writer's tests on one backend: `open` gives a database holding `records`, with an index folder, and its clean-up. */
function describeNotesWriter(name: string, open: (records: ReturnType<typeof papers>) => Promise<{ t: TestBackend; cleanup: () => void }>): void {
  describe(`the notes writer on ${name}`, () => {
    let t: TestBackend;
    let cleanup: () => void;
    let dir: string;
    const N = 40;
    const ids = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `2402.${String(10000 + from + i)}`);
    const writer = () => new NotesWriter(NotesFile.open(dir), t.backend.changes, new DfCounter(t.search.engine));
    before(async () => {
      ({ t, cleanup } = await open(papers(N)));
      dir = notesDir(t.backend.indexDir!);
    });
    after(async () => { await t.close(); cleanup(); });

    it('writes one row per paper, equal to the notes computed when read, and nothing the second time', async () => {
      const w = writer();
      try {
        assert.equal(await w.runToEnd(), N);
        assert.equal(w.rows(), N);
        assert.equal(await w.runToEnd(), 0);
      } finally {
        w.close();
      }
      const ps = await t.store.getPapers(ids(0, N));
      const file = NotesFile.openExisting(dir)!;
      try {
        const found = file.find(ps);
        const { docs, notes } = await extractNotes(ps, new DfCounter(t.search.engine));
        assert.ok(notes.every((n) => n.keywords.length > 0 && n.tldr), 'the fixture papers have notes');
        assert.deepEqual(found.map((f) => f && noteOf(f)), notes);
        assert.ok(found.every((f) => f!.docs === docs));
      } finally {
        file.close();
      }
    });

    it('gives readers the stored row of the same text and corpus size, and never one of another text or a far corpus', async () => {
      const [p] = await t.store.getPapers(ids(3, 4));
      const docs = await new DfCounter(t.search.engine).generation();
      const plant = (rowDocs: number) => {
        const f = NotesFile.open(dir);
        f.write([{ key: 1_000_000, hash: textHash(p.title, p.abstract), len: textLength(p.title, p.abstract), docs: rowDocs, keywords: ['planted keyword'], tldr: 'Planted.' }]);
        f.close();
      };
      const read = async (q: Paper) => {
        const noter = new PaperNoter(new DfCounter(t.search.engine));
        noter.useStored(dir);
        try {
          return (await noter.notesOf([q])).get(q.id)!;
        } finally {
          noter.close();
        }
      };
      // p's own row (the first test's) taken away, a row planted under another key for p's exact text.
      let key = -1;
      for await (const page of t.backend.changes.scan()) for (const x of page) if (x.title === p.title) key = x.key;
      const own = NotesFile.open(dir);
      own.write([], [key]);
      own.close();
      plant(docs);
      assert.deepEqual(noteOf(await read(p)), { keywords: ['planted keyword'], tldr: 'Planted.' });
      // Another text (an edited abstract) does not find it.
      const edited = { ...p, abstract: `${p.abstract} Edited.` };
      const fresh = await read(edited);
      assert.notDeepEqual(noteOf(fresh), { keywords: ['planted keyword'], tldr: 'Planted.' });
      assert.deepEqual(noteOf(fresh), (await extractNotes([edited], new DfCounter(t.search.engine))).notes[0]);
      // Scored on a corpus more than STORED_DRIFT away: computed afresh instead.
      plant(Math.ceil(docs * (1 + STORED_DRIFT) * 2));
      assert.deepEqual(noteOf(await read(p)), (await extractNotes([p], new DfCounter(t.search.engine))).notes[0]);
      // The real row back in place of the planted one, for the next tests.
      const real = (await extractNotes([p], new DfCounter(t.search.engine))).notes[0];
      const f = NotesFile.open(dir);
      f.write([{ key, hash: textHash(p.title, p.abstract), len: textLength(p.title, p.abstract), docs, ...real }], [1_000_000]);
      f.close();
    });

    it('computes the notes, and never fails a read, when the notes file cannot be read', async () => {
      const ps = await t.store.getPapers(ids(10, 14));
      const { notes } = await extractNotes(ps, new DfCounter(t.search.engine));
      const read = async (folder: string) => {
        const noter = new PaperNoter(new DfCounter(t.search.engine));
        noter.useStored(folder);
        try {
          const got = await noter.notesOf(ps);
          return ps.map((p) => noteOf(got.get(p.id)!));
        } finally {
          noter.close();
        }
      };
      const { dir: garbage, cleanup: gone } = tempDir();
      try {
        // Not a SQLite file at all.
        writeFileSync(join(garbage, 'notes.db'), 'this is not a database '.repeat(100));
        assert.deepEqual(await read(garbage), notes);
        // A file that was readable when opened and lost its table since (another layout written over it).
        const copy = join(garbage, 'copy');
        const w = new NotesWriter(NotesFile.open(copy), t.backend.changes, new DfCounter(t.search.engine));
        await w.runToEnd();
        w.close();
        const noter = new PaperNoter(new DfCounter(t.search.engine));
        noter.useStored(copy);
        await noter.notesOf(await t.store.getPapers(ids(0, 1)));
        const db = new Database(join(copy, 'notes.db'));
        db.exec('DROP TABLE notes');
        db.close();
        const got = await noter.notesOf(ps);
        noter.close();
        assert.deepEqual(ps.map((p) => noteOf(got.get(p.id)!)), notes);
      } finally {
        gone();
      }
    });

    it('follows the change feed: a new paper, an edited abstract and a deleted paper', async () => {
      const w = writer();
      try {
        assert.equal(await w.runToEnd(), 0);
        await t.store.upsertRecords(papers(1, N, 7));
        const [edited] = await t.store.getPapers(ids(5, 6));
        // A newer version's abstract replaces the stored one.
        const revised = 'We revise speech recognition with sparse mixture routing. Speech recognition improves.';
        assert.deepEqual(await t.store.upsertRecords([record({ ...edited, version: (edited.version ?? 1) + 1, abstract: revised })]), ['updated']);
        assert.equal(await t.store.deletePapers(ids(6, 7)), 1);
        assert.equal(await w.runToEnd(), 3);
        assert.equal(w.rows(), N);
      } finally {
        w.close();
      }
      const file = NotesFile.openExisting(dir)!;
      try {
        const [added, now] = await t.store.getPapers([...ids(N, N + 1), ...ids(5, 6)]);
        const found = file.find([added, now]);
        const { notes } = await extractNotes([added, now], new DfCounter(t.search.engine));
        assert.deepEqual(found.map((f) => f && noteOf(f)), notes);
      } finally {
        file.close();
      }
    });

    it('finishes a pass stopped part-way without writing again what it had written, and follows the feed only after', async () => {
      const { dir: other, cleanup: done } = tempDir();
      try {
        // A feed whose scan stops (as a crash would) after three pages of 5.
        const changes = t.backend.changes;
        const stopping: ChangeFeed = Object.assign(Object.create(changes) as ChangeFeed, {
          async *scan(): AsyncIterable<PaperText[]> {
            let pages = 0;
            for await (const page of changes.scan(5)) {
              if (pages++ === 3) throw new Error('stopped');
              yield page;
            }
          },
        });
        const first = new NotesWriter(NotesFile.open(other), stopping, new DfCounter(t.search.engine));
        await assert.rejects(first.runToEnd(), /stopped/);
        assert.equal(first.rows(), 15);
        first.close();
        const stopped = NotesFile.openExisting(other)!;
        assert.equal(stopped.meta('built-docs'), null, 'an unfinished pass is not recorded as built');
        assert.equal(stopped.meta('cursor'), null, 'nor is the feed position it would cover');
        stopped.close();
        const size = await changes.size();
        const second = new NotesWriter(NotesFile.open(other), changes, new DfCounter(t.search.engine));
        try {
          assert.equal(await second.runToEnd(), size - 15);
          assert.equal(second.rows(), size);
        } finally {
          second.close();
        }
        const file = NotesFile.openExisting(other)!;
        assert.equal(Number(file.meta('cursor')), await changes.head());
        file.close();
      } finally {
        done();
      }
    });

    it(`recomputes every row once the corpus has grown by more than REFRESH_DRIFT (${REFRESH_DRIFT})`, async () => {
      const before = await t.backend.changes.size();
      const more = Math.ceil(before * REFRESH_DRIFT) + 2;
      await t.store.upsertRecords(papers(more, 100, 9));
      await t.search.blockMax!.catchUp();
      const size = await t.backend.changes.size();
      const w = writer();
      try {
        assert.equal(await w.runToEnd(), size, 'every paper\'s notes written again');
      } finally {
        w.close();
      }
      const file = NotesFile.openExisting(dir)!;
      try {
        const ps = await t.store.getPapers(ids(0, 10));
        // The corpus size the index counts now (deleted papers count until their segment merges).
        const docs = await new DfCounter(t.search.engine).generation();
        assert.ok(docs >= size);
        assert.ok(file.find(ps).every((f) => f?.docs === docs));
      } finally {
        file.close();
      }
    });
  });

}

describeNotesWriter('SQLite', async (records) => {
  const tmp = tempDbPath();
  return { t: await openTestBackend(tmp.file, { records, engine: 'engine' }), cleanup: tmp.cleanup };
});
if (requirePostgres()) {
  describeNotesWriter('PostgreSQL', async (records) => {
    const { dir, cleanup } = tempDir();
    return { t: await openTestBackend(await freshDatabase(), { records, engine: 'engine', indexDir: dir }), cleanup };
  });
}

describe('textHash', () => {
  it('is a safe integer that tells apart texts differing in one unit or in where the title ends', () => {
    const r = rng(3);
    const seen = new Map<number, string>();
    for (let i = 0; i < 20_000; i++) {
      const s = Array.from({ length: 1 + Math.floor(r() * 30) }, () => String.fromCharCode(32 + Math.floor(r() * 200))).join('');
      const cut = Math.floor(r() * s.length);
      const h = textHash(s.slice(0, cut), s.slice(cut));
      assert.ok(Number.isSafeInteger(h) && h >= 0);
      const key = `${s.slice(0, cut)}\u0000${s.slice(cut)}`;
      const prev = seen.get(h);
      assert.ok(prev === undefined || prev === key, `collision: ${JSON.stringify(prev)} and ${JSON.stringify(key)}`);
      seen.set(h, key);
    }
    assert.notEqual(textHash('ab', 'c'), textHash('a', 'bc'));
    assert.equal(textHash('Title', 'Abstract.'), textHash('Title', 'Abstract.'));
  });
});

describe('paperboy serve computes the notes ahead', () => {
  it('fills the notes file of its index folder in its maintainer thread, and the pages show those notes', async () => {
    const { file, dir, cleanup } = tempDbPath();
    const seed = await openBackend(file);
    await seed.store.upsertRecords(papers(30));
    await seed.close();
    const indexDir = join(dir, 'idx');
    const server = await startServe(['--db', file, '--index-dir', indexDir], { PAPERBOY_VECTORS: '0', PAPERBOY_IMAGE_CACHE: join(dir, 'images') });
    try {
      // Bounded only so that a writer that never runs fails instead of hanging.
      const until = Date.now() + 60_000;
      let rows = 0;
      while (Date.now() < until) {
        const f = NotesFile.openExisting(notesDir(indexDir));
        rows = f ? f.count() : 0;
        const built = f?.meta('built-docs');
        f?.close();
        if (rows === 30 && built) break;
        await new Promise((ok) => setTimeout(ok, 200));
      }
      assert.equal(rows, 30);
      const f = NotesFile.openExisting(notesDir(indexDir))!;
      const res = await fetch(`${server.url}/api/papers/2402.10004`);
      assert.equal(res.status, 200);
      const body = (await res.json()) as { title: string; summary: string; ai_keywords: string[]; ai_summary: string };
      const [stored] = f.find([{ title: body.title, abstract: body.summary }]);
      f.close();
      assert.ok(stored);
      assert.deepEqual(body.ai_keywords, stored.keywords);
      assert.equal(body.ai_summary, stored.tldr);
    } finally {
      await server.stop();
      cleanup();
    }
  });
});

describe('the extractor version of the notes file', () => {
  it('rebuilds, and readers skip, a file written by another extractor version', async () => {
    const { dir, cleanup } = tempDir();
    const tmp = tempDbPath();
    const t = await openTestBackend(tmp.file, { records: papers(12), engine: 'engine' });
    try {
      const w = new NotesWriter(NotesFile.open(dir), t.backend.changes, new DfCounter(t.search.engine));
      assert.equal(await w.runToEnd(), 12);
      w.close();
      const db = new Database(join(dir, 'notes.db'));
      db.prepare("UPDATE meta SET value = '1.0' WHERE name = 'format'").run();
      db.close();
      assert.equal(NotesFile.openExisting(dir), null, 'a reader does not use an older extractor\'s notes');
      const again = new NotesWriter(NotesFile.open(dir), t.backend.changes, new DfCounter(t.search.engine));
      try {
        assert.equal(again.rows(), 0, 'the writer starts the file afresh');
        assert.equal(await again.runToEnd(), 12);
      } finally {
        again.close();
      }
      assert.ok(NotesFile.openExisting(dir), 'readable again once rewritten');
    } finally {
      await t.close();
      tmp.cleanup();
      cleanup();
    }
  });

  it(`pins what the extraction gives to EXTRACTOR_VERSION (${EXTRACTOR_VERSION})`, () => {
    const stats = { docs: 1000, df: new Map(Object.entries({ reward: 20, model: 400, ensembl: 10, overoptim: 3, robust: 40, shift: 30, distribut: 60, et: 300, al: 300, studi: 500 })) };
    const fixtures = [
      ['Reward Model Ensembles Reduce Overoptimization', 'Reward models align language models. We study reward model ensembles, which reduce overoptimization. Ensembles of reward models help.'],
      ['Robustness to Distribution Shift', 'Prior work (Smith et al., 2020) studies robustness. We show that robustness to distribution shift follows from et al. style ensembles under shift.'],
    ];
    const got = fixtures.map(([title, abstract]) => ({ keywords: extractKeywords(title, abstract, stats), tldr: extractTldr(title, abstract) }));
    assert.ok(got.every((g) => !g.keywords.some((k) => /\bet al\b/i.test(k))), 'no "et al" keyword');
    const digest = createHash('sha256').update(JSON.stringify(got)).digest('hex').slice(0, 16);
    assert.equal(digest, PINNED[EXTRACTOR_VERSION],
      `the extraction changed (${JSON.stringify(got)}): bump EXTRACTOR_VERSION in src/search/notes/notes-file.ts and pin the new digest here`);
  });
});

/** The extraction digest of the fixtures above, per extractor version. */
const PINNED: Record<number, string> = { 2: 'd9ba62dee5f5bce1' };
