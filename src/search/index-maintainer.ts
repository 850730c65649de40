/**
 * The lexical index's maintainer thread in `serve`: a worker thread that
 * owns the index folder (index-lock.ts) and does all of its work — verify,
 * repair, first build, catch-up from the change feed, flushes and merges,
 * and between catch-ups the papers' notes (notes/notes-writer.ts) —
 * so the thread that answers requests never blocks on it (a merge of 40k
 * papers takes seconds). The serving thread follows the folder read-only
 * (block-max-engine.ts) and is told after each write to reload.
 *
 * The worker opens the database itself (openBackend of the same address).
 * When another live process owns the folder the worker waits and takes over
 * once that process is gone. The thread's life cycle (restart after a
 * failure, polite stop) is maintainer-thread.ts.
 *
 * Non-goals: in-memory databases (nothing to share: the engine builds in
 * place), the vector index (vectors/vector-maintainer.ts).
 */
import { runAsMaintainer, startMaintainerThread, type MaintainerThread } from './maintainer-thread.js';
import { UpvoteTable } from './upvote-table.js';
import { NotesFile, notesDir } from './notes/notes-file.js';
import { NotesWriter } from './notes/notes-writer.js';
import { DfCounter } from './similar.js';

/** How often the worker looks for new changes or a gone owner. Default 500 ms; sane range 100 ms–10 s. */
export const MAINTAIN_INTERVAL_MS = 500;

/**
 * The worker reads every listed paper's upvotes for sort=upvotes this often
 * (the list pages' cache age, so a new vote shows in both at about the same
 * time)… Default 5 s; sane range 1–60 s.
 */
export const UPVOTES_REFRESH_MS = 5_000;
/**
 * …but never spends more than 1/UPVOTES_MAX_SHARE of its time on it: the
 * read took ≈ 200–250 ms at 100,000 daily entries, so a very large site
 * refreshes less often rather than keeping a core busy. Default 10.
 */
const UPVOTES_MAX_SHARE = 10;

/**
 * The notes writer's step between two catch-ups of the index (notes/notes-writer.ts): a pass over
 * 1M papers takes ≈ 200 s of this thread, and a new paper waits at most this long for the index.
 * Default 100 ms; sane range 20–1,000 ms.
 */
const NOTES_STEP_MS = 100;
/** After a failed notes step, the writer waits this long before trying again. */
const NOTES_RETRY_MS = 60_000;

const ROLE = 'lexical-maintainer';

export type IndexMaintainer = MaintainerThread;

interface Init {
  role: typeof ROLE;
  db: string;
  indexDir: string;
  intervalMs: number;
}

type FromWorker = { type: 'written' } | { type: 'upvotes'; keys: Uint32Array; values: Int32Array };

/**
 * Starts the maintainer thread; `onWritten` runs after every write of the index (the follower
 * reloads), `onUpvotes` with each new upvote table.
 */
export function startMaintainer(db: string, indexDir: string, log: (line: string) => void, onWritten: () => void,
  onUpvotes: (table: UpvoteTable) => void = () => {}): IndexMaintainer {
  const init: Init = { role: ROLE, db, indexDir, intervalMs: MAINTAIN_INTERVAL_MS };
  return startMaintainerThread<FromWorker>(import.meta.url, init, log, (m) => {
    if (m.type === 'written') onWritten();
    else if (m.type === 'upvotes') onUpvotes(UpvoteTable.fromArrays(m.keys, m.values));
  });
}

/** The worker's body: own the folder when possible, and keep the index current. */
runAsMaintainer<Init>(ROLE, async (w) => {
  const { openBackend } = await import('../store/open-backend.js');
  const { BlockMaxEngine } = await import('./block-max-engine.js');
  const backend = await openBackend(w.init.db);
  // Connected: the end of an outage, if this worker was restarted through one (maintainer-thread.ts).
  w.post({ type: 'up' });
  const src = { changes: backend.changes, upvotes: async () => new Map<number, number>() };
  let engine: Awaited<ReturnType<typeof BlockMaxEngine.openOwner>> = null;
  let upvotesDue = 0;
  let notes: NotesWriter | null = null;
  let notesDue = 0;
  const upvotes = async () => {
    if (performance.now() < upvotesDue) return;
    const t0 = performance.now();
    const table = UpvoteTable.fromMap(await backend.store.upvotesByKey());
    const took = performance.now() - t0;
    upvotesDue = performance.now() + Math.max(UPVOTES_REFRESH_MS, UPVOTES_MAX_SHARE * took);
    // Transferred, not copied: this thread keeps nothing of it.
    w.post({ type: 'upvotes', keys: table.keys, values: table.values }, [table.keys.buffer as ArrayBuffer, table.values.buffer as ArrayBuffer]);
  };
  let stamp = '';
  const written = () => {
    const now = `${engine!.index.changeSeq}:${engine!.index.segmentCount}:${engine!.index.pendingDocs}`;
    if (now !== stamp) {
      stamp = now;
      w.post({ type: 'written' });
    }
  };
  while (!w.stopped) {
    await upvotes().catch((err: unknown) => w.log(`paperboy: reading upvotes for sort=upvotes failed: ${err instanceof Error ? err.message : String(err)}`));
    if (!engine) {
      engine = await BlockMaxEngine.openOwner(src, w.init.indexDir, { log: w.log });
      if (engine) written();
    }
    let busy = false;
    if (engine) {
      await engine.catchUp();
      engine.flushWhenIdle();
      if (engine.index.pendingDocs === 0) written();
      // Then the papers' notes, one bounded step: the index is caught up again before the next.
      if (performance.now() >= notesDue) {
        try {
          notes ??= new NotesWriter(NotesFile.open(notesDir(w.init.indexDir)), backend.changes, new DfCounter(engine));
          busy = (await notes.step(NOTES_STEP_MS)).pending;
        } catch (err) {
          notesDue = performance.now() + NOTES_RETRY_MS;
          w.log(`paperboy: computing papers' keywords and TL;DRs failed (they are computed when read meanwhile; tried again in ${NOTES_RETRY_MS / 1000} s): ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    }
    if (w.stopped) break;
    if (busy) await new Promise((resolve) => setImmediate(resolve));
    else await w.sleep(w.init.intervalMs);
  }
  notes?.close();
  await engine?.close();
  await backend.close();
});
