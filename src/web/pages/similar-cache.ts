/**
 * A small in-memory LRU of "papers similar to X" (ids), so the paper page can
 * show similar papers inline once they are known, and the lexical engine's
 * similar() — a large OR query, the slowest thing a paper page needs — runs
 * at most once per paper per TTL.
 *
 * Goals: bounded memory, stale-tolerant (similar papers barely change when a
 * few papers are added). Non-goals: sharing between processes (each web
 * process warms its own; a miss only costs one similar() call).
 */

/**
 * Papers remembered. Default 10,000; sane range 1,000–100,000. About 100
 * bytes each (five ids), so ~1 MB: enough for every paper visited in a day
 * on a busy group hub.
 */
export const SIMILAR_CACHE_SIZE = 10_000;

/**
 * How long a list is trusted. Default 6 h; sane range 1–24 h. New papers
 * arrive a few times a day; a paper's similar list may miss the newest ones
 * for at most this long.
 */
export const SIMILAR_TTL_MS = 6 * 3_600_000;

export class SimilarCache {
  private readonly map = new Map<string, { ids: string[]; at: number }>();

  constructor(
    private readonly size = SIMILAR_CACHE_SIZE,
    private readonly ttlMs = SIMILAR_TTL_MS,
  ) {}

  get(id: string, now: number): string[] | null {
    const e = this.map.get(id);
    if (!e) return null;
    if (now - e.at > this.ttlMs) {
      this.map.delete(id);
      return null;
    }
    // Re-insert: a Map iterates in insertion order, so the first key is the least recently used.
    this.map.delete(id);
    this.map.set(id, e);
    return e.ids;
  }

  set(id: string, ids: string[], now: number): void {
    this.map.delete(id);
    this.map.set(id, { ids, at: now });
    while (this.map.size > this.size) this.map.delete(this.map.keys().next().value as string);
  }
}
