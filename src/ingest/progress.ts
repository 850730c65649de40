/**
 * Progress of a long import: a live bar on a terminal (cli-progress: records,
 * rate, ETA from bytes read when the size is known), plain periodic lines
 * when stderr is not a terminal (logs, CI, pipes).
 *
 * Goals: never slow the import (the bar redraws at most a few times a second;
 * plain lines at most every `intervalMs`), say nothing for imports shorter
 * than one interval when not on a terminal. Non-goals: per-file bars.
 */
import cliProgress from 'cli-progress';

export interface ProgressReporter {
  /** Records handled so far (all files) and bytes read so far (null when unknown). */
  update(records: number, bytes: number | null): void;
  stop(): void;
}

export interface ProgressOptions {
  /** Total bytes to read, when known (sum of file sizes). */
  totalBytes: number | null;
  /** Where to write (default process.stderr). */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Force terminal (true) or plain-line (false) mode; default: the stream's isTTY. */
  tty?: boolean;
  /**
   * Minimum time between plain lines. Default 5000 ms: frequent enough to
   * show a long import is alive, rare enough to keep logs short.
   */
  intervalMs?: number;
  /** Clock (tests pin it). */
  now?: () => number;
}

function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024, i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

function fmtSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${Math.round(s)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}

/** One plain progress line: "12,000 records, 3.2 MB of 10.0 MB (32%), 4,100 records/s, ETA 12 s". */
export function progressLine(records: number, bytes: number | null, totalBytes: number | null, elapsedMs: number): string {
  const rate = elapsedMs > 0 ? records / (elapsedMs / 1000) : 0;
  const parts = [`${records.toLocaleString('en-US')} records`];
  if (bytes !== null && totalBytes) {
    const frac = Math.min(1, bytes / totalBytes);
    parts.push(`${fmtBytes(bytes)} of ${fmtBytes(totalBytes)} (${Math.floor(frac * 100)}%)`);
    parts.push(`${Math.round(rate).toLocaleString('en-US')} records/s`);
    if (frac > 0) parts.push(`ETA ${fmtSeconds((elapsedMs / 1000) * (1 - frac) / frac)}`);
  } else {
    parts.push(`${Math.round(rate).toLocaleString('en-US')} records/s`);
  }
  return parts.join(', ');
}

export function createProgress(opts: ProgressOptions): ProgressReporter {
  const stream = opts.stream ?? process.stderr;
  const tty = opts.tty ?? !!stream.isTTY;
  const now = opts.now ?? Date.now;
  const start = now();
  const total = opts.totalBytes && opts.totalBytes > 0 ? opts.totalBytes : null;

  if (tty) {
    const bar = new cliProgress.SingleBar({
      stream,
      format: total
        ? 'import [{bar}] {percentage}% | {records} records | {rate}/s | ETA {eta_formatted}'
        : 'import {records} records | {rate}/s | {duration_formatted}',
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 50,
      fps: 5,
    }, cliProgress.Presets.shades_classic);
    bar.start(total ?? 1, 0, { records: '0', rate: '0' });
    let stopped = false;
    return {
      update(records, bytes) {
        const secs = (now() - start) / 1000;
        const payload = { records: records.toLocaleString('en-US'), rate: secs > 0 ? Math.round(records / secs).toLocaleString('en-US') : '0' };
        bar.update(total && bytes !== null ? Math.min(bytes, total) : 0, payload);
      },
      stop() {
        if (stopped) return;
        stopped = true;
        bar.stop();
      },
    };
  }

  const interval = opts.intervalMs ?? 5000;
  let last = start;
  return {
    update(records, bytes) {
      const t = now();
      if (t - last < interval) return;
      last = t;
      stream.write(`import: ${progressLine(records, bytes, total, t - start)}\n`);
    },
    stop() {
      // Plain mode: the summary that follows says the rest.
    },
  };
}
