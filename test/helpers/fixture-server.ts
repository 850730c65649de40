/**
 * Test helper: a tiny HTTP server on 127.0.0.1 (port 0) that serves fixture
 * files or scripted responses and records every request it gets.
 *
 * Goals: let code that fetches by URL be tested with no network; let tests
 * assert what was asked (path, query, headers) and when it arrived (server
 * clock, performance.now(), for lower-bound spacing checks). Non-goals: TLS,
 * request bodies, keep-alive tuning.
 *
 * Usage:
 *   const srv = await startFixtureServer([reply({ file: 'harvest/page-1.xml' }), { status: 503, headers: { 'retry-after': '1' } }]);
 *   // or a function: (req, n) => Reply, n = 0-based request index
 *   ... fetch(srv.url + '/oai2?verb=ListRecords') ...
 *   srv.requests[0].query.get('verb'); await srv.close();
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import type { AddressInfo } from 'node:net';

/** test/fixtures, wherever the tests run from (tsx on test/ or compiled dist/test/). */
export const FIXTURES_DIR = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    try {
      readFileSync(join(dir, 'package.json'));
      return join(dir, 'test', 'fixtures');
    } catch {
      dir = dirname(dir);
    }
  }
  return join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
})();

/** Reads a fixture file as UTF-8 text (path relative to test/fixtures). */
export function fixtureText(relPath: string): string {
  return readFileSync(join(FIXTURES_DIR, relPath), 'utf8');
}

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  /** Path and query as received. */
  url: string;
  headers: IncomingHttpHeaders;
  /** performance.now() when the request arrived. */
  at: number;
}

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  /** Body text (or bytes); or `file`, a path under test/fixtures. */
  body?: string | Buffer;
  file?: string;
  /** Close the connection without answering (a network error for the client). */
  drop?: boolean;
  /** Wait this long before answering (for timeout tests). */
  delayMs?: number;
}

export type Responder = (req: RecordedRequest, index: number) => Reply | Promise<Reply>;

export interface FixtureServer {
  /** Base URL, e.g. http://127.0.0.1:41234 (no trailing slash). */
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/**
 * Starts the server. `script` is either a function deciding each reply, or a
 * list of replies served in order (requests past the end get a 500 saying so).
 */
export async function startFixtureServer(script: Responder | Reply[]): Promise<FixtureServer> {
  const requests: RecordedRequest[] = [];
  const responder: Responder = Array.isArray(script)
    ? (_req, i) => script[i] ?? { status: 500, body: `fixture server: no scripted reply for request #${i + 1}` }
    : script;
  const server: Server = createServer((req, res) => {
    const at = performance.now();
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const rec: RecordedRequest = { method: req.method ?? 'GET', path: u.pathname, query: u.searchParams, url: req.url ?? '/', headers: req.headers, at };
    const index = requests.push(rec) - 1;
    void (async () => {
      try {
        const r = await responder(rec, index);
        if (r.delayMs) await new Promise((ok) => setTimeout(ok, r.delayMs));
        if (r.drop) {
          req.socket.destroy();
          return;
        }
        const body = r.file !== undefined ? fixtureText(r.file) : (r.body ?? '');
        const headers = { 'content-type': r.file?.endsWith('.xml') ? 'text/xml; charset=utf-8' : 'text/plain; charset=utf-8', ...r.headers };
        res.writeHead(r.status ?? 200, headers);
        res.end(body);
      } catch (err) {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`fixture server error: ${err instanceof Error ? err.message : String(err)}`);
      }
    })();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
