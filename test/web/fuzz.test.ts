/**
 * Fuzz test of the whole site, in-process (app.inject) over the fixture
 * papers: every route and parameter of the OpenAPI document, every HTML page
 * and form (signed out, and signed in as an admin with a valid CSRF token so
 * hostile form fields reach the code behind the checks); each route gets a
 * seeded share of the hostile values, dealt over its parameters one at a
 * time (huge strings,
 * control characters, Unicode oddities, numbers and dates out of range, query
 * syntax, injection strings, repeated and bracketed keys, broken
 * %-encodings, plus seeded random strings), then hostile headers and hostile
 * bodies on every POST.
 *
 * Runs on a SQLite file and on a real PostgreSQL database (skipped with a
 * reason where no server is installed; PAPERBOY_REQUIRE_ALL fails instead).
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
import { openTestApp, TEST_SCRYPT, type TestApp } from '../helpers/test-app.js';
import { WebClient } from '../helpers/web-client.js';
import { hashPassword } from '../../src/accounts/passwords.js';
import { tempDbPath } from '../helpers/temp-db.js';
import { freshDatabase, requirePostgres } from '../helpers/postgres-server.js';
import { rng } from '../helpers/prng.js';
import { startSmtpSink, type SmtpSink } from '../digest/smtp-sink.js';
import { startFixtureServer, type FixtureServer } from '../helpers/fixture-server.js';
import { fixtureRecords, NOW } from './pages/site-fixture.js';

const PUBLIC = 'https://papers.example.org';
const SEED = 9;
/** Hostile text values per route: a seeded sample of HOSTILE_TEXT (plus CORE_TEXT and HOSTILE_RAW, always), so the run time grows with routes, not routes × values. */
const TEXT_PER_ROUTE = 14;
/** Seeded random values per route, on top of the fixed hostile list. */
const RANDOM_PER_ROUTE = 4;
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

/** Values every route gets: the largest, the control characters, a lone surrogate, markup, a huge number. */
const CORE_TEXT: string[] = ['a'.repeat(100_000), '\u0000', '\r\n', '\uD800', '<script>alert(1)</script>', '9'.repeat(400), '__proto__', ''];

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

/**
 * A target: a method and path template with `{slot}`s, defaults for its
 * slots, the query parameters it reads, and the body fields it reads (form
 * fields, or JSON properties when `json`). `signedIn`: sent with the admin's
 * session cookie, and with a valid CSRF token in form bodies.
 */
interface Target {
  /** The Fastify route it exercises (for the coverage check). */
  route: string;
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  pathDefaults: Record<string, string>;
  query: Record<string, string | undefined>;
  fields?: Record<string, string>;
  json?: boolean;
  signedIn?: boolean;
  /** Sent with the admin's personal API token (operations the OpenAPI document marks `security: bearer`). */
  bearer?: boolean;
}

/** Defaults that reach past validation into the store (a known paper, organization, day, user). */
const PATH_DEFAULTS: Record<string, string> = { id: '2405.00001', name: 'ByteDance', key: '2024-05-03' };

/** Fastify's route for an OpenAPI path, where they differ. */
function routeOf(path: string): string {
  if (path.startsWith('/api/papers/{id}')) return '/api/papers/*';
  if (path === '/papers/{id}.md') return '/papers/*';
  if (/^\/feeds\/orgs\//.test(path)) return '/feeds/orgs/:file';
  return path.replace(/\{(\w+)\}/g, ':$1');
}

function openApiTargets(): Target[] {
  const doc = openApiDocument(PUBLIC);
  const out: Target[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!op) continue;
      const pathDefaults: Record<string, string> = {};
      const query: Record<string, string | undefined> = {};
      for (const p of op.parameters ?? []) {
        if (p.in === 'path') pathDefaults[p.name] = PATH_DEFAULTS[p.name] ?? 'x';
        else if (p.in === 'query') query[p.name] = p.name === 'q' ? 'diffusion' : undefined;
      }
      const schema = op.requestBody?.content['application/json']?.schema as { properties?: Record<string, unknown> } | undefined;
      const fields = schema?.properties ? Object.fromEntries(Object.keys(schema.properties).map((k) => [k, 'x'])) : undefined;
      out.push({ route: routeOf(path), method: method.toUpperCase() as Target['method'], path, pathDefaults, query, fields, json: !!fields, bearer: !!op.security });
    }
  }
  return out;
}

const get = (route: string, path: string, query: Record<string, string | undefined> = {}, pathDefaults: Record<string, string> = {}, signedIn = false): Target =>
  ({ route, method: 'GET', path, pathDefaults, query, signedIn });
const post = (route: string, path: string, fields: Record<string, string>, signedIn = true, pathDefaults: Record<string, string> = {}): Target =>
  ({ route, method: 'POST', path, pathDefaults, query: {}, fields, signedIn });

const SEARCH_QUERY = { q: 'transformers', from: undefined, to: undefined, category: undefined, org: undefined, sort: undefined, page: undefined };
const PAGE = { page: undefined };
const TOKEN = { token: 'x' };

const PAGE_TARGETS: Target[] = [
  get('/', '/', PAGE),
  get('/papers', '/papers', SEARCH_QUERY),
  get('/papers/date/:key', '/papers/date/{key}', PAGE, { key: '2024-05-03' }),
  get('/papers/date', '/papers/date'),
  get('/papers/week/:key', '/papers/week/{key}', PAGE, { key: '2024-W18' }),
  get('/papers/week', '/papers/week'),
  get('/papers/month/:key', '/papers/month/{key}', PAGE, { key: '2024-05' }),
  get('/papers/month', '/papers/month'),
  get('/papers/trending', '/papers/trending', PAGE),
  get('/papers/*', '/papers/{id}', {}, { id: '2405.00001' }),
  get('/papers/*', '/papers/{id}/similar', { fragment: '1' }, { id: '2405.00001' }),
  get('/orgs/:name', '/orgs/{name}', PAGE, { name: 'ByteDance' }),
  get('/subscribe', '/subscribe', { email: undefined, frequency: undefined, categories: undefined, keywords: undefined, organizations: undefined }),
  get('/subscribe/confirm', '/subscribe/confirm', TOKEN),
  get('/subscribe/manage', '/subscribe/manage', TOKEN),
  get('/unsubscribe', '/unsubscribe', TOKEN),
  get('/assets/:name', '/assets/{name}', { v: 'x' }, { name: 'app.css' }),
  get('/favicon.ico', '/favicon.ico'),
  // Pictures: the proxy serves only URLs this site signed (a forged signature never reaches the network).
  get('/img/p/:sig/:enc', '/img/p/{sig}/{enc}', {}, { sig: 'x', enc: 'aHR0cHM6Ly9leGFtcGxlLm9yZy9hLnBuZw' }),
  get('/img/placeholder/*', '/img/placeholder/{id}.svg', {}, { id: '2405.00001' }),
  // Accounts, signed out.
  get('/signup', '/signup'),
  get('/verify', '/verify', TOKEN),
  get('/login', '/login', { next: '/papers' }),
  get('/logout', '/logout'),
  get('/reset', '/reset'),
  get('/reset/password', '/reset/password', TOKEN),
  get('/settings', '/settings', { changed: undefined }),
  get('/settings/email/confirm', '/settings/email/confirm', TOKEN),
  get('/settings/delete', '/settings/delete'),
  get('/admin/users', '/admin/users', { q: undefined, page: undefined }),
  // Signed in as an admin: the pages behind the login.
  get('/settings', '/settings', { changed: 'password' }, {}, true),
  get('/settings/email/confirm', '/settings/email/confirm', TOKEN, {}, true),
  get('/admin/users', '/admin/users', { q: 'x', page: '1' }, {}, true),
  get('/login', '/login', { next: '/papers' }, {}, true),
  get('/submit', '/submit'),
  get('/submit', '/submit', {}, {}, true),
  get('/users/:name', '/users/{name}', {}, { name: 'nobody' }),
  get('/users/:name', '/users/{name}', {}, { name: 'nobody' }, true),
  get('/moderation', '/moderation'),
  get('/moderation', '/moderation', {}, {}, true),
  get('/moderation/log', '/moderation/log', PAGE),
  get('/users/:name/lists', '/users/{name}/lists', {}, { name: 'nobody' }),
  get('/users/:name/lists/:file', '/users/{name}/lists/{file}', PAGE, { name: 'nobody', file: 'reading.rss' }),
  get('/admin/papers', '/admin/papers'),
  get('/admin/papers', '/admin/papers', {}, {}, true),
  get('/admin/claims', '/admin/claims'),
  get('/admin/claims', '/admin/claims', {}, {}, true),
  get('/orgs', '/orgs', PAGE),
  get('/orgs', '/orgs', PAGE, {}, true),
];

/** Every form the site posts, with the fields it reads (signed in, with a valid CSRF token). */
const FORM_TARGETS: Target[] = [
  post('/theme', '/theme', { theme: 'dark', back: '/papers' }),
  post('/subscribe', '/subscribe', { email: 'a@example.org', frequency: 'daily', categories: 'cs.CL', keywords: 'x', organizations: 'y' }),
  post('/subscribe/manage', '/subscribe/manage', { token: 'x', frequency: 'weekly', categories: '', keywords: '', organizations: '' }),
  post('/unsubscribe', '/unsubscribe', { token: 'x', 'List-Unsubscribe': 'One-Click' }),
  post('/signup', '/signup', { username: 'fuzzer', email: 'fuzz@example.org', password: 'a long enough password' }),
  post('/login', '/login', { login: 'nobody', password: 'wrong password', next: '/papers' }),
  post('/reset', '/reset', { email: 'nobody@example.org' }),
  post('/reset/password', '/reset/password', { token: 'x', password: 'a long enough password' }),
  post('/settings/verify', '/settings/verify', { x: 'x' }),
  post('/settings/email', '/settings/email', { current: 'wrong', email: 'new@example.org' }),
  post('/settings/password', '/settings/password', { current: 'wrong', password: 'a long enough password' }),
  post('/settings/tokens', '/settings/tokens', { name: 'laptop' }),
  post('/settings/tokens/:id/revoke', '/settings/tokens/{id}/revoke', { x: 'x' }, true, { id: '1' }),
  post('/settings/delete', '/settings/delete', { password: 'wrong' }),
  post('/admin/users/:id/role', '/admin/users/{id}/role', { role: 'moderator' }, true, { id: '2' }),
  post('/admin/users/:id/ban', '/admin/users/{id}/ban', { reason: 'spam' }, true, { id: '999' }),
  post('/admin/users/:id/unban', '/admin/users/{id}/unban', { x: 'x' }, true, { id: '999' }),
  post('/papers/*', '/papers/{id}/upvote', { vote: '1', back: '/papers' }, true, { id: '2405.00001' }),
  post('/papers/*', '/papers/{id}/comments', { body: 'a comment', parent: '' }, true, { id: '2405.00001' }),
  post('/papers/*', '/papers/{id}/comments/{n}/edit', { body: 'edited' }, true, { id: '2405.00001', n: '1' }),
  post('/settings/profile', '/settings/profile', { public_votes: 'on' }),
  post('/papers/*', '/papers/{id}/comments/{n}/report', { reason: 'spam' }, true, { id: '2405.00001', n: '1' }),
  post('/moderation/reports/:id/dismiss', '/moderation/reports/{id}/dismiss', { x: 'x' }, true, { id: '1' }),
  post('/moderation/reports/:id/reopen', '/moderation/reports/{id}/reopen', { x: 'x' }, true, { id: '1' }),
  post('/papers/*', '/papers/{id}/save', { list: 'new', name: 'Fuzz list', public: 'on' }, true, { id: '2405.00001' }),
  post('/lists', '/lists', { name: 'Another list', public: 'on' }),
  post('/users/:name/lists/:slug/remove', '/users/{name}/lists/{slug}/remove', { paper: '2405.00001' }, true, { name: 'nobody', slug: 'x' }),
  post('/users/:name/lists/:slug/settings', '/users/{name}/lists/{slug}/settings', { name: 'Renamed', public: 'on' }, true, { name: 'nobody', slug: 'x' }),
  post('/users/:name/lists/:slug/delete', '/users/{name}/lists/{slug}/delete', { x: 'x' }, true, { name: 'nobody', slug: 'x' }),
  post('/papers/*', '/papers/{id}/report', { reason: 'spam' }, true, { id: '2405.00003' }),
  post('/papers/*', '/papers/{id}/claim', { author: 'Ada Lovelace' }, true, { id: '2405.00001' }),
  post('/papers/*', '/papers/{id}/organization', { organization: 'ByteDance' }, true, { id: '2405.00001' }),
  post('/papers/*', '/papers/{id}/entries/move', { from: '2024-05-03', to: '2024-05-02', reason: 'late' }, true, { id: '2405.00003' }),
  post('/papers/*', '/papers/{id}/entries/remove', { day: '2024-05-02', reason: 'off topic' }, true, { id: '2405.00003' }),
  post('/admin/entries/restore', '/admin/entries/restore', { paper: '2405.00003', day: '2024-05-02' }),
  post('/papers/*', '/papers/{id}/hide', { reason: 'spam' }, true, { id: 'hep-th/9901001' }),
  post('/admin/papers/unhide', '/admin/papers/unhide', { paper: 'hep-th/9901001' }),
  post('/moderation/papers/dismiss', '/moderation/papers/dismiss', { paper: '2405.00003' }),
  post('/moderation/papers/reopen', '/moderation/papers/reopen', { paper: '2405.00003' }),
  post('/admin/claims/:id/approve', '/admin/claims/{id}/approve', { note: 'ok' }, true, { id: '1' }),
  post('/admin/claims/:id/reject', '/admin/claims/{id}/reject', { note: 'no' }, true, { id: '1' }),
  post('/admin/claims/:id/reopen', '/admin/claims/{id}/reopen', { x: 'x' }, true, { id: '1' }),
  post('/orgs', '/orgs', { name: 'FuzzLab', fullname: 'Fuzz Lab', avatarUrl: 'https://example.org/a.png' }),
  post('/orgs/:name/edit', '/orgs/{name}/edit', { fullname: 'Fuzz', avatarUrl: '' }, true, { name: 'ByteDance' }),
  post('/orgs/:name/members', '/orgs/{name}/members', { username: 'other' }, true, { name: 'ByteDance' }),
  post('/orgs/:name/members/remove', '/orgs/{name}/members/remove', { username: 'other' }, true, { name: 'ByteDance' }),
  post('/orgs/:name/follow', '/orgs/{name}/follow', { x: 'x' }, true, { name: 'ByteDance' }),
  post('/orgs/:name/unfollow', '/orgs/{name}/unfollow', { x: 'x' }, true, { name: 'ByteDance' }),
  post('/submit', '/submit', { paper: '2506.20001' }),
  post('/submit/confirm', '/submit/confirm', { id: '2506.20002' }),
  // Last: it ends the session.
  post('/logout', '/logout', { x: 'x' }),
];

/** The JSON API's POST (CSRF-free, Origin-checked). */
const JSON_TARGETS: Target[] = [
  { route: '/api/subscriptions', method: 'POST', path: '/api/subscriptions', pathDefaults: {}, query: {}, fields: { email: 'a@example.org', frequency: 'daily' }, json: true },
];

interface Req {
  method: string;
  url: string;
  headers?: Record<string, string>;
  payload?: string;
  /** Add the admin's session cookie (and, for a form body, the CSRF token). */
  signedIn?: boolean;
  /** Add the admin's API token. */
  bearer?: boolean;
  /** A form body that gets `_csrf=` appended when signed in. */
  form?: boolean;
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

/** A body with one field set to `value` (an encoded form value; JSON gets the text), the others at their defaults. */
function buildBody(t: Target, slot: string | null, value: Value | null, variant: 'value' | 'repeat' | 'bracket' = 'value'): string {
  const fields = t.fields ?? {};
  if (t.json) {
    const o: Record<string, unknown> = { ...fields };
    if (slot !== null && value !== null) {
      const v = 'text' in value ? value.text : decodeURIComponentSafe(value.raw);
      o[slot] = variant === 'repeat' ? [v, v] : variant === 'bracket' ? { a: v } : v;
    }
    return JSON.stringify(o);
  }
  const pairs: string[] = [];
  for (const [k, d] of Object.entries(fields)) {
    if (k === slot && value !== null) {
      const v = encoded(value);
      if (variant === 'value') pairs.push(`${k}=${v}`);
      else if (variant === 'repeat') pairs.push(`${k}=${v}`, `${k}=${v}`);
      else pairs.push(`${k}[]=${v}`, `${k}[a]=${v}`);
    } else {
      pairs.push(`${k}=${enc(d)}`);
    }
  }
  return pairs.join('&');
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

const HOSTILE_HEADERS: Record<string, string>[] = [
  { accept: '*/*;q=abc' }, { accept: 'text/markdown' }, { accept: 'application/json' }, { accept: 'text/html;q=0, application/json;q=0' },
  { accept: 'x/'.repeat(5_000) }, { accept: '' }, { accept: 'text/markdown, application/json' },
  { 'accept-language': '*;q=x,,;;' }, { 'accept-encoding': 'gzip;q=2, br;q=-1' },
  { cookie: 'theme=dark; theme=light' }, { cookie: 'theme=' + 'x'.repeat(4_000) }, { cookie: '_csrf=s:garbage.sig' }, { cookie: '=; ;;=x' },
  { cookie: 'theme=%ZZ; _csrf=%E0%A4%A' }, { cookie: 'pb_session=' + 'x'.repeat(300) }, { cookie: 'pb_session=%00; pb_session=..' },
  { 'if-none-match': '*' }, { 'if-none-match': '"' + 'x'.repeat(1_000) }, { 'if-modified-since': 'yesterday' },
  { range: 'bytes=0-0,-1' }, { 'x-forwarded-for': 'garbage, 1.2.3.4, ::1' }, { 'x-forwarded-host': 'evil.example' }, { 'x-forwarded-proto': 'gopher' },
  { host: 'evil.example:99999' }, { origin: 'null' }, { 'content-type': 'application/json' }, { 'content-type': 'multipart/form-data' },
  { authorization: 'Bearer ' + 'x'.repeat(5_000) }, { authorization: 'Bearer pb_' + 'x'.repeat(43) }, { authorization: 'Basic %%%' },
  { authorization: 'Bearer' }, { 'user-agent': '\u00ff\u00fe' }, { referer: 'javascript:alert(1)' },
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

/** Seeded Fisher–Yates sample of `k` items. */
function sample<T>(items: T[], k: number, next: () => number): T[] {
  const a = items.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a.slice(0, k);
}

/** The fuzz plan: every request, in a fixed order. */
function plan(): Req[] {
  const next = rng(SEED);
  const reqs: Req[] = [];
  const values = (): Value[] => [
    ...CORE_TEXT.map((text) => ({ text })), ...sample(HOSTILE_TEXT, TEXT_PER_ROUTE, next).map((text) => ({ text })),
    ...HOSTILE_RAW.map((raw) => ({ raw })), ...randomValues(next, RANDOM_PER_ROUTE),
  ];
  const label = (v: Value) => ({ 'x-fuzz': show(v).slice(0, 100).replace(/[^\x20-\x7e]/g, '?') });
  for (const t of [...openApiTargets(), ...PAGE_TARGETS, ...FORM_TARGETS, ...JSON_TARGETS]) {
    const withBody = t.fields !== undefined;
    const type = t.json ? JSON_TYPE : FORM_TYPE;
    const base = { method: t.method, signedIn: t.signedIn, bearer: t.bearer, form: withBody && !t.json };
    const bodyOf = (slot: string | null, v: Value | null, variant?: 'value' | 'repeat' | 'bracket') =>
      (withBody ? { payload: buildBody(t, slot, v, variant), headers: { 'content-type': type } } : {});
    reqs.push({ ...base, url: buildUrl(t, null, null), ...bodyOf(null, null) });
    const urlSlots = [...Object.keys(t.pathDefaults), ...Object.keys(t.query)];
    const bodySlots = Object.keys(t.fields ?? {});
    const slots = [...urlSlots, ...bodySlots];
    if (slots.length === 0) continue;
    // The route's share of hostile values, dealt over its parameters from a seeded start.
    const start = Math.floor(next() * slots.length);
    values().forEach((v, k) => {
      const slot = slots[(start + k) % slots.length];
      if (bodySlots.includes(slot)) {
        const b = bodyOf(slot, v);
        reqs.push({ ...base, url: buildUrl(t, null, null), ...b, headers: { ...b.headers, ...label(v) } });
      } else {
        reqs.push({ ...base, url: buildUrl(t, slot, encoded(v)), ...bodyOf(null, null), headers: { ...bodyOf(null, null).headers, ...label(v) } });
      }
    });
    for (const slot of slots) {
      if (slot in t.pathDefaults) {
        for (const raw of ['a/b', '..', '../..', 'x/'.repeat(300), '.', '%2e']) reqs.push({ ...base, url: buildUrl(t, slot, raw), ...bodyOf(null, null) });
      } else if (bodySlots.includes(slot)) {
        for (const variant of ['repeat', 'bracket'] as const) reqs.push({ ...base, url: buildUrl(t, null, null), ...bodyOf(slot, { text: 'x' }, variant) });
      } else {
        for (const variant of ['repeat', 'bracket', 'bare'] as const) reqs.push({ ...base, url: buildUrl(t, slot, 'x', variant), ...bodyOf(null, null) });
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
  for (const url of ['/', '/papers?q=diffusion', '/papers/2405.00001', '/api/daily_papers', '/api/papers/search?q=x', '/feeds/daily.rss', '/subscribe', '/assets/app.css', '/settings', '/api/whoami-v2']) {
    for (const headers of HOSTILE_HEADERS) reqs.push({ method: 'GET', url, headers });
    for (const method of ['HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) reqs.push({ method, url });
  }
  // Hostile bodies on every POST route, signed out (no session, no CSRF token).
  for (const t of [...FORM_TARGETS, ...JSON_TARGETS, ...openApiTargets().filter((x) => x.method !== 'GET')]) {
    const url = buildUrl(t, null, null);
    for (const [type, payload] of hostileBodies(t.fields ?? {})) {
      reqs.push({ method: t.method, url, headers: type ? { 'content-type': type } : {}, payload, bearer: t.bearer });
    }
    reqs.push({ method: t.method, url, bearer: t.bearer });
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
  const where = `${r.signedIn ? 'signed in: ' : ''}${r.bearer ? 'with token: ' : ''}${r.method} ${r.url.slice(0, 200)} ${JSON.stringify(r.headers ?? {}).slice(0, 200)} ${(r.payload ?? '').slice(0, 100)}`;
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
    assert.match(res.body, /<h1>|role="alert"/, `${where}: an error page or a form saying what is wrong`);
  }
}

/** The database a fuzz run serves from: a SQLite file, or a database on this file's PostgreSQL server. */
async function openDatabase(kind: 'sqlite' | 'postgres'): Promise<{ db: string; indexDir?: string; cleanup(): void }> {
  const tmp = tempDbPath();
  if (kind === 'sqlite') return { db: tmp.file, cleanup: tmp.cleanup };
  return { db: await freshDatabase('fuzz'), indexDir: `${tmp.file}.idx`, cleanup: tmp.cleanup };
}

function fuzzSite(kind: 'sqlite' | 'postgres'): void {
  describe(`fuzz (${kind}): every route and parameter, hostile headers and bodies`, () => {
    let sink: SmtpSink;
    /** arXiv's export API, played locally: two papers known, everything else not found (no test touches the internet). */
    let arxiv: FixtureServer;
    let t: TestApp;
    let cleanup: () => void;
    /** The admin's browser: session cookie and CSRF token. */
    let admin: WebClient;
    /** The admin's personal API token. */
    let apiToken: string;
    before(async () => {
      sink = await startSmtpSink();
      arxiv = await startFixtureServer((req) => {
        const id = req.query.get('id_list') ?? '';
        return /^2506\.2000[12]$/.test(id) ? { file: `submit/arxiv-${id}.xml` } : { file: 'ingest/atom-empty-feed.xml' };
      });
      const opened = await openDatabase(kind);
      cleanup = opened.cleanup;
      t = await openTestApp(opened.db, { indexDir: opened.indexDir,
        records: fixtureRecords(), now: () => NOW, config: { publicUrl: PUBLIC },
        env: { SMTP_URL: sink.url, PAPERBOY_SECRET: 'fuzz-secret', MAIL_FROM: 'paperboy <fuzz@papers.example.org>', ARXIV_API_URL: `${arxiv.url}/api/query` },
        arxivFetch: { minDelayMs: 0, baseBackoffMs: 5, maxAttempts: 1, timeoutMs: 5_000 },
      });
      const password = 'the admin password';
      for (const [username, role] of [['root', 'admin'], ['other', 'user']] as const) {
        await t.backend.accounts.createUser({
          username, email: `${username}@example.org`, passwordHash: await hashPassword(password, TEST_SCRYPT), role, emailVerified: true, now: new Date(),
        });
      }
      admin = new WebClient(t.app, '192.0.2.1');
      assert.equal((await admin.submit('/login', '/login', { login: 'root', password })).statusCode, 303);
      const made = await admin.submit('/settings', '/settings/tokens', { name: 'fuzz' });
      apiToken = /<code id="new-token">(pb_[A-Za-z0-9_-]+)<\/code>/.exec(made.body)?.[1] ?? '';
      assert.ok(apiToken, 'an API token for the write API');
      assert.ok(admin.csrf && admin.cookies.size > 0, 'signed in, with a CSRF token');
    });
    after(async () => {
      await t.close();
      await sink.close();
      await arxiv.close();
      cleanup();
    });

    it('fuzzes every route the app registers', () => {
      const fuzzed = new Set([...openApiTargets(), ...PAGE_TARGETS, ...FORM_TARGETS, ...JSON_TARGETS].map((x) => `${x.method} ${x.route}`));
      const registered = registeredRoutes(t.app);
      assert.ok(registered.length >= 30, `the route tree was read (${registered.length} routes)`);
      const missing = registered.filter((r) => !fuzzed.has(r));
      assert.deepEqual(missing, [], 'every registered route has a fuzz target');
    });

    it('every form that changes state refuses a post without its CSRF token (403), even from a signed-in admin', async () => {
      // Not CSRF-protected, on purpose: the theme switch only sets a display cookie, and the one-click
      // unsubscribe (RFC 8058) is authenticated by the signed token in its URL.
      const exempt = new Set(['/theme', '/unsubscribe']);
      const cookie = [...admin.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
      const refused: string[] = [];
      const letThrough: string[] = [];
      for (const [i, target] of FORM_TARGETS.entries()) {
        if (exempt.has(target.path)) continue;
        const url = buildUrl(target, null, null);
        const res = await t.app.inject({
          method: 'POST', url, remoteAddress: `10.250.0.${i + 1}`,
          headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
          payload: new URLSearchParams(target.fields ?? {}).toString(),
        });
        (res.statusCode === 403 && /CSRF|form expired|security token/i.test(res.body) ? refused : letThrough).push(`${url} → ${res.statusCode} ${res.body.slice(0, 120)}`);
      }
      assert.deepEqual(letThrough, [], 'every form refuses a post without the token');
      assert.ok(refused.length >= 40, `${refused.length} forms checked`);
      // The session is still there (nothing above logged the admin out).
      assert.equal((await admin.get('/settings')).statusCode, 200);
    });

    it('answers every hostile request below 500, in the site error shape, without hanging', async () => {
      const reqs = plan();
      assert.ok(reqs.length > 3_000, `${reqs.length} requests`);
      const statuses = new Map<number, number>();
      const cookie = [...admin.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
      let i = 0;
      for (const r of reqs) {
        i++;
        // A new client address per request: rate limits must not hide the code behind them.
        const remoteAddress = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
        const headers = { ...r.headers, ...(r.signedIn ? { cookie } : {}), ...(r.bearer ? { authorization: `Bearer ${apiToken}` } : {}) };
        const payload = r.signedIn && r.form ? `${r.payload ? r.payload + '&' : ''}_csrf=${encodeURIComponent(admin.csrf!)}` : r.payload;
        let timer: NodeJS.Timeout | undefined;
        const hang = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`hang: ${r.method} ${r.url.slice(0, 200)} unanswered after ${HANG_MS} ms`)), HANG_MS);
        });
        const res = await Promise.race([
          t.app.inject({ method: r.method as 'GET', url: r.url, headers, payload, remoteAddress }),
          hang,
        ]).finally(() => clearTimeout(timer));
        checkShape(r, res);
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      }
      // The fuzz reached past validation and the CSRF check, not only into 400s and 403s.
      assert.ok((statuses.get(200) ?? 0) > 300, JSON.stringify([...statuses]));
      assert.ok((statuses.get(400) ?? 0) > 300, JSON.stringify([...statuses]));
    });
  });
}

fuzzSite('sqlite');
// PostgreSQL answers the same requests through its own role files (a NUL it cannot hold is a 400, never a 500).
if (requirePostgres()) fuzzSite('postgres');
