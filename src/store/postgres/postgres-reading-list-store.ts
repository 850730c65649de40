/**
 * The ReadingListStore on PostgreSQL. Every statement that changes a list
 * matches its owner too. A unique slug is found by trying "slug",
 * "slug-2", "slug-3"… inside the insert's transaction, which holds an
 * advisory lock on the owner (two tabs creating "Reading" at once get
 * "reading" and "reading-2", not a constraint error); adding a paper locks
 * the list row, so the size cap holds across processes.
 */
import type pg from 'pg';
import type { ReadingList, ReadingListStore } from '../reading-list-store.js';
import { Params } from './postgres-filters.js';
import { withTransaction } from './postgres-pool.js';
import { decodeText, encodeText } from './postgres-rows.js';

interface ListRow {
  id: number;
  owner_id: number;
  owner: string;
  name: string;
  slug: string;
  public: number;
  created_at: string;
  updated_at: string;
  size: number;
}

const SELECT = `SELECT l.id, l.owner_id, u.username AS owner, l.name, l.slug, l.public, l.created_at, l.updated_at,
  (SELECT COUNT(*) FROM reading_list_items i WHERE i.list_id = l.id) AS size
  FROM reading_lists l JOIN users u ON u.id = l.owner_id`;

/** Advisory lock class of per-owner list creation (an arbitrary constant: "pbrl"); the owner's id is the second key. */
const LIST_CREATE_LOCK = 0x7062726c;

function rowToList(r: ListRow): ReadingList {
  return { id: r.id, ownerId: r.owner_id, owner: decodeText(r.owner), name: decodeText(r.name), slug: r.slug, public: r.public === 1, createdAt: r.created_at, updatedAt: r.updated_at, size: r.size };
}

export class PostgresReadingListStore implements ReadingListStore {
  constructor(private readonly pool: pg.Pool) {}

  private async one(q: pg.Pool | pg.PoolClient, id: number): Promise<ReadingList | null> {
    const r = (await q.query<ListRow>(`${SELECT} WHERE l.id = $1`, [id])).rows[0];
    return r ? rowToList(r) : null;
  }

  async createList(l: { ownerId: number; name: string; slug: string; public: boolean; now: Date }): Promise<ReadingList> {
    return withTransaction(this.pool, async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1, $2)', [LIST_CREATE_LOCK, l.ownerId]);
      let slug = l.slug;
      for (let n = 2; (await c.query('SELECT 1 FROM reading_lists WHERE owner_id = $1 AND slug = $2', [l.ownerId, slug])).rowCount; n++) {
        slug = `${l.slug}-${n}`;
      }
      const at = l.now.toISOString();
      const id = (await c.query<{ id: number }>(`INSERT INTO reading_lists (owner_id, name, slug, public, created_at, updated_at)
        VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`, [l.ownerId, encodeText(l.name), slug, l.public ? 1 : 0, at])).rows[0].id;
      return (await this.one(c, id))!;
    });
  }

  async getList(ownerId: number, slug: string): Promise<ReadingList | null> {
    const r = (await this.pool.query<ListRow>(`${SELECT} WHERE l.owner_id = $1 AND l.slug = $2`, [ownerId, slug])).rows[0];
    return r ? rowToList(r) : null;
  }

  async listsOf(ownerId: number, includePrivate: boolean): Promise<ReadingList[]> {
    const rows = (await this.pool.query<ListRow>(`${SELECT} WHERE l.owner_id = $1 AND (l.public = 1 OR $2)
      ORDER BY lower(l.name), l.id`, [ownerId, includePrivate])).rows;
    return rows.map(rowToList);
  }

  async updateList(ownerId: number, listId: number, patch: { name?: string; public?: boolean }, now: Date): Promise<ReadingList | null> {
    const p = new Params();
    const sets: string[] = [`updated_at = ${p.add(now.toISOString())}`];
    if (patch.name !== undefined) sets.push(`name = ${p.add(encodeText(patch.name))}`);
    if (patch.public !== undefined) sets.push(`public = ${p.add(patch.public ? 1 : 0)}`);
    const r = await this.pool.query(`UPDATE reading_lists SET ${sets.join(', ')} WHERE id = ${p.add(listId)} AND owner_id = ${p.add(ownerId)}`, p.values);
    return r.rowCount ? this.one(this.pool, listId) : null;
  }

  async deleteList(ownerId: number, listId: number): Promise<boolean> {
    return ((await this.pool.query('DELETE FROM reading_lists WHERE id = $1 AND owner_id = $2', [listId, ownerId])).rowCount ?? 0) > 0;
  }

  async addPaper(ownerId: number, listId: number, paperId: string, now: Date, maxItems: number): Promise<'added' | 'present' | 'no_paper' | 'no_list' | 'full'> {
    return withTransaction(this.pool, async (c) => {
      if ((await c.query('SELECT 1 FROM reading_lists WHERE id = $1 AND owner_id = $2 FOR UPDATE', [listId, ownerId])).rowCount === 0) return 'no_list' as const;
      if ((await c.query('SELECT 1 FROM papers WHERE id = $1', [paperId])).rowCount === 0) return 'no_paper' as const;
      const n = (await c.query<{ n: number }>('SELECT COUNT(*) AS n FROM reading_list_items WHERE list_id = $1', [listId])).rows[0].n;
      if (n >= maxItems) {
        const present = await c.query('SELECT 1 FROM reading_list_items WHERE list_id = $1 AND paper_id = $2', [listId, paperId]);
        return present.rowCount ? 'present' as const : 'full' as const;
      }
      const at = now.toISOString();
      const added = ((await c.query('INSERT INTO reading_list_items (list_id, paper_id, added_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
        [listId, paperId, at])).rowCount ?? 0) > 0;
      if (added) await c.query('UPDATE reading_lists SET updated_at = $1 WHERE id = $2', [at, listId]);
      return added ? 'added' as const : 'present' as const;
    });
  }

  async removePaper(ownerId: number, listId: number, paperId: string, now: Date): Promise<boolean> {
    return withTransaction(this.pool, async (c) => {
      if ((await c.query('SELECT 1 FROM reading_lists WHERE id = $1 AND owner_id = $2 FOR UPDATE', [listId, ownerId])).rowCount === 0) return false;
      const removed = ((await c.query('DELETE FROM reading_list_items WHERE list_id = $1 AND paper_id = $2', [listId, paperId])).rowCount ?? 0) > 0;
      if (removed) await c.query('UPDATE reading_lists SET updated_at = $1 WHERE id = $2', [now.toISOString(), listId]);
      return removed;
    });
  }

  async items(listId: number, limit: number, offset: number): Promise<{ paperIds: string[]; total: number }> {
    const rows = (await this.pool.query<{ paper_id: string }>(`SELECT paper_id FROM reading_list_items WHERE list_id = $1
      ORDER BY added_at DESC, paper_id LIMIT $2 OFFSET $3`, [listId, limit, offset])).rows;
    const total = (await this.pool.query<{ n: number }>('SELECT COUNT(*) AS n FROM reading_list_items WHERE list_id = $1', [listId])).rows[0].n;
    return { paperIds: rows.map((r) => r.paper_id), total };
  }

  async listsWithPaper(ownerId: number, paperId: string): Promise<number[]> {
    const rows = (await this.pool.query<{ id: number }>(`SELECT l.id FROM reading_lists l JOIN reading_list_items i ON i.list_id = l.id
      WHERE l.owner_id = $1 AND i.paper_id = $2 ORDER BY l.id`, [ownerId, paperId])).rows;
    return rows.map((r) => r.id);
  }
}
