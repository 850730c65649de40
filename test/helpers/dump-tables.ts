/** Test helper: every table a whole-database copy carries, row by row in key order, as the transfer role reads it. */
import { openTransfer } from '../../src/store/open-transfer.js';
import { TRANSFER_TABLES } from '../../src/store/transfer.js';

export async function dumpAll(db: string): Promise<Record<string, unknown[][]>> {
  const t = await openTransfer(db);
  try {
    const out: Record<string, unknown[][]> = {};
    for (const table of TRANSFER_TABLES) out[table.name] = await t.endpoint.readBatch(table, null, 1_000_000);
    return out;
  } finally {
    await t.close();
  }
}
