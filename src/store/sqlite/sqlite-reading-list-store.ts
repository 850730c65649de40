/**
 * The ReadingListStore on the SqliteStore's connection. Every statement
 * that changes a list matches its owner too; a unique slug is found by
 * trying "slug", "slug-2", "slug-3"… inside the insert's transaction.
 */
import type Database from 'better-sqlite3';
import type { ReadingList, ReadingListStore } from '../reading-list-store.js';

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

function rowToList(r: ListRow): ReadingList {
  return { id: r.id, ownerId: r.owner_id, owner: r.owner, name: r.name, slug: r.slug, public: r.public === 1, createdAt: r.created_at, updatedAt: r.updated_at, size: r.size };
}

export class SqliteReadingListStore implements ReadingListStore {
  private readonly s;

  constructor(private readonly db: Database.Database) {
    this.s = {
      slugTaken: db.prepare('SELECT 1 FROM reading_lists WHERE owner_id = ? AND slug = ?'),
      insert: db.prepare('INSERT INTO reading_lists (owner_id, name, slug, public, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)'),
      byId: db.prepare(`${SELECT} WHERE l.id = ?`),
      bySlug: db.prepare(`${SELECT} WHERE l.owner_id = ? AND l.slug = ?`),
      ofOwner: db.prepare(`${SELECT} WHERE l.owner_id = ? AND (l.public = 1 OR ?) ORDER BY l.name COLLATE NOCASE, l.id`),
      owned: db.prepare('SELECT 1 FROM reading_lists WHERE id = ? AND owner_id = ?'),
      touch: db.prepare('UPDATE reading_lists SET updated_at = ? WHERE id = ?'),
      remove: db.prepare('DELETE FROM reading_lists WHERE id = ? AND owner_id = ?'),
      paperExists: db.prepare('SELECT 1 FROM papers WHERE id = ?'),
      count: db.prepare('SELECT COUNT(*) AS n FROM reading_list_items WHERE list_id = ?'),
      addItem: db.prepare('INSERT INTO reading_list_items (list_id, paper_id, added_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
      removeItem: db.prepare('DELETE FROM reading_list_items WHERE list_id = ? AND paper_id = ?'),
      items: db.prepare('SELECT paper_id FROM reading_list_items WHERE list_id = ? ORDER BY added_at DESC, paper_id LIMIT ? OFFSET ?'),
      withPaper: db.prepare(`SELECT l.id FROM reading_lists l JOIN reading_list_items i ON i.list_id = l.id
        WHERE l.owner_id = ? AND i.paper_id = ?`),
    };
  }

  private one(id: number): ReadingList | null {
    const r = this.s.byId.get(id) as ListRow | undefined;
    return r ? rowToList(r) : null;
  }

  async createList(l: { ownerId: number; name: string; slug: string; public: boolean; now: Date }): Promise<ReadingList> {
    return this.db.transaction(() => {
      let slug = l.slug;
      for (let n = 2; this.s.slugTaken.get(l.ownerId, slug); n++) slug = `${l.slug}-${n}`;
      const at = l.now.toISOString();
      const id = Number(this.s.insert.run(l.ownerId, l.name, slug, l.public ? 1 : 0, at, at).lastInsertRowid);
      return this.one(id)!;
    }).immediate();
  }

  async getList(ownerId: number, slug: string): Promise<ReadingList | null> {
    const r = this.s.bySlug.get(ownerId, slug) as ListRow | undefined;
    return r ? rowToList(r) : null;
  }

  async listsOf(ownerId: number, includePrivate: boolean): Promise<ReadingList[]> {
    return (this.s.ofOwner.all(ownerId, includePrivate ? 1 : 0) as ListRow[]).map(rowToList);
  }

  async updateList(ownerId: number, listId: number, patch: { name?: string; public?: boolean }, now: Date): Promise<ReadingList | null> {
    const sets: string[] = ['updated_at = @now'];
    const params: Record<string, unknown> = { id: listId, owner: ownerId, now: now.toISOString() };
    if (patch.name !== undefined) { sets.push('name = @name'); params.name = patch.name; }
    if (patch.public !== undefined) { sets.push('public = @public'); params.public = patch.public ? 1 : 0; }
    const changed = this.db.prepare(`UPDATE reading_lists SET ${sets.join(', ')} WHERE id = @id AND owner_id = @owner`).run(params).changes;
    return changed ? this.one(listId) : null;
  }

  async deleteList(ownerId: number, listId: number): Promise<boolean> {
    return this.s.remove.run(listId, ownerId).changes > 0;
  }

  async addPaper(ownerId: number, listId: number, paperId: string, now: Date, maxItems: number): Promise<'added' | 'present' | 'no_paper' | 'no_list' | 'full'> {
    return this.db.transaction(() => {
      if (!this.s.owned.get(listId, ownerId)) return 'no_list' as const;
      if (!this.s.paperExists.get(paperId)) return 'no_paper' as const;
      if ((this.s.count.get(listId) as { n: number }).n >= maxItems) {
        return this.s.withPaper.all(ownerId, paperId).some((r) => (r as { id: number }).id === listId) ? 'present' as const : 'full' as const;
      }
      const added = this.s.addItem.run(listId, paperId, now.toISOString()).changes > 0;
      if (added) this.s.touch.run(now.toISOString(), listId);
      return added ? 'added' as const : 'present' as const;
    }).immediate();
  }

  async removePaper(ownerId: number, listId: number, paperId: string, now: Date): Promise<boolean> {
    return this.db.transaction(() => {
      if (!this.s.owned.get(listId, ownerId)) return false;
      const removed = this.s.removeItem.run(listId, paperId).changes > 0;
      if (removed) this.s.touch.run(now.toISOString(), listId);
      return removed;
    }).immediate();
  }

  async items(listId: number, limit: number, offset: number): Promise<{ paperIds: string[]; total: number }> {
    const rows = this.s.items.all(listId, limit, offset) as { paper_id: string }[];
    return { paperIds: rows.map((r) => r.paper_id), total: (this.s.count.get(listId) as { n: number }).n };
  }

  async listsWithPaper(ownerId: number, paperId: string): Promise<number[]> {
    return (this.s.withPaper.all(ownerId, paperId) as { id: number }[]).map((r) => r.id);
  }
}
