/**
 * The real CLI as a child process: `digest run` killed with SIGKILL in the
 * middle of a batch (the SMTP server stalls after K messages so the kill lands
 * at a known point), then run again: every subscriber has exactly one digest.
 * Also `digest status` and `digest preview --out`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { simpleParser } from 'mailparser';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { SqliteSubscriptionStore } from '../../src/store/sqlite/sqlite-subscription-store.js';
import { FIXTURES_DIR } from '../helpers/fixture-server.js';
import { tempDbPath } from '../helpers/temp-db.js';
import { startSmtpSink } from './smtp-sink.js';
import { addSubscriber, seedDigestCorpus, DAY } from './digest-fixtures.js';

/** The repository root (the built CLI, dist/src/cli/main.js, runs from there). */
const ROOT = dirname(dirname(FIXTURES_DIR));

function cli(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ['dist/src/cli/main.js', ...args], {
    cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '', stderr = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((ok) =>
    child.on('exit', (code, signal) => ok({ code, signal, stdout, stderr })));
  return { child, exited };
}

test('digest run killed mid-batch (SIGKILL) and re-run: exactly one digest per subscriber', { timeout: 90_000 }, async () => {
  const { file, cleanup } = tempDbPath();
  const sink = await startSmtpSink();
  const SUBSCRIBERS = 10, K = 4;
  try {
    const store = new SqliteStore(file);
    await seedDigestCorpus(store);
    const subs = new SqliteSubscriptionStore(store.db);
    for (let i = 0; i < SUBSCRIBERS; i++) await addSubscriber(subs, `reader${i}@example.org`);
    await addSubscriber(subs, 'unconfirmed@example.org', 'daily', 'pending');
    await store.close();

    const env = { SMTP_URL: sink.url, PUBLIC_URL: 'https://papers.example.org', PAPERBOY_SECRET: 's3cret', MAIL_FROM: 'paperboy <d@example.org>' };
    const args = ['digest', 'run', '--date', DAY, '--frequency', 'daily', '--db', file];
    sink.stallAfter = K;
    const first = cli(args, env);
    await sink.waitUntil(() => sink.messages.length === K && sink.stalled >= 1, 60_000);
    // Kill only once the child has recorded every accepted message (the 250 may still be on its way to it).
    const watcher = new SqliteStore(file, { readonly: true });
    const sentRows = () => (watcher.db.prepare("SELECT COUNT(*) AS n FROM digest_outbox WHERE status = 'sent'").get() as { n: number }).n;
    await sink.waitUntil(() => sentRows() === K, 30_000);
    await watcher.close();
    first.child.kill('SIGKILL');
    const killed = await first.exited;
    assert.equal(killed.signal, 'SIGKILL');

    const mid = new SqliteStore(file);
    const rows = await new SqliteSubscriptionStore(mid.db).listOutbox(DAY);
    await mid.close();
    const byStatus = (s: string) => rows.filter((r) => r.status === s).length;
    assert.equal(rows.length, SUBSCRIBERS, 'one row per confirmed subscriber');
    assert.equal(byStatus('sent'), K, 'rows marked sent = messages the server accepted');
    assert.ok(byStatus('sending') >= 1, 'the stalled messages are still claimed by the dead process');

    sink.stallAfter = null;
    const second = await cli(args, env).exited;
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /released \d+ claims of a dead process/);
    for (let i = 0; i < SUBSCRIBERS; i++) {
      assert.equal(sink.to(`reader${i}@example.org`).length, 1, `reader${i} gets exactly one digest`);
    }
    assert.equal(sink.to('unconfirmed@example.org').length, 0);
    assert.equal(sink.messages.length, SUBSCRIBERS);

    const third = await cli(args, env).exited;
    assert.equal(third.code, 0, third.stderr);
    assert.equal(sink.messages.length, SUBSCRIBERS, 'a third run sends nothing');

    const status = await cli(['digest', 'status', '--db', file], env).exited;
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /subscribers: 10 active, 1 awaiting confirmation/);
    assert.match(status.stdout, new RegExp(`^${DAY}\\s+10\\s+0\\s+0\\s+0\\s+0\\s`, 'm'));

    const out = join(file, '..', 'preview.eml');
    const preview = await cli(['digest', 'preview', '--date', DAY, '--email', 'reader1@example.org', '--out', out, '--db', file], env).exited;
    assert.equal(preview.code, 0, preview.stderr);
    const eml = await simpleParser(readFileSync(out));
    assert.match(String(eml.headerLines.find((h) => h.key === 'list-unsubscribe')?.line), /<https:\/\/papers\.example\.org\/unsubscribe\?token=u\./);
    assert.match(eml.subject ?? '', /^Trending papers, Monday 2 June 2025: Breaking/);
    assert.match(eml.text ?? '', /^1\. Breaking/m);
    assert.equal(sink.messages.length, SUBSCRIBERS, 'preview sends nothing');

    const badDate = await cli(['digest', 'run', '--date', '2025-02-30', '--db', file], env).exited;
    assert.equal(badDate.code, 1);
    assert.match(badDate.stderr, /--date must be a calendar day YYYY-MM-DD/);
  } finally {
    await sink.close();
    cleanup();
  }
});
