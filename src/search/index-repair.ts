/**
 * Repairs an opened lexical index from the store, so a damaged index is
 * never served: segments that failed their checks at open (missing,
 * truncated, a wrong checksum; LexicalIndex.open's `damage`) were left out,
 * and here every key indexed twice is taken out entirely; then one scan of
 * the change feed adds every paper the index no longer holds and removes
 * keys the store no longer has. What was sound is kept; and commits.
 *
 * Goals: after repair the index holds each stored paper once, as a fresh
 * rebuild would (the usual catch-up then applies newer changes).
 * Non-goals: deciding between repair and a full rebuild (an unreadable
 * manifest or an index of another database: block-max-engine.ts rebuilds).
 */
import type { ChangeFeed } from '../store/change-feed.js';
import type { LexicalIndex } from './index/lexical-index.js';
import type { IndexDoc } from './index/segment-builder.js';
import type { PaperText } from '../store/change-feed.js';

export interface RepairReport {
  /** What open() found damaged. */
  damage: string[];
  /** Keys that were indexed more than once (every copy was removed, then the paper re-added). */
  duplicated: number;
  /** Papers added back from the store. */
  reindexed: number;
  /** Indexed keys the store no longer has. */
  removed: number;
}

/** Whether `index` needs repair(): damage found at open, or a key indexed twice. */
export function needsRepair(index: LexicalIndex): boolean {
  return index.damage.length > 0 || index.keyCensus().dup > 0;
}

export async function repairIndex(index: LexicalIndex, changes: ChangeFeed, docOf: (p: PaperText) => IndexDoc): Promise<RepairReport> {
  // Flushed segments of an unfinished repair are committed with this mark: a crash mid-repair repairs again at the next open.
  index.repairing = true;
  const census = index.keyCensus();
  for (const key of census.duplicated) index.purge(key);
  const live = index.keyCensus().live;
  const stored = new Set<number>();
  let reindexed = 0;
  for await (const page of changes.scan()) {
    for (const p of page) {
      stored.add(p.key);
      if (!live.has(p.key)) {
        index.add(docOf(p), { fresh: true });
        reindexed++;
      }
    }
    if (index.shouldFlush) index.flush();
    // Let requests in between pages (the serving process may run this).
    await new Promise((resolve) => setImmediate(resolve));
  }
  let removed = 0;
  for (const key of live) if (!stored.has(key) && index.delete(key)) removed++;
  index.repairing = false;
  index.flush();
  return { damage: [...index.damage], duplicated: census.duplicated.size, reindexed, removed };
}
