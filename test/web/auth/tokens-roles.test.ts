/**
 * Personal API tokens, roles and the first admin: a token is created in
 * settings, shown once, stored hashed, identifies its owner to the API
 * (`Authorization: Bearer pb_…`, `GET /api/whoami-v2`) until revoked — only
 * by its owner; foreign Bearer tokens (a Hugging Face token) do not break
 * read-only requests; `paperboy user create --admin` makes an admin who can
 * grant roles on /admin/users, which nobody else can reach.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestApp, TEST_SCRYPT, type TestApp } from '../../helpers/test-app.js';
import { tempDbPath } from '../../helpers/temp-db.js';
import { WebClient } from '../../helpers/web-client.js';
import { runCommand } from '../../helpers/run-command.js';
import { registerUser } from '../../../src/cli/user.js';
import { hashPassword } from '../../../src/accounts/passwords.js';
import { fixtureRecords } from '../pages/site-fixture.js';

async function site(): Promise<TestApp & { file: string; cleanup: () => void }> {
  const { file, cleanup } = tempDbPath();
  const t = await openTestApp(file, { records: fixtureRecords(), env: { PAPERBOY_SECRET: 'tokens-test-secret' } });
  return { ...t, file, cleanup };
}

async function userClient(t: TestApp, username: string, role: 'user' | 'moderator' | 'admin' = 'user', password = 'password for tests'): Promise<WebClient> {
  await t.backend.accounts.createUser({ username, email: `${username}@example.org`, passwordHash: await hashPassword(password, TEST_SCRYPT), role, emailVerified: true, now: new Date() });
  const c = new WebClient(t.app);
  const r = await c.submit('/login', '/login', { login: username, password });
  assert.equal(r.statusCode, 303);
  return c;
}

test('an API token is shown once, listed by prefix, works as Bearer until revoked, and only its owner can revoke it', async () => {
  const t = await site();
  try {
    const ada = await userClient(t, 'ada');
    const res = await ada.submit('/settings', '/settings/tokens', { name: '<b>laptop</b> "script"' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['cache-control'], 'no-store');
    const token = /<code id="new-token">(pb_[A-Za-z0-9_-]{43})<\/code>/.exec(res.body)?.[1];
    assert.ok(token, 'the new token is on the page');
    assert.match(res.body, /&lt;b&gt;laptop&lt;\/b&gt; &quot;script&quot;/, 'the name is escaped');
    const again = await ada.get('/settings');
    assert.ok(!again.body.includes(token), 'never shown again');
    assert.ok(again.body.includes(token.slice(0, 9) + '…'), 'listed by its first characters');
    const db = (t.backend.store as unknown as { db: { prepare(q: string): { get(): { token_hash: string } } } }).db;
    assert.notEqual(db.prepare('SELECT token_hash FROM api_tokens').get().token_hash, token, 'stored as a digest');

    const who = await t.app.inject({ method: 'GET', url: '/api/whoami-v2', headers: { authorization: `Bearer ${token}` } });
    assert.equal(who.statusCode, 200);
    assert.equal(who.json().name, 'ada');
    assert.equal(who.json().type, 'user');
    const noToken = await t.app.inject({ method: 'GET', url: '/api/whoami-v2' });
    assert.equal(noToken.statusCode, 401);
    assert.match(String(noToken.headers['www-authenticate']), /^Bearer/);
    // A browser session is not an API credential.
    assert.equal((await ada.get('/api/whoami-v2')).statusCode, 401);

    const id = /action="\/settings\/tokens\/(\d+)\/revoke"/.exec(again.body)?.[1];
    const bob = await userClient(t, 'bob');
    await bob.get('/settings');
    const theft = await bob.post(`/settings/tokens/${id}/revoke`, {});
    assert.equal(theft.statusCode, 404, "bob cannot revoke ada's token");
    assert.equal((await t.app.inject({ method: 'GET', url: '/api/whoami-v2', headers: { authorization: `Bearer ${token}` } })).statusCode, 200);
    const revoke = await ada.post(`/settings/tokens/${id}/revoke`, {});
    assert.equal(revoke.statusCode, 200);
    assert.match(revoke.body, /Token revoked/);
    const dead = await t.app.inject({ method: 'GET', url: '/api/whoami-v2', headers: { authorization: `Bearer ${token}` } });
    assert.equal(dead.statusCode, 401);
    assert.equal(dead.json().error.code, 'invalid_token');
  } finally {
    await t.close();
    t.cleanup();
  }
});

test("read-only API requests ignore Bearer tokens that are not paperboy's (huggingface_hub sends its own)", async () => {
  const t = await site();
  try {
    for (const auth of ['Bearer hf_abcdefghijklmnopqrstuvwxyz', 'Bearer pb_not-a-real-token', 'Basic Zm9vOmJhcg==']) {
      const res = await t.app.inject({ method: 'GET', url: '/api/daily_papers', headers: { authorization: auth } });
      assert.equal(res.statusCode, 200, auth);
      assert.ok(Array.isArray(res.json()));
    }
  } finally {
    await t.close();
    t.cleanup();
  }
});

test('paperboy user create --admin makes a verified admin who logs in and grants roles; nobody else reaches the admin page', async () => {
  const t = await site();
  try {
    const passwords = { readPassword: async () => 'root password 123' };
    const out = await runCommand((p) => registerUser(p, passwords), ['user', 'create', 'root', '--email', 'root@example.org', '--admin', '--db', t.file]);
    assert.equal(out.exitCode, 0);
    assert.match(out.out, /created admin root <root@example.org>/);
    const created = await t.backend.accounts.getUserByUsername('root');
    assert.equal(created?.role, 'admin');
    assert.ok(created?.emailVerifiedAt);

    const anon = new WebClient(t.app);
    const redirect = await anon.get('/admin/users');
    assert.equal(redirect.statusCode, 303);
    assert.equal(redirect.headers.location, '/login?next=%2Fadmin%2Fusers');

    const user = await userClient(t, 'carol');
    assert.equal((await user.get('/admin/users')).statusCode, 403);
    await user.get('/settings');
    const target = (await t.backend.accounts.getUserByUsername('carol'))!;
    const selfPromote = await user.post(`/admin/users/${target.id}/role`, { role: 'admin' });
    assert.equal(selfPromote.statusCode, 403);
    assert.equal((await t.backend.accounts.getUserByUsername('carol'))?.role, 'user');

    const root = new WebClient(t.app);
    assert.equal((await root.submit('/login', '/login', { login: 'root', password: 'root password 123' })).statusCode, 303);
    const page = await root.get('/admin/users');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /carol@example.org/);
    const grant = await root.post(`/admin/users/${target.id}/role`, { role: 'moderator' });
    assert.equal(grant.statusCode, 200);
    assert.match(grant.body, /carol is now moderator/);
    assert.equal((await t.backend.accounts.getUserByUsername('carol'))?.role, 'moderator');
    assert.equal((await root.post(`/admin/users/${created!.id}/role`, { role: 'user' })).statusCode, 400, 'an admin cannot demote themselves');
    assert.equal((await root.post(`/admin/users/${target.id}/role`, { role: 'emperor' })).statusCode, 400);
    assert.equal((await root.post('/admin/users/999999/role', { role: 'user' })).statusCode, 400);
    assert.equal((await root.post('/admin/users/abc/role', { role: 'user' })).statusCode, 404);

    const dup = await runCommand((p) => registerUser(p, passwords), ['user', 'create', 'ROOT', '--email', 'x@example.org', '--db', t.file]).catch((e: Error) => ({ error: e.message }));
    assert.match(JSON.stringify(dup), /username is taken/);
  } finally {
    await t.close();
    t.cleanup();
  }
});

test('an admin bans a user: their sessions and tokens stop at once, login says why (only with the right password); lifting it restores login', async () => {
  const t = await site();
  try {
    const admin = await userClient(t, 'boss', 'admin');
    const other = await userClient(t, 'boss2', 'admin');
    const troll = await userClient(t, 'troll');
    const made = await troll.submit('/settings', '/settings/tokens', { name: 'script' });
    const token = /<code id="new-token">(pb_[^<]+)<\/code>/.exec(made.body)![1];
    const target = (await t.backend.accounts.getUserByUsername('troll'))!;
    const nobody = await userClient(t, 'bystander');
    await nobody.get('/settings');
    assert.equal((await nobody.post(`/admin/users/${target.id}/ban`, { reason: 'x' })).statusCode, 403, 'only admins ban');

    await admin.get('/admin/users');
    assert.equal((await admin.post(`/admin/users/${target.id}/ban`, { reason: '' })).statusCode, 400, 'a reason is required');
    const ban = await admin.post(`/admin/users/${target.id}/ban`, { reason: 'spam <b>bot</b>' });
    assert.equal(ban.statusCode, 200);
    assert.match(ban.body, /troll is banned/);
    assert.match(ban.body, /spam &lt;b&gt;bot&lt;\/b&gt;/);
    assert.equal((await troll.get('/settings')).statusCode, 303, 'the session ended');
    assert.equal((await t.app.inject({ method: 'GET', url: '/api/whoami-v2', headers: { authorization: `Bearer ${token}` } })).statusCode, 401, 'the token is revoked');
    const fresh = new WebClient(t.app);
    assert.equal((await fresh.submit('/login', '/login', { login: 'troll', password: 'wrong password!' })).statusCode, 401, 'a wrong password learns nothing');
    const refused = await fresh.submit('/login', '/login', { login: 'troll', password: 'password for tests' });
    assert.equal(refused.statusCode, 403);
    assert.match(refused.body, /This account is banned by the site&#39;s admins: spam &lt;b&gt;bot&lt;\/b&gt;/);

    const selfBan = await admin.post(`/admin/users/${(await t.backend.accounts.getUserByUsername('boss'))!.id}/ban`, { reason: 'oops' });
    assert.equal(selfBan.statusCode, 400);
    assert.equal((await admin.post(`/admin/users/${(await t.backend.accounts.getUserByUsername('boss2'))!.id}/ban`, { reason: 'coup' })).statusCode, 400, 'admins are not banned');
    void other;

    assert.equal((await admin.post(`/admin/users/${target.id}/unban`, {})).statusCode, 200);
    assert.equal((await fresh.submit('/login', '/login', { login: 'troll', password: 'password for tests' })).statusCode, 303, 'lifted');
    // The public moderation log says who banned whom and why, and who lifted it; lifting a ban that is not there logs nothing.
    assert.equal((await admin.post(`/admin/users/${target.id}/unban`, {})).statusCode, 200);
    const log = await t.app.inject({ method: 'GET', url: '/moderation/log' });
    assert.equal(log.statusCode, 200);
    const rows = [...log.body.matchAll(/<tr><td>[^<]*<\/td><td>([^<]*)<\/td>\s*<td>([^<]*)<\/td><td>([^<]*)<\/td><\/tr>/g)].map((m) => [m[1], m[2], m[3]]);
    assert.deepEqual(rows, [['boss', 'lifted the ban of troll', ''], ['boss', 'banned troll', 'spam &lt;b&gt;bot&lt;/b&gt;']]);
  } finally {
    await t.close();
    t.cleanup();
  }
});
