/**
 * Fuzz test of the whole site, in-process (app.inject) over the fixture
 * papers: every route and parameter of the OpenAPI document, every HTML page
 * and form, every route given each hostile value once, dealt over its
 * parameters, one parameter at a time (huge strings,
 * control characters, Unicode oddities, numbers and dates out of range, query
 * syntax, injection strings, repeated and bracketed keys, broken
 * %-encodings, plus seeded random strings), then hostile headers and hostile
 * bodies on every POST.
 *
 * The bar: 0 answers ≥ 500, 0 hangs, and every error in the site's one shape
 * (JSON `{error:{code,message}}` or the HTML error page, never Fastify's own
 * `{statusCode,error,message}`). A route the app registers that this file
 * does not fuzz fails the test, so a new route cannot skip it.
 * Deterministic: the random part comes from a fixed seed (helpers/prng.ts);
 * a failure names the request to replay.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { openApiDocument } from '../../src/web/api/openapi.js';
import { openTestApp, type TestApp } from '../helpers/test-app.js';
import { tempDbPath } from '../helpers/temp-db.js';
import { rng } from '../helpers/prng.js';
import { startSmtpSink, type SmtpSink } from '../digest/smtp-sink.js';
import { fixtureRecords, NOW } from './pages/site-fixture.js';

const PUBLIC = 'https://papers.example.org';
const SEED = 9;
/** Seeded random values per route, on top of the fixed hostile list. */
const RANDOM_PER_ROUTE = 6;
/** A request still unanswered after this long is a hang (a guard against hangs, not a speed bar: answers here take milliseconds). */
const HANG_MS = 15_000;

/** Text values: encoded as UTF-8 (lone surrogates as their raw 3 bytes) and percent-encoded. */
const HOSTILE_TEXT: string[] = [
  '', ' ', 'a'.repeat(100_000), '"'.repeat(5_000), 'a '.repeat(3_000), '\u0000', 'a\u0000b', '\t', '\r\n', '\n/evil', '\u0008',
  '\u001b[31mred', '\u007f', '\u0085', '\u202Egnp.exe', '\u200B', 'e' + '\u0301'.repeat(2_000), '😀'.repeat(500), '\uFFFF', '\uFEFF',
  '\uD800', 'a\uDC00b', 'ﬁ', '２０２４-０５-０３', 'İ', 'ß'.repeat(200),
  '-1', '0', '1e309', 'NaN', 'Infinity', '9'.repeat(400), '0x10', ' 1 ', '1.5', '-0', '+1', '01',
  '2024-02-30', '0000-00-00', '9999-12-31', '2024-W53', '2024-W00', '2024-W99', '2024-13', '2024-00', '2024-05-03T00:00:00Z', '99999-01-01',
  '"', '"unclosed', 'author:', 'category:', '-', '*', 'a*', '(((', 'NEAR(a b)', 'a AND OR NOT b', '^', 'title:x', '\\', "'", '%', '_',
  '"a b" -"c" author:"x y" category:cs.* -', '-a -b -c', 'a'.repeat(250), 'ab*'.repeat(80),
  "' OR 1=1 --", '<script>alert(1)</script>', '../../etc/passwd', '${x}', '{{7*7}}', '__proto__', 'constructor', 'toString',
  'https://arxiv.org/abs/2405.00001v2', 'arXiv:2405.00001', 'hep-th/9901001', '2405.00001v999999999999', '0000.00000', 'local-demo-1',
  'javascript:alert(1)', '//evil.example', '/\\evil.example', 'true', 'null', '[]', '{}', 'a@example.org',
];

/** Raw values inserted as they are into the URL: broken %-encodings and the like. */
const HOSTILE_RAW: string[] = ['%', '%E0%A4%A', '%zz', '%00', '%C0%AF', '%FF', '%ED%A0%80', '%2e%2e%2f', '%25', '%u0041', '%%30%30', '+', '%2F%2F'];

function utf8Bytes(cp: number): number[] {
  if (cp < 0x80) return [cp];
  if (cp < 0x800) return [0xc0 | (cp >> 6), 0x80 | (cp & 63)];
  if (cp < 0x10000) return [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)];
  return [0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)];
}

/** Percent-encodes every byte but unreserved ASCII; lone surrogates keep their (invalid) UTF-8 bytes. */
function enc(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (/[A-Za-z0-9\-._~]/.test(ch)) out += ch;
    else for (const b of utf8Bytes(cp)) out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

type Value = { text: string } | { raw: string };
const show = (v: Value) => ('raw' in v ? `raw ${v.raw}` : JSON.stringify(v.text.length > 60 ? v.text.slice(0, 60) + `…(${v.text.length})` : v.text));
const encoded = (v: Value) => ('raw' in v ? v.raw : enc(v.text));

/** Seeded random strings: mixes of ASCII, controls, Latin, CJK, astral characters and lone surrogates. */
function randomValues(next: () => number, count: number): Value[] {
  const pools: [number, number][] = [[0x20, 0x7e], [0x00, 0x1f], [0xa0, 0x24f], [0x4e00, 0x4fff], [0x1f600, 0x1f64f], [0xd800, 0xdfff], [0x2000, 0x206f]];
  const out: Value[] = [];
  for (let i = 0; i < count; i++) {
    const len = 1 + Math.floor(next() * 300);
    let s = '';
    for (let j = 0; j < len; j++) {
      const [lo, hi] = pools[Math.floor(next() * pools.length)];
      s += String.fromCodePoint(lo + Math.floor(next() * (hi - lo + 1)));
    }
    out.push({ text: s });
  }
  return out;
}

/** A GET target: a path template with `{slot}`s, default values for its slots, and the query parameters it reads. */
interface Target {
  /** The Fastify route it exercises (for the coverage check). */
  route: string;
  path: string;
  pathDefaults: Record<string, string>;
  query: Record<string, string | undefined>;
}

/** Defaults that reach past validation into the store (a known paper, organization, day). */
const PATH_DEFAULTS: Record<string, string> = { id: '2405.00001', name: 'ByteDance', key: '2024-05-03' };

function openApiTargets(): Target[] {
  const doc = openApiDocument(PUBLIC);
  return Object.entries(doc.paths).map(([path, item]) => {
    const params = item.get.parameters ?? [];
    const pathDefaults: Record<string, string> = {};
    const query: Record<string, string | undefined> = {};
    for (const p of params) {
      if (p.in === 'path') pathDefaults[p.name] = PATH_DEFAULTS[p.name] ?? 'x';
      else if (p.in === 'query') query[p.name] = p.name === 'q' ? 'diffusion' : undefined;
    }
    const route = path === '/api/papers/{id}' ? '/api/papers/*' : path === '/papers/{id}.md' ? '/papers/*'
      : /^\/feeds\/orgs\//.test(path) ? '/feeds/orgs/:file' : path;
    return { route, path, pathDefaults, query };
  });
}

const SEARCH_QUERY = { q: 'transformers', from: undefined, to: undefined, category: undefined, org: undefined, sort: undefined, page: undefined };
const TOKEN = { token: 'x' };

const HTML_TARGETS: Target[] = [
  { route: '/', path: '/', pathDefaults: {}, query: { page: undefined } },
  { route: '/papers', path: '/papers', pathDefaults: {}, query: SEARCH_QUERY },
  { route: '/papers/date/:key', path: '/papers/date/{key}', pathDefaults: { key: '2024-05-03' }, query: { page: undefined } },
  { route: '/papers/date', path: '/papers/date', pathDefaults: {}, query: {} },
  { route: '/papers/week/:key', path: '/papers/week/{key}', pathDefaults: { key: '2024-W18' }, query: { page: undefined } },
  { route: '/papers/week', path: '/papers/week', pathDefaults: {}, query: {} },
  { route: '/papers/month/:key', path: '/papers/month/{key}', pathDefaults: { key: '2024-05' }, query: { page: undefined } },
  { route: '/papers/month', path: '/papers/month', pathDefaults: {}, query: {} },
  { route: '/papers/trending', path: '/papers/trending', pathDefaults: {}, query: { page: undefined } },
  { route: '/papers/*', path: '/papers/{id}', pathDefaults: { id: '2405.00001' }, query: {} },
  { route: '/papers/*', path: '/papers/{id}/similar', pathDefaults: { id: '2405.00001' }, query: { fragment: '1' } },
  { route: '/orgs/:name', path: '/orgs/{name}', pathDefaults: { name: 'ByteDance' }, query: { page: undefined } },
  { route: '/subscribe', path: '/subscribe', pathDefaults: {}, query: { email: undefined, frequency: undefined, categories: undefined, keywords: undefined, organizations: undefined } },
  { route: '/subscribe/confirm', path: '/subscribe/confirm', pathDefaults: {}, query: TOKEN },
  { route: '/subscribe/manage', path: '/subscribe/manage', pathDefaults: {}, query: TOKEN },
  { route: '/unsubscribe', path: '/unsubscribe', pathDefaults: {}, query: TOKEN },
  { route: '/assets/:name', path: '/assets/{name}', pathDefaults: { name: 'app.css' }, query: { v: 'x' } },
  { route: '/favicon.ico', path: '/favicon.ico', pathDefaults: {}, query: {} },
];

/** Every POST route with the fields it reads. */
const POST_TARGETS: { route: string; url: string; fields: Record<string, string> }[] = [
  { route: '/theme', url: '/theme', fields: { theme: 'dark', back: '/papers' } },
  { route: '/subscribe', url: '/subscribe', fields: { email: 'a@example.org', frequency: 'daily', categories: 'cs.CL', keywords: 'x', organizations: 'y', _csrf: 'x' } },
  { route: '/subscribe/manage', url: '/subscribe/manage', fields: { token: 'x', frequency: 'weekly', categories: '', keywords: '', organizations: '', _csrf: 'x' } },
  { route: '/unsubscribe', url: '/unsubscribe?token=x', fields: { token: 'x', 'List-Unsubscribe': 'One-Click' } },
  { route: '/api/subscriptions', url: '/api/subscriptions', fields: { email: 'a@example.org', frequency: 'daily' } },
];

interface Req {
  method: string;
  url: string;
  headers?: Record<string, string>;
  payload?: string;
}

function buildUrl(t: Target, slot: string | null, value: string | null, variant: 'value' | 'repeat' | 'bracket' | 'bare' = 'value'): string {
  let path = t.path;
  for (const [k, d] of Object.entries(t.pathDefaults)) path = path.replace(`{${k}}`, k === slot && value !== null ? value : enc(d));
  const qs: string[] = [];
  for (const [k, d] of Object.entries(t.query)) {
    if (k === slot && value !== null) {
      if (variant === 'value') qs.push(`${k}=${value}`);
      else if (variant === 'repeat') qs.push(`${k}=${value}`, `${k}=${value}`);
      else if (variant === 'bracket') qs.push(`${k}[]=${value}`, `${k}[a]=${value}`);
      else qs.push(k);
    } else if (d !== undefined) {
      qs.push(`${k}=${enc(d)}`);
    }
  }
  return qs.length ? `${path}?${qs.join('&')}` : path;
}

const HOSTILE_HEADERS: Record<string, string>[] = [
  { accept: '*/*;q=abc' }, { accept: 'text/markdown' }, { accept: 'application/json' }, { accept: 'text/html;q=0, application/json;q=0' },
  { accept: 'x/'.repeat(5_000) }, { accept: '' }, { accept: 'text/markdown, application/json' },
  { 'accept-language': '*;q=x,,;;' }, { 'accept-encoding': 'gzip;q=2, br;q=-1' },
  { cookie: 'theme=dark; theme=light' }, { cookie: 'theme=' + 'x'.repeat(4_000) }, { cookie: '_csrf=s:garbage.sig' }, { cookie: '=; ;;=x' },
  { cookie: 'theme=%ZZ; _csrf=%E0%A4%A' }, { 'if-none-match': '*' }, { 'if-none-match': '"' + 'x'.repeat(1_000) }, { 'if-modified-since': 'yesterday' },
  { range: 'bytes=0-0,-1' }, { 'x-forwarded-for': 'garbage, 1.2.3.4, ::1' }, { 'x-forwarded-host': 'evil.example' }, { 'x-forwarded-proto': 'gopher' },
  { host: 'evil.example:99999' }, { origin: 'null' }, { 'content-type': 'application/json' }, { 'content-type': 'multipart/form-data' },
  { authorization: 'Bearer ' + 'x'.repeat(5_000) }, { 'user-agent': '\u00ff\u00fe' }, { referer: 'javascript:alert(1)' },
  { 'x-request-id': '../../x' }, { 'transfer-encoding': 'chunked' },
];

const FORM_TYPE = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';

/** Hostile bodies (content type, payload) for every POST route. */
function hostileBodies(fields: Record<string, string>): [string, string][] {
  const form = new URLSearchParams(fields).toString();
  return [
    [JSON_TYPE, '{}'], [JSON_TYPE, 'null'], [JSON_TYPE, '[]'], [JSON_TYPE, '"str"'], [JSON_TYPE, '42'], [JSON_TYPE, '{'], [JSON_TYPE, ''],
    [JSON_TYPE, '{"__proto__":{"x":1}}'], [JSON_TYPE, '{"constructor":{"prototype":{"x":1}}}'],
    [JSON_TYPE, '['.repeat(5_000) + ']'.repeat(5_000)], [JSON_TYPE, '{"a":'.repeat(50_000) + '1' + '}'.repeat(50_000)],
    [JSON_TYPE, JSON.stringify({ ...fields, email: 'a'.repeat(2_000_000) })],
    [JSON_TYPE, JSON.stringify({ email: ['a@example.org'], frequency: { x: 1 }, topics: 'x', theme: ['dark'], back: { a: 1 }, token: 5 })],
    [JSON_TYPE, JSON.stringify({ ...fields, topics: Array.from({ length: 1_000 }, (_, i) => `kw${i}`) })],
    [JSON_TYPE, JSON.stringify({ ...fields, email: '\u0000@x.y', back: '/\r\nX: y', theme: '\u0000' })],
    [JSON_TYPE, JSON.stringify(fields)], [`${JSON_TYPE}; charset=utf-16`, '{}'], [JSON_TYPE, '\uFEFF{}'],
    [FORM_TYPE, form], [FORM_TYPE, form + '&back=%'], [FORM_TYPE, 'back=%E0%A4%A&theme=%FF'], [FORM_TYPE, 'a=1&'.repeat(20_000)],
    [FORM_TYPE, 'email[]=x&email[a]=y&back[]=/&token[]=x'], [FORM_TYPE, '__proto__[x]=1&constructor[prototype][x]=1'],
    [FORM_TYPE, Object.keys(fields).map((k) => `${k}=${'%00'.repeat(1_000)}`).join('&')], [FORM_TYPE, '\u0000\u0001=\u0002'],
    ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--x--\r\n'], ['multipart/form-data', 'garbage'],
    ['text/plain', 'hello'], ['application/xml', '<a/>'], ['*/*', 'x'], ['application/json; charset=latin1', '{}'],
  ];
}

/** The fuzz plan: every request, in a fixed order. */
function plan(): Req[] {
  const next = rng(SEED);
  const reqs: Req[] = [];
  const values = (): Value[] => [
    ...HOSTILE_TEXT.map((text) => ({ text })), ...HOSTILE_RAW.map((raw) => ({ raw })), ...randomValues(next, RANDOM_PER_ROUTE),
  ];
  for (const t of [...openApiTargets(), ...HTML_TARGETS]) {
    reqs.push({ method: 'GET', url: buildUrl(t, null, null) });
    const slots = [...Object.keys(t.pathDefaults), ...Object.keys(t.query)];
    if (slots.length === 0) continue;
    // Every hostile value reaches every route once, dealt over its parameters from a seeded start
    // (all values on all parameters would be ~7× the requests for little more coverage).
    const start = Math.floor(next() * slots.length);
    values().forEach((v, k) => {
      const slot = slots[(start + k) % slots.length];
      reqs.push({ method: 'GET', url: buildUrl(t, slot, encoded(v)), headers: { 'x-fuzz': show(v).slice(0, 100).replace(/[^\x20-\x7e]/g, '?') } });
    });
    for (const slot of slots) {
      if (slot in t.pathDefaults) {
        for (const raw of ['a/b', '..', '../..', 'x/'.repeat(300), '.', '%2e']) reqs.push({ method: 'GET', url: buildUrl(t, slot, raw) });
      } else {
        for (const variant of ['repeat', 'bracket', 'bare'] as const) reqs.push({ method: 'GET', url: buildUrl(t, slot, 'x', variant) });
      }
    }
  }
  // Whole-URL oddities.
  for (const url of ['/papers?' + 'x=1&'.repeat(2_000), '/papers?q=a&&&&=&=', '/papers/%2e%2e/%2e%2e/etc/passwd', '//papers', '/papers//date',
    '/api/papers/', '/api/papers/' + 'a/'.repeat(300), '/papers?q=' + 'a'.repeat(60_000), '/api/papers/search?q=x&limit=5#frag', '/?' + '%'.repeat(100),
    '/feeds/orgs/.rss', '/feeds/orgs/' + 'a'.repeat(600) + '.atom', '/feeds/orgs/%00.rss', '/orgs/' + 'a'.repeat(600), '/assets/..%2fpackage.json']) {
    reqs.push({ method: 'GET', url });
  }
  // Hostile headers on pages of every kind; other methods on GET routes.
  for (const url of ['/', '/papers?q=diffusion', '/papers/2405.00001', '/api/daily_papers', '/api/papers/search?q=x', '/feeds/daily.rss', '/subscribe', '/assets/app.css']) {
    for (const headers of HOSTILE_HEADERS) reqs.push({ method: 'GET', url, headers });
    for (const method of ['HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) reqs.push({ method, url });
  }
  // Hostile bodies on every POST route.
  for (const t of POST_TARGETS) {
    for (const [type, payload] of hostileBodies(t.fields)) {
      reqs.push({ method: 'POST', url: t.url, headers: type ? { 'content-type': type } : {}, payload });
    }
    reqs.push({ method: 'POST', url: t.url });
    reqs.push({ method: 'GET', url: t.url.split('?')[0] === '/api/subscriptions' ? '/api/subscriptions' : t.url });
  }
  return reqs;
}

/** Routes the app registers, from Fastify's route tree ("METHOD /path"). */
function registeredRoutes(app: FastifyInstance): string[] {
  const out: string[] = [];
  for (const method of ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'] as const) {
    const stack: string[] = [];
    for (const line of app.printRoutes({ method }).split('\n')) {
      const at = line.indexOf('── ');
      if (at < 0) continue;
      const depth = (at - 1) / 4;
      const m = /^(.*?)(?: \(([A-Z, ]+)\))?$/.exec(line.slice(at + 3))!;
      stack.length = depth;
      stack.push(m[1]);
      if (m[2]) out.push(`${method} ${stack.join('').replace(/^\/\//, '/')}`);
    }
  }
  return out;
}

function checkShape(r: Req, res: LightMyRequestResponse): void {
  const where = `${r.method} ${r.url.slice(0, 200)} ${JSON.stringify(r.headers ?? {}).slice(0, 200)}`;
  assert.ok(res.statusCode < 500, `${where} → ${res.statusCode}: ${res.body.slice(0, 300)}`);
  if (res.statusCode < 400 || r.method === 'HEAD') return;
  const type = String(res.headers['content-type'] ?? '');
  if (type.startsWith('application/json')) {
    const body = res.json() as { error?: { code?: unknown; message?: unknown }; statusCode?: unknown };
    assert.equal(typeof body.error?.code, 'string', `${where}: JSON error has a code: ${res.body.slice(0, 200)}`);
    assert.equal(typeof body.error?.message, 'string', where);
    assert.equal(body.statusCode, undefined, `${where}: never Fastify's own error shape`);
  } else {
    assert.match(type, /^text\/html/, `${where} → ${res.statusCode} ${type}: ${res.body.slice(0, 200)}`);
    assert.match(res.body, /<h1>/, `${where}: the error page`);
  }
}

describe('fuzz: every route and parameter, hostile headers and bodies', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let cleanup: () => void;
  before(async () => {
    sink = await startSmtpSink();
    const tmp = tempDbPath();
    cleanup = tmp.cleanup;
    t = await openTestApp(tmp.file, {
      records: fixtureRecords(), now: () => NOW, config: { publicUrl: PUBLIC },
      env: { SMTP_URL: sink.url, PAPERBOY_SECRET: 'fuzz-secret', MAIL_FROM: 'paperboy <fuzz@papers.example.org>' },
    });
  });
  after(async () => {
    await t.close();
    await sink.close();
    cleanup();
  });

  it('fuzzes every route the app registers', () => {
    const fuzzed = new Set([
      ...[...openApiTargets(), ...HTML_TARGETS].map((x) => `GET ${x.route}`),
      ...POST_TARGETS.map((x) => `POST ${x.route}`),
    ]);
    const registered = registeredRoutes(t.app);
    assert.ok(registered.length >= 30, `the route tree was read (${registered.length} routes)`);
    const missing = registered.filter((r) => !fuzzed.has(r));
    assert.deepEqual(missing, [], 'every registered route has a fuzz target');
  });

  it('answers every hostile request below 500, in the site error shape, without hanging', async () => {
    const reqs = plan();
    assert.ok(reqs.length > 3_000, `${reqs.length} requests`);
    const statuses = new Map<number, number>();
    let i = 0;
    for (const r of reqs) {
      i++;
      // A new client address per request: rate limits must not hide the code behind them.
      const remoteAddress = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
      let timer: NodeJS.Timeout | undefined;
      const hang = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`hang: ${r.method} ${r.url.slice(0, 200)} unanswered after ${HANG_MS} ms`)), HANG_MS);
      });
      const res = await Promise.race([
        t.app.inject({ method: r.method as 'GET', url: r.url, headers: r.headers, payload: r.payload, remoteAddress }),
        hang,
      ]).finally(() => clearTimeout(timer));
      checkShape(r, res);
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
    }
    // The fuzz reached past validation, not only into 400s.
    assert.ok((statuses.get(200) ?? 0) > 300, JSON.stringify([...statuses]));
    assert.ok((statuses.get(400) ?? 0) > 300, JSON.stringify([...statuses]));
  });
});
