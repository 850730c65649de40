/** Placeholder: FTS5-backed LexicalSearch over the SQLite store. */
import type { LexicalSearch, SearchHit, SearchRequest, SearchResult } from '../../search/lexical.js';
import type { SqliteStore } from './sqlite-store.js';

export class SqliteLexicalSearch implements LexicalSearch {
  constructor(private readonly store: SqliteStore) {}

  async search(req: SearchRequest): Promise<SearchResult> {
    void req;
    void this.store;
    return { hits: [], total: 0, highlightTerms: [] };
  }

  async similar(paperId: string, limit: number): Promise<SearchHit[]> {
    void paperId;
    void limit;
    return [];
  }
}
