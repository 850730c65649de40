/**
 * Accounts through the site, in-process (app.inject) with a cookie-keeping
 * client, mails read from a real SMTP server and their links followed:
 * sign-up → verification mail → verify → log in → settings → log out;
 * sessions in httpOnly SameSite=Lax cookies (Secure on https) rotated at
 * login; no account enumeration (sign-up with a taken address, reset of an
 * unknown address); password reset; change of address and password; login
 * back-off and rate limits (429 + Retry-After); CSRF; deleting an account.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { openTestApp, type TestApp } from '../../helpers/test-app.js';
import { tempDbPath } from '../../helpers/temp-db.js';
import { startSmtpSink, type SmtpSink } from '../../digest/smtp-sink.js';
import { WebClient, mailLinkPath } from '../../helpers/web-client.js';
import { FREE_LOGIN_FAILURES, LOCK_BASE_MS, MAIL_INTERVAL_MS, RESET_TTL_MS } from '../../../src/accounts/account-service.js';
import { SESSION_COOKIE } from '../../../src/web/auth/current-user.js';

const PUBLIC = 'http://papers.test';
let sink: SmtpSink;
before(async () => { sink = await startSmtpSink(); });
after(async () => { await sink.close(); });

interface Site {
  t: TestApp;
  app: FastifyInstance;
  clock: { now: Date };
  close(): Promise<void>;
}

async function site(publicUrl = PUBLIC): Promise<Site> {
  const { file, cleanup } = tempDbPath();
  const env = { SMTP_URL: sink.url, PUBLIC_URL: publicUrl, PAPERBOY_SECRET: 'accounts-test-secret', MAIL_FROM: 'paperboy <no-reply@papers.test>' };
  const clock = { now: new Date('2025-06-04T07:00:00Z') };
  const t = await openTestApp(file, { env, now: () => clock.now });
  return { t, app: t.app, clock, close: async () => { await t.close(); cleanup(); } };
}

function advance(s: Site, ms: number) {
  s.clock.now = new Date(s.clock.now.getTime() + ms);
}

async function mailsTo(address: string, n: number) {
  await sink.waitUntil(() => sink.to(address).length >= n);
  return sink.to(address);
}

/** Signs up through the form and follows the verification link from the mail; returns the logged-in client. */
async function signUpVerified(s: Site, username: string, email: string, password = 'a long passphrase'): Promise<WebClient> {
  const c = new WebClient(s.app);
  const before = sink.to(email).length;
  const res = await c.submit('/signup', '/signup', { username, email, password });
  assert.equal(res.statusCode, 200, res.body);
  const mails = await mailsTo(email, before + 1);
  const verify = await c.get(mailLinkPath(mails[mails.length - 1].text ?? '', '/verify', PUBLIC));
  assert.equal(verify.statusCode, 200, verify.body);
  const login = await c.submit('/login', '/login', { login: username, password });
  assert.equal(login.statusCode, 303, login.body);
  return c;
}

test('sign up → verification mail → verify link → log in → settings → log out', async () => {
  const s = await site();
  try {
    const c = new WebClient(s.app);
    const form = await c.get('/signup');
    assert.match(form.body, /<label for="su-username">/);
    assert.match(form.body, /autocomplete="new-password"/);
    const res = await c.post('/signup', { username: 'ada', email: 'ada@example.org', password: 'analytical engine' });
    assert.equal(res.statusCode, 200, res.body);
    assert.match(res.body, /Check your inbox/);
    assert.equal(c.cookies.has(SESSION_COOKIE), false, 'sign-up alone does not log in');

    const [mail] = await mailsTo('ada@example.org', 1);
    assert.equal(mail.subject, 'Verify your paperboy address');
    assert.match(mail.html as string, /Verify my address/);
    const link = mailLinkPath(mail.text ?? '', '/verify', PUBLIC);

    // Logged in but unverified: the settings page says so.
    const login = await c.submit('/login', '/login', { login: 'ada', password: 'analytical engine' });
    assert.equal(login.statusCode, 303);
    assert.equal(login.headers.location, '/');
    let settings = await c.get('/settings');
    assert.equal(settings.statusCode, 200);
    assert.equal(settings.headers['cache-control'], 'private, no-store', 'a signed-in page is never stored by a shared cache');
    assert.match(settings.body, /not verified/);
    assert.match(settings.body, /<a href="\/settings" title="Settings">ada<\/a>/, 'the header shows who is logged in');

    const verified = await c.get(link);
    assert.equal(verified.statusCode, 200);
    assert.match(verified.body, /Address verified/);
    settings = await c.get('/settings');
    assert.match(settings.body, /class="ok">verified/);
    assert.equal((await c.get(link)).statusCode, 400, 'a verification link works once');

    const logoutPage = await c.get('/logout');
    assert.match(logoutPage.body, /<form method="post" action="\/logout">/);
    const out = await c.post('/logout', {});
    assert.equal(out.statusCode, 303);
    assert.equal(c.cookies.has(SESSION_COOKIE), false);
    const after = await c.get('/settings');
    assert.equal(after.statusCode, 303, 'settings needs a login');
    assert.equal(after.headers.location, '/login?next=%2Fsettings');
  } finally {
    await s.close();
  }
});

test('the session cookie is httpOnly and SameSite=Lax, Secure on https, stored hashed, and rotated at every login', async () => {
  const s = await site('https://papers.example.org');
  try {
    await s.t.backend.accounts.createUser({ username: 'bob', email: 'bob@example.org', passwordHash: await hashFor(s, 'builder password'), now: s.clock.now });
    const c = new WebClient(s.app);
    await c.get('/login');
    const res = await c.post('/login', { login: 'bob', password: 'builder password' });
    assert.equal(res.statusCode, 303);
    const setCookie = [res.headers['set-cookie']].flat().find((x) => String(x).startsWith(`${SESSION_COOKIE}=`)) as string;
    assert.match(setCookie, /HttpOnly/i);
    assert.match(setCookie, /SameSite=Lax/i);
    assert.match(setCookie, /Secure/i);
    assert.match(setCookie, /Path=\//);
    const first = c.cookies.get(SESSION_COOKIE)!;
    const rows = s.t.backend.store.kind === 'sqlite'
      ? (s.t.backend.store as unknown as { db: { prepare(q: string): { all(): { token_hash: string }[] } } }).db.prepare('SELECT token_hash FROM sessions').all()
      : [];
    assert.equal(rows.length, 1);
    assert.notEqual(rows[0].token_hash, first, 'the database holds a digest, not the cookie value');

    // Logging in again (same browser) gives a new session and ends the old one.
    await c.get('/login?next=/papers');
    await c.post('/login', { login: 'bob@example.org', password: 'builder password', next: '/papers' });
    const second = c.cookies.get(SESSION_COOKIE)!;
    assert.notEqual(second, first);
    const stale = new WebClient(s.app);
    stale.cookies.set(SESSION_COOKIE, first);
    assert.equal((await stale.get('/settings')).statusCode, 303, 'the old session no longer works');
  } finally {
    await s.close();
  }
});

/** A password hash made the way the app makes them (cheap test cost). */
async function hashFor(_s: Site, password: string): Promise<string> {
  const { hashPassword } = await import('../../../src/accounts/passwords.js');
  const { TEST_SCRYPT } = await import('../../helpers/test-app.js');
  return hashPassword(password, TEST_SCRYPT);
}

test('sign-up with a taken address looks like any sign-up; the owner gets a notice, not a second account', async () => {
  const s = await site();
  try {
    await signUpVerified(s, 'carol', 'carol@example.org');
    const c = new WebClient(s.app);
    const res = await c.submit('/signup', '/signup', { username: 'mallory', email: 'CAROL@example.org', password: 'another passphrase' });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /Check your inbox/);
    const mails = await mailsTo('carol@example.org', 2);
    assert.equal(mails[1].subject, 'This address already has a paperboy account');
    assert.equal(await s.t.backend.accounts.getUserByUsername('mallory'), null);
    // A taken username is said plainly (usernames are public).
    const dup = await c.submit('/signup', '/signup', { username: 'Carol', email: 'new@example.org', password: 'another passphrase' });
    assert.equal(dup.statusCode, 400);
    assert.match(dup.body, /is taken/);
    assert.match(dup.body, /value="new@example.org"/, 'the form keeps what was typed');
  } finally {
    await s.close();
  }
});

test('sign-up refuses bad names, addresses and passwords with the reason; hostile input is echoed escaped', async () => {
  const s = await site();
  try {
    const c = new WebClient(s.app);
    const cases: [Record<string, string>, RegExp][] = [
      [{ username: '<script>alert(1)</script>', email: 'x@example.org', password: 'long enough pw' }, /letters, digits/],
      [{ username: 'a', email: 'x@example.org', password: 'long enough pw' }, /2 to 30/],
      [{ username: 'admin', email: 'x@example.org', password: 'long enough pw' }, /reserved/],
      [{ username: 'okname', email: 'not-an-address', password: 'long enough pw' }, /email address/],
      [{ username: 'okname', email: 'x@example.org', password: 'short' }, /at least 8/],
      [{ username: 'okname', email: 'x@example.org', password: 'OKNAME' + '' }, /at least 8|not be your username/],
      [{ username: 'okname12', email: 'x@example.org', password: 'okname12' }, /not be your username/],
      [{ username: 'okname', email: 'x@example.org', password: 'p'.repeat(1025) }, /at most 1024/],
    ];
    for (const [fields, reason] of cases) {
      const res = await c.submit('/signup', '/signup', fields);
      assert.equal(res.statusCode, 400, JSON.stringify(fields).slice(0, 80));
      assert.match(res.body, reason);
      assert.ok(!res.body.includes('<script>alert(1)</script>'), 'hostile input is escaped');
    }
    assert.match((await c.submit('/signup', '/signup', cases[0][0])).body, /value="&lt;script&gt;alert\(1\)&lt;\/script&gt;"/);
    assert.equal(await s.t.backend.accounts.countUsers(), 0);
    // A megabyte body is refused by the server before any hashing.
    const huge = await c.post('/signup', { username: 'big', email: 'big@example.org', password: 'x'.repeat(1_100_000) });
    assert.ok(huge.statusCode === 413 || huge.statusCode === 400, String(huge.statusCode));
  } finally {
    await s.close();
  }
});

test('forms without a valid CSRF token change nothing (403)', async () => {
  const s = await site();
  try {
    const c = new WebClient(s.app);
    await c.get('/signup');
    const res = await c.post('/signup', { _csrf: null, username: 'eve', email: 'eve@example.org', password: 'long enough pw' });
    assert.equal(res.statusCode, 403);
    const forged = await c.post('/signup', { _csrf: 'forged-token', username: 'eve', email: 'eve@example.org', password: 'long enough pw' });
    assert.equal(forged.statusCode, 403);
    assert.equal(await s.t.backend.accounts.countUsers(), 0);
    const ada = await signUpVerified(s, 'ada', 'ada@example.org');
    const out = await ada.post('/logout', { _csrf: null });
    assert.equal(out.statusCode, 403, 'logout is a protected form too');
    assert.equal((await ada.get('/settings')).statusCode, 200, 'still logged in');
  } finally {
    await s.close();
  }
});

test('wrong logins back off per name (known or not): 429 with Retry-After, lifted when the time passes', async () => {
  const s = await site();
  try {
    await signUpVerified(s, 'dave', 'dave@example.org', 'the right password');
    for (const name of ['dave', 'nobody-here']) {
      const c = new WebClient(s.app);
      await c.get('/login');
      for (let i = 0; i < FREE_LOGIN_FAILURES; i++) {
        const r = await c.post('/login', { login: name, password: 'wrong password' });
        assert.equal(r.statusCode, 401, `attempt ${i + 1}`);
        assert.match(r.body, /Wrong username\/email or password/);
      }
      const locked = await c.post('/login', { login: name, password: name === 'dave' ? 'the right password' : 'x' });
      assert.equal(locked.statusCode, 429, 'the right password does not help while locked');
      assert.equal(locked.headers['retry-after'], String(LOCK_BASE_MS / 1000));
      assert.match(locked.body, /Too many failed attempts/);
    }
    advance(s, LOCK_BASE_MS + 1000);
    const c = new WebClient(s.app);
    const ok = await c.submit('/login', '/login', { login: 'dave', password: 'the right password' });
    assert.equal(ok.statusCode, 303, 'the lock lifts');
  } finally {
    await s.close();
  }
});

test('password reset: the same answer for any address; the mailed link sets a new password once and ends other sessions', async () => {
  const s = await site();
  try {
    const ada = await signUpVerified(s, 'erin', 'erin@example.org', 'old password here');
    const anon = new WebClient(s.app);
    const unknown = await anon.submit('/reset', '/reset', { email: 'nobody@example.org' });
    const known = await anon.submit('/reset', '/reset', { email: 'erin@example.org' });
    assert.equal(unknown.statusCode, 200);
    assert.equal(known.statusCode, 200);
    const strip = (b: string) => b.replace(/nobody@example.org|erin@example.org/g, 'ADDR').replace(/value="[^"]+"/g, '');
    assert.equal(strip(unknown.body), strip(known.body), 'no account enumeration');
    const mails = await mailsTo('erin@example.org', 2);
    assert.equal(mails[1].subject, 'Reset your paperboy password');
    assert.equal(sink.to('nobody@example.org').length, 0);
    const link = mailLinkPath(mails[1].text ?? '', '/reset/password', PUBLIC);

    const form = await anon.get(link);
    assert.equal(form.statusCode, 200);
    const weak = await anon.post('/reset/password', { token: new URLSearchParams(link.split('?')[1]).get('token')!, password: 'short' });
    assert.equal(weak.statusCode, 400);
    assert.match(weak.body, /at least 8/);
    const done = await anon.post('/reset/password', { token: new URLSearchParams(link.split('?')[1]).get('token')!, password: 'brand new password' });
    assert.equal(done.statusCode, 303);
    assert.equal(done.headers.location, '/settings?changed=password');
    assert.ok(anon.cookies.has(SESSION_COOKIE), 'logged in after the reset');
    assert.match((await anon.follow(done)).body, /new password is set/);
    assert.equal((await ada.get('/settings')).statusCode, 303, 'the other session ended');
    const again = await anon.post('/reset/password', { token: new URLSearchParams(link.split('?')[1]).get('token')!, password: 'another new password' });
    assert.equal(again.statusCode, 400, 'the link works once');
    const c = new WebClient(s.app);
    assert.equal((await c.submit('/login', '/login', { login: 'erin', password: 'old password here' })).statusCode, 401);
    assert.equal((await c.submit('/login', '/login', { login: 'erin', password: 'brand new password' })).statusCode, 303);
  } finally {
    await s.close();
  }
});

test('reset links expire; repeated requests within the interval mail once', async () => {
  const s = await site();
  try {
    await signUpVerified(s, 'frank', 'frank@example.org');
    const c = new WebClient(s.app);
    await c.submit('/reset', '/reset', { email: 'frank@example.org' });
    await c.submit('/reset', '/reset', { email: 'frank@example.org' });
    await mailsTo('frank@example.org', 2);
    await new Promise((ok) => setTimeout(ok, 100));
    assert.equal(sink.to('frank@example.org').length, 2, 'verification + one reset');
    const link = mailLinkPath(sink.to('frank@example.org')[1].text ?? '', '/reset/password', PUBLIC);
    advance(s, RESET_TTL_MS + 1);
    await c.get(link);
    const late = await c.post('/reset/password', { token: new URLSearchParams(link.split('?')[1]).get('token')!, password: 'too late password' });
    assert.equal(late.statusCode, 400);
    assert.match(late.body, /Link expired/);
    advance(s, MAIL_INTERVAL_MS);
    await c.submit('/reset', '/reset', { email: 'frank@example.org' });
    await mailsTo('frank@example.org', 3);
  } finally {
    await s.close();
  }
});

test('change password (current one required) keeps this session and ends the others', async () => {
  const s = await site();
  try {
    const here = await signUpVerified(s, 'gina', 'gina@example.org', 'first password');
    const there = new WebClient(s.app);
    await there.submit('/login', '/login', { login: 'gina', password: 'first password' });
    const wrong = await here.submit('/settings', '/settings/password', { current: 'not it at all', password: 'second password' });
    assert.equal(wrong.statusCode, 400);
    assert.match(wrong.body, /current password is not right/);
    const ok = await here.submit('/settings', '/settings/password', { current: 'first password', password: 'second password' });
    assert.equal(ok.statusCode, 200);
    assert.match(ok.body, /Password changed/);
    assert.equal((await here.get('/settings')).statusCode, 200, 'this session stays');
    assert.equal((await there.get('/settings')).statusCode, 303, 'the other ends');
  } finally {
    await s.close();
  }
});

test('change address: confirmed by a link to the new address, which becomes verified; a taken address is not revealed', async () => {
  const s = await site();
  try {
    const c = await signUpVerified(s, 'hana', 'hana@example.org', 'hana password');
    await signUpVerified(s, 'ivan', 'ivan@example.org');
    const taken = await c.submit('/settings', '/settings/email', { current: 'hana password', email: 'ivan@example.org' });
    assert.equal(taken.statusCode, 200);
    assert.match(taken.body, /If ivan@example.org can receive mail/);
    const res = await c.submit('/settings', '/settings/email', { current: 'hana password', email: 'hana@new.example.org' });
    assert.equal(res.statusCode, 200);
    const [mail] = await mailsTo('hana@new.example.org', 1);
    assert.equal(mail.subject, 'Confirm your new paperboy address');
    assert.equal(sink.to('ivan@example.org').length, 1, 'only ivan\'s own verification mail');
    assert.equal((await s.t.backend.accounts.getUserByUsername('hana'))?.email, 'hana@example.org', 'unchanged until confirmed');
    const done = await c.get(mailLinkPath(mail.text ?? '', '/settings/email/confirm', PUBLIC));
    assert.equal(done.statusCode, 200);
    const u = await s.t.backend.accounts.getUserByUsername('hana');
    assert.equal(u?.email, 'hana@new.example.org');
    assert.ok(u?.emailVerifiedAt);
    const wrongPw = await c.submit('/settings', '/settings/email', { current: 'nope nope nope', email: 'x@example.org' });
    assert.equal(wrongPw.statusCode, 400);
  } finally {
    await s.close();
  }
});

test('deleting an account needs the password, logs out and frees the name', async () => {
  const s = await site();
  try {
    const c = await signUpVerified(s, 'jill', 'jill@example.org', 'jill password');
    const wrong = await c.submit('/settings/delete', '/settings/delete', { password: 'not the password' });
    assert.equal(wrong.statusCode, 400);
    assert.ok(await s.t.backend.accounts.getUserByUsername('jill'));
    const ok = await c.submit('/settings/delete', '/settings/delete', { password: 'jill password' });
    assert.equal(ok.statusCode, 200);
    assert.match(ok.body, /Account deleted/);
    assert.equal(await s.t.backend.accounts.getUserByUsername('jill'), null);
    assert.equal(c.cookies.has(SESSION_COOKIE), false);
    await signUpVerified(s, 'jill', 'jill@example.org');
  } finally {
    await s.close();
  }
});

test('login redirects only to paths on this site', async () => {
  const s = await site();
  try {
    await signUpVerified(s, 'kim', 'kim@example.org', 'kim password');
    const c = new WebClient(s.app);
    const page = await c.get('/login?next=/papers/trending');
    assert.match(page.body, /name="next" value="\/papers\/trending"/);
    const ok = await c.post('/login', { login: 'kim', password: 'kim password', next: '/papers/trending' });
    assert.equal(ok.headers.location, '/papers/trending');
    const d = new WebClient(s.app);
    assert.equal((await d.get('/login?next=//evil.example')).statusCode, 400);
    await d.get('/login');
    const evil = await d.post('/login', { login: 'kim', password: 'kim password', next: 'https://evil.example/' });
    assert.equal(evil.statusCode, 400);
    assert.equal(d.cookies.has(SESSION_COOKIE), false, 'nothing happens on a refused target');
  } finally {
    await s.close();
  }
});

test('sign-up, login and reset are rate limited per client address (429 with Retry-After)', async () => {
  const s = await site();
  try {
    const c = new WebClient(s.app);
    await c.get('/reset');
    let last = null;
    for (let i = 0; i < 11; i++) last = await c.post('/reset', { email: `r${i}@example.org` });
    assert.equal(last!.statusCode, 429);
    assert.ok(Number(last!.headers['retry-after']) > 0);
    // Another address is not affected.
    const other = new WebClient(s.app, '203.0.113.9');
    assert.equal((await other.submit('/signup', '/signup', { username: 'ok-user', email: 'ok@example.org', password: 'long enough pw' })).statusCode, 200);
  } finally {
    await s.close();
  }
});
