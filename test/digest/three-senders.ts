/**
 * Test helper: the digest outbox's exactly-once promise with several real
 * senders at once, on any backend. Three `paperboy digest run` processes
 * deliver one day's digest to 1,000 subscribers through a local SMTP server
 * that answers each message after a short delay (so all three are mid-batch
 * together); one of them is killed with SIGKILL while it holds claimed rows.
 * The two others finish the day, the dead one's claims included.
 *
 * What "exactly one" means here is what receivers see: one Message-ID per
 * subscriber. A message the server accepted in the instant before the kill,
 * whose acceptance the dead process could not record, is sent again under
 * the same Message-ID (docs/DIGESTS.md): at most one per connection of the
 * killed process, and counted.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { dirname } from 'node:path';
import { openBackend } from '../../src/store/open-backend.js';
import { FIXTURES_DIR } from '../helpers/fixture-server.js';
import { startSmtpSink, addressesOf } from './smtp-sink.js';
import { addSubscriber, seedDigestCorpus, DAY } from './digest-fixtures.js';

const ROOT = dirname(dirname(FIXTURES_DIR));

export const SUBSCRIBERS = 1_000;
/** Messages in flight per sender (its SMTP connections). */
const CONCURRENCY = 2;

function digestRun(db: string, env: Record<string, string>) {
  const child = spawn(process.execPath, ['dist/src/cli/main.js', 'digest', 'run', '--date', DAY, '--frequency', 'daily',
    '--concurrency', String(CONCURRENCY), '--db', db], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '', stderr = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((ok) =>
    child.on('exit', (code, signal) => ok({ code, signal, stdout, stderr })));
  return { child, exited };
}

export interface ThreeSendersResult {
  /** Messages the SMTP server accepted, duplicates included. */
  accepted: number;
  /** Accepted copies of a message already accepted (same Message-ID). */
  duplicates: number;
  /** Rows the killed process held in 'sending' when it died. */
  heldByVictim: number;
}

export async function threeSendersOneKilled(db: string): Promise<ThreeSendersResult> {
  const sink = await startSmtpSink();
  try {
    const backend = await openBackend(db);
    try {
      await seedDigestCorpus(backend.store);
      for (let i = 0; i < SUBSCRIBERS; i++) await addSubscriber(backend.subscriptions, `reader${i}@example.org`);
    } finally {
      await backend.close();
    }
    // A slow server: each sender has its two messages in flight most of the time, so a kill lands mid-batch.
    sink.acceptDelayMs = 5;
    const env = { SMTP_URL: sink.url, PUBLIC_URL: 'https://papers.example.org', PAPERBOY_SECRET: 's3cret', MAIL_FROM: 'paperboy <d@example.org>' };
    const senders = [digestRun(db, env), digestRun(db, env), digestRun(db, env)];
    const victim = senders[0];
    await sink.waitUntil(() => sink.messages.length >= SUBSCRIBERS * 0.3, 180_000);
    const watch = await openBackend(db);
    let heldByVictim = 0;
    try {
      const victimClaims = async () => (await watch.subscriptions.listClaimOwners()).filter((o) => o.split(':')[1] === String(victim.child.pid)).length;
      // Kill it while it holds claimed rows (a slow machine may still have it rendering when the others are
      // sending). The server holds every answer meanwhile, so the rows seen claimed are still claimed at
      // the kill: with 5 ms answers a loaded machine could let the victim finish them between the look and
      // the kill (a flake seen once).
      sink.acceptDelayMs = 3_000;
      const deadline = Date.now() + 120_000;
      while ((await victimClaims()) === 0 && victim.child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      victim.child.kill('SIGKILL');
      const killed = await victim.exited;
      assert.equal(killed.signal, 'SIGKILL', `the first sender ended before the kill: ${killed.stdout}${killed.stderr}`);
      heldByVictim = await victimClaims();
      sink.acceptDelayMs = 5;
    } finally {
      await watch.close();
    }

    for (const s of senders.slice(1)) {
      const r = await s.exited;
      assert.equal(r.code, 0, `a surviving sender failed: ${r.stderr}`);
    }

    const ids = new Map<string, Set<string>>();
    for (const m of sink.messages) {
      for (const to of addressesOf(m)) {
        if (!ids.has(to)) ids.set(to, new Set());
        ids.get(to)!.add(m.messageId ?? '');
      }
    }
    for (let i = 0; i < SUBSCRIBERS; i++) {
      const got = ids.get(`reader${i}@example.org`);
      assert.equal(got?.size ?? 0, 1, `reader${i} gets exactly one digest (distinct Message-IDs: ${[...got ?? []].join(', ')})`);
    }
    const duplicates = sink.messages.length - SUBSCRIBERS;
    assert.ok(duplicates <= CONCURRENCY, `at most one resent message per connection of the killed sender, got ${duplicates}`);

    const after = await openBackend(db);
    try {
      const rows = await after.subscriptions.listOutbox(DAY);
      assert.equal(rows.length, SUBSCRIBERS);
      assert.deepEqual([...new Set(rows.map((r) => r.status))], ['sent'], 'every row is marked sent');
    } finally {
      await after.close();
    }
    return { accepted: sink.messages.length, duplicates, heldByVictim };
  } finally {
    await sink.close();
  }
}
