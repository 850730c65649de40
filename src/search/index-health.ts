/**
 * Doctor checks of the block-max lexical index as search uses it: opened
 * read-only (a running server may own it), compared with the store through
 * the change feed — how far behind it is, whether it holds every paper once,
 * no key twice.
 *
 * Every file is checked against the size and CRC-32 its manifest records.
 * Non-goals: repairing (the owner repairs at open: serve at start; `paperboy index` rebuilds).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Backend, HealthCheck } from '../store/backend.js';
import { lexicalIndexDir } from './block-max-engine.js';
import { LexicalIndex } from './index/lexical-index.js';
import { lockOwner } from './index-lock.js';

const n = (x: number) => x.toLocaleString('en-US');

export async function lexicalIndexChecks(backend: Backend): Promise<HealthCheck[]> {
  if (!backend.indexDir) return [];
  const dir = lexicalIndexDir(backend.indexDir);
  // The papers the index should hold: the change feed's view, which leaves hidden papers out.
  const papers = await backend.changes.size();
  if (!existsSync(join(dir, 'manifest.json'))) {
    return [{
      level: papers === 0 ? 'ok' : 'warn', name: 'search index',
      message: papers === 0 ? `not built yet (no papers); built at the first paperboy serve`
        : `not built yet for ${n(papers)} papers (${dir}): paperboy serve builds it at start; paperboy index builds it now with a progress bar`,
    }];
  }
  let index: LexicalIndex;
  try {
    index = LexicalIndex.open(dir, undefined, { readonly: true, verify: true });
  } catch (err) {
    return [{ level: 'fail', name: 'search index', message: `${dir} cannot be read (${err instanceof Error ? err.message : String(err)}): rebuild it with paperboy index` }];
  }
  try {
    const head = await backend.changes.head();
    const lag = Math.max(0, head - index.changeSeq);
    const dup = index.duplicateKeys();
    const live = index.liveDocs;
    const owner = lockOwner(dir);
    const where = `${n(live)} papers in ${index.segmentCount} segment${index.segmentCount === 1 ? '' : 's'}${owner ? ` (written by pid ${owner.pid})` : ''}`;
    if (index.damage.length > 0) {
      return [{ level: 'fail', name: 'search index', message: `${where}, damaged: ${index.damage.join('; ')}: paperboy serve repairs it from the database when it starts, or rebuild it now with paperboy index` }];
    }
    if (dup > 0) {
      return [{ level: 'fail', name: 'search index', message: `${where}, ${n(dup)} indexed twice: rebuild it with paperboy index` }];
    }
    if (index.changeSeq > head) {
      return [{ level: 'fail', name: 'search index', message: `${where}, ahead of the database's change log (${index.changeSeq} > ${head}): it belongs to another database; rebuild it with paperboy index` }];
    }
    if (lag > 0) {
      return [{ level: 'warn', name: 'search index', message: `${where}, ${n(lag)} changes behind the database: a running paperboy serve catches up by itself (or run paperboy index)` }];
    }
    if (live !== papers) {
      return [{ level: 'fail', name: 'search index', message: `${where} for ${n(papers)} papers in the database: rebuild it with paperboy index` }];
    }
    return [{ level: 'ok', name: 'search index', message: `${where}, current with the database` }];
  } finally {
    index.close();
  }
}
