/**
 * Whether a second search thread would find a core to run on right now: the
 * CPU time other processes used over the last quarter second, from the
 * machine's idle time (os.cpus) and this process's own (process.cpuUsage).
 *
 * Why not the load average: it is a 1-minute mean, and it counts this
 * process's own two threads. A search process answering long queries back
 * to back with two threads raises its own load to ≈ 2 on a 2-core machine
 * and so switched the second thread off a minute later, then on again: on
 * a quiet machine half of the long queries ran on one thread.
 *
 * Goals: one cheap question per query (a sample at most every SAMPLE_MS,
 * ≈ 50 µs). Non-goals: CPU quotas of containers (os.cpus shows the host's
 * cores; a process limited to fewer cores than it sees may share when it
 * should not, which costs time, never results).
 */
import { availableParallelism, cpus } from 'node:os';
import { performance } from 'node:perf_hooks';

/** How often the machine's CPU times are sampled. Default 250 ms: recent enough to follow a test suite starting, long enough for the 10 ms tick of the kernel's counters. */
const SAMPLE_MS = 250;

/**
 * The second thread is used while other processes use at most this share
 * of one core. Default 0.5: the measurement that set the old load-average
 * rule (busy 2-core machine, load ≈ 8: two threads took 1.0–1.5× the time
 * of one; load ≈ 4: 0.65×) says a core must be mostly free for the worker to
 * gain. Sane range 0.25–0.9.
 */
const OTHERS_MAX_CORES = 0.5;

function idleMs(): number {
  let s = 0;
  for (const c of cpus()) s += c.times.idle;
  return s;
}

function ownMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * The rule, from one sample: `cpus` cores seen, over `dtMs` the machine was
 * idle `idleMs` (summed over cores) and this process ran `ownMs` (all its
 * threads). What other processes used is the rest; two threads are worth it
 * while they leave this process at least 2 − OTHERS_MAX_CORES cores.
 */
export function spareFromSample(cpus: number, dtMs: number, idleMs: number, ownMs: number): boolean {
  if (cpus < 2 || dtMs <= 0) return false;
  const others = cpus - idleMs / dtMs - ownMs / dtMs;
  return cpus - others >= 2 - OTHERS_MAX_CORES;
}

export class SpareCore {
  private at = performance.now();
  private idle = idleMs();
  private own = ownMs();
  private answer = true;

  constructor(private readonly cores = availableParallelism()) {}

  /** True when, over the last sample, other processes left this one at least 2 − OTHERS_MAX_CORES cores. */
  free(): boolean {
    if (this.cores < 2) return false;
    const now = performance.now();
    const dt = now - this.at;
    if (dt < SAMPLE_MS) return this.answer;
    const idle = idleMs();
    const own = ownMs();
    this.answer = spareFromSample(cpus().length, dt, idle - this.idle, own - this.own);
    this.at = now;
    this.idle = idle;
    this.own = own;
    return this.answer;
  }
}
