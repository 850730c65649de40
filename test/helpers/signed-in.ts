/**
 * Test helper: a user created straight in the account store (verified
 * unless told otherwise, with a role) and a cookie-keeping client logged in
 * as them through the real /login form.
 */
import assert from 'node:assert/strict';
import type { TestApp } from './test-app.js';
import { TEST_SCRYPT } from './test-app.js';
import { WebClient } from './web-client.js';
import { hashPassword } from '../../src/accounts/passwords.js';
import type { Role } from '../../src/store/account-store.js';

export interface SignedIn {
  c: WebClient;
  name: string;
  id: number;
}

let seq = 0;

export async function signedIn(t: TestApp, now: Date, opts: { role?: Role; verified?: boolean; name?: string } = {}): Promise<SignedIn> {
  const n = ++seq;
  const name = opts.name ?? `${opts.role ?? 'user'}${n}x${process.pid % 1000}`;
  const u = await t.backend.accounts.createUser({
    username: name, email: `${name}@example.org`, passwordHash: await hashPassword('signed in password', TEST_SCRYPT),
    role: opts.role ?? 'user', emailVerified: opts.verified ?? true, now,
  });
  // A distinct address per user: the login rate limit counts per address.
  const c = new WebClient(t.app, `10.77.${Math.floor(n / 250)}.${(n % 250) + 1}`);
  assert.equal((await c.submit('/login', '/login', { login: name, password: 'signed in password' })).statusCode, 303);
  return { c, name, id: u.id };
}
