/**
 * A small in-process cache of computed values for a few seconds, bounded in
 * entries (oldest out first). Concurrent misses of one key share one
 * computation, so a burst of requests for a cold feed builds it once.
 *
 * Non-goals: sharing between processes, invalidation (entries just expire).
 */
export class TtlCache<T> {
  private readonly entries = new Map<string, { at: number; value: Promise<T> }>();

  constructor(private readonly ttlMs: number, private readonly maxEntries: number) {}

  get(key: string, build: () => Promise<T>, now = Date.now()): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && now - hit.at < this.ttlMs) return hit.value;
    const value = build();
    this.entries.delete(key);
    this.entries.set(key, { at: now, value });
    // A failed build is not kept: the next request tries again.
    value.catch(() => { if (this.entries.get(key)?.value === value) this.entries.delete(key); });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    return value;
  }
}
