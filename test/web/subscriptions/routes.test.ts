/**
 * Subscription routes in-process (app.inject) with mails read from a real SMTP
 * server: double opt-in through the mailed link, one-click unsubscribe (RFC
 * 8058 POST) and the manage link from a real digest, "subscribe again" that
 * reveals nothing, CSRF, JSON validation, rate limit, bad and expired links.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { Store } from '../../../src/store/store.js';
import type { SubscriptionStore } from '../../../src/store/subscription-store.js';
import { openTestApp } from '../../helpers/test-app.js';
import { loadConfig, type Config } from '../../../src/config.js';
import { createSmtpMailer } from '../../../src/digest/smtp.js';
import { runDigest, periodsForDate } from '../../../src/digest/run-digest.js';
import { tempDbPath } from '../../helpers/temp-db.js';
import { startSmtpSink, linkIn, type SmtpSink } from '../../digest/smtp-sink.js';
import { seedDigestCorpus, DAY, DAY2 } from '../../digest/digest-fixtures.js';

const PUBLIC = 'http://papers.test';
let sink: SmtpSink;
before(async () => { sink = await startSmtpSink(); });
after(async () => { await sink.close(); });

interface Site {
  app: FastifyInstance;
  store: Store;
  subs: SubscriptionStore;
  config: Config;
  clock: { now: Date };
  close: () => Promise<void>;
}

async function site(): Promise<Site> {
  const { file, cleanup } = tempDbPath();
  const env = { SMTP_URL: sink.url, PUBLIC_URL: PUBLIC, PAPERBOY_SECRET: 'route-secret', MAIL_FROM: 'paperboy <no-reply@papers.test>' };
  const config = loadConfig({ db: file, port: 3999 }, env);
  const clock = { now: new Date('2025-06-04T07:00:00Z') };
  const t = await openTestApp(file, { config: { port: 3999 }, env, now: () => clock.now });
  await seedDigestCorpus(t.store);
  return { app: t.app, store: t.store, subs: t.backend.subscriptions, config, clock, close: async () => { await t.close(); cleanup(); } };
}

/** A CSRF token and the cookie carrying its secret, from a page with a form. */
async function csrfFrom(app: FastifyInstance, url: string): Promise<{ token: string; cookie: string; body: string }> {
  const res = await app.inject({ method: 'GET', url });
  assert.equal(res.statusCode, 200, res.body);
  const token = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1];
  assert.ok(token, 'form carries a CSRF token');
  const setCookie = res.headers['set-cookie'];
  const cookie = (Array.isArray(setCookie) ? setCookie : [setCookie ?? '']).map((c) => c.split(';')[0]).join('; ');
  return { token, cookie, body: res.body };
}

function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

function pathOf(url: string): string {
  const u = new URL(url);
  assert.equal(u.origin, PUBLIC, 'links use PUBLIC_URL');
  return u.pathname + u.search;
}

test('subscribe form → confirmation mail → confirm link → digest → manage link → one-click unsubscribe', async () => {
  const s = await site();
  sink.messages.length = 0;
  try {
    const { token, cookie, body } = await csrfFrom(s.app, '/subscribe');
    assert.match(body, /<label for="sub-email">/);
    const res = await s.app.inject({ method: 'POST', url: '/subscribe', headers: { ...FORM, cookie },
      payload: form({ _csrf: token, email: 'ada@example.org', frequency: 'daily', categories: 'cs.CV' }) });
    assert.equal(res.statusCode, 200, res.body);
    assert.match(res.body, /Check your inbox/);
    // A second address subscribes through the list-page box (email + frequency only) and never confirms.
    const box = await s.app.inject({ method: 'POST', url: '/subscribe', headers: { ...FORM, cookie },
      payload: form({ _csrf: token, email: 'lazy@example.org', frequency: 'daily' }) });
    assert.equal(box.statusCode, 200);

    await sink.waitUntil(() => sink.to('ada@example.org').length === 1 && sink.to('lazy@example.org').length === 1);
    const confirmMail = sink.to('ada@example.org')[0];
    assert.equal(confirmMail.subject, 'Confirm your paperboy digest subscription');
    assert.match(confirmMail.text ?? '', /daily digest of trending papers about cs\.CV/);
    const confirm = linkIn(confirmMail.text ?? '', '/subscribe/confirm?token=');
    assert.ok(String(confirmMail.html).includes(confirm.replace(/&/g, '&amp;')), 'the HTML part has the same link');

    const subs = s.subs;
    assert.equal((await subs.findByEmail('ada@example.org'))?.status, 'pending', 'nothing before confirmation');
    const ok = await s.app.inject({ method: 'GET', url: pathOf(confirm) });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.match(ok.body, /You are subscribed/);
    assert.equal((await subs.findByEmail('ada@example.org'))?.status, 'active');
    const twice = await s.app.inject({ method: 'GET', url: pathOf(confirm) });
    assert.equal(twice.statusCode, 200, 'following the link again is harmless');

    const mailer = createSmtpMailer(sink.url, s.config.mailFrom);
    try {
      const run = await runDigest({ store: s.store, subs, mailer, config: s.config, now: () => s.clock.now }, [periodsForDate(DAY)[0]]);
      assert.equal(run.delivery?.sent, 1, 'only the confirmed address gets a digest');
      const digest = sink.to('ada@example.org')[1];
      assert.match(digest.subject ?? '', /^Trending papers, Monday 2 June 2025/);
      const titles = [...String(digest.html).matchAll(/papers\/2506\.(\d+)"/g)].map((m) => Number(m[1]));
      assert.deepEqual(titles.sort((a, b) => a - b), [3, 6, 9, 12], 'the cs.CV topic narrowed the digest');
      assert.equal(sink.to('lazy@example.org').length, 1, 'the unconfirmed address only has its confirmation mail');

      const manage = linkIn(digest.text ?? '', '/subscribe/manage?token=');
      const m = await csrfFrom(s.app, pathOf(manage));
      assert.match(m.body, /value="cs\.CV"/);
      const manageToken = new URL(manage).searchParams.get('token')!;
      const saved = await s.app.inject({ method: 'POST', url: '/subscribe/manage', headers: { ...FORM, cookie: m.cookie },
        payload: form({ _csrf: m.token, token: manageToken, frequency: 'weekly', categories: '', keywords: 'diffusion', organizations: '' }) });
      assert.equal(saved.statusCode, 200, saved.body);
      assert.match(saved.body, /Saved\./);
      const after = await subs.findByEmail('ada@example.org');
      assert.equal(after?.frequency, 'weekly');
      assert.deepEqual(after?.topics, { categories: [], keywords: ['diffusion'], organizations: [] });

      const header = digest.headerLines.find((h) => h.key === 'list-unsubscribe')?.line ?? '';
      const oneClick = /<(https?:[^>]+)>/.exec(header)?.[1];
      assert.ok(oneClick, header);
      const preview = await s.app.inject({ method: 'GET', url: pathOf(oneClick) });
      assert.equal(preview.statusCode, 200);
      assert.equal((await subs.findByEmail('ada@example.org'))?.status, 'active', 'GET (a mail scanner) unsubscribes nobody');
      // RFC 8058: POST to the header URL with this body; no cookie, no CSRF token.
      const unsub = await s.app.inject({ method: 'POST', url: pathOf(oneClick), headers: FORM, payload: 'List-Unsubscribe=One-Click' });
      assert.equal(unsub.statusCode, 200, unsub.body);
      assert.match(unsub.body, /You are unsubscribed/);
      assert.equal((await subs.findByEmail('ada@example.org'))?.status, 'unsubscribed', 'immediate');
      const multipart = await s.app.inject({ method: 'POST', url: pathOf(oneClick),
        headers: { 'content-type': 'multipart/form-data; boundary=xx' },
        payload: '--xx\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--xx--\r\n' });
      assert.equal(multipart.statusCode, 200, 'multipart one-click works too (idempotent)');

      const next = await runDigest({ store: s.store, subs, mailer, config: s.config, now: () => s.clock.now }, periodsForDate(DAY2));
      assert.equal(next.delivery?.sent, 0);
      assert.equal(sink.to('ada@example.org').length, 2, 'no mail after unsubscribing');
    } finally {
      mailer.close();
    }
  } finally {
    await s.close();
  }
});

test('subscribing again reveals nothing: same answer, the owner gets a manage link, preferences unchanged', async () => {
  const s = await site();
  sink.messages.length = 0;
  try {
    const subs = s.subs;
    const known = await subs.createSubscription({ email: 'known@example.org', frequency: 'weekly', topics: { categories: ['cs.CL'], keywords: [], organizations: [] }, now: s.clock.now });
    await subs.updateSubscription(known.id, { status: 'active', confirmedAt: s.clock.now.toISOString() }, s.clock.now);

    const post = (email: string) => s.app.inject({ method: 'POST', url: '/api/subscriptions', payload: { email, frequency: 'daily', topics: ['org:Evil'] } });
    const a = await post('known@example.org');
    const b = await post('new@example.org');
    assert.equal(a.statusCode, 202);
    assert.equal(b.statusCode, 202);
    const answer = (r: typeof a) => ({ ...(r.json() as Record<string, unknown>), email: 'x' });
    assert.deepEqual(answer(a), answer(b), 'identical answers');

    await sink.waitUntil(() => sink.messages.length === 2);
    const notice = sink.to('known@example.org')[0];
    assert.equal(notice.subject, 'You are already subscribed to paperboy digests');
    assert.ok(linkIn(notice.text ?? '', '/subscribe/manage?token='));
    assert.equal(sink.to('new@example.org')[0].subject, 'Confirm your paperboy digest subscription');
    const still = await subs.findByEmail('known@example.org');
    assert.equal(still?.frequency, 'weekly', 'a stranger cannot change a confirmed subscription');
    assert.deepEqual(still?.topics.organizations, []);

    const again = await post('KNOWN@example.org');
    assert.equal(again.statusCode, 202);
    await new Promise((ok) => setTimeout(ok, 100));
    assert.equal(sink.to('known@example.org').length, 1, 'at most one notice per interval (no mail bombing)');
  } finally {
    await s.close();
  }
});

test('CSRF, JSON validation naming the field, and the rate limit', async () => {
  const s = await site();
  try {
    const noToken = await s.app.inject({ method: 'POST', url: '/subscribe', headers: FORM, payload: form({ email: 'x@example.org', frequency: 'daily' }) });
    assert.equal(noToken.statusCode, 403);

    const cases: [unknown, RegExp][] = [
      [{ email: 'x@example.org' }, /frequency/],
      [{ email: 'x@example.org', frequency: 'hourly' }, /frequency/],
      [{ email: 'not-an-address', frequency: 'daily' }, /email/],
      [{ email: 'x@example.org', frequency: 'daily', topics: ['category:not a category!'] }, /topics/],
      [{ email: 'x@example.org', frequency: 'daily', topics: { category: 'cs.CL' } }, /topics/],
      [{ email: 'x@example.org', frequency: 'daily', topics: Array.from({ length: 21 }, (_, i) => `kw${i}`) }, /topics/],
    ];
    for (const [payload, field] of cases) {
      const res = await s.app.inject({ method: 'POST', url: '/api/subscriptions', payload: payload as object });
      assert.equal(res.statusCode, 400, JSON.stringify(payload));
      const err = res.json().error;
      assert.equal(err.code, 'invalid_parameter');
      assert.match(err.message, field);
    }
    const { token, cookie } = await csrfFrom(s.app, '/subscribe');
    const badForm = await s.app.inject({ method: 'POST', url: '/subscribe', headers: { ...FORM, cookie },
      payload: form({ _csrf: token, email: '<script>@x', frequency: 'daily' }) });
    assert.equal(badForm.statusCode, 400);
    assert.match(badForm.body, /role="alert"/);
    assert.ok(!badForm.body.includes('<script>@x'), 'echoed input is escaped');

    // The limit counts per client address and per route: the six 400s above count against POST /api/subscriptions.
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await s.app.inject({ method: 'POST', url: '/api/subscriptions', payload: { email: `r${i}@example.org`, frequency: 'daily' } });
      statuses.push(r.statusCode);
    }
    assert.deepEqual(statuses.slice(0, 4), [202, 202, 202, 202]);
    assert.equal(statuses[4], 429, `rate limited: ${statuses.join(',')}`);
  } finally {
    await s.close();
  }
});

test('bad, tampered and expired links are refused with a page that says what to do', async () => {
  const s = await site();
  sink.messages.length = 0;
  try {
    await s.app.inject({ method: 'POST', url: '/api/subscriptions', payload: { email: 'late@example.org', frequency: 'weekly' } });
    await sink.waitUntil(() => sink.to('late@example.org').length === 1);
    const confirm = pathOf(linkIn(sink.to('late@example.org')[0].text ?? '', '/subscribe/confirm?token='));
    for (const url of ['/subscribe/confirm?token=garbage', '/subscribe/confirm', confirm.slice(0, -2) + 'xx',
      '/unsubscribe?token=u.1.0.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', '/subscribe/manage?token=%3Cscript%3E']) {
      const res = await s.app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 400, url);
      assert.match(res.body, /not valid/);
    }
    const post = await s.app.inject({ method: 'POST', url: '/unsubscribe?token=nope', headers: FORM, payload: 'List-Unsubscribe=One-Click' });
    assert.equal(post.statusCode, 400);
    s.clock.now = new Date(s.clock.now.getTime() + 49 * 3_600_000);
    const expired = await s.app.inject({ method: 'GET', url: confirm });
    assert.equal(expired.statusCode, 400);
    assert.match(expired.body, /expired/);
    assert.equal((await s.subs.findByEmail('late@example.org'))?.status, 'pending');
  } finally {
    await s.close();
  }
});

test('POST /api/subscriptions takes JSON only and refuses browser posts from other sites, without sending mail', async () => {
  const s = await site();
  sink.messages.length = 0;
  try {
    // A form on another site can only send form-encoded or text bodies: 415 with a message saying what to send.
    for (const [type, payload] of [
      ['application/x-www-form-urlencoded', form({ email: 'victim@example.org', frequency: 'daily' })],
      ['text/plain', '{"email":"victim@example.org","frequency":"daily"}'],
      ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="email"\r\n\r\nvictim@example.org\r\n--x--\r\n'],
    ] as const) {
      const res = await s.app.inject({ method: 'POST', url: '/api/subscriptions', headers: { 'content-type': type }, payload });
      assert.equal(res.statusCode, 415, type);
      const err = res.json().error;
      assert.equal(err.code, 'unsupported_media_type');
      assert.match(err.message, /Content-Type: application\/json/);
    }
    const none = await s.app.inject({ method: 'POST', url: '/api/subscriptions' });
    assert.equal(none.statusCode, 415);

    // A browser on another site (or a sandboxed frame, Origin: null): 403, even with a JSON body.
    for (const origin of ['https://evil.example', 'null', 'http://papers.test.evil.example', 'https://papers.test']) {
      const res = await s.app.inject({ method: 'POST', url: '/api/subscriptions', headers: { origin }, payload: { email: 'victim@example.org', frequency: 'daily' } });
      assert.equal(res.statusCode, 403, origin);
      assert.equal(res.json().error.code, 'cross_origin');
    }
    // This site's own pages (Origin = PUBLIC_URL) and tools (no Origin) are served.
    const own = await s.app.inject({ method: 'POST', url: '/api/subscriptions', headers: { origin: PUBLIC }, payload: { email: 'own@example.org', frequency: 'daily' } });
    assert.equal(own.statusCode, 202);
    const tool = await s.app.inject({ method: 'POST', url: '/api/subscriptions', headers: { 'content-type': 'application/json; charset=utf-8' }, payload: JSON.stringify({ email: 'tool@example.org', frequency: 'weekly' }) });
    assert.equal(tool.statusCode, 202);
    await sink.waitUntil(() => sink.messages.length >= 2);
    assert.equal(sink.to('victim@example.org').length, 0, 'no mail for refused posts');
  } finally {
    await s.close();
  }
});
