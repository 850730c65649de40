/**
 * The digest pipeline against a real SMTP server: content and headers of what
 * arrives, topics honoured, nobody unconfirmed or unsubscribed mailed, nothing
 * twice on a re-run, a server that is down then back, recipients rejected
 * temporarily and permanently, and pausing after repeated rejections.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { SqliteSubscriptionStore } from '../../src/store/sqlite/sqlite-subscription-store.js';
import type { SubscriptionStore } from '../../src/store/subscription-store.js';
import { createSmtpMailer, type Mailer } from '../../src/digest/smtp.js';
import { runDigest, periodsForDate } from '../../src/digest/run-digest.js';
import { deliverDue, type OutboxDeps } from '../../src/digest/outbox.js';
import { parseTopicList } from '../../src/digest/topics.js';
import { tempDbPath } from '../helpers/temp-db.js';
import { startSmtpSink, linkIn, type SmtpSink } from './smtp-sink.js';
import { addSubscriber, seedDigestCorpus, DAY, DAY2, EMPTY_DAY, HOSTILE_TITLE, WEEK } from './digest-fixtures.js';

const config = { publicUrl: 'https://papers.example.org', secret: 'test-secret' };
const NOW = new Date('2025-06-04T08:00:00Z');

interface Env {
  store: SqliteStore;
  subs: SubscriptionStore;
  cleanup: () => void;
}

async function env(): Promise<Env> {
  const { file, cleanup } = tempDbPath();
  const store = new SqliteStore(file);
  await seedDigestCorpus(store);
  return { store, subs: new SqliteSubscriptionStore(store.db), cleanup: () => { store.db.close(); cleanup(); } };
}

function deps(e: Env, mailer: Mailer, now = () => NOW): OutboxDeps {
  return { store: e.store, subs: e.subs, mailer, config, now };
}

let sink: SmtpSink;
before(async () => { sink = await startSmtpSink(); });
after(async () => { await sink.close(); });

test('due digests arrive with content, headers, working links, topics honoured; a re-run sends nothing twice', async () => {
  const e = await env();
  const mailer = createSmtpMailer(sink.url, 'paperboy <digest@papers.example.org>');
  sink.messages.length = 0;
  try {
    await addSubscriber(e.subs, 'all@example.org');
    await addSubscriber(e.subs, 'vision@example.org', 'daily', 'active', parseTopicList(['cs.CV']));
    await addSubscriber(e.subs, 'org@example.org', 'daily', 'active', parseTopicList(['org:DeepThought']));
    await addSubscriber(e.subs, 'kw@example.org', 'daily', 'active', parseTopicList(['keyword:diffusion']));
    await addSubscriber(e.subs, 'weekly@example.org', 'weekly');
    await addSubscriber(e.subs, 'pending@example.org', 'daily', 'pending');
    await addSubscriber(e.subs, 'gone@example.org', 'daily', 'unsubscribed');
    await addSubscriber(e.subs, 'paused@example.org', 'daily', 'paused');

    const r = await runDigest(deps(e, mailer), periodsForDate(DAY));
    assert.deepEqual(r.planned.map((p) => [p.frequency, p.period, p.enqueued]), [['daily', DAY, 4], ['weekly', WEEK, 1]]);
    assert.equal(r.delivery?.sent, 5);
    assert.equal(sink.messages.length, 5);
    for (const who of ['pending', 'gone', 'paused']) assert.equal(sink.to(`${who}@example.org`).length, 0, `${who} must get nothing`);

    const [all] = sink.to('all@example.org');
    assert.match(all.subject ?? '', /Trending papers, Monday 2 June 2025: Breaking <script>/);
    assert.match(all.subject ?? '', /\(\+9 more\)$/);
    assert.equal(all.from?.value[0].address, 'digest@papers.example.org');
    const html = String(all.html);
    assert.ok(!/<script/i.test(html), 'no script tag in the HTML');
    assert.ok(html.includes(HOSTILE_TITLE.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')), 'hostile title escaped');
    assert.match(html, /<meta name="color-scheme" content="light dark">/);
    assert.equal((html.match(/href="https:\/\/papers\.example\.org\/papers\/2506\.\d+"/g) ?? []).length, 10, 'ten linked titles');
    assert.match(html, /42 authors/, 'count when names are unknown');
    assert.match(html, /Deep Thought Labs/, 'organization shown');
    assert.match(html, /▲ 500 upvotes/);
    assert.match(all.text ?? '', /^1\. Breaking <script>/m, 'plain-text alternative');
    assert.match(all.text ?? '', /Abstract of paper 12\. We study things/);
    const unsub = linkIn(all.text ?? '', '/unsubscribe?token=');
    const rawHeader = (name: string) => all.headerLines.find((h) => h.key === name)?.line.replace(/^[^:]+:\s*/, '').replace(/\r?\n\s+/g, ' ');
    assert.equal(rawHeader('list-unsubscribe-post'), 'List-Unsubscribe=One-Click');
    assert.equal(rawHeader('list-unsubscribe'), `<${unsub}>`, 'List-Unsubscribe carries the https link of the body');
    assert.match(linkIn(all.text ?? '', '/subscribe/manage?token='), /^https:\/\/papers\.example\.org\//);
    assert.match(all.messageId ?? '', /^<digest\.\d+\.2025-06-02@papers\.example\.org>$/);

    const vision = sink.to('vision@example.org')[0];
    const visionIds = [...String(vision.html).matchAll(/papers\/(2506\.\d+)"/g)].map((m) => Number(m[1].slice(5)));
    assert.deepEqual(visionIds.sort((a, b) => a - b), [3, 6, 9, 12], 'only cs.CV papers');
    const org = sink.to('org@example.org')[0];
    assert.equal((String(org.html).match(/Deep Thought Labs/g) ?? []).length, 3, 'only the organization papers');
    const kw = sink.to('kw@example.org')[0];
    // Unboosted, paper 8 (language models) is second; one keyword match doubles the diffusion papers' scores.
    assert.match(kw.text ?? '', /^2\. Paper number 6 about image diffusion\n[\s\S]*^3\. Paper number 9 about image diffusion/m, 'keyword matches boosted');
    assert.match(sink.to('all@example.org')[0].text ?? '', /^2\. Paper number 8 about language models/m);
    const weekly = sink.to('weekly@example.org')[0];
    assert.match(weekly.subject ?? '', /^Weekly trending papers, week 2025-W23: /);

    const again = await runDigest(deps(e, mailer), periodsForDate(DAY));
    assert.equal(again.delivery?.sent, 0);
    assert.equal(sink.messages.length, 5, 'nothing twice');
    const status = await e.subs.statusByPeriod(10);
    assert.deepEqual(status.map((s) => [s.periodKey, s.sent, s.pending, s.failed]).sort(), [[DAY, 4, 0, 0], [WEEK, 1, 0, 0]]);
  } finally {
    mailer.close();
    e.cleanup();
  }
});

test('a period with no papers sends nothing; topics that match nothing skip the subscriber', async () => {
  const e = await env();
  const mailer = createSmtpMailer(sink.url, 'paperboy <digest@papers.example.org>');
  sink.messages.length = 0;
  try {
    await addSubscriber(e.subs, 'a@example.org');
    await addSubscriber(e.subs, 'astro@example.org', 'daily', 'active', parseTopicList(['astro-ph.GA']));
    const empty = await runDigest(deps(e, mailer), [periodsForDate(EMPTY_DAY)[0]]);
    assert.deepEqual(empty.planned, [{ frequency: 'daily', period: EMPTY_DAY, papers: 0, enqueued: 0 }]);
    const r = await runDigest(deps(e, mailer), [periodsForDate(DAY2)[0]]);
    assert.equal(r.skipped, 1);
    assert.equal(sink.messages.length, 1);
    assert.equal(sink.to('a@example.org').length, 1);
    assert.deepEqual((await e.subs.listOutbox(DAY2)).map((o) => [o.email, o.status]), [['a@example.org', 'sent'], ['astro@example.org', 'skipped']]);
  } finally {
    mailer.close();
    e.cleanup();
  }
});

test('SMTP down: the batch stops and is deferred with backoff; when the server is back, every digest goes out once', async () => {
  const e = await env();
  const probe = await startSmtpSink();
  const port = probe.port;
  await probe.close();
  const mailer = createSmtpMailer(`smtp://127.0.0.1:${port}`, 'paperboy <digest@papers.example.org>');
  let back: SmtpSink | null = null;
  try {
    for (let i = 0; i < 5; i++) await addSubscriber(e.subs, `s${i}@example.org`);
    const down = await runDigest(deps(e, mailer), [periodsForDate(DAY)[0]]);
    assert.equal(down.delivery?.sent, 0);
    assert.match(down.delivery?.stoppedBy ?? '', /unreachable/);
    const rows = await e.subs.listOutbox(DAY);
    assert.equal(rows.length, 5);
    assert.ok(rows.every((r) => r.status === 'ready'), 'all deferred, none lost');

    back = await startSmtpSink(port);
    const tooEarly = await deliverDue(deps(e, mailer, () => new Date(NOW.getTime() + 10_000)));
    assert.equal(tooEarly.sent, 0, 'backoff respected');
    const later = await deliverDue(deps(e, mailer, () => new Date(NOW.getTime() + 5 * 60_000)));
    assert.equal(later.sent, 5);
    assert.equal(back.messages.length, 5);
    for (let i = 0; i < 5; i++) assert.equal(back.to(`s${i}@example.org`).length, 1);
  } finally {
    mailer.close();
    await back?.close();
    e.cleanup();
  }
});

test('one rejected recipient (5xx) fails alone; a 4xx is retried; repeated 5xx pause the subscription', async () => {
  const e = await env();
  const mailer = createSmtpMailer(sink.url, 'paperboy <digest@papers.example.org>');
  sink.messages.length = 0;
  sink.reject.set('bad@example.org', 550);
  sink.reject.set('busy@example.org', 451);
  try {
    await addSubscriber(e.subs, 'a@example.org');
    const bad = await addSubscriber(e.subs, 'bad@example.org');
    await addSubscriber(e.subs, 'busy@example.org');
    await addSubscriber(e.subs, 'z@example.org');
    const r1 = await runDigest(deps(e, mailer), [periodsForDate(DAY)[0]], { pauseAfter: 2 });
    assert.deepEqual([r1.delivery?.sent, r1.delivery?.failed, r1.delivery?.retried, r1.delivery?.paused], [2, 1, 1, 0]);
    assert.equal(sink.to('a@example.org').length, 1);
    assert.equal(sink.to('z@example.org').length, 1, 'the batch went on after the bad recipient');
    const rows = new Map((await e.subs.listOutbox(DAY)).map((o) => [o.email, o]));
    assert.equal(rows.get('bad@example.org')?.status, 'failed');
    assert.match(rows.get('bad@example.org')?.lastError ?? '', /550/);
    assert.equal(rows.get('busy@example.org')?.status, 'ready');
    assert.equal(rows.get('busy@example.org')?.attempts, 1);

    const r2 = await runDigest(deps(e, mailer), [periodsForDate(DAY2)[0]], { pauseAfter: 2 });
    assert.equal(r2.delivery?.paused, 1);
    assert.equal((await e.subs.getSubscription(bad.id))?.status, 'paused');

    sink.reject.delete('busy@example.org');
    const r3 = await runDigest(deps(e, mailer, () => new Date(NOW.getTime() + 3_600_000)), [periodsForDate(DAY2)[0]], { pauseAfter: 2 });
    assert.equal(r3.delivery?.sent, 2, 'both retried digests of busy@ go out');
    assert.equal(sink.to('busy@example.org').length, 2);
    assert.equal(sink.to('bad@example.org').length, 0);
  } finally {
    sink.reject.clear();
    mailer.close();
    e.cleanup();
  }
});
