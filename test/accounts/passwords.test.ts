/**
 * Password hashing: scrypt hashes verify their password and nothing else,
 * carry their parameters (so old hashes keep verifying after the default
 * rises), are salted, and malformed or tampered hashes verify nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SCRYPT, hashPassword, needsRehash, verifyPassword } from '../../src/accounts/passwords.js';

const CHEAP = { logN: 10, r: 8, p: 1 };

test('a hash verifies its password only, in a self-describing format', async () => {
  const h = await hashPassword('correct horse battery staple', CHEAP);
  assert.match(h, /^scrypt\$10\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
  assert.equal(await verifyPassword('correct horse battery staple', h), true);
  assert.equal(await verifyPassword('correct horse battery stapl', h), false);
  assert.equal(await verifyPassword('', h), false);
});

test('the same password hashes differently each time (salted)', async () => {
  const a = await hashPassword('same password', CHEAP);
  const b = await hashPassword('same password', CHEAP);
  assert.notEqual(a, b);
  assert.ok(await verifyPassword('same password', a) && await verifyPassword('same password', b));
});

test('Unicode passwords are compared after NFC normalisation', async () => {
  const h = await hashPassword('caf\u00e9-pass', CHEAP);
  assert.equal(await verifyPassword('cafe\u0301-pass', h), true, 'é typed as e + combining accent');
});

test('the default cost is memory-hard and weaker hashes ask to be upgraded', async () => {
  assert.ok(128 * 2 ** DEFAULT_SCRYPT.logN * DEFAULT_SCRYPT.r >= 32 * 1024 * 1024, 'at least 32 MiB per hash');
  const weak = await hashPassword('pw-12345678', CHEAP);
  assert.equal(needsRehash(weak), true);
  assert.equal(needsRehash(weak, CHEAP), false);
  assert.equal(needsRehash('garbage'), true);
});

test('malformed or tampered hashes verify nothing (and never ask for absurd memory)', async () => {
  const h = await hashPassword('pw-12345678', CHEAP);
  assert.equal(await verifyPassword('pw-12345678', 'plain-text-password'), false);
  assert.equal(await verifyPassword('pw-12345678', h.replace('scrypt$10$', 'scrypt$30$')), false);
  assert.equal(await verifyPassword('pw-12345678', h.slice(0, -4)), false);
  assert.equal(await verifyPassword('pw-12345678', ''), false);
});
