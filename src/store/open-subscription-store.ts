/**
 * The SubscriptionStore that belongs to an opened Store (same database, same
 * connection). Today: SQLite. Non-goals: opening connections of its own.
 */
import type { Store } from './store.js';
import type { SubscriptionStore } from './subscription-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import { SqliteSubscriptionStore } from './sqlite/sqlite-subscription-store.js';

const cache = new WeakMap<Store, SubscriptionStore>();

export function subscriptionStoreFor(store: Store): SubscriptionStore {
  let subs = cache.get(store);
  if (subs) return subs;
  if (!(store instanceof SqliteStore)) {
    throw new Error(`digests and subscriptions need the SQLite backend for now (this store is ${store.kind})`);
  }
  subs = new SqliteSubscriptionStore(store.db);
  cache.set(store, subs);
  return subs;
}
