/**
 * The doctor line of the vector index (`<db>.idx/vectors/`), from its
 * manifest alone (cheap: no vectors loaded): built or not, finished or
 * stopped part-way, its model, how far behind the change feed it is, which
 * process writes it.
 *
 * Non-goals: checking every vector (a rebuild is the remedy for any doubt).
 */
import { join } from 'node:path';
import type { Backend, HealthCheck } from '../../store/backend.js';
import { lockOwner } from '../index-lock.js';
import { readManifest } from './vector-file.js';

const n = (x: number) => x.toLocaleString('en-US');

export async function vectorIndexChecks(backend: Backend): Promise<HealthCheck[]> {
  if (!backend.indexDir) return [];
  const dir = join(backend.indexDir, 'vectors');
  const name = 'vector index';
  let m;
  try {
    m = readManifest(dir);
  } catch (err) {
    return [{ level: 'fail', name, message: `${dir}/manifest.json cannot be read (${err instanceof Error ? err.message : String(err)}): rebuild it with paperboy index --vectors` }];
  }
  const papers = await backend.store.countPapers();
  if (!m) {
    return [{ level: papers === 0 ? 'ok' : 'warn', name, message: papers === 0 ? 'not built yet (no papers)' : `not built yet for ${n(papers)} papers: paperboy serve builds it at start; paperboy index --vectors builds it now with a progress bar` }];
  }
  if (!m.complete) return [{ level: 'warn', name, message: `a build stopped part-way (${n(m.papers)} papers embedded): paperboy index --vectors resumes it` }];
  const head = await backend.changes.head();
  const owner = lockOwner(dir);
  const where = `${n(m.papers)} papers, model ${m.model.id} (${m.model.dim} dimensions${m.trainedOn ? `, trained on ${n(m.trainedOn)} papers` : ''})${owner ? `, written by pid ${owner.pid}` : ''}`;
  if (m.changeSeq > head) return [{ level: 'fail', name, message: `${where}, ahead of the database's change log (${m.changeSeq} > ${head}): it belongs to another database; rebuild it with paperboy index --vectors` }];
  const lag = head - m.changeSeq;
  if (lag > 0) return [{ level: 'ok', name, message: `${where}; ${n(lag)} changes since its last snapshot, applied from the change feed when it opens` }];
  return [{ level: 'ok', name, message: `${where}, current with the database` }];
}
