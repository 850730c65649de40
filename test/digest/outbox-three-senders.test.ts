/**
 * The digest outbox with three sender processes at once on one SQLite file,
 * one killed with SIGKILL mid-batch: every subscriber of 1,000 gets exactly
 * one digest (three-senders.ts; the PostgreSQL run is in
 * outbox-three-senders-postgres.test.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tempDbPath } from '../helpers/temp-db.js';
import { threeSendersOneKilled } from './three-senders.js';

test('3 digest senders on SQLite, one killed mid-batch: 1,000 subscribers, one digest each', { timeout: 300_000 }, async () => {
  const { file, cleanup } = tempDbPath();
  try {
    const r = await threeSendersOneKilled(file);
    assert.ok(r.heldByVictim >= 1, 'the killed sender held claimed rows when it died (killed mid-batch)');
    console.log(`# SQLite: ${r.accepted} messages accepted for 1,000 subscribers (${r.duplicates} re-sent under the same Message-ID)`);
  } finally {
    cleanup();
  }
});
