/** Placeholder: loads the demo corpus (demo/seed-listing.json) into an empty store. */
import type { Store } from '../store/store.js';

/** Imports the demo corpus when the store has no papers; returns how many papers were loaded, or null when skipped. */
export async function importDemoIfEmpty(store: Store): Promise<number | null> {
  void store;
  return null;
}
