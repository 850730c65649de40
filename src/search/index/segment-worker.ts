/**
 * Worker thread body of ParallelSegmentWriter (parallel-segment-writer.ts):
 * builds segments from batches of papers and writes each one to the path
 * the main thread reserved for it.
 *
 * Protocol (one worker, messages handled in order): `{ docs }` adds a batch
 * to the current SegmentBuilder and decrements the shared pending-batch
 * counter (ctl[0]); `{ finish: path }` writes the segment (atomically, as
 * flush() does), starts a new builder and increments ctl[1] (segments
 * written). Both counters are notified so a blocked main thread wakes up.
 * An error sets ctl[2] = 1, sends its message on `errors` and stops.
 * Goals: no shared state but the counters; the main thread adopts segments.
 * Non-goals: deletes or updates (a rebuild only adds fresh papers).
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { SegmentBuilder, type IndexDoc } from './segment-builder.js';
import { writeSegmentFile } from './segment-file.js';
import type { FieldWeights } from './bm25.js';

interface Init { weights: FieldWeights; ctl: Int32Array; errors: MessagePort }
type Msg = { docs: IndexDoc[] } | { finish: string };

const init = workerData as Init;
let builder = new SegmentBuilder(init.weights);
let failed = false;
parentPort?.on('message', (m: Msg) => {
  if (failed) return;
  try {
    if ('docs' in m) {
      for (const d of m.docs) builder.add(d);
      Atomics.sub(init.ctl, 0, 1);
      Atomics.notify(init.ctl, 0);
    } else {
      writeSegmentFile(m.finish, builder.finish());
      builder = new SegmentBuilder(init.weights);
      Atomics.add(init.ctl, 1, 1);
      Atomics.notify(init.ctl, 1);
    }
  } catch (e) {
    failed = true;
    init.errors.postMessage(e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e));
    Atomics.store(init.ctl, 2, 1);
    Atomics.notify(init.ctl, 0);
    Atomics.notify(init.ctl, 1);
  }
});
