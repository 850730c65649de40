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

/** How often the worker looks for new changes or a gone owner. Default 500 ms; sane range 100 ms–10 s. */
export const MAINTAIN_INTERVAL_MS = 500;

const ROLE = 'lexical-maintainer';

export type IndexMaintainer = MaintainerThread;

interface Init {
  role: typeof ROLE;
  db: string;
  indexDir: string;
  intervalMs: number;
}

/** Starts the maintainer thread; `onWritten` runs after every write of the index (the follower reloads). */
export function startMaintainer(db: string, indexDir: string, log: (line: string) => void, onWritten: () => void): IndexMaintainer {
  const init: Init = { role: ROLE, db, indexDir, intervalMs: MAINTAIN_INTERVAL_MS };
  return startMaintainerThread<{ type: 'written' }>(import.meta.url, init, log,
    (m) => { if (m.type === 'written') onWritten(); });
}

/** The worker's body: own the folder when possible, and keep the index current. */
runAsMaintainer<Init>(ROLE, async (w) => {
  const { openBackend } = await import('../store/open-backend.js');
  const { BlockMaxEngine } = await import('./block-max-engine.js');
  const backend = await openBackend(w.init.db);
  const src = { changes: backend.changes, upvotes: async () => new Map<number, number>() };
  let engine: Awaited<ReturnType<typeof BlockMaxEngine.openOwner>> = null;
  let stamp = '';
  const written = () => {
    const now = `${engine!.index.changeSeq}:${engine!.index.segmentCount}:${engine!.index.pendingDocs}`;
    if (now !== stamp) {
      stamp = now;
      w.post({ type: 'written' });
    }
  };
  while (!w.stopped) {
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
