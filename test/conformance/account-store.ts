/**
 * The AccountStore conformance suite: users unique by name and address in
 * any case, updates and deletion (with everything of the user), sessions
 * that expire and end, single-use mailed tokens that expire, API tokens only
 * their owner can revoke, login back-off counters, and durability across
 * reopening. `describeAccountStore(name, open)` runs it on one backend
 * (test/store/ runs it on SQLite; a new backend adds one line).
 */
import { describe, test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { DuplicateAccountError, type AccountStore } from '../../src/store/account-store.js';

export interface OpenedAccountStore {
  accounts: AccountStore;
  /** Closes the backend and opens the same database again (durability). */
  reopen(): Promise<AccountStore>;
  close(): Promise<void>;
}

const T0 = new Date('2025-06-01T10:00:00.000Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

export function describeAccountStore(name: string, open: () => Promise<OpenedAccountStore>): void {
  describe(`AccountStore conformance: ${name}`, () => {
    let opened: OpenedAccountStore;
    let a: AccountStore;
    beforeEach(async () => {
      opened = await open();
      a = opened.accounts;
    });
    afterEach(async () => {
      await opened.close();
    });

    const newUser = (username: string, email: string) => a.createUser({ username, email, passwordHash: `hash-of-${username}`, now: T0 });

    test('a user is created unverified with role user, and found by id, name and address in any case', async () => {
      const u = await newUser('Ada', 'Ada@Example.org');
      assert.equal(u.role, 'user');
      assert.equal(u.emailVerifiedAt, null);
      assert.equal(u.createdAt, T0.toISOString());
      assert.equal(u.publicVotes, false, 'upvotes are private by default');
      assert.deepEqual(await a.getUser(u.id), u);
      assert.deepEqual(await a.getUserByUsername('ada'), u);
      assert.deepEqual(await a.getUserByEmail('ADA@example.ORG'), u);
      assert.equal(await a.passwordHash(u.id), 'hash-of-Ada');
      assert.equal(await a.getUser(u.id + 1000), null);
      assert.equal(await a.getUserByUsername('nobody'), null);
      assert.equal(await a.passwordHash(u.id + 1000), null);
    });

    test('usernames and addresses are unique in any case; the error names the field', async () => {
      await newUser('ada', 'ada@example.org');
      await assert.rejects(newUser('ADA', 'other@example.org'), (e: unknown) => e instanceof DuplicateAccountError && e.field === 'username');
      await assert.rejects(newUser('bob', 'ADA@EXAMPLE.ORG'), (e: unknown) => e instanceof DuplicateAccountError && e.field === 'email');
      const bob = await newUser('bob', 'bob@example.org');
      await assert.rejects(a.updateUser(bob.id, { email: 'Ada@example.org' }, at(1)), (e: unknown) => e instanceof DuplicateAccountError && e.field === 'email');
      assert.equal(await a.countUsers(), 2);
    });

    test('an admin can be created verified; updates change address, hash, role and verification', async () => {
      const root = await a.createUser({ username: 'root1', email: 'root@example.org', passwordHash: 'h', role: 'admin', emailVerified: true, now: T0 });
      assert.equal(root.role, 'admin');
      assert.equal(root.emailVerifiedAt, T0.toISOString());
      const u = await newUser('ada', 'ada@example.org');
      const up = await a.updateUser(u.id, { email: 'new@example.org', passwordHash: 'h2', role: 'moderator', emailVerifiedAt: at(5).toISOString() }, at(5));
      assert.equal(up?.email, 'new@example.org');
      assert.equal(up?.role, 'moderator');
      assert.equal(up?.emailVerifiedAt, at(5).toISOString());
      assert.equal(await a.passwordHash(u.id), 'h2');
      assert.equal(await a.updateUser(999_999, { role: 'admin' }, at(5)), null);
      assert.equal((await a.updateUser(u.id, { publicVotes: true }, at(6)))?.publicVotes, true);
      assert.equal(u.banned, null);
      assert.deepEqual((await a.updateUser(u.id, { banned: { at: at(7).toISOString(), reason: 'spam' } }, at(7)))?.banned, { at: at(7).toISOString(), reason: 'spam' });
      assert.equal((await a.updateUser(u.id, { banned: null }, at(8)))?.banned, null);
      assert.equal((await a.getUser(u.id))?.publicVotes, true);
      assert.equal(await a.countUsers('admin'), 1);
      assert.equal(await a.countUsers('moderator'), 1);
    });

    test('a hostile username and address are stored and returned byte for byte', async () => {
      // The rules refuse such names at sign-up; the store itself must neither mangle nor choke on them.
      const name = `<script>alert(1)</script>'"; DROP TABLE users; --\u202e\u0000x`;
      const u = await newUser(name, `o'brien+"x"@example.org`);
      assert.equal((await a.getUser(u.id))?.username, name);
      assert.equal((await a.getUserByUsername(name))?.email, `o'brien+"x"@example.org`);
    });

    test('users list by name, with a prefix filter on name or address that treats % and _ literally', async () => {
      for (const n of ['carol', 'ada', 'bob', 'a_b']) await newUser(n, `${n}@example.org`);
      const all = await a.listUsers({ limit: 10, offset: 0 });
      assert.deepEqual(all.users.map((u) => u.username), ['a_b', 'ada', 'bob', 'carol']);
      assert.equal(all.total, 4);
      assert.deepEqual((await a.listUsers({ limit: 10, offset: 0, query: 'a_' })).users.map((u) => u.username), ['a_b']);
      assert.deepEqual((await a.listUsers({ limit: 10, offset: 0, query: 'B' })).users.map((u) => u.username), ['bob']);
      assert.equal((await a.listUsers({ limit: 10, offset: 0, query: '%' })).total, 0);
      const page2 = await a.listUsers({ limit: 2, offset: 2 });
      assert.deepEqual(page2.users.map((u) => u.username), ['bob', 'carol']);
      assert.equal(page2.total, 4);
    });

    test('a session finds its user until it expires; it can be extended and ended', async () => {
      const u = await newUser('ada', 'ada@example.org');
      await a.createSession({ tokenHash: 's1', userId: u.id, now: T0, expiresAt: at(60) });
      assert.equal((await a.sessionUser('s1', at(59)))?.user.username, 'ada');
      assert.equal((await a.sessionUser('s1', at(59)))?.expiresAt, at(60).toISOString());
      assert.equal(await a.sessionUser('s1', at(60)), null, 'expired at its expiry');
      await a.extendSession('s1', at(120));
      assert.equal((await a.sessionUser('s1', at(100)))?.user.id, u.id);
      await a.deleteSession('s1');
      assert.equal(await a.sessionUser('s1', at(100)), null);
      assert.equal(await a.sessionUser('unknown', at(1)), null);
    });

    test("ending a user's sessions can keep one; other users' sessions are untouched", async () => {
      const u = await newUser('ada', 'ada@example.org');
      const v = await newUser('bob', 'bob@example.org');
      for (const h of ['a1', 'a2', 'a3']) await a.createSession({ tokenHash: h, userId: u.id, now: T0, expiresAt: at(60) });
      await a.createSession({ tokenHash: 'b1', userId: v.id, now: T0, expiresAt: at(60) });
      assert.equal(await a.deleteUserSessions(u.id, 'a2'), 2);
      assert.equal(await a.sessionUser('a1', at(1)), null);
      assert.ok(await a.sessionUser('a2', at(1)));
      assert.ok(await a.sessionUser('b1', at(1)));
      assert.equal(await a.deleteUserSessions(u.id), 1);
      assert.equal(await a.sessionUser('a2', at(1)), null);
    });

    test('a mailed token is spent once, only for its purpose, and not after it expires', async () => {
      const u = await newUser('ada', 'ada@example.org');
      await a.createEmailToken({ tokenHash: 't1', userId: u.id, purpose: 'verify', email: 'ada@example.org', now: T0, expiresAt: at(10) });
      assert.equal(await a.spendEmailToken('t1', 'reset', at(1)), null, 'another purpose does not spend it');
      assert.deepEqual(await a.spendEmailToken('t1', 'verify', at(1)), { userId: u.id, email: 'ada@example.org' });
      assert.equal(await a.spendEmailToken('t1', 'verify', at(2)), null, 'spent');
      await a.createEmailToken({ tokenHash: 't2', userId: u.id, purpose: 'reset', email: 'ada@example.org', now: T0, expiresAt: at(10) });
      assert.equal(await a.spendEmailToken('t2', 'reset', at(10)), 'expired');
      assert.equal(await a.spendEmailToken('nope', 'reset', at(1)), null);
    });

    test('two spends of one token at once: exactly one wins', async () => {
      const u = await newUser('ada', 'ada@example.org');
      await a.createEmailToken({ tokenHash: 'race', userId: u.id, purpose: 'reset', email: 'ada@example.org', now: T0, expiresAt: at(10) });
      const results = await Promise.all([1, 2, 3, 4].map(() => a.spendEmailToken('race', 'reset', at(1))));
      assert.equal(results.filter((r) => r !== null && r !== 'expired').length, 1);
    });

    test('voiding spends outstanding tokens of one purpose; the newest token time is known', async () => {
      const u = await newUser('ada', 'ada@example.org');
      await a.createEmailToken({ tokenHash: 'r1', userId: u.id, purpose: 'reset', email: 'ada@example.org', now: T0, expiresAt: at(60) });
      await a.createEmailToken({ tokenHash: 'r2', userId: u.id, purpose: 'reset', email: 'ada@example.org', now: at(3), expiresAt: at(60) });
      await a.createEmailToken({ tokenHash: 'v1', userId: u.id, purpose: 'verify', email: 'ada@example.org', now: T0, expiresAt: at(60) });
      assert.equal(await a.lastEmailTokenAt(u.id, 'reset'), at(3).toISOString());
      assert.equal(await a.lastEmailTokenAt(u.id, 'email_change'), null);
      await a.voidEmailTokens(u.id, 'reset', at(4));
      assert.equal(await a.spendEmailToken('r1', 'reset', at(5)), null);
      assert.equal(await a.spendEmailToken('r2', 'reset', at(5)), null);
      assert.ok(await a.spendEmailToken('v1', 'verify', at(5)), 'other purposes are untouched');
    });

    test('pruning removes expired sessions, spent or expired tokens and idle login counters only', async () => {
      const u = await newUser('ada', 'ada@example.org');
      await a.createSession({ tokenHash: 'old', userId: u.id, now: T0, expiresAt: at(1) });
      await a.createSession({ tokenHash: 'live', userId: u.id, now: T0, expiresAt: at(100) });
      await a.createEmailToken({ tokenHash: 'e-old', userId: u.id, purpose: 'verify', email: 'x@example.org', now: T0, expiresAt: at(1) });
      await a.createEmailToken({ tokenHash: 'e-live', userId: u.id, purpose: 'verify', email: 'x@example.org', now: T0, expiresAt: at(100) });
      await a.setLoginThrottle('stale', { failures: 2, lockedUntil: null }, at(-2000));
      await a.setLoginThrottle('locked', { failures: 9, lockedUntil: at(30).toISOString() }, at(-2000));
      await a.setLoginThrottle('recent', { failures: 1, lockedUntil: null }, at(1));
      assert.equal(await a.pruneExpired(at(2)), 3);
      assert.equal(await a.loginThrottle('stale'), null, 'an idle counter is forgotten after a day');
      assert.ok(await a.loginThrottle('locked'), 'a running lock is kept');
      assert.ok(await a.loginThrottle('recent'));
      assert.ok(await a.sessionUser('live', at(2)));
      assert.ok(await a.spendEmailToken('e-live', 'verify', at(2)));
    });

    test('API tokens: listed by owner, used by digest (recording the use), revoked only by their owner', async () => {
      const u = await newUser('ada', 'ada@example.org');
      const v = await newUser('bob', 'bob@example.org');
      const t = await a.createApiToken({ userId: u.id, name: 'laptop <script>', tokenHash: 'k1', prefix: 'pb_abcdef', now: T0 });
      assert.equal(t.name, 'laptop <script>');
      assert.equal(t.lastUsedAt, null);
      await a.createApiToken({ userId: v.id, name: 'bob', tokenHash: 'k2', prefix: 'pb_zzzzzz', now: T0 });
      assert.deepEqual((await a.listApiTokens(u.id)).map((x) => x.name), ['laptop <script>']);
      const used = await a.apiTokenUser('k1', at(3));
      assert.equal(used?.user.username, 'ada');
      assert.equal((await a.listApiTokens(u.id))[0].lastUsedAt, at(3).toISOString());
      assert.equal(await a.apiTokenUser('k-unknown', at(3)), null);
      assert.equal(await a.revokeApiToken(v.id, t.id), false, "bob cannot revoke ada's token");
      assert.ok(await a.apiTokenUser('k1', at(4)));
      assert.equal(await a.revokeApiToken(u.id, t.id), true);
      assert.equal(await a.apiTokenUser('k1', at(5)), null);
      assert.equal(await a.revokeApiToken(u.id, t.id), false);
      await a.createApiToken({ userId: u.id, name: 'a', tokenHash: 'k3', prefix: 'pb_a', now: T0 });
      await a.createApiToken({ userId: u.id, name: 'b', tokenHash: 'k4', prefix: 'pb_b', now: T0 });
      assert.equal(await a.deleteUserApiTokens(u.id), 2);
      assert.equal(await a.apiTokenUser('k3', at(6)), null);
      assert.equal((await a.listApiTokens(v.id)).length, 1, "another user's tokens stay");
    });

    test('deleting a user takes their sessions, mailed tokens and API tokens', async () => {
      const u = await newUser('ada', 'ada@example.org');
      await a.createSession({ tokenHash: 's', userId: u.id, now: T0, expiresAt: at(60) });
      await a.createEmailToken({ tokenHash: 'e', userId: u.id, purpose: 'reset', email: 'ada@example.org', now: T0, expiresAt: at(60) });
      await a.createApiToken({ userId: u.id, name: 'x', tokenHash: 'k', prefix: 'pb_x', now: T0 });
      assert.equal(await a.deleteUser(u.id), true);
      assert.equal(await a.getUser(u.id), null);
      assert.equal(await a.sessionUser('s', at(1)), null);
      assert.equal(await a.spendEmailToken('e', 'reset', at(1)), null);
      assert.equal(await a.apiTokenUser('k', at(1)), null);
      assert.equal(await a.deleteUser(u.id), false);
      // The name and address are free again.
      await newUser('ada', 'ada@example.org');
    });

    test('login back-off counters are kept per key and cleared', async () => {
      assert.equal(await a.loginThrottle('ada'), null);
      await a.setLoginThrottle('ada', { failures: 5, lockedUntil: at(1).toISOString() }, T0);
      assert.deepEqual(await a.loginThrottle('ada'), { failures: 5, lockedUntil: at(1).toISOString() });
      await a.setLoginThrottle('ada', { failures: 6, lockedUntil: null }, at(2));
      assert.deepEqual(await a.loginThrottle('ada'), { failures: 6, lockedUntil: null });
      assert.equal(await a.loginThrottle('bob'), null);
      await a.clearLoginThrottle('ada');
      assert.equal(await a.loginThrottle('ada'), null);
    });

    test('users, sessions and tokens survive reopening the database', async () => {
      const u = await newUser('ada', 'ada@example.org');
      await a.createSession({ tokenHash: 's', userId: u.id, now: T0, expiresAt: at(60) });
      await a.createApiToken({ userId: u.id, name: 'x', tokenHash: 'k', prefix: 'pb_x', now: T0 });
      a = await opened.reopen();
      assert.equal((await a.getUserByUsername('ada'))?.email, 'ada@example.org');
      assert.ok(await a.sessionUser('s', at(1)));
      assert.ok(await a.apiTokenUser('k', at(1)));
    });
  });
}
