/**
 * Test helper: the real `paperboy` command as child processes — `serve` on a
 * free port (vectors off, no schedules, no demo), `import`, `doctor` — for
 * the reliability suite (test/reliability/), which needs several processes
 * on one database and kill -9.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/** The built CLI (dist/test/helpers → dist/src/cli/main.js). */
export const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

const ENV = { ...process.env, PAPERBOY_VECTORS: '0', PAPERBOY_LOG: '0', PAPERBOY_SECRET: 'reliability-suite-secret-0123456789abcdef' };

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface ServeProcess {
  child: ChildProcess;
  port: number;
  url: string;
  /** Everything it printed (stdout and stderr). */
  output: () => string;
  /** kill -9, and wait for the exit. */
  kill9(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` every 100 ms until it returns true; fails after `tries` polls (a hang, not a slow machine: keep tries generous). */
export async function until(what: string, fn: () => Promise<boolean>, tries = 1_200): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await fn().catch(() => false)) return;
    await sleep(100);
  }
  throw new Error(`gave up waiting: ${what}`);
}

/** Starts `paperboy serve --db db` (vectors off unless `env` says PAPERBOY_VECTORS=1) and waits until it listens (not until its index is current: see readyLag). */
export async function startServe(db: string, env: Record<string, string> = {}): Promise<ServeProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [CLI, 'serve', '--db', db, '--port', String(port), '--host', '127.0.0.1', '--no-demo', '--no-schedule'],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...ENV, ...env } });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  await until(`serve on ${port} listening (output: ${out})`, async () => {
    if (child.exitCode !== null) throw new Error(`serve exited: ${out}`);
    return (await fetch(`${url}/healthz`)).status === 200;
  });
  return {
    child, port, url, output: () => out,
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** The index lag /readyz reports (-1 while it does not answer). */
export async function readyLag(s: ServeProcess): Promise<number> {
  try {
    const r = await fetch(`${s.url}/readyz`);
    return ((await r.json()) as { lag?: number }).lag ?? -1;
  } catch {
    return -1;
  }
}

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
}

/** Runs a paperboy command to its end. */
export function runCli(args: string[]): Promise<Finished> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: ENV });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
    child.once('exit', (code, signal) => resolve({ code, signal, out }));
  });
}

/** Starts a paperboy command (or another script with `script`) without waiting for it. */
export function spawnCli(args: string[], script = CLI): { child: ChildProcess; done: Promise<Finished>; output: () => string } {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: ENV });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  const done = new Promise<Finished>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, out })));
  return { child, done, output: () => out };
}
