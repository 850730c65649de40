/**
 * The search-layer conformance suite on the SQLite backend, once per engine:
 * paperboy's block-max index (in a folder beside the database, following the
 * change feed) and SQLite FTS5.
 */
import { tempDbPath } from '../helpers/temp-db.js';
import { openTestBackend } from '../helpers/test-app.js';
import { describeLexicalSearch } from '../conformance/lexical-search.js';
import type { SearchEngineName } from '../../src/config.js';

for (const engine of ['engine', 'fts5'] as SearchEngineName[]) {
  describeLexicalSearch(`sqlite + ${engine}`, async (records) => {
    const { file, cleanup } = tempDbPath();
    const t = await openTestBackend(file, { records, engine });
    return {
      store: t.store,
      search: t.search.service,
      async close() {
        await t.close();
        cleanup();
      },
    };
  });
}
