/**
 * Test helper run as a child process (`node index-churn.js DB`): owns the
 * database's lexical index and keeps it churning — catch-up in small steps,
 * a flush after each, tiered merges of every 3 segments — so a kill -9 at a
 * random moment lands in the middle of a catch-up, a segment write or a
 * merge (test/reliability/kill-rounds.test.ts). Prints "OWNER" once it
 * holds the index.
 */
import { SqliteBackend } from '../../src/store/sqlite/sqlite-backend.js';
import { BlockMaxEngine } from '../../src/search/block-max-engine.js';

const backend = new SqliteBackend(process.argv[2]);
const engine = await BlockMaxEngine.openOwner({ changes: backend.changes, upvotes: async () => new Map() }, backend.indexDir!, { log: () => {} });
if (!engine) throw new Error('index-churn: another process owns the index');
process.stdout.write('OWNER\n');
for (;;) {
  await engine.catchUp(150);
  engine.index.flush();
  while (engine.index.merge({ factor: 3 })) { /* merge while one is due */ }
  await new Promise((r) => setTimeout(r, 5));
}
