/** Signed links: round trip, purpose and address binding, tampering, expiry. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CONFIRM_TTL_MS, peekLink, signLink, verifyLink } from '../../src/digest/signed-links.js';

const NOW = new Date('2025-06-04T08:00:00Z');

test('a signed link verifies for its purpose, id and address only', () => {
  const t = signLink('k', 'unsubscribe', 42, 'Ada@Example.org', null);
  assert.equal(peekLink(t, 'unsubscribe'), 42);
  assert.equal(verifyLink('k', t, 'unsubscribe', 'ada@example.org', NOW), 'ok', 'address compared case-insensitively');
  assert.equal(peekLink(t, 'manage'), null, 'another purpose');
  assert.equal(verifyLink('k', t, 'manage', 'ada@example.org', NOW), 'invalid');
  assert.equal(verifyLink('k', t, 'unsubscribe', 'eve@example.org', NOW), 'invalid', 'another address');
  assert.equal(verifyLink('other-secret', t, 'unsubscribe', 'ada@example.org', NOW), 'invalid', 'another secret');
  const forged = t.replace(/^u\.16\./, 'u.17.');
  assert.equal(verifyLink('k', forged, 'unsubscribe', 'ada@example.org', NOW), 'invalid', 'id changed');
  for (const junk of ['', 'u.1.0.x', '<script>', 'u.1.0.' + 'A'.repeat(43) + 'A']) {
    assert.equal(verifyLink('k', junk, 'unsubscribe', 'ada@example.org', NOW), 'invalid');
  }
});

test('a confirmation link expires after CONFIRM_TTL_MS', () => {
  const t = signLink('k', 'confirm', 7, 'a@example.org', new Date(NOW.getTime() + CONFIRM_TTL_MS));
  assert.equal(verifyLink('k', t, 'confirm', 'a@example.org', new Date(NOW.getTime() + CONFIRM_TTL_MS - 60_000)), 'ok');
  assert.equal(verifyLink('k', t, 'confirm', 'a@example.org', new Date(NOW.getTime() + CONFIRM_TTL_MS + 60_000)), 'expired');
});
