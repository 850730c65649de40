/**
 * Worker thread body of OrWorker (parallel-or.ts): runs the any-word top-k
 * (top-k.ts topKOr) over the segments the serving thread gives it, into
 * one heap, and answers with that heap's entries and the documents it
 * spilled (by window sums: the serving thread ranks them exactly).
 *
 * Each search carries its segments (typed arrays that are views of
 * SharedArrayBuffers: posting them copies nothing), their length norms
 * (shared too) and, per segment, the clause term ids, idfs, the avgdl
 * scale, the doc range and the deleted/filter bitsets the serving thread
 * computed — everything topKOr reads, so the scores are the same floats the
 * serving thread would compute — and a pair of slots where both sides
 * publish their k-th score, each pruning with the larger (SharedThreshold).
 *
 * Goals: stateless (nothing outlives a search, so a segment merged away is
 * freed when the serving thread lets it go); one message in, one out.
 * Non-goals: phrases, prefixes, author names (materialized on the serving
 * thread, which keeps those queries), AND queries, writes.
 */
import { parentPort } from 'node:worker_threads';
import { StoredCursor } from './posting-cursor.js';
import { Segment, type SegmentData } from './segment.js';
import { SharedThreshold, Spill, TopK, topKOr, type SegmentRun } from './top-k.js';
import type { OrAnswer } from './parallel-or.js';
import type { FieldWeights } from './bm25.js';

/** One segment's share of a query (what LexicalIndex.segmentRun and plan() decided for it). */
export interface OrTask {
  name: string;
  /** The segment's arrays (shared memory), without its positions (never read here). */
  data: Omit<SegmentData, 'positions'>;
  /** K1·(1 − B + B·len/avgdl) per document at the query's avgdl (shared memory; lexical-index.ts lengthNorms). */
  norms: Float64Array;
  /** Term ids of the clauses present in the segment, in clause order, with their idfs. */
  terms: number[];
  idfs: number[];
  /** Bound multiplier at the query's avgdl (StoredCursor.scale). */
  scale: number;
  base: number;
  lo: number;
  hi: number;
  blocked: Uint32Array | null;
  required: Uint32Array | null;
  /** Check docDate per document (a date filter on a segment that is not date-sorted). */
  dated: boolean;
  dateFrom: number;
  dateTo: number;
}

export interface OrWorkerMessage {
  id: number;
  k: number;
  avgdl: number;
  weights: FieldWeights;
  tasks: OrTask[];
  /** The two sides' k-th scores (top-k.ts SharedThreshold; this worker is side 1). */
  threshold: SharedArrayBuffer;
}

export interface OrWorkerReply {
  id: number;
  answer?: OrAnswer;
  error?: string;
}

/** Positions are never read here (plain words only): a segment's position source says so if asked. */
const noPositions = { read(): Uint8Array { throw new Error('positions are not available in the any-word worker'); } };

function search(m: OrWorkerMessage): OrWorkerReply {
  const heap = new TopK(m.k);
  const spill = new Spill();
  const shared = new SharedThreshold(m.threshold, 1);
  for (const t of m.tasks) {
    const seg = new Segment({ ...t.data, positions: noPositions }, t.name);
    const d = seg.d;
    const run: SegmentRun = {
      cursors: t.terms.map((term) => {
        const c = new StoredCursor(seg, term, m.weights);
        c.scale = t.scale;
        return c;
      }),
      idfs: t.idfs, docLen: d.docLen, avgdl: m.avgdl, base: t.base, lo: t.lo, hi: t.hi, blocked: t.blocked, required: t.required,
      dates: t.dated ? d.docDate : null, dateFrom: t.dateFrom, dateTo: t.dateTo, norms: t.norms, shared,
    };
    topKOr(run, heap, spill);
  }
  return { id: m.id, answer: { docs: heap.docs.slice(0, heap.size), scores: heap.scores.slice(0, heap.size), spillDocs: spill.docs, spillScores: spill.scores } };
}

parentPort?.on('message', (m: OrWorkerMessage) => {
  let reply: OrWorkerReply;
  try {
    reply = search(m);
  } catch (e) {
    reply = { id: m.id, error: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) };
  }
  parentPort!.postMessage(reply);
});
