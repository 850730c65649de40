/**
 * The digest outbox with three sender processes at once on one PostgreSQL
 * database (claims with FOR UPDATE SKIP LOCKED), one killed with SIGKILL
 * mid-batch: every subscriber of 1,000 gets exactly one digest
 * (three-senders.ts; the SQLite run is outbox-three-senders.test.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freshDatabase, requirePostgres } from '../helpers/postgres-server.js';
import { threeSendersOneKilled } from './three-senders.js';

if (requirePostgres()) {
  test('3 digest senders on PostgreSQL, one killed mid-batch: 1,000 subscribers, one digest each', { timeout: 300_000 }, async () => {
    const r = await threeSendersOneKilled(await freshDatabase('digest'));
    assert.ok(r.heldByVictim >= 1, 'the killed sender held claimed rows when it died (killed mid-batch)');
    console.log(`# PostgreSQL: ${r.accepted} messages accepted for 1,000 subscribers (${r.duplicates} re-sent under the same Message-ID)`);
  });
}
