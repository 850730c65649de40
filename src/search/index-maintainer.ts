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
 * once that process is gone. A worker that fails is restarted after a pause.
 *
 * Non-goals: in-memory databases (nothing to share: the engine builds in
 * place), the vector index (vectors/vector-engine.ts).
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

/** How often the worker looks for new changes or a gone owner. Default 500 ms; sane range 100 ms–10 s. */
export const MAINTAIN_INTERVAL_MS = 500;

/** Pause before a failed worker is started again. Default 5 s; sane range 1–60 s. */
const RESTART_DELAY_MS = 5_000;

export interface IndexMaintainer {
  /** Stops the worker (it closes the index and releases the lock first). */
  stop(): Promise<void>;
}

interface Init {
  role: 'lexical-maintainer';
  db: string;
  indexDir: string;
  intervalMs: number;
}

type FromWorker = { type: 'log'; line: string } | { type: 'written' } | { type: 'stopped' };

/** Starts the maintainer thread; `onWritten` runs after every write of the index (the follower reloads). */
export function startMaintainer(db: string, indexDir: string, log: (line: string) => void, onWritten: () => void): IndexMaintainer {
  let worker: Worker | null = null;
  let stopping = false;
  let restart: NodeJS.Timeout | null = null;
  let exited: Promise<void> = Promise.resolve();
  const start = () => {
    // The compiled build runs the .js file; under tsx (dev, tests, bench) a worker does not inherit tsx's loader.
    const dev = import.meta.url.endsWith('.ts');
    const file = import.meta.url;
    const entry: string | URL = dev
      ? `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((t) => { t.register(); return import(${JSON.stringify(file)}); });`
      : new URL(file);
    const w = new Worker(entry, { eval: dev, workerData: { role: 'lexical-maintainer', db, indexDir, intervalMs: MAINTAIN_INTERVAL_MS } satisfies Init });
    worker = w;
    w.unref();
    w.on('message', (m: FromWorker) => {
      if (m.type === 'log') log(m.line);
      else if (m.type === 'written') onWritten();
      // The worker has closed the index and the database; its message port would keep it alive.
      else if (m.type === 'stopped') void w.terminate();
    });
    w.on('error', (err) => log(`paperboy: the search index maintainer failed: ${err instanceof Error ? err.message : String(err)}`));
    exited = new Promise((resolve) => {
      w.once('exit', () => {
        worker = null;
        resolve();
        if (!stopping) {
          restart = setTimeout(start, RESTART_DELAY_MS);
          restart.unref();
        }
      });
    });
  };
  start();
  return {
    async stop() {
      stopping = true;
      if (restart) clearTimeout(restart);
      if (worker) {
        worker.postMessage({ type: 'stop' });
        const forced = setTimeout(() => void worker?.terminate(), 10_000);
        await exited;
        clearTimeout(forced);
      }
    },
  };
}

/** The worker's body: own the folder when possible, and keep the index current. */
async function maintain(init: Init): Promise<void> {
  const port = parentPort!;
  const post = (m: FromWorker) => port.postMessage(m);
  const log = (line: string) => post({ type: 'log', line });
  const { openBackend } = await import('../store/open-backend.js');
  const { BlockMaxEngine } = await import('./block-max-engine.js');
  const backend = await openBackend(init.db);
  const src = { changes: backend.changes, upvotes: async () => new Map<number, number>() };
  let engine: Awaited<ReturnType<typeof BlockMaxEngine.openOwner>> = null;
  let stop = false;
  let wake: (() => void) | null = null;
  port.on('message', (m: { type: string }) => {
    if (m.type === 'stop') {
      stop = true;
      wake?.();
    }
  });
  let stamp = '';
  const written = () => {
    const now = `${engine!.index.changeSeq}:${engine!.index.segmentCount}:${engine!.index.pendingDocs}`;
    if (now !== stamp) {
      stamp = now;
      post({ type: 'written' });
    }
  };
  while (!stop) {
    if (!engine) {
      engine = await BlockMaxEngine.openOwner(src, init.indexDir, { log });
      if (engine) written();
    }
    if (engine) {
      await engine.catchUp();
      engine.flushWhenIdle();
      if (engine.index.pendingDocs === 0) written();
    }
    if (stop) break;
    await new Promise<void>((resolve) => {
      wake = resolve;
      setTimeout(resolve, init.intervalMs);
    });
  }
  await engine?.close();
  await backend.close();
  post({ type: 'stopped' });
}

if (!isMainThread && (workerData as Init | undefined)?.role === 'lexical-maintainer') {
  maintain(workerData as Init).catch((err: unknown) => {
    parentPort?.postMessage({ type: 'log', line: `paperboy: the search index maintainer stopped: ${err instanceof Error ? err.stack ?? err.message : String(err)}` } satisfies FromWorker);
    process.exit(1);
  });
}
