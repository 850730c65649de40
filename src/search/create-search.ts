/**
 * Picks the LexicalSearch implementation for a store: SQLite FTS5
 * (`PAPERBOY_SEARCH=fts5`), or paperboy's block-max index
 * (`PAPERBOY_SEARCH=engine`, see docs/SEARCH-ENGINE.md). The routes never
 * know which. Non-goals: configuration of ranking (see each engine's
 * why-commented constants).
 */
import type { SearchEngineName } from '../config.js';
import type { Store } from '../store/store.js';
import type { LexicalSearch, SearchHit, SearchRequest, SearchResult } from './lexical.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { SqliteLexicalSearch } from '../store/sqlite/sqlite-search.js';
import { IndexedLexicalSearch } from './indexed-search.js';
import { parseQuery } from './query-parser.js';

export interface ClosableSearch extends LexicalSearch {
  /** Releases files the engine holds (the block-max index); a no-op for FTS5. */
  close?(): void;
}

/**
 * The block-max engine for word queries; a request with filters and no words
 * ("category:cs.CL", browse by organization) is a plain SQL listing, which
 * the FTS5 implementation already does newest-first.
 */
export class EngineSearch implements ClosableSearch {
  constructor(
    readonly engine: IndexedLexicalSearch,
    private readonly browse: SqliteLexicalSearch,
  ) {}

  async search(req: SearchRequest): Promise<SearchResult> {
    const q = parseQuery(req.text, { prefixLast: req.prefixLast ?? true });
    const hasWords = q.include.length > 0 || q.authors.length > 0;
    return hasWords ? this.engine.search(req) : this.browse.search(req);
  }

  async similar(paperId: string, limit: number): Promise<SearchHit[]> {
    return this.engine.similar(paperId, limit);
  }

  close(): void {
    this.engine.close();
  }
}

export async function createLexicalSearch(store: Store, engine: SearchEngineName = 'engine'): Promise<ClosableSearch> {
  if (!(store instanceof SqliteStore)) {
    throw new Error(`no lexical search for store kind ${store.kind}: use a SQLite database (--db file.db / PAPERBOY_DB)`);
  }
  const fts = new SqliteLexicalSearch(store);
  if (store.location === ':memory:' || engine === 'fts5') return fts;
  return new EngineSearch(IndexedLexicalSearch.open(store.db, store.location), fts);
}
