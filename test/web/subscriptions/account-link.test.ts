/**
 * Digest subscriptions linked to accounts, through the site with mails read
 * from a real SMTP server: a signed-in user subscribing their own address is
 * linked; a signed-in user subscribing another address is not, nor can they
 * take over someone's confirmed subscription; confirming a subscription of an
 * address an account has proven links it to that account; an account that
 * proves its address later (sign-up → verification link) gets the existing
 * subscription of that address; settings show the linked digest with its
 * manage link; the subscribe form, signed in, offers the account's address.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openTestApp, type TestApp } from '../../helpers/test-app.js';
import { tempDbPath } from '../../helpers/temp-db.js';
import { signedIn } from '../../helpers/signed-in.js';
import { WebClient, mailLinkPath } from '../../helpers/web-client.js';
import { startSmtpSink, type SmtpSink } from '../../digest/smtp-sink.js';
import { addSubscriber } from '../../digest/digest-fixtures.js';

const PUBLIC = 'http://papers.test';
let sink: SmtpSink;
let t: TestApp;
let cleanup: () => void;
const clock = { now: new Date('2025-06-04T07:00:00Z') };

before(async () => {
  sink = await startSmtpSink();
  const db = tempDbPath();
  cleanup = db.cleanup;
  const env = { SMTP_URL: sink.url, PUBLIC_URL: PUBLIC, PAPERBOY_SECRET: 'link-test-secret', MAIL_FROM: 'paperboy <no-reply@papers.test>' };
  t = await openTestApp(db.file, { env, now: () => clock.now });
});
after(async () => {
  await t.close();
  cleanup();
  await sink.close();
});

test('signed in: the form offers the account\'s address; subscribing it links, another address does not', async () => {
  const { c, id, name } = await signedIn(t, clock.now);
  const form = await c.get('/subscribe');
  assert.match(form.body, new RegExp(`id="sub-email" type="email" name="email" value="${name}@example.org"`));
  assert.match(form.body, /also brings <strong>For you<\/strong>/);
  assert.equal((await c.post('/subscribe', { email: `${name.toUpperCase()}@example.org`, frequency: 'weekly' })).statusCode, 200);
  assert.equal((await t.backend.subscriptions.findByEmail(`${name}@example.org`))?.userId, id);
  assert.equal((await c.post('/subscribe', { email: 'friend@example.org', frequency: 'daily' })).statusCode, 200);
  assert.equal((await t.backend.subscriptions.findByEmail('friend@example.org'))?.userId, null, 'a friend\'s address is not linked');

  // Settings list the linked digest; its manage link only once confirmed (the double opt-in is never skipped).
  const pending = await c.get('/settings');
  assert.match(pending.body, new RegExp(`<strong>${name}@example.org</strong> — weekly, waiting for you to follow the confirmation link`, 'i'));
  assert.ok(!pending.body.includes('/subscribe/manage?token='));
  assert.ok(!pending.body.includes('friend@example.org'));
  const sub = (await t.backend.subscriptions.findByEmail(`${name}@example.org`))!;
  await t.backend.subscriptions.updateSubscription(sub.id, { status: 'active', confirmedAt: clock.now.toISOString() }, clock.now);
  assert.match((await c.get('/settings')).body, new RegExp(`<strong>${name}@example.org</strong> — weekly, active · <a href="http://papers.test/subscribe/manage\\?token=`, 'i'));
});

test('a stranger signed in cannot take over a confirmed subscription; its proven owner links it by asking again', async () => {
  const owner = await signedIn(t, clock.now);
  const email = `${owner.name}@example.org`;
  const sub = await addSubscriber(t.backend.subscriptions, email);
  const eve = await signedIn(t, clock.now);
  assert.equal((await eve.c.post('/subscribe', { email, frequency: 'weekly' })).statusCode, 200);
  const still = await t.backend.subscriptions.getSubscription(sub.id);
  assert.equal(still?.userId, null);
  assert.equal(still?.frequency, 'daily', 'preferences unchanged');
  assert.equal((await owner.c.post('/subscribe', { email, frequency: 'weekly' })).statusCode, 200);
  const linked = await t.backend.subscriptions.getSubscription(sub.id);
  assert.equal(linked?.userId, owner.id);
  assert.equal(linked?.frequency, 'daily', 'asking again still changes no preference');
});

test('confirming a subscription of a proven address links it to that account, whoever asked', async () => {
  const owner = await signedIn(t, clock.now);
  const email = `${owner.name}@example.org`;
  const before = sink.to(email).length;
  const anon = new WebClient(t.app, '10.99.0.1');
  assert.equal((await anon.submit('/subscribe', '/subscribe', { email, frequency: 'daily' })).statusCode, 200);
  await sink.waitUntil(() => sink.to(email).length > before);
  assert.equal((await t.backend.subscriptions.findByEmail(email))?.userId, null);
  const confirm = await anon.get(mailLinkPath(sink.to(email).at(-1)!.text ?? '', '/subscribe/confirm', PUBLIC));
  assert.equal(confirm.statusCode, 200, confirm.body);
  const sub = await t.backend.subscriptions.findByEmail(email);
  assert.equal(sub?.status, 'active');
  assert.equal(sub?.userId, owner.id);
});

test('an account proving its address later (sign-up, verification link) gets that address\'s subscription', async () => {
  const email = 'dana@example.org';
  const sub = await addSubscriber(t.backend.subscriptions, email);
  const c = new WebClient(t.app, '10.99.0.2');
  assert.equal((await c.submit('/signup', '/signup', { username: 'dana', email, password: 'a long passphrase' })).statusCode, 200);
  assert.equal((await t.backend.subscriptions.getSubscription(sub.id))?.userId, null, 'not before the address is proven');
  await sink.waitUntil(() => sink.to(email).length >= 1);
  const verify = await c.get(mailLinkPath(sink.to(email).at(-1)!.text ?? '', '/verify', PUBLIC));
  assert.equal(verify.statusCode, 200, verify.body);
  const dana = await t.backend.accounts.getUserByUsername('dana');
  assert.equal((await t.backend.subscriptions.getSubscription(sub.id))?.userId, dana?.id);
});
