/**
 * openTransfer(url): a database opened for `paperboy migrate-db` — its
 * Backend (so migrations run as for any command) and the backend's transfer
 * role over the same connection.
 *
 * Non-goals: the copy itself (copy-database.ts).
 */
import type { Backend } from './backend.js';
import { openBackend } from './open-backend.js';
import type { TransferEndpoint } from './transfer.js';
import { SqliteBackend } from './sqlite/sqlite-backend.js';
import { SqliteTransfer } from './sqlite/sqlite-transfer.js';
import { PostgresBackend } from './postgres/postgres-backend.js';
import { PostgresTransfer } from './postgres/postgres-transfer.js';

export interface OpenedTransfer {
  backend: Backend;
  endpoint: TransferEndpoint;
  close(): Promise<void>;
}

export async function openTransfer(db: string): Promise<OpenedTransfer> {
  const backend = await openBackend(db);
  let endpoint: TransferEndpoint;
  if (backend instanceof SqliteBackend) {
    endpoint = new SqliteTransfer(backend.store.db, backend.location);
  } else if (backend instanceof PostgresBackend) {
    endpoint = new PostgresTransfer(backend.pool, backend.location);
  } else {
    await backend.close();
    throw new Error(`migrate-db cannot copy ${backend.kind} databases yet`);
  }
  return {
    backend,
    endpoint,
    async close() {
      await endpoint.close();
      await backend.close();
    },
  };
}
