/**
 * Test helper: a real `paperboy serve` (or any command) as a child process of
 * the built CLI (dist/src/cli/main.js), with the address serve prints, its
 * output, and a way to stop it. For tests that need several processes on one
 * database, as an operator runs them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is dist/test/helpers/serve-process.js once built). */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const MAIN = join(ROOT, 'dist', 'src', 'cli', 'main.js');

export interface CliProcess {
  child: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startCli(args: string[], env: NodeJS.ProcessEnv = {}): CliProcess {
  const child = spawn(process.execPath, [MAIN, ...args], {
    cwd: ROOT, env: { ...process.env, PAPERBOY_LOG: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((ok) => child.on('exit', (code, signal) => ok({ code, signal })));
  return { child, output: () => out, exited };
}

export interface ServeProcess extends CliProcess {
  /** http://127.0.0.1:PORT */
  url: string;
  stop(): Promise<void>;
}

/** Starts `paperboy serve --port 0 ARGS` and resolves once it listens (rejects with its output if it exits first). */
export async function startServe(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ServeProcess> {
  const p = startCli(['serve', '--port', '0', '--no-schedule', '--no-demo', ...args], env);
  const url = await new Promise<string>((resolve, reject) => {
    const seen = () => {
      const m = /serving .* at (http:\/\/[^\s]+)/.exec(p.output());
      if (m) resolve(m[1]);
    };
    p.child.stdout!.on('data', seen);
    void p.exited.then(({ code, signal }) => reject(new Error(`serve exited (${code ?? signal}) before listening:\n${p.output()}`)));
  });
  return {
    ...p,
    url,
    async stop() {
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
      await p.exited;
    },
  };
}
