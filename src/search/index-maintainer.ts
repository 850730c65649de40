/**
 * The lexical index's maintainer thread in `serve`: a worker thread that
 * owns the index folder (index-lock.ts) and does all of its work — verify,
 * repair, first build, catch-up from the change feed, flushes and merges —
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
    if (engine) {
      await engine.catchUp();
      engine.flushWhenIdle();
      if (engine.index.pendingDocs === 0) written();
    }
    if (w.stopped) break;
    await w.sleep(w.init.intervalMs);
  }
  await engine?.close();
  await backend.close();
});
