/**
 * The search-layer conformance suite on the SQLite backend, once per engine:
 * paperboy's block-max index (in a folder beside the database, following the
 * change feed) and SQLite FTS5.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tempDbPath } from '../helpers/temp-db.js';
import { openTestBackend } from '../helpers/test-app.js';
import { describeLexicalSearch, hidePaper } from '../conformance/lexical-search.js';
import type { SearchEngineName } from '../../src/config.js';

for (const engine of ['engine', 'fts5'] as SearchEngineName[]) {
  describeLexicalSearch(`sqlite + ${engine}`, async (records) => {
    const { file, cleanup } = tempDbPath();
    const t = await openTestBackend(file, { records, engine });
    return {
      store: t.store,
      search: t.search.service,
      hide: (paperId: string, on: boolean) => hidePaper(t.backend, paperId, on),
      async close() {
        await t.close();
        cleanup();
      },
    };
  });
}

test('similar papers are the same papers, in the same order, on both engines', async () => {
  const { RECORDS } = await import('../conformance/lexical-search.js');
  const opened = await Promise.all((['engine', 'fts5'] as SearchEngineName[]).map(async (engine) => {
    const { file, cleanup } = tempDbPath();
    return { t: await openTestBackend(file, { records: RECORDS, engine }), cleanup };
  }));
  try {
    let nonEmpty = 0;
    for (const r of RECORDS) {
      const [a, b] = await Promise.all(opened.map(({ t }) => t.search.service.similar(r.paper.id, 5)));
      assert.deepEqual(b.map((d) => d.paper.id), a.map((d) => d.paper.id), r.paper.id);
      if (a.length) nonEmpty++;
    }
    assert.ok(nonEmpty >= RECORDS.length / 2, `${nonEmpty} papers have similar papers`);
  } finally {
    for (const { t, cleanup } of opened) {
      await t.close();
      cleanup();
    }
  }
});
