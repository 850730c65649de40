/**
 * Config rules added for hostile deployments (issue 9): TRUST_PROXY parsing,
 * and `serve` refusing the public default secret unless it is on loopback
 * without SMTP — checked on the rule and on the real command (a child
 * process), which must say why and what to set, and leave no database behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError, DEFAULT_SECRET, isLoopbackHost, loadConfig, parseTrustProxy, secretRefusal } from '../src/config.js';
import { tempDbPath } from './helpers/temp-db.js';

test('TRUST_PROXY: off by default; true, a hop count, or a list of addresses/CIDRs', () => {
  assert.equal(loadConfig({}, {}).trustProxy, false);
  for (const off of ['', 'false', '0', ' ']) assert.equal(parseTrustProxy(off), false, off);
  assert.equal(parseTrustProxy('true'), true);
  assert.equal(parseTrustProxy('2'), 2);
  assert.deepEqual(parseTrustProxy('10.0.0.1, 172.16.0.0/12,::1,fd00::/8,loopback'), ['10.0.0.1', '172.16.0.0/12', '::1', 'fd00::/8', 'loopback']);
  assert.deepEqual(parseTrustProxy('10.0.0.0/255.0.0.0'), ['10.0.0.0/255.0.0.0']);
  for (const bad of ['yes', '10.0.0.300', '10.0.0.0/33', 'proxy.example.org', '1.2.3.4/8/9', '101']) {
    assert.throws(() => parseTrustProxy(bad), ConfigError, bad);
  }
  assert.throws(() => loadConfig({}, { TRUST_PROXY: 'everyone' }), /TRUST_PROXY must be/);
});

test('the default secret is refused unless on loopback without SMTP', () => {
  const cfg = (env: Record<string, string>, host?: string) => loadConfig({ host }, env);
  assert.equal(cfg({}).secret, DEFAULT_SECRET);
  assert.equal(cfg({ PAPERBOY_SECRET: '' }).secret, DEFAULT_SECRET, 'an empty secret is no secret');
  assert.equal(secretRefusal(cfg({})), null, '127.0.0.1 without SMTP: a developer machine');
  for (const host of ['localhost', '::1', '[::1]', '127.0.0.2']) assert.equal(secretRefusal(cfg({}, host)), null, host);
  for (const host of ['0.0.0.0', '::', '192.168.1.10', 'papers.example.org']) {
    const why = secretRefusal(cfg({}, host));
    assert.ok(why, host);
    assert.match(why, /PAPERBOY_SECRET/);
    assert.match(why, new RegExp(`serving on ${host.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  }
  assert.match(secretRefusal(cfg({ SMTP_URL: 'smtp://127.0.0.1:25' })) ?? '', /sending mail/);
  assert.equal(secretRefusal(cfg({ PAPERBOY_SECRET: 'a-real-secret' }, '0.0.0.0')), null);
  assert.equal(isLoopbackHost('127.0.0.1'), true);
  assert.equal(isLoopbackHost('128.0.0.1'), false);
});

const MAIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

/** Runs `paperboy serve …` until it prints its address (then stops it) or exits by itself. */
function serve(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string; err: string; listened: boolean }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) =>
    !['PAPERBOY_SECRET', 'SMTP_URL', 'HOST', 'PORT', 'PUBLIC_URL', 'PAPERBOY_DB', 'TRUST_PROXY'].includes(k)));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, 'serve', '--port', '0', '--no-demo', '--no-schedule', ...args], {
      env: { ...clean, PAPERBOY_SEARCH: 'fts5', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '', err = '', listened = false;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!listened && /serving .* at http/.test(out)) {
        listened = true;
        child.kill('SIGTERM');
      }
    });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err, listened }));
  });
}

test('`serve` on a public address with the default secret refuses to start, says why and what to set', async () => {
  const { file, cleanup } = tempDbPath();
  try {
    const r = await serve(['--host', '0.0.0.0', '--db', file], {});
    assert.equal(r.code, 1, r.out + r.err);
    assert.equal(r.listened, false);
    assert.match(r.err, /refusing to start/);
    assert.match(r.err, /forge/);
    assert.match(r.err, /export PAPERBOY_SECRET=\$\(openssl rand -hex 32\)/);
    assert.equal(existsSync(file), false, 'a refused start creates no database');
    const mail = await serve(['--db', file], { SMTP_URL: 'smtp://127.0.0.1:9' });
    assert.equal(mail.code, 1);
    assert.match(mail.err, /SMTP_URL is set/);
  } finally {
    cleanup();
  }
});

test('`serve` on loopback without SMTP starts with the default secret and says it is a development secret', async () => {
  const { file, cleanup } = tempDbPath();
  try {
    const r = await serve(['--host', '127.0.0.1', '--db', file], {});
    assert.equal(r.listened, true, r.out + r.err);
    assert.match(r.out, /public development secret/);
    const set = await serve(['--host', '127.0.0.1', '--db', file], { PAPERBOY_SECRET: 'test-secret-123' });
    assert.equal(set.listened, true, set.out + set.err);
    assert.doesNotMatch(set.out, /development secret/);
  } finally {
    cleanup();
  }
});
