/**
 * Test helper: a PostgreSQL server that can be stopped and started again on
 * the same port and data folder — for tests of what paperboy does while its
 * database is down. Built from the throwaway server's parts
 * (postgres-server.ts: the binaries, the skip reason); data in a temporary
 * folder, run as the `postgres` user when the tests run as root.
 *
 * Non-goals: a shared server (each test that stops one owns it).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { postgresBinDir } from './postgres-server.js';

export interface RestartableServer {
  port: number;
  url(db: string): string;
  createDatabase(name: string): Promise<string>;
  /** Fast shutdown (SIGINT: open transactions are rolled back, clients disconnected); resolves when the server has exited. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data; resolves when it accepts connections. */
  start(): Promise<void>;
  /** Stops it and removes its folder. */
  destroy(): Promise<void>;
}

function postgresIds(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error('running as root and there is no postgres user');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((ok) => srv.listen(0, '127.0.0.1', ok));
  const port = (srv.address() as AddressInfo).port;
  await new Promise<void>((ok) => srv.close(() => ok()));
  return port;
}

export async function startRestartablePostgres(): Promise<RestartableServer> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('no PostgreSQL binaries');
  const ids = postgresIds();
  const as = ids ?? {};
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-pgr-'));
  if (ids) chownSync(dir, ids.uid, ids.gid);
  const data = join(dir, 'data');
  const init = spawnSync(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C'],
    { ...as, cwd: dir, encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const port = await freePort();
  let child: ChildProcess | null = null;
  const url = (db: string) => `postgres://postgres@127.0.0.1:${port}/${db}`;
  const killOnExit = () => child?.kill('SIGQUIT');
  process.on('exit', killOnExit);

  const server: RestartableServer = {
    port,
    url,
    async createDatabase(name) {
      const c = new pg.Client({ connectionString: url('postgres') });
      await c.connect();
      try {
        await c.query(`CREATE DATABASE ${name}`);
      } finally {
        await c.end();
      }
      return url(name);
    },
    async start() {
      child = spawn(join(bin, 'postgres'), ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1',
        '-c', 'fsync=off', '-c', 'full_page_writes=off', '-c', 'log_min_messages=fatal'], { ...as, cwd: dir, stdio: 'ignore' });
      const deadline = Date.now() + 60_000;
      for (;;) {
        if (child.exitCode !== null) throw new Error('PostgreSQL exited at start');
        const c = new pg.Client({ connectionString: url('postgres'), connectionTimeoutMillis: 2_000 });
        try {
          await c.connect();
          await c.end();
          return;
        } catch {
          await c.end().catch(() => {});
          if (Date.now() > deadline) throw new Error('PostgreSQL did not start within 60 s');
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    },
    async stop() {
      const c = child;
      if (!c || c.exitCode !== null) return;
      const exited = new Promise<void>((ok) => c.once('exit', () => ok()));
      c.kill('SIGINT');
      await exited;
    },
    async destroy() {
      await server.stop();
      process.removeListener('exit', killOnExit);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}
