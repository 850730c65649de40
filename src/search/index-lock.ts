/**
 * One owner per index folder: a lock file (`owner.lock`, created with
 * O_EXCL, holding the owner's pid) decides which process writes an index;
 * every other process on the same folder opens it read-only and follows
 * (search/block-max-engine.ts). A lock whose process is gone (kill -9, a
 * crash) is stale and taken over by the next opener.
 *
 * Non-goals: locking across machines (an index folder is local to one
 * machine; PostgreSQL deployments give each web process its own folder).
 * A reused pid of an unrelated live process keeps a stale lock until that
 * process exits; `paperboy doctor` shows the pid.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export interface IndexLock {
  readonly path: string;
  release(): void;
}

export interface LockOwner {
  pid: number;
  host: string;
  since: string;
}

/** Whether a process with this pid runs on this machine (EPERM: it does, under another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Who holds the lock of `dir` (null when nobody does, or the holder is gone). */
export function lockOwner(dir: string): LockOwner | null {
  try {
    const owner = JSON.parse(readFileSync(join(dir, 'owner.lock'), 'utf8')) as LockOwner;
    return Number.isInteger(owner.pid) && (owner.host !== hostname() || processAlive(owner.pid)) ? owner : null;
  } catch {
    return null;
  }
}

/** Takes the lock of `dir` (an existing folder), or null when a live process holds it. */
export function acquireIndexLock(dir: string): IndexLock | null {
  const path = join(dir, 'owner.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() } satisfies LockOwner));
      closeSync(fd);
      let held = true;
      return {
        path,
        release() {
          if (!held) return;
          held = false;
          // Remove only our own lock (a takeover after a long pause must not be undone).
          try {
            if ((JSON.parse(readFileSync(path, 'utf8')) as LockOwner).pid === process.pid) rmSync(path, { force: true });
          } catch { /* already gone */ }
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (lockOwner(dir)) return null;
      rmSync(path, { force: true }); // stale: its process is gone
    }
  }
  return null;
}
