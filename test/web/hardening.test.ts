/**
 * The web layer against hostile requests and careless deployments (issue 9):
 * redirect targets, security headers and a CSP the pages pass, the client
 * address behind proxies (rate limits), and 5xx that are logged with the
 * request id the error page shows, without secrets.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { backendDeps, createApp } from '../../src/web/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { SqliteBackend } from '../../src/store/sqlite/sqlite-backend.js';
import { openSearch } from '../../src/search/open-search.js';
import { sameSiteTarget } from '../../src/web/redirect-target.js';
import { loggerOptions, redactUrl } from '../../src/web/request-log.js';
import { HttpError } from '../../src/web/http-error.js';
import { siteFixture, type SiteFixture } from './pages/site-fixture.js';
import { tempDbPath } from '../helpers/temp-db.js';
import { paper, record } from '../helpers/papers.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

describe('redirect targets', () => {
  let f: SiteFixture;
  before(async () => { f = await siteFixture(); });
  after(async () => { await f.close(); });

  it('same-site paths pass, parsed and re-serialized', () => {
    assert.equal(sameSiteTarget(undefined, 'back'), '/');
    assert.equal(sameSiteTarget('', 'back'), '/');
    assert.equal(sameSiteTarget('/papers?q=a%20b#x', 'back'), '/papers?q=a%20b#x');
    assert.equal(sameSiteTarget('/papers?q=a b', 'back'), '/papers?q=a%20b');
    assert.equal(sameSiteTarget('/papers/../orgs/x', 'back'), '/orgs/x');
  });

  it('anything else is a 400 naming the parameter', () => {
    const hostile: unknown[] = [
      '/\t/evil.example', '/\r\nX: y', '/\n/evil.example', '/a\u0000b', '/a\u007Fb', '/a\u0085b', '\t/papers',
      '//evil.example', '/\\evil.example', 'https://evil.example/', 'javascript:alert(1)', 'papers', ' /papers',
      '/' + 'a'.repeat(2000), ['/a', '/b'], 42, { x: 1 },
    ];
    for (const v of hostile) {
      assert.throws(() => sameSiteTarget(v, 'back'), (err: unknown) =>
        err instanceof HttpError && err.status === 400 && /"back"/.test(err.message), JSON.stringify(v));
    }
  });

  it('POST /theme with a hostile back answers 400 in the site error shape, sets no cookie and no Location', async () => {
    for (const back of ['/\t/evil.example', '/\r\nX: y', '//evil.example', 'https://evil.example', '/\\evil.example', 'javascript:alert(1)']) {
      const page = await f.app.inject({ method: 'POST', url: '/theme', headers: FORM, payload: form({ theme: 'dark', back }) });
      assert.equal(page.statusCode, 400, JSON.stringify(back));
      assert.equal(page.headers.location, undefined);
      assert.equal(page.headers['set-cookie'], undefined);
      assert.match(String(page.headers['content-type']), /text\/html/);
      assert.match(page.body, /<h1>Bad request<\/h1>/);
      const json = await f.app.inject({
        method: 'POST', url: '/theme', headers: { ...FORM, accept: 'application/json' }, payload: form({ theme: 'dark', back }),
      });
      assert.equal(json.statusCode, 400);
      assert.equal(json.json().error.code, 'invalid_parameter');
    }
  });

  it('POST /theme with a good back still redirects there (303)', async () => {
    const r = await f.app.inject({ method: 'POST', url: '/theme', headers: FORM, payload: form({ theme: 'dark', back: '/papers?q=a b' }) });
    assert.equal(r.statusCode, 303);
    assert.equal(r.headers.location, '/papers?q=a%20b');
  });
});

describe('security headers', () => {
  let f: SiteFixture;
  before(async () => {
    f = await siteFixture();
    // An organization with an avatar: its page shows an <img> (styled by class, not by a style attribute).
    await f.store.upsertRecords([record(paper('2405.00077', { organization: 'AvatarOrg' }),
      { day: '2024-05-01', submittedAt: null, submittedBy: null, upvotes: 1, numComments: 0 },
      { name: 'AvatarOrg', fullname: 'Avatar Org', avatarUrl: 'https://example.org/avatar.png' })]);
  });
  after(async () => { await f.close(); });

  const PAGES = [
    '/', '/papers', '/papers/date/2024-05-03', '/papers/week/2024-W18', '/papers/month/2024-05', '/papers/trending',
    '/papers?q=transformers', '/papers/2405.00001', '/papers/2405.00002', '/papers/hep-th/9901001', '/papers/2405.00001/similar',
    '/orgs/ByteDance', '/orgs/AvatarOrg', '/subscribe', '/no/such/page', '/papers/date/2024-13-40',
  ];

  it('every HTML page carries CSP, frame denial, nosniff and a referrer policy', async () => {
    for (const url of PAGES) {
      const r = await f.app.inject({ url });
      assert.match(String(r.headers['content-type']), /text\/html/, url);
      const csp = String(r.headers['content-security-policy']);
      for (const d of ["default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'", "form-action 'self'"]) {
        assert.ok(csp.includes(d), `${url}: CSP has ${d}: ${csp}`);
      }
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, url);
      assert.equal(r.headers['x-frame-options'], 'DENY', url);
      assert.equal(r.headers['x-content-type-options'], 'nosniff', url);
      assert.equal(r.headers['referrer-policy'], 'strict-origin-when-cross-origin', url);
      assert.equal(r.headers['strict-transport-security'], undefined, 'no HSTS from the app');
    }
  });

  it('the pages pass their CSP: no inline script, style or event handler', async () => {
    for (const url of PAGES) {
      // Attribute values hold escaped page text (a hostile abstract in <meta content>): only tags and attribute names count.
      const body = (await f.app.inject({ url })).body.replace(/="[^"]*"/g, '=""');
      const scripts = body.match(/<script\b[^>]*>/g) ?? [];
      for (const s of scripts) assert.match(s, /^<script src="" defer>$/, `${url}: only scripts with a src: ${s}`);
      assert.doesNotMatch(body, /<style\b/i, `${url}: no <style> element`);
      assert.doesNotMatch(body, /<[^>]+\sstyle=/i, `${url}: no style attribute`);
      assert.doesNotMatch(body, /<[^>]+\son[a-z]+=/i, `${url}: no inline event handler`);
      if (url === '/orgs/AvatarOrg') assert.match(body, /<img src="" alt="" width="" height="" loading="" decoding="" class="">/);
    }
  });

  it('JSON, feeds and assets get nosniff too', async () => {
    for (const url of ['/api/daily_papers', '/feeds/daily.rss', '/api/openapi.json', '/api/papers/nope']) {
      const r = await f.app.inject({ url });
      assert.equal(r.headers['x-content-type-options'], 'nosniff', url);
    }
  });
});

describe('client address and rate limits', () => {
  async function app(env: Record<string, string>): Promise<{ app: FastifyInstance; close: () => Promise<void> }> {
    const { file, cleanup } = tempDbPath();
    const backend = new SqliteBackend(file);
    const search = await openSearch(backend);
    const a = await createApp({ ...backendDeps(backend), search: search.service, config: loadConfig({ db: file, port: 0 }, env) });
    return { app: a, close: async () => { await a.close(); await search.close(); await backend.close(); cleanup(); } };
  }
  // An invalid body is refused with 400 after the rate limit counted it: no mail is ever sent.
  const post = (a: FastifyInstance, xff: string) => a.inject({
    method: 'POST', url: '/api/subscriptions', payload: { email: 'x' }, headers: { 'x-forwarded-for': xff },
  });

  it('by default X-Forwarded-For is ignored: a new value per request does not reset the limit', async () => {
    const s = await app({});
    try {
      const codes: number[] = [];
      for (let i = 0; i < 15; i++) codes.push((await post(s.app, `203.0.113.${i}`)).statusCode);
      assert.equal(codes.filter((c) => c === 400).length, 10, codes.join(','));
      assert.equal(codes.filter((c) => c === 429).length, 5, codes.join(','));
      const ip = await s.app.inject({ url: '/api/nothing', headers: { 'x-forwarded-for': '203.0.113.9' } });
      assert.equal(ip.statusCode, 404);
    } finally {
      await s.close();
    }
  });

  it('with TRUST_PROXY naming the proxy, each forwarded client has its own limit', async () => {
    for (const env of [{ TRUST_PROXY: '127.0.0.1' }, { TRUST_PROXY: '1' }, { TRUST_PROXY: 'loopback' }]) {
      const s = await app(env);
      try {
        const codes: number[] = [];
        for (let i = 0; i < 15; i++) codes.push((await post(s.app, `203.0.113.${i}`)).statusCode);
        assert.deepEqual([...new Set(codes)], [400], `${JSON.stringify(env)}: ${codes.join(',')}`);
        // The same forwarded client is still limited.
        const same: number[] = [];
        for (let i = 0; i < 12; i++) same.push((await post(s.app, '198.51.100.7')).statusCode);
        assert.equal(same.filter((c) => c === 429).length, 2, same.join(','));
      } finally {
        await s.close();
      }
    }
  });

  it('TRUST_PROXY names a proxy that is not the peer: its header is ignored', async () => {
    const s = await app({ TRUST_PROXY: '10.0.0.0/8' });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 12; i++) codes.push((await post(s.app, `203.0.113.${i}`)).statusCode);
      assert.equal(codes.filter((c) => c === 429).length, 2, codes.join(','));
    } finally {
      await s.close();
    }
  });
});

describe('5xx are logged with the request id the answer shows', () => {
  const SECRET = 'log-test-secret-value';
  const SMTP_PASS = 'smtp-pa55word';
  let lines: string[];
  let app: FastifyInstance;
  let store: SqliteStore;
  let cleanup: () => void;
  let config: Config;

  before(async () => {
    const t = tempDbPath();
    cleanup = t.cleanup;
    const backend = new SqliteBackend(t.file);
    store = backend.store;
    config = loadConfig({ db: t.file, port: 0 }, { PAPERBOY_SECRET: SECRET, SMTP_URL: `smtp://mailer:${SMTP_PASS}@127.0.0.1:9` });
    lines = [];
    const search = await openSearch(backend);
    app = await createApp({ ...backendDeps(backend), search: search.service, config, logStream: { write: (l) => { lines.push(l); } } });
    // A real fault: the database goes away under the running site.
    await store.close();
  });
  after(async () => { await app.close(); cleanup(); });

  it('a JSON 500 carries a request id that the log line carries too; nothing else is logged', async () => {
    lines.length = 0;
    const ok = await app.inject({ url: '/api/openapi.json' });
    assert.equal(ok.statusCode, 200);
    const notFound = await app.inject({ url: '/api/nothing' });
    assert.equal(notFound.statusCode, 404);
    assert.equal(lines.length, 0, 'no line for 2xx/4xx when per-request logging is off');

    const r = await app.inject({
      url: `/api/papers/2405.00001?token=${SECRET}`,
      headers: { cookie: `theme=dark; session=${SECRET}`, authorization: `Bearer ${SECRET}` },
    });
    assert.equal(r.statusCode, 500);
    const err = r.json().error;
    assert.equal(err.code, 'internal_error');
    assert.match(err.requestId, /^[0-9a-f]{12}$/);
    assert.ok(err.message.includes(`request id ${err.requestId}`), err.message);
    assert.equal(r.headers['x-request-id'], err.requestId);
    assert.equal(lines.length, 1, lines.join(''));
    const entry = JSON.parse(lines[0]);
    assert.equal(entry.level, 50);
    assert.equal(entry.reqId, err.requestId);
    assert.equal(entry.req.method, 'GET');
    assert.equal(entry.req.url, '/api/papers/2405.00001?token=***');
    assert.match(entry.err.message, /not open/);
    assert.ok(!lines[0].includes(SECRET), 'no secret in the log line');
    assert.ok(!lines[0].includes('cookie') && !lines[0].includes('Bearer'), 'no headers in the log line');
  });

  it('the HTML error page says to check the server log and names the request id', async () => {
    lines.length = 0;
    const r = await app.inject({ url: '/papers/2405.00001', headers: { accept: 'text/html' } });
    assert.equal(r.statusCode, 500);
    const id = String(r.headers['x-request-id']);
    assert.match(r.body, new RegExp(`check the server log \\(request id ${id}\\)`));
    assert.equal(JSON.parse(lines[0]).reqId, id);
  });

  it('request ids differ per request', async () => {
    const a = await app.inject({ url: '/api/papers/1' });
    const b = await app.inject({ url: '/api/papers/1' });
    assert.notEqual(a.headers['x-request-id'], b.headers['x-request-id']);
  });

  it('the log masks the secret and the SMTP password wherever an error repeats them', () => {
    const opts = loggerOptions(config, false);
    const serializers = (opts.logger as unknown as { serializers: { err: (e: Error) => { message: string; stack: string } } }).serializers;
    const out = serializers.err(new Error(`connect to smtp://mailer:${SMTP_PASS}@host failed with ${SECRET}`));
    assert.ok(!out.message.includes(SMTP_PASS) && !out.message.includes(SECRET), out.message);
    assert.ok(!out.stack.includes(SMTP_PASS) && !out.stack.includes(SECRET));
    assert.equal(redactUrl('/unsubscribe?x=1&token=abc.def&y=2'), '/unsubscribe?x=1&token=***&y=2');
  });
});
