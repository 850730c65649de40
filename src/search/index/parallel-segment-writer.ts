/**
 * Builds a persistent index's segments in worker threads (a rebuild).
 *
 * Segment i (papers [i·segmentDocs, (i+1)·segmentDocs) in the order given)
 * is built by worker i mod threads, which receives its papers in batches and
 * writes the segment file itself (segment-worker.ts); the main thread only
 * batches papers, reserves segment names in order and, in finish(), adopts
 * the written segments in that same order and commits the manifest, so doc
 * ids stay in the order papers were added (publication order: a date range
 * is an id range) across segments.
 *
 * The API is synchronous, like rebuild(): the main thread blocks on shared
 * counters (Atomics.wait) when a worker has `MAX_PENDING` batches queued
 * (bounded memory) and in finish().
 * Goals: build throughput on ≥ 2 cores. Non-goals: updates or deletes while
 * building (papers are fresh), in-memory indexes, async callers.
 */
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { LexicalIndex } from './lexical-index.js';
import type { IndexDoc } from './segment-builder.js';

/**
 * Papers per message to a worker. Default 1,000: a message costs a
 * structured clone (≈ 1.5 MB of text) and a wake-up; much smaller batches
 * spend their time in messaging, much larger ones hold more memory in
 * queues. Sane range 200–5,000.
 */
const BATCH_DOCS = 1_000;
/** Batches a worker may have queued before the main thread waits (memory bound ≈ MAX_PENDING · 1.5 MB a worker). */
const MAX_PENDING = 8;

interface Lane { worker: Worker; ctl: Int32Array; errors: MessagePort; written: number; assigned: number }

export class ParallelSegmentWriter {
  private readonly lanes: Lane[] = [];
  private readonly pending: { name: string; lane: number; ordinal: number }[] = [];
  private batch: IndexDoc[] = [];
  private inSegment = 0;
  private segment = -1;
  private closed = false;

  constructor(private readonly index: LexicalIndex, readonly threads: number, readonly segmentDocs: number) {
    if (threads < 1) throw new Error('threads must be ≥ 1');
    // The compiled build runs the .js next to this file; under tsx (dev, tests, bench) a worker does not inherit
    // tsx's loader, so a bootstrap registers it first and then imports the .ts source.
    const dev = import.meta.url.endsWith('.ts');
    const file = new URL(dev ? './segment-worker.ts' : './segment-worker.js', import.meta.url);
    const entry: string | URL = dev
      ? `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((t) => { t.register(); return import(${JSON.stringify(file.href)}); }).catch((e) => { ` +
        `const w = require('node:worker_threads').workerData; w.errors.postMessage(String((e && e.stack) || e)); ` +
        'Atomics.store(w.ctl, 2, 1); Atomics.notify(w.ctl, 0); Atomics.notify(w.ctl, 1); });'
      : file;
    for (let i = 0; i < threads; i++) {
      const ctl = new Int32Array(new SharedArrayBuffer(3 * 4));
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(entry, { eval: dev, workerData: { weights: index.weights, ctl, errors: port2 }, transferList: [port2] });
      this.lanes.push({ worker, ctl, errors: port1, written: 0, assigned: 0 });
    }
  }

  private check(l: Lane): void {
    if (Atomics.load(l.ctl, 2) === 0) return;
    const msg = receiveMessageOnPort(l.errors);
    this.close();
    throw new Error(`a segment worker failed (nothing was committed; run the rebuild again): ${String(msg?.message ?? 'unknown error')}`);
  }

  private send(): void {
    if (this.batch.length === 0) return;
    const l = this.lanes[this.segment % this.threads];
    for (let v = Atomics.load(l.ctl, 0); v >= MAX_PENDING; v = Atomics.load(l.ctl, 0)) {
      Atomics.wait(l.ctl, 0, v, 1000);
      this.check(l);
    }
    Atomics.add(l.ctl, 0, 1);
    l.worker.postMessage({ docs: this.batch });
    this.batch = [];
  }

  private endSegment(): void {
    this.send();
    const lane = this.segment % this.threads;
    const { name, path } = this.index.reserveSegment();
    this.lanes[lane].worker.postMessage({ finish: path });
    this.pending.push({ name, lane, ordinal: ++this.lanes[lane].assigned });
    this.inSegment = 0;
  }

  /** Adds a paper (keys fresh, in the order doc ids should follow). */
  add(doc: IndexDoc): void {
    if (this.inSegment === 0) this.segment++;
    this.batch.push(doc);
    if (++this.inSegment === this.segmentDocs) this.endSegment();
    else if (this.batch.length === BATCH_DOCS) this.send();
  }

  /** Waits for every segment, adopts them in order, commits (the index's changeSeq as set), and stops the workers. */
  finish(): void {
    if (this.inSegment > 0) this.endSegment();
    for (const p of this.pending) {
      const l = this.lanes[p.lane];
      for (let v = Atomics.load(l.ctl, 1); v < p.ordinal; v = Atomics.load(l.ctl, 1)) {
        Atomics.wait(l.ctl, 1, v, 1000);
        this.check(l);
      }
      this.index.adoptSegment(p.name);
    }
    this.close();
    this.index.flush();
  }

  /** Stops the workers (finish() does; call it after an error). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const l of this.lanes) {
      void l.worker.terminate();
      l.errors.close();
    }
  }
}
