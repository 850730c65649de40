/**
 * The vector index's maintainer thread in `serve`, beside the lexical one
 * (index-maintainer.ts): a worker thread that owns `<indexDir>/vectors/`
 * and does the index's heavy work — the first build (training the corpus
 * model, then embedding every paper), retraining as the corpus grows,
 * checkpoints and snapshots — so that no request waits behind it. Before,
 * the first build ran on the serving thread after it listened: 13.5 s
 * during which no request was answered at 5,841 papers.
 *
 * The serving thread follows the owner's last complete snapshot in memory
 * (IndexedVectorEngine.openFollower: new papers embedded from the change
 * feed in small slices) and loads the next snapshot when the worker says a
 * build finished ('rebuilt'), e.g. after a retrain moved the model.
 *
 * Goals: the serving thread never trains, never writes a snapshot, never
 * embeds more than one batch between two requests. Non-goals: in-memory
 * databases (no folder to share: the engine builds in place); answering
 * queries from the worker (both threads hold the index in memory: at 1M
 * papers ≈ 180 MB each, see docs/OPERATIONS.md).
 */
import { runAsMaintainer, startMaintainerThread, type MaintainerThread } from '../maintainer-thread.js';
import type { IndexedVectorEngine } from './vector-engine.js';

const ROLE = 'vector-maintainer';

/** How often the worker tries again for a folder another live process owns. Default 2 s. */
const OWNER_RETRY_MS = 2_000;

interface Init {
  role: typeof ROLE;
  db: string;
  indexDir: string;
  /** The neural model's folder (PAPERBOY_EMBED_MODEL); null: the built-in corpus model. */
  embedModel: string | null;
}

/** Starts the thread; `onRebuilt` runs after each complete build (the serving thread loads the new snapshot). */
export function startVectorMaintainer(db: string, indexDir: string, embedModel: string | null, log: (line: string) => void, onRebuilt: () => void): MaintainerThread {
  const init: Init = { role: ROLE, db, indexDir, embedModel };
  return startMaintainerThread<{ type: 'rebuilt' }>(import.meta.url, init, log, (m) => { if (m.type === 'rebuilt') onRebuilt(); });
}

/** The worker's body: own the folder when possible (waiting for another process's lock), build, follow, retrain. */
runAsMaintainer<Init>(ROLE, async (w) => {
  const { openBackend } = await import('../../store/open-backend.js');
  const { IndexedVectorEngine: Engine } = await import('./vector-engine.js');
  const backend = await openBackend(w.init.db);
  // Connected: the end of an outage, if this worker was restarted through one (maintainer-thread.ts).
  w.post({ type: 'up' });
  const embedder = w.init.embedModel ? await (await import('../embed/neural-embedder.js')).NeuralEmbedder.load(w.init.embedModel) : undefined;
  let told = false;
  const rebuilt = () => { told = true; w.post({ type: 'rebuilt' }); };
  let engine: IndexedVectorEngine | null = null;
  while (!w.stopped && !engine) {
    engine = await Engine.openOwner(backend.changes, w.init.indexDir, { embedder, checkpoints: true, onRebuilt: rebuilt });
    // A complete snapshot opened without a build is news to the serving thread too; a build has said so already.
    if (engine && !told) rebuilt();
    else await w.sleep(OWNER_RETRY_MS);
  }
  engine?.follow();
  while (!w.stopped) await w.sleep(60_000);
  await engine?.close();
  await backend.close();
});

