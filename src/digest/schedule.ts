/** Placeholder: the in-process digest schedule started by `paperboy serve`. */
import type { Config } from '../config.js';
import type { Store } from '../store/store.js';

export interface DigestSchedule {
  stop(): void;
}

export function startDigestSchedule(deps: { store: Store; config: Config }): DigestSchedule {
  void deps;
  return { stop() {} };
}
