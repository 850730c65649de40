/**
 * Test helper: a throwaway PostgreSQL server — Debian's `postgresql` binaries
 * (initdb + postgres) on a free port, data in a temporary folder, one server
 * per test process (node --test runs each file in its own process, so two
 * files running at once never share a server), a fresh database per suite or
 * test, and the server stopped when the file ends.
 *
 * PostgreSQL refuses to run as root: when the tests run as root the folder is
 * given to the `postgres` user and the binaries run under its uid/gid. The
 * server trusts local connections (no password is checked), runs without
 * fsync (a crash of the test machine loses a throwaway database) and listens
 * on 127.0.0.1 only.
 *
 * Missing binaries: `postgresSkipReason()` says why, and `requirePostgres()`
 * turns that into a failure under PAPERBOY_REQUIRE_ALL=1 (CI).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import pg from 'pg';

/** The folder holding initdb and postgres: PAPERBOY_PG_BIN, else the newest /usr/lib/postgresql/<n>/bin. */
export function postgresBinDir(): string | null {
  const fromEnv = process.env.PAPERBOY_PG_BIN;
  if (fromEnv) return existsSync(join(fromEnv, 'postgres')) ? fromEnv : null;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) {
    const bin = join(root, v, 'bin');
    if (existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'postgres'))) return bin;
  }
  return null;
}

/** Why the PostgreSQL suites cannot run here, or null when they can. */
export function postgresSkipReason(): string | null {
  if (!postgresBinDir()) {
    return 'PostgreSQL server binaries not found (install Debian\'s postgresql package, or set PAPERBOY_PG_BIN to the folder holding initdb and postgres)';
  }
  if (process.getuid?.() === 0 && !postgresUser()) return 'running as root and there is no postgres user to run the server as';
  return null;
}

/**
 * For a PostgreSQL test file: true when the suites can run. Otherwise it
 * registers one test that skips with the reason — or fails under
 * PAPERBOY_REQUIRE_ALL=1 — and returns false.
 */
export function requirePostgres(): boolean {
  const reason = postgresSkipReason();
  if (!reason) {
    // Top level of the file: after its last test, stop the server if one was started.
    after(async () => {
      const s = await shared?.catch(() => null);
      await s?.stop();
    });
    return true;
  }
  if (process.env.PAPERBOY_REQUIRE_ALL === '1') {
    test('a PostgreSQL server can be started (PAPERBOY_REQUIRE_ALL=1)', () => { throw new Error(reason); });
  } else {
    console.log(`# skipping PostgreSQL suites: ${reason}`);
    test('PostgreSQL suites', { skip: reason }, () => {});
  }
  return false;
}

function postgresUser(): { uid: number; gid: number } | null {
  try {
    const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('postgres:'));
    if (!line) return null;
    const [, , uid, gid] = line.split(':');
    return { uid: Number(uid), gid: Number(gid) };
  } catch {
    return null;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface PostgresServer {
  port: number;
  /** The postmaster's process id. */
  pid: number | null;
  /** A URL for database `db` on this server (user postgres; any password is accepted). */
  url(db: string, password?: string): string;
  /** Creates a fresh database (empty, or a copy of database `from`) and returns its URL. */
  createDatabase(prefix?: string, from?: string): Promise<string>;
  /** Stops the server at once and removes its folder. */
  stop(): Promise<void>;
}

let dbCounter = 0;

export interface StartOptions {
  /**
   * Server settings over the throwaway defaults (`fsync: 'on'` for a bench that compares with a
   * durable SQLite file, a larger `shared_buffers`, …).
   */
  settings?: Record<string, string>;
}

/** The throwaway defaults: durability off (fsync, full-page writes), so creating databases and committing are cheap on a loaded machine. */
const TEST_SETTINGS: Record<string, string> = {
  fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_connections: '200', shared_buffers: '64MB', log_min_messages: 'warning',
};

/** Starts a server in a new temporary folder; retries on another port when the chosen one was taken meanwhile. */
export async function startPostgres(opts: StartOptions = {}): Promise<PostgresServer> {
  const settings = { ...TEST_SETTINGS, ...opts.settings };
  const bin = postgresBinDir();
  if (!bin) throw new Error(postgresSkipReason() ?? 'no PostgreSQL');
  const owner = process.getuid?.() === 0 ? postgresUser() : null;
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-pg-'));
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const data = join(dir, 'data');
  const as = owner ? { uid: owner.uid, gid: owner.gid } : {};
  const init = spawnSync(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C'],
    { ...as, cwd: dir, encoding: 'utf8' });
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${init.stderr || init.error}`);
  }
  let lastError = '';
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const child = spawn(join(bin, 'postgres'), [
      '-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1',
      ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
    ], { ...as, cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (b: Buffer) => { stderr += b.toString(); });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // A test process that ends without stop() (a crash, a cancelled run) takes its server and folder with it.
    const killOnExit = () => {
      child.kill('SIGQUIT');
      rmSync(dir, { recursive: true, force: true });
    };
    process.once('exit', killOnExit);
    const ready = await waitReady(port, child);
    if (ready) {
      const server: PostgresServer = {
        port,
        pid: child.pid ?? null,
        url: (db, password) => `postgres://postgres${password ? ':' + encodeURIComponent(password) : ''}@127.0.0.1:${port}/${db}`,
        async createDatabase(prefix = 'test', from?: string) {
          const name = `${prefix}_${process.pid}_${++dbCounter}`;
          const c = new pg.Client({ connectionString: server.url('postgres') });
          await c.connect();
          try {
            await c.query(`CREATE DATABASE ${name}${from ? ` TEMPLATE ${from}` : ''}`);
          } finally {
            await c.end();
          }
          return server.url(name);
        },
        async stop() {
          process.removeListener('exit', killOnExit);
          // SIGQUIT: immediate shutdown, no checkpoint (the folder is removed anyway).
          if (child.exitCode === null) {
            child.kill('SIGQUIT');
            await exited;
          }
          rmSync(dir, { recursive: true, force: true });
        },
      };
      return server;
    }
    process.removeListener('exit', killOnExit);
    child.kill('SIGQUIT');
    await exited;
    lastError = stderr;
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error(`PostgreSQL did not start: ${lastError}`);
}

async function waitReady(port: number, child: ChildProcess): Promise<boolean> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) return false;
    const c = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres`, connectionTimeoutMillis: 2_000 });
    try {
      await c.connect();
      await c.end();
      return true;
    } catch {
      await c.end().catch(() => {});
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return false;
}

let shared: Promise<PostgresServer> | null = null;

/**
 * The server of this test file, started on first use and stopped after the
 * file's last test (requirePostgres(), called at the file's top level,
 * registers the stop). Call from test bodies or hooks.
 */
export function testPostgres(): Promise<PostgresServer> {
  shared ??= startPostgres();
  return shared;
}

let template: Promise<string> | null = null;

/**
 * A fresh database on this file's server: a copy of a template database that
 * paperboy's migrations were applied to once per file (opening a backend then
 * has nothing to migrate: ~0.8 s less per test on a loaded machine), or with
 * `empty`, a database without any table (tests of migrating itself).
 */
export async function freshDatabase(prefix = 'test', opts: { empty?: boolean } = {}): Promise<string> {
  const server = await testPostgres();
  if (opts.empty) return server.createDatabase(prefix);
  template ??= (async () => {
    const url = await server.createDatabase('template');
    const { PostgresBackend } = await import('../../src/store/postgres/postgres-backend.js');
    const backend = await PostgresBackend.open(url);
    await backend.close();
    return url;
  })();
  const name = new URL(await template).pathname.slice(1);
  return server.createDatabase(prefix, name);
}
