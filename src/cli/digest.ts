/**
 * `paperboy digest preview|run|status`: look at a digest, send what is due,
 * and see what was sent, is pending or failed per period.
 *
 *   paperboy digest preview [--email X] [--date YYYY-MM-DD] [--frequency daily|weekly] [--out FILE]
 *   paperboy digest run [--date YYYY-MM-DD] [--dry-run] [--concurrency N]
 *   paperboy digest status [--limit N] [--period KEY]
 *
 * Non-goals: the rules (digest/); this file parses flags and prints.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import nodemailer from 'nodemailer';
import { loadConfig, ConfigError, type Config } from '../config.js';
import { openBackend } from '../store/open-backend.js';
import type { Store } from '../store/store.js';
import type { Backend } from '../store/backend.js';
import { isDay, type Period } from '../domain/periods.js';
import { createSmtpMailer, createLogMailer } from '../digest/smtp.js';
import { duePeriods, localDay, periodsForDate, runDigest, type DuePeriod } from '../digest/run-digest.js';
import { digestPeriod, loadCandidates, selectForTopics, DEFAULT_DIGEST_SIZE } from '../digest/select.js';
import { renderDigest } from '../digest/render.js';
import { PersonalDigests } from '../digest/personal.js';
import { subscriptionLinks } from '../digest/signed-links.js';
import { emptyTopics, formatTopicList } from '../digest/topics.js';
import { isFrequency } from '../digest/subscriptions.js';
import type { Frequency, RenderedMessage, SubscriptionStore } from '../store/subscription-store.js';

interface CommonOptions {
  db?: string;
}

function parseDate(s: string | undefined): string | undefined {
  if (s === undefined) return undefined;
  if (!isDay(s)) throw new ConfigError(`--date must be a calendar day YYYY-MM-DD, got "${s}"`);
  return s;
}

function parsePositive(s: string | undefined, flag: string, fallback: number): number {
  if (s === undefined) return fallback;
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new ConfigError(`${flag} must be a whole number 1–1000, got "${s}"`);
  return n;
}

async function withStore<T>(config: Config, fn: (store: Store, subs: SubscriptionStore, backend: Backend) => Promise<T>): Promise<T> {
  const backend = await openBackend(config.db, { indexDir: config.indexDir });
  try {
    return await fn(backend.store, backend.subscriptions, backend);
  } finally {
    await backend.close();
  }
}

async function toEml(config: Config, to: string, m: RenderedMessage): Promise<Buffer> {
  const t = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  const info = await t.sendMail({ from: config.mailFrom, to, subject: m.subject, html: m.html, text: m.text, headers: m.headers });
  return info.message as Buffer;
}

/**
 * Digest links are built on PUBLIC_URL; a CLI run (cron, a shell) often lacks
 * the variable `serve` has, and would mail links to localhost. Say so on
 * stderr (the mail still goes out: a local test run may want exactly that).
 */
export function warnLocalLinks(config: Config, env: NodeJS.ProcessEnv = process.env): void {
  if (env.PUBLIC_URL) return;
  process.stderr.write(`paperboy: warning: PUBLIC_URL is not set for this command, so the digest's links point at ${config.publicUrl}; ` +
    'set PUBLIC_URL to the site\'s public address (as for serve) before sending digests to subscribers\n');
}

export function registerDigest(program: Command): void {
  const digest = program.command('digest').description('email digests of trending papers: preview, run, status');

  digest
    .command('preview')
    .description('render the digest one subscriber would get, without sending it')
    .option('--db <file>', 'SQLite database file or postgres:// URL (env PAPERBOY_DB)')
    .option('--email <address>', 'use this subscriber\'s frequency and topics (default: everything, daily)')
    .option('--date <YYYY-MM-DD>', 'a day of the period (default: the latest day with papers)')
    .option('--frequency <daily|weekly>', 'override the frequency')
    .option('--out <file>', 'write to a file: .html (HTML part), .txt (text part), anything else a full .eml message')
    .action(async (opts: CommonOptions & { email?: string; date?: string; frequency?: string; out?: string }) => {
      const config = loadConfig({ db: opts.db });
      warnLocalLinks(config);
      if (opts.frequency !== undefined && !isFrequency(opts.frequency)) throw new ConfigError('--frequency must be daily or weekly');
      await withStore(config, async (store, subs, backend) => {
        const sub = opts.email ? await subs.findByEmail(opts.email) : null;
        if (opts.email && !sub) process.stderr.write(`paperboy: no subscription for ${opts.email}; previewing the default digest\n`);
        const frequency: Frequency = (opts.frequency as Frequency | undefined) ?? sub?.frequency ?? 'daily';
        const day = parseDate(opts.date) ?? (await store.latestDay());
        if (!day) throw new Error('the database has no daily-list entries yet: import papers first (paperboy import / harvest)');
        const period: Period = digestPeriod(frequency, day);
        const candidates = await loadCandidates(store, period, new Date());
        const items = selectForTopics(candidates, sub?.topics ?? emptyTopics(), DEFAULT_DIGEST_SIZE);
        // A subscription linked to an account: its "For you" and followed organizations, as `digest run` renders them.
        const personal = sub?.userId != null
          ? await new PersonalDigests({ store, votes: backend.votes, readingLists: backend.readingLists, organizations: backend.organizations })
            .sectionsFor(sub.userId, period, candidates, items)
          : null;
        if (items.length === 0 && !personal?.forYou.length && !personal?.fromFollowed.length) {
          process.stdout.write(`No digest for ${period.key}: ${sub ? 'no paper matches the topics' : 'the period has no papers'} (nothing would be sent).\n`);
          return;
        }
        const who = sub ?? { id: 0, email: opts.email ?? 'subscriber@example.org' };
        const message = renderDigest({ period, frequency, items, publicUrl: config.publicUrl,
          links: subscriptionLinks(config.publicUrl, config.secret, who), personal });
        if (opts.out) {
          const out = opts.out.endsWith('.html') ? message.html : opts.out.endsWith('.txt') ? message.text : await toEml(config, who.email, message);
          writeFileSync(opts.out, out);
          process.stdout.write(`wrote ${opts.out} (${message.subject})\n`);
          return;
        }
        const topics = sub ? formatTopicList(sub.topics) : [];
        process.stdout.write([`To: ${who.email}`, `Subject: ${message.subject}`,
          ...Object.entries(message.headers).map(([k, v]) => `${k}: ${v}`),
          `X-Preview: ${frequency}, ${period.key}${topics.length ? `, topics ${topics.join(' ')}` : ''}`, '', message.text].join('\n'));
      });
    });

  digest
    .command('run')
    .description('enqueue, render and send the digests due now (or for the period holding --date); safe to re-run')
    .option('--db <file>', 'SQLite database file or postgres:// URL (env PAPERBOY_DB)')
    .option('--date <YYYY-MM-DD>', 'send the day / ISO week holding this date instead of what is due now')
    .option('--frequency <daily|weekly>', 'only this frequency')
    .option('--dry-run', 'print what would be enqueued; change and send nothing')
    .option('--concurrency <n>', 'messages in flight at once (default 2)')
    .action(async (opts: CommonOptions & { date?: string; frequency?: string; dryRun?: boolean; concurrency?: string }) => {
      const config = loadConfig({ db: opts.db });
      warnLocalLinks(config);
      const date = parseDate(opts.date);
      if (opts.frequency !== undefined && !isFrequency(opts.frequency)) throw new ConfigError('--frequency must be daily or weekly');
      const concurrency = parsePositive(opts.concurrency, '--concurrency', 2);
      if (!opts.dryRun && !config.smtpUrl) {
        throw new ConfigError('SMTP_URL is not set: set it to your mail server (smtp://user:pass@host:587), or use --dry-run');
      }
      let periods: DuePeriod[] = date ? periodsForDate(date) : duePeriods(new Date(), config.timezone, 'always');
      if (opts.frequency) periods = periods.filter((p) => p.frequency === opts.frequency);
      const mailer = config.smtpUrl ? createSmtpMailer(config.smtpUrl, config.mailFrom, { maxConnections: concurrency }) : createLogMailer();
      try {
        await withStore(config, async (store, subs, backend) => {
          const log = (line: string) => process.stderr.write(`${line}\n`);
          const personal = { votes: backend.votes, readingLists: backend.readingLists, organizations: backend.organizations };
          const r = await runDigest({ store, subs, mailer, config, log, personal }, periods, { dryRun: opts.dryRun, concurrency });
          if (!date) process.stdout.write(`due on ${localDay(new Date(), config.timezone)} (${config.timezone}):\n`);
          for (const p of r.planned) {
            process.stdout.write(`${p.frequency} ${p.period}: ${p.papers ? `${p.papers} papers, ${p.enqueued} digest${p.enqueued === 1 ? '' : 's'} ${opts.dryRun ? 'would be ' : ''}enqueued` : 'no papers, nothing to send'}\n`);
          }
          if (opts.dryRun) {
            process.stdout.write('dry run: nothing changed, nothing sent\n');
            return;
          }
          const d = r.delivery!;
          process.stdout.write(`rendered ${r.rendered}, skipped ${r.skipped} (no matching paper); sent ${d.sent}, retry later ${d.retried}, failed ${d.failed}, paused ${d.paused}` +
            `${d.released ? `, released ${d.released} claims of a dead process` : ''}\n`);
          if (d.stoppedBy) {
            process.stderr.write(`paperboy: ${d.stoppedBy}. The rest stays in the outbox; check SMTP_URL and run again (or let serve retry).\n`);
            process.exitCode = 2;
          }
        });
      } finally {
        mailer.close();
      }
    });

  digest
    .command('status')
    .description('sent / pending / failed digests per period, and subscribers per state')
    .option('--db <file>', 'SQLite database file or postgres:// URL (env PAPERBOY_DB)')
    .option('--limit <n>', 'periods to show (default 14)')
    .option('--period <key>', 'list every row of one period (YYYY-MM-DD or YYYY-Www)')
    .action(async (opts: CommonOptions & { limit?: string; period?: string }) => {
      const config = loadConfig({ db: opts.db });
      const limit = parsePositive(opts.limit, '--limit', 14);
      await withStore(config, async (_store, subs) => {
        const counts = await subs.countSubscriptions();
        process.stdout.write(`subscribers: ${counts.active} active, ${counts.pending} awaiting confirmation, ${counts.paused} paused, ${counts.unsubscribed} unsubscribed\n`);
        if (opts.period) {
          for (const r of await subs.listOutbox(opts.period)) {
            process.stdout.write(`${r.status.padEnd(8)} ${String(r.attempts).padStart(2)} attempt(s)  ${r.email}${r.lastError ? `  (${r.lastError})` : ''}\n`);
          }
          return;
        }
        const rows = await subs.statusByPeriod(limit);
        if (rows.length === 0) {
          process.stdout.write('no digests yet (run: paperboy digest run --dry-run)\n');
          return;
        }
        const head = ['period', 'sent', 'pending', 'retrying', 'failed', 'skipped', 'last sent'];
        const table = [head, ...rows.map((r) => [r.periodKey, r.sent, r.pending, r.retrying, r.failed, r.skipped, r.lastSentAt ?? '-'].map(String))];
        const widths = head.map((_, i) => Math.max(...table.map((row) => row[i].length)));
        for (const row of table) process.stdout.write(row.map((c, i) => (i === 0 || i === 6 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ') + '\n');
      });
    });
}
