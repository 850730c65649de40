/**
 * Test helper: a Backend over a real SQLite file, the search layer over it
 * and an app (no port), wired as `paperboy serve` wires them. The engine is
 * PAPERBOY_SEARCH when set (`PAPERBOY_SEARCH=fts5 npm test` runs the site's
 * tests on FTS5), else the default block-max engine.
 */
import type { FastifyInstance } from 'fastify';
import { backendDeps, createApp, type AppDeps } from '../../src/web/app.js';
import { loadConfig, type ConfigFlags, type SearchEngineName } from '../../src/config.js';
import { openBackend } from '../../src/store/open-backend.js';
import type { Backend } from '../../src/store/backend.js';
import type { Store } from '../../src/store/store.js';
import type { PaperRecord } from '../../src/domain/paper.js';
import { openSearch, type OpenedSearch } from '../../src/search/open-search.js';
import type { ScryptParams } from '../../src/accounts/passwords.js';

/**
 * The scrypt cost of password hashes in tests: the real function with N = 2^10 (1 MiB) instead of
 * 2^15 × p 3, so a test that signs up a dozen users takes milliseconds per hash, not half a second.
 */
export const TEST_SCRYPT: ScryptParams = { logN: 10, r: 8, p: 1 };

export const TEST_ENGINE: SearchEngineName = process.env.PAPERBOY_SEARCH === 'fts5' ? 'fts5' : 'engine';

export interface TestBackend {
  backend: Backend;
  store: Store;
  search: OpenedSearch;
  close(): Promise<void>;
}

/** A backend with the search layer of `engine` over `file` (a SQLite path or a postgres:// URL; records imported first). */
export async function openTestBackend(file: string, opts: { records?: PaperRecord[]; engine?: SearchEngineName; indexDir?: string } = {}): Promise<TestBackend> {
  const engine = opts.engine ?? TEST_ENGINE;
  const backend = await openBackend(file, { nativeLexical: engine === 'fts5', indexDir: opts.indexDir });
  if (opts.records?.length) await backend.store.upsertRecords(opts.records);
  const search = await openSearch(backend, engine);
  // Tests assert exact answers; a shared, loaded machine must not cut a query at the production budget.
  if (search.blockMax) search.blockMax.queryBudgetMs = 10_000;
  return {
    backend, store: backend.store, search,
    async close() {
      await search.close();
      await backend.close();
    },
  };
}

export interface TestApp extends TestBackend {
  app: FastifyInstance;
}

export async function openTestApp(file: string, opts: {
  records?: PaperRecord[];
  engine?: SearchEngineName;
  /** Where the indexes go (a PostgreSQL database has no file to put them beside). */
  indexDir?: string;
  config?: ConfigFlags;
  env?: NodeJS.ProcessEnv;
  now?: () => Date;
  /** The arXiv client's pacing for /submit (tests shorten arXiv's 3 s spacing). */
  arxivFetch?: AppDeps['arxivFetch'];
} = {}): Promise<TestApp> {
  const t = await openTestBackend(file, opts);
  const config = loadConfig({ db: file, port: 0, indexDir: opts.indexDir, ...opts.config }, opts.env ?? {});
  const app = await createApp({ ...backendDeps(t.backend), search: t.search.service, config, now: opts.now, scrypt: TEST_SCRYPT, arxivFetch: opts.arxivFetch });
  return {
    ...t, app,
    async close() {
      await app.close();
      await t.close();
    },
  };
}
