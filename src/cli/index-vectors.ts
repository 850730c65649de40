/**
 * `paperboy index --vectors`: (re)builds the vector index of semantic and
 * hybrid search (`<db>.idx/vectors/`) with a progress bar — the corpus model
 * is retrained on a sample of the papers (or the model of --embed-model is
 * loaded from its folder), then every paper is embedded.
 * Resumable: the model and a checkpoint every 100,000 papers are written as
 * it goes, and running the command again after a stop continues with the
 * same model, skipping the papers already embedded.
 *
 * Non-goals: the lexical indexes (index-command.ts).
 */
import cliProgress from 'cli-progress';
import { statSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Backend } from '../store/backend.js';
import { IndexedVectorEngine } from '../search/vectors/vector-engine.js';
import type { Embedder } from '../search/embed/embedder.js';

export async function rebuildVectors(backend: Backend, opts: { progress: boolean; embedder?: Embedder }): Promise<void> {
  if (!backend.indexDir) throw new Error('an in-memory database has no index folder');
  const started = Date.now();
  let bar: cliProgress.SingleBar | null = null;
  let phase = '';
  const engine = await IndexedVectorEngine.open(backend.changes, backend.indexDir, {
    rebuild: true,
    checkpoints: true,
    embedder: opts.embedder,
    progress: (done, total, p) => {
      if (!opts.progress) return;
      if (p !== phase) {
        bar?.stop();
        phase = p;
        const label = p === 'training' ? `reading a sample to train the ${opts.embedder ? 'quantizers' : 'model'}` : 'embedding';
        bar = new cliProgress.SingleBar({ format: `${label} {bar} {value}/{total} papers {percentage}% | ETA {eta}s` }, cliProgress.Presets.shades_classic);
        bar.start(total, done);
      } else {
        bar?.update(done);
      }
    },
  });
  (bar as cliProgress.SingleBar | null)?.stop();
  const papers = engine.index.size;
  const model = engine.embedder.id;
  const trainedOn = engine.trainedOn;
  await engine.close();
  const dir = join(backend.indexDir, 'vectors');
  const bytes = readdirSync(dir).reduce((s, f) => s + statSync(join(dir, f)).size, 0);
  process.stdout.write(`embedded ${papers.toLocaleString('en-US')} papers into ${dir} in ${((Date.now() - started) / 1000).toFixed(1)} s ` +
    `(model ${model}${trainedOn ? `, trained on ${trainedOn.toLocaleString('en-US')} papers` : ''}; ${(bytes / 1e6).toFixed(1)} MB on disk)\n`);
}
