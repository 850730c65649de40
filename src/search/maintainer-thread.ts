/**
 * A worker thread that keeps an index in `serve` (the lexical index:
 * index-maintainer.ts; the vector index: vectors/vector-maintainer.ts): it
 * is started from a module that holds its body, forwards its log lines,
 * is restarted after a pause when it fails, and is stopped politely (it
 * closes its index and database first, then says 'stopped').
 *
 * Goals: one place for the thread's life cycle, so that each index's file
 * says only what its worker does. Non-goals: the messages of a particular
 * index (each maintainer adds its own beside 'log' and 'stopped').
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { setPriority } from 'node:os';
import { isDatabaseUnavailable } from '../store/database-unavailable.js';
import { OutageLog } from '../store/outage-log.js';

/** Pause before a failed worker is started again. Default 5 s; sane range 1–60 s. */
const RESTART_DELAY_MS = 5_000;

/** What every maintainer worker may post; each adds its own kinds. */
export type ThreadMessage = { type: 'log'; line: string } | { type: 'stopped' }
  | { type: 'failed'; message: string; unavailable: boolean } | { type: 'up' } | { type: string; [k: string]: unknown };

export interface MaintainerThread {
  /** Stops the worker (it closes its index and releases its lock first); forced after 10 s. */
  stop(): Promise<void>;
}

/**
 * Starts the worker whose body is registered (runAsMaintainer) in the module at `moduleUrl` under
 * `init.role`; `onMessage` gets every message other than 'log' and 'stopped'.
 */
export function startMaintainerThread<M extends { type: string }>(
  moduleUrl: string, init: { role: string }, log: (line: string) => void, onMessage: (m: M) => void,
): MaintainerThread {
  let worker: Worker | null = null;
  let stopping = false;
  let restart: NodeJS.Timeout | null = null;
  let exited: Promise<void> = Promise.resolve();
  // A worker that cannot reach the database fails and is restarted every RESTART_DELAY_MS: one line when
  // that starts, one when a worker is up again, not a stack trace every 5 s for as long as it lasts.
  const outage = new OutageLog(`the ${init.role} thread`, log);
  const start = () => {
    // The compiled build runs the .js file; under tsx (dev, tests, bench) a worker does not inherit tsx's loader.
    const dev = moduleUrl.endsWith('.ts');
    const entry: string | URL = dev
      ? `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((t) => { t.register(); return import(${JSON.stringify(moduleUrl)}); });`
      : new URL(moduleUrl);
    const w = new Worker(entry, { eval: dev, workerData: init });
    worker = w;
    w.unref();
    w.on('message', (m: ThreadMessage) => {
      if (m.type === 'log') log((m as { line: string }).line);
      else if (m.type === 'failed') outage.failed(new Error((m as { message: string }).message), (m as { unavailable: boolean }).unavailable);
      else if (m.type === 'up') outage.succeeded();
      // The worker has closed its index and database; its message port would keep it alive.
      else if (m.type === 'stopped') void w.terminate();
      else onMessage(m as unknown as M);
    });
    w.on('error', (err) => log(`paperboy: the ${init.role} thread failed: ${err instanceof Error ? err.message : String(err)}`));
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

/** Inside a worker: what the body gets — post a message, log a line, and whether it was asked to stop. */
export interface WorkerSide<I> {
  init: I;
  /** Posts a message; buffers in `transfer` move to the main thread instead of being copied. */
  post(m: ThreadMessage, transfer?: ArrayBuffer[]): void;
  log(line: string): void;
  /** True once the main thread asked the worker to stop. */
  readonly stopped: boolean;
  /** Resolves after `ms`, or at once when asked to stop. */
  sleep(ms: number): Promise<void>;
}

/**
 * Runs `body` when this module is loaded as the worker of `role` (a no-op on the main thread);
 * the worker says 'stopped' after the body returns, and exits with its error logged when it throws.
 */
/**
 * The maintainer threads' nice value (Linux). Their work (a first build, a
 * pass over every paper's notes, merges, embedding) can take a core for
 * minutes; niced, they take what the threads answering requests leave.
 * Fresh 2-word API searches during the notes pass of 100k papers, 15 s
 * each, on a machine loaded by other jobs: nice 10 → p50 7.8 / p95 25.1–26.2
 * ms, 1,341–1,372 requests; nice 0 → 11.6–13.4 / 33.9–34.2 ms, 952–993.
 * Default 10 (a tenth of the CPU weight of a nice-0 thread); sane range 5–19.
 */
export const MAINTAINER_NICE = 10;

/** Lowers the calling thread's priority: Linux keeps a nice value per thread; elsewhere it is per process, so nothing is done. */
function lowerThisThread(): void {
  if (process.platform !== 'linux') return;
  try {
    setPriority(0, MAINTAINER_NICE);
  } catch {
    // Not permitted here (a sandbox): the thread runs at the process's priority.
  }
}

export function runAsMaintainer<I extends { role: string }>(role: string, body: (w: WorkerSide<I>) => Promise<void>): void {
  if (isMainThread || (workerData as { role?: string } | undefined)?.role !== role) return;
  const port = parentPort!;
  lowerThisThread();
  let stopped = false;
  let wake: (() => void) | null = null;
  port.on('message', (m: { type: string }) => {
    if (m.type === 'stop') {
      stopped = true;
      wake?.();
    }
  });
  const side: WorkerSide<I> = {
    init: workerData as I,
    post: (m, transfer) => port.postMessage(m, transfer),
    log: (line) => port.postMessage({ type: 'log', line }),
    get stopped() {
      return stopped;
    },
    sleep: (ms) => new Promise<void>((resolve) => {
      if (stopped) return resolve();
      wake = resolve;
      setTimeout(resolve, ms);
    }),
  };
  body(side).then(() => port.postMessage({ type: 'stopped' }), (err: unknown) => {
    // The database away: the main thread logs it once per outage; any other fault with its stack, every time.
    if (isDatabaseUnavailable(err)) port.postMessage({ type: 'failed', message: err instanceof Error ? err.message : String(err), unavailable: true });
    else port.postMessage({ type: 'log', line: `paperboy: the ${role} thread stopped: ${err instanceof Error ? err.stack ?? err.message : String(err)}` });
    process.exit(1);
  });
}
