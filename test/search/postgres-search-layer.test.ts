/**
 * The search-layer conformance suite on the PostgreSQL backend (a throwaway
 * server, test/helpers/postgres-server.ts), once per engine: paperboy's
 * block-max index following PostgreSQL's change feed, and PostgreSQL's own
 * full-text search over the stored, weighted tsvector (PAPERBOY_SEARCH=fts5).
 */
import { tempDir } from '../helpers/temp-db.js';
import { openTestBackend } from '../helpers/test-app.js';
import { describeLexicalSearch, hidePaper } from '../conformance/lexical-search.js';
import { freshDatabase, requirePostgres } from '../helpers/postgres-server.js';
import type { SearchEngineName } from '../../src/config.js';

if (requirePostgres()) {
  for (const engine of ['engine', 'fts5'] as SearchEngineName[]) {
    describeLexicalSearch(`postgres + ${engine}`, async (records) => {
      const { dir, cleanup } = tempDir();
      const t = await openTestBackend(await freshDatabase(), { records, engine, indexDir: dir });
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
}
