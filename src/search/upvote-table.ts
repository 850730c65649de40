/**
 * Every listed paper's upvotes by paper key, as two sorted typed arrays:
 * what sort=upvotes reads. In `serve` the lexical maintainer thread reads
 * the store's upvotes off the serving thread and hands a new table over
 * (transferred, not copied) every few seconds (index-maintainer.ts), so a
 * request never scans the daily entries: that scan is synchronous on
 * SQLite and took ≈ 200–250 ms at 100,000 daily entries.
 *
 * Goals: O(log n) lookups with no per-entry objects, cheap to transfer
 * between threads. Non-goals: being current to the vote (a table is at most
 * one refresh old, like the cached list pages).
 */

/** What sort=upvotes needs: a paper's upvotes by key (undefined: never listed). A Map fits too. */
export interface UpvoteLookup {
  get(key: number): number | undefined;
}

export class UpvoteTable implements UpvoteLookup {
  private constructor(readonly keys: Uint32Array, readonly values: Int32Array) {}

  /** From a key → upvotes map (any order). */
  static fromMap(map: Map<number, number>): UpvoteTable {
    const keys = Uint32Array.from(map.keys()).sort();
    const values = new Int32Array(keys.length);
    for (let i = 0; i < keys.length; i++) values[i] = map.get(keys[i])!;
    return new UpvoteTable(keys, values);
  }

  /** From arrays made by fromMap (e.g. received from another thread); keys must be ascending. */
  static fromArrays(keys: Uint32Array, values: Int32Array): UpvoteTable {
    if (keys.length !== values.length) throw new Error('upvote table: keys and values differ in length');
    return new UpvoteTable(keys, values);
  }

  get size(): number {
    return this.keys.length;
  }

  get(key: number): number | undefined {
    let lo = 0;
    let hi = this.keys.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const k = this.keys[mid];
      if (k === key) return this.values[mid];
      if (k < key) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }
}
