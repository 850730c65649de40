/**
 * A second core for long any-word queries: one worker thread (or-worker.ts)
 * that runs the any-word top-k over some of the index's segments while the
 * serving thread runs it over the others; the two heaps are merged.
 *
 * Why: a pasted 30-word sentence at 1M papers has ~15 words that count
 * (the rest sit at FTS5's idf floor) in 10–50% of the papers each, so
 * pruning skips little and the top-k reads ~2.5M postings (≈ 30–45 ms of
 * CPU on this machine). Split by segment, two cores read them in about
 * half the time. Exact: each side's top k is exact over its documents, and
 * the merged top k ranks by (score, lower global doc id) as one heap does;
 * each side also prunes with the other's k-th score, strictly (top-k.ts
 * SharedThreshold). Only when a core is idle (spare-core.ts): on a busy
 * machine two threads cost ≈ 20–30% more CPU for the same answer and the
 * second thread waits for a core, so the query runs on one.
 *
 * Segments are shared, not copied: their files are read into
 * SharedArrayBuffers (segment-file.ts) and each search posts the views of
 * its segments' arrays (and their length norms, shared too). Segments held
 * only in this thread's memory (an in-memory index, the memory segment)
 * stay with this thread. One worker per thread serves every index in it
 * (orWorker()), created at the first long query and never keeping the
 * process alive.
 *
 * Goals: a failed or stopped worker only costs the parallelism (its share
 * runs here). Non-goals: more than one worker (one request uses at most two
 * cores; a busy server's requests use the others), AND queries (tier lists
 * answer those in a few ms), phrases and prefixes.
 */
import { Worker } from 'node:worker_threads';
import type { FieldWeights } from './bm25.js';
import type { Segment } from './segment.js';
import type { OrTask, OrWorkerMessage, OrWorkerReply } from './or-worker.js';

export type { OrTask } from './or-worker.js';

/** The worker's top-k entries and its spilled documents, by window sums (top-k.ts Spill; global doc ids). */
export interface OrAnswer {
  docs: Float64Array;
  scores: Float64Array;
  spillDocs: number[];
  spillScores: number[];
}

/** Whether a segment's arrays live in shared memory (a worker can read them without a copy). */
export function sharedSegment(seg: Segment): boolean {
  return seg.d.postings.buffer instanceof SharedArrayBuffer && seg.d.docLen.buffer instanceof SharedArrayBuffer;
}

export class OrWorker {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve: (r: OrAnswer) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  /** The worker failed or stopped: callers run everything on their own thread from now on. */
  broken = false;
  /** Searches the worker answered (tests and benchmarks). */
  answered = 0;

  constructor() {
    // The compiled build runs the .js next to this file; under tsx (dev, bench, eval) a worker does not inherit
    // tsx's loader, so a bootstrap registers it first and then imports the .ts source.
    const dev = import.meta.url.endsWith('.ts');
    const file = new URL(dev ? './or-worker.ts' : './or-worker.js', import.meta.url);
    const entry: string | URL = dev
      ? `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((t) => { t.register(); return import(${JSON.stringify(file.href)}); });`
      : file;
    this.worker = new Worker(entry, { eval: dev });
    this.worker.on('message', (r: OrWorkerReply) => {
      const w = this.waiting.get(r.id);
      if (!w) return;
      this.waiting.delete(r.id);
      if (this.waiting.size === 0) this.worker.unref();
      if (r.error !== undefined || !r.answer) w.reject(new Error(`the any-word worker failed: ${r.error ?? 'no answer'}`));
      else {
        this.answered++;
        w.resolve(r.answer);
      }
    });
    const fail = (e: Error) => {
      this.broken = true;
      for (const w of this.waiting.values()) w.reject(e);
      this.waiting.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`the any-word worker stopped (exit code ${code})`)));
    // An idle worker never keeps the process alive; a search waiting for it holds a ref (run()). After the listeners:
    // adding a 'message' listener refs the worker's port again.
    this.worker.unref();
  }

  /** Posts a search over `tasks` now and resolves with the worker's top-k entries and spilled documents. */
  run(tasks: OrTask[], k: number, avgdl: number, weights: FieldWeights, threshold: SharedArrayBuffer): Promise<OrAnswer> {
    const id = this.nextId++;
    const answer = new Promise<OrAnswer>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    this.worker.ref();
    const m: OrWorkerMessage = { id, k, avgdl, weights, tasks, threshold };
    this.worker.postMessage(m);
    return answer;
  }

  async close(): Promise<void> {
    this.broken = true;
    await this.worker.terminate();
  }
}

let shared: OrWorker | null = null;

/** This thread's any-word worker (created on first use; a broken one is not replaced: searches then run here). */
export function orWorker(): OrWorker {
  shared ??= new OrWorker();
  return shared;
}
