/**
 * Digest throughput: enqueue, render and send N digests (default 10,000;
 * --quick 1,000) over a pooled SMTP connection to a local `smtp-server`
 * running in this process, then report messages/s and peak memory.
 *
 *   node --import tsx bench/digest-bench.ts [--quick] [--subscribers N] [--concurrency C] [--linked SHARE]
 *   npm run bench -- digest
 *
 * --linked SHARE (0–1, default 0): that share of the subscribers is linked
 * to an account that upvoted 5 papers of the month before, so their digests
 * add "For you" (a per-account SVM over a reference corpus of 360 papers:
 * digest/personal.ts). Compare the render row with and without it.
 *
 * The corpus is one day of 60 synthetic papers (bench/corpus.ts); a third of
 * the subscribers follow a category, a third a keyword, the rest everything.
 * The SMTP server reads each message and counts it without parsing. Target:
 * ≥ 200 messages/s. Non-goals: a remote SMTP server's latency (scale
 * --concurrency for that), DKIM signing.
 */
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { SqliteBackend } from '../src/store/sqlite/sqlite-backend.js';
import { createSmtpMailer } from '../src/digest/smtp.js';
import { deliverDue, enqueuePeriod, renderPending } from '../src/digest/outbox.js';
import { dayPeriod } from '../src/domain/periods.js';
import { paperRecords } from './corpus.js';
import type { BenchOptions, BenchResult } from './run.js';

const DAY = '2025-06-02';

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

export async function run(opts: BenchOptions): Promise<BenchResult> {
  const n = Number(argValue(opts.args, '--subscribers') ?? (opts.quick ? 1000 : 10_000));
  const concurrency = Number(argValue(opts.args, '--concurrency') ?? 2);
  const linkedShare = Math.min(1, Math.max(0, Number(argValue(opts.args, '--linked') ?? 0)));
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-digest-bench-'));
  let received = 0;
  let bytes = 0;
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false, closeTimeout: 200,
    onData(stream, _s, cb) {
      stream.on('data', (c: Buffer) => { bytes += c.length; });
      stream.on('end', () => { received++; cb(); });
    },
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  const port = (server.server.address() as AddressInfo).port;

  let peakRss = 0, peakHeap = 0;
  const sample = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  };
  const sampler = setInterval(sample, 25);
  const backend = new SqliteBackend(join(dir, 'bench.db'));
  const store = backend.store;
  const mailer = createSmtpMailer(`smtp://127.0.0.1:${port}`, 'paperboy <bench@localhost>', { maxConnections: concurrency });
  try {
    opts.log(`[digest] corpus: 60 papers on ${DAY}; ${n} subscribers; ${concurrency} SMTP connections`);
    const records = [...paperRecords(60, { seed: 7 })].map((r, i) => ({
      ...r,
      daily: { day: DAY, submittedAt: `${DAY}T0${i % 10}:00:00.000Z`, submittedBy: null, upvotes: (i * 37) % 101, numComments: i % 7 },
    }));
    await store.upsertRecords(records);
    const firstWord = records[0].paper.title.split(/\s+/)[0].toLowerCase();
    const insert = store.db.prepare(`INSERT INTO subscriptions (email, frequency, topics, status, created_at, updated_at, confirmed_at)
      VALUES (?, 'daily', ?, 'active', ?, ?, ?)`);
    const now = new Date('2025-06-03T08:00:00Z');
    store.db.transaction(() => {
      for (let i = 0; i < n; i++) {
        const topics = i % 3 === 0 ? { categories: [], keywords: [], organizations: [] }
          : i % 3 === 1 ? { categories: ['cs'], keywords: [], organizations: [] }
          : { categories: [], keywords: [firstWord], organizations: [] };
        insert.run(`reader${i}@bench.example`, JSON.stringify(topics), now.toISOString(), now.toISOString(), now.toISOString());
      }
    })();
    // Linked subscribers: an account each, with 5 upvotes among 300 papers of the month before (the reference corpus).
    const linked = Math.round(n * linkedShare);
    if (linked > 0) {
      const older = [...paperRecords(300, { seed: 11 })].map((r, i) => {
        const day = `2025-05-${String(5 + (i % 20)).padStart(2, '0')}`;
        return { ...r, daily: { day, submittedAt: `${day}T08:00:00.000Z`, submittedBy: null, upvotes: (i * 13) % 50, numComments: 0 } };
      });
      await store.upsertRecords(older);
      const addUser = store.db.prepare(`INSERT INTO users (username, email, password_hash, email_verified_at, created_at, updated_at)
        VALUES (?, ?, 'x', ?, ?, ?)`);
      const vote = store.db.prepare('INSERT OR IGNORE INTO votes (user_id, paper_id, created_at) VALUES (?, ?, ?)');
      const link = store.db.prepare('UPDATE subscriptions SET user_id = ? WHERE email = ?');
      store.db.transaction(() => {
        for (let i = 0; i < linked; i++) {
          const at = now.toISOString();
          const id = Number(addUser.run(`reader${i}`, `reader${i}@bench.example`, at, at, at).lastInsertRowid);
          for (let k = 0; k < 5; k++) vote.run(id, older[(i * 7 + k * 61) % older.length].paper.id, at);
          link.run(id, `reader${i}@bench.example`);
        }
      })();
      opts.log(`[digest] ${linked} subscribers linked to accounts (5 upvotes each): their digests add For you`);
    }
    const subs = backend.subscriptions;
    const personal = { votes: backend.votes, readingLists: backend.readingLists, organizations: backend.organizations };
    const deps = { store, subs, mailer, config: { publicUrl: 'https://papers.example.org', secret: 'bench' }, now: () => now, personal };

    const t0 = performance.now();
    const enq = await enqueuePeriod(deps, 'daily', dayPeriod(DAY)!);
    const t1 = performance.now();
    const rendered = await renderPending(deps);
    const t2 = performance.now();
    const delivered = await deliverDue(deps, { concurrency });
    const t3 = performance.now();
    sample();
    const sent = delivered.sent;
    if (sent !== rendered.rendered || received !== sent) {
      throw new Error(`digest bench: sent ${sent}, rendered ${rendered.rendered}, server received ${received}`);
    }
    const rate = (count: number, ms: number) => Math.round(count / (ms / 1000));
    const mb = (b: number) => Math.round(b / 1024 / 1024);
    return {
      title: `Digest: enqueue, render and send ${n.toLocaleString('en-US')} digests to a local SMTP server`,
      columns: ['step', 'digests', 'seconds', 'per second'],
      rows: [
        ['enqueue (one INSERT … SELECT)', enq.enqueued, +((t1 - t0) / 1000).toFixed(2), rate(enq.enqueued, t1 - t0)],
        [`render (select + HTML + text, stored${linked ? `; ${linked.toLocaleString('en-US')} with For you` : ''})`, rendered.rendered, +((t2 - t1) / 1000).toFixed(2), rate(rendered.rendered, t2 - t1)],
        [`send (SMTP pool, ${concurrency} connections)`, sent, +((t3 - t2) / 1000).toFixed(2), rate(sent, t3 - t2)],
        ['end to end', sent, +((t3 - t0) / 1000).toFixed(2), rate(sent, t3 - t0)],
      ],
      notes: [
        `peak RSS ${mb(peakRss)} MB, peak JS heap ${mb(peakHeap)} MB (this process also runs the SMTP server)`,
        `average message ${Math.round(bytes / Math.max(1, received) / 1024)} KB; target ≥ 200 messages/s end to end`,
        'the machine is shared with other jobs; numbers vary run to run',
      ],
    };
  } finally {
    clearInterval(sampler);
    mailer.close();
    await backend.close();
    await new Promise<void>((ok) => server.close(() => ok()));
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { formatTable } = await import('./run.js');
  const args = process.argv.slice(2);
  run({ quick: args.includes('--quick'), args, log: (l) => process.stderr.write(`${l}\n`) })
    .then((r) => process.stdout.write(formatTable(r)))
    .catch((err: unknown) => {
      process.stderr.write(`digest bench: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    });
}
