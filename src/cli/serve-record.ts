/**
 * What a running `paperboy serve` writes into the store when it listens
 * (job_state `serve:last`), so `paperboy doctor` run from another shell
 * reports the address the server really listens on rather than this
 * shell's configured port. Non-goals: service discovery across machines.
 */
export const SERVE_STATE_KEY = 'serve:last';

export interface ServeRecord {
  pid: number;
  host: string;
  address: string;
  startedAt: string;
}
