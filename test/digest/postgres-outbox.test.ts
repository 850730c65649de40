/**
 * The digest pipeline on PostgreSQL against a real SMTP server: the
 * subscription store's enqueue, render, claim (FOR UPDATE SKIP LOCKED) and
 * mark-sent path sends each active subscriber's digest once, honours topics,
 * mails nobody pending, unsubscribed or paused, sends nothing twice on a
 * re-run, and two senders claiming at once never take the same row.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PostgresBackend } from '../../src/store/postgres/postgres-backend.js';
import { createSmtpMailer } from '../../src/digest/smtp.js';
import { runDigest, periodsForDate } from '../../src/digest/run-digest.js';
import { parseTopicList } from '../../src/digest/topics.js';
import { freshDatabase, requirePostgres } from '../helpers/postgres-server.js';
import { startSmtpSink, type SmtpSink } from './smtp-sink.js';
import { addSubscriber, seedDigestCorpus, DAY, WEEK } from './digest-fixtures.js';

const config = { publicUrl: 'https://papers.example.org', secret: 'test-secret' };
const NOW = new Date('2025-06-04T08:00:00Z');

if (requirePostgres()) {
  let sink: SmtpSink;
  before(async () => { sink = await startSmtpSink(); });
  after(async () => { await sink.close(); });

  test('due digests go out once each, topics honoured, nobody inactive mailed, a re-run sends nothing', async () => {
    const b = await PostgresBackend.open(await freshDatabase());
    const mailer = createSmtpMailer(sink.url, 'paperboy <digest@papers.example.org>');
    sink.messages.length = 0;
    try {
      await seedDigestCorpus(b.store);
      await addSubscriber(b.subscriptions, 'all@example.org');
      await addSubscriber(b.subscriptions, 'vision@example.org', 'daily', 'active', parseTopicList(['cs.CV']));
      await addSubscriber(b.subscriptions, 'weekly@example.org', 'weekly');
      await addSubscriber(b.subscriptions, 'pending@example.org', 'daily', 'pending');
      await addSubscriber(b.subscriptions, 'gone@example.org', 'daily', 'unsubscribed');
      await addSubscriber(b.subscriptions, 'paused@example.org', 'daily', 'paused');
      await assert.rejects(addSubscriber(b.subscriptions, 'ALL@example.org'), 'one subscription per address in any case');
      const deps = { store: b.store, subs: b.subscriptions, mailer, config, now: () => NOW };
      const r = await runDigest(deps, periodsForDate(DAY));
      assert.deepEqual(r.planned.map((p) => [p.frequency, p.period, p.enqueued]), [['daily', DAY, 2], ['weekly', WEEK, 1]]);
      assert.equal(r.delivery?.sent, 3);
      for (const who of ['all', 'vision', 'weekly']) assert.equal(sink.to(`${who}@example.org`).length, 1, who);
      assert.equal(sink.messages.length, 3);
      const vision = sink.to('vision@example.org')[0];
      const ids = [...String(vision.html).matchAll(/papers\/(2506\.\d+)"/g)].map((m) => Number(m[1].slice(5)));
      assert.deepEqual(ids.sort((x, y) => x - y), [3, 6, 9, 12], 'only cs.CV papers');
      const again = await runDigest(deps, periodsForDate(DAY));
      assert.equal(again.delivery?.sent, 0);
      assert.equal(sink.messages.length, 3, 'nothing twice');
      const status = await b.subscriptions.statusByPeriod(10);
      assert.deepEqual(status.map((s) => [s.periodKey, s.sent, s.pending, s.failed]).sort(), [[DAY, 2, 0, 0], [WEEK, 1, 0, 0]]);
    } finally {
      mailer.close();
      await b.close();
    }
  });

  test('two senders claiming at once never hold the same outbox row', async () => {
    const url = await freshDatabase();
    const a = await PostgresBackend.open(url);
    const c = await PostgresBackend.open(url);
    try {
      for (let i = 0; i < 40; i++) await addSubscriber(a.subscriptions, `s${i}@example.org`);
      assert.equal(await a.subscriptions.enqueue('2025-06-02', 'daily', NOW), 40);
      const toRender = await a.subscriptions.listToRender(100);
      await a.subscriptions.saveRendered(toRender.map((t) => ({ id: t.id, message: { subject: 's', html: 'h', text: 't', headers: {} }, reason: null })));
      const lease = new Date(NOW.getTime() + 60_000);
      const claims = await Promise.all([
        ...Array.from({ length: 4 }, () => a.subscriptions.claimDue('a', NOW, lease, 7)),
        ...Array.from({ length: 4 }, () => c.subscriptions.claimDue('c', NOW, lease, 7)),
      ]);
      const ids = claims.flat().map((x) => x.id);
      assert.equal(new Set(ids).size, ids.length, 'no row claimed twice');
      assert.ok(ids.length > 0 && ids.length <= 40);
    } finally {
      await a.close();
      await c.close();
    }
  });
}
