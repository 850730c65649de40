/**
 * Reliability: writes never fail on a lock. A real `serve` takes upvotes
 * through its JSON API (20 a second, each a new upvote of one of 20 users
 * with API tokens) while another process runs a bulk import asking for
 * `--batch-size 100000`: every upvote answers 200 (0 lock errors, 0 5xx),
 * the import finishes with every paper, and neither says "locked".
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SqliteBackend } from '../../src/store/sqlite/sqlite-backend.js';
import { AccountService } from '../../src/accounts/account-service.js';
import { tempDbPath } from '../helpers/temp-db.js';
import { spawnCli, startServe, type ServeProcess } from '../helpers/cli-process.js';
import { wordPapers, wordSnapshotLines } from '../helpers/word-papers.js';

const USERS = 20;
/** Upvote requests per second, as the bar asks. */
const RATE = 20;
/** At most this many upvote requests (the per-user limit is 60 a minute: 20 users × 20 stay far below it). */
const MAX_WRITES = 400;

test('import with --batch-size 100000 beside 20 upvotes a second: 0 lock errors, 0 5xx, nothing lost', async (t) => {
  const { file, cleanup } = tempDbPath();
  let server: ServeProcess | null = null;
  try {
    const seed = new SqliteBackend(file);
    const papers = wordPapers(50, 1);
    await seed.store.upsertRecords(papers);
    const accounts = new AccountService({ accounts: seed.accounts, send: () => {}, publicUrl: 'http://localhost', now: () => new Date(), scrypt: { logN: 4, r: 1, p: 1 } });
    const tokens: string[] = [];
    for (let i = 0; i < USERS; i++) {
      const u = await accounts.createUserDirectly({ username: `voter${i}`, email: `voter${i}@example.org`, password: 'a long enough password', role: 'user' });
      assert.ok(u.ok, JSON.stringify(u));
      const t = await accounts.createApiToken(u.user, 'reliability');
      assert.ok(t.ok);
      tokens.push(t.token);
    }
    await seed.close();
    server = await startServe(file);

    const jsonl = join(dirname(file), 'bulk.jsonl');
    writeFileSync(jsonl, wordSnapshotLines(30_000, 2, { first: 50 }).join('\n') + '\n');
    const importer = spawnCli(['import', jsonl, '--db', file, '--batch-size', '100000']);
    let importing = true;
    void importer.done.then(() => { importing = false; });
    const statuses = new Map<number, number>();
    const bodies: string[] = [];
    const pending: Promise<void>[] = [];
    let sent = 0;
    while ((importing || sent < RATE) && sent < MAX_WRITES) {
      const i = sent++;
      const user = i % USERS;
      const paper = papers[Math.floor(i / USERS) % papers.length].paper.id;
      // Every request is a new (user, paper) pair (MAX_WRITES < USERS × papers): each one writes.
      pending.push(fetch(`${server.url}/api/papers/${paper}/upvote`, { method: 'POST', headers: { authorization: `Bearer ${tokens[user]}` } })
        .then(async (r) => {
          statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
          if (r.status !== 200) bodies.push(await r.text());
        }));
      await new Promise((r) => setTimeout(r, 1_000 / RATE));
    }
    await Promise.all(pending);
    const imported = await importer.done;
    assert.equal(imported.code, 0, imported.out);
    assert.match(imported.out, /added\s+30,?000/);
    assert.doesNotMatch(imported.out, /locked|busy/i);
    assert.deepEqual([...statuses.keys()], [200], `every upvote answered 200: ${JSON.stringify([...statuses])} ${bodies.slice(0, 3).join(' | ')}`);
    t.diagnostic(`${sent} upvotes while the import ran: ${JSON.stringify([...statuses])}`);
    assert.ok(sent >= RATE, `upvotes were sent while the import ran (${sent})`);
    assert.doesNotMatch(server.output(), /locked|SQLITE_BUSY/i);
  } finally {
    await server?.kill9();
    cleanup();
  }
});
