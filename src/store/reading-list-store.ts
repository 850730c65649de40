/**
 * The ReadingListStore: users keep papers in named lists, public or private —
 * a role of its own beside the Store (same database).
 *
 * Goals: a list is its owner's (every change names the owner, so nobody
 * else's call can touch it); a paper is in a list at most once (the key);
 * slugs are unique per owner; a paper that takes its arXiv id stays in its
 * lists; deleting a user or a paper removes what hangs off it.
 * Non-goals: who may see a private list (web/community/), feeds and BibTeX.
 */

export interface ReadingList {
  id: number;
  ownerId: number;
  owner: string;
  /** As the owner wrote it. */
  name: string;
  /** In URLs: /users/{owner}/lists/{slug}. */
  slug: string;
  public: boolean;
  createdAt: string;
  updatedAt: string;
  /** Papers in the list. */
  size: number;
}

export interface ReadingListStore {
  /** A new list with a slug made unique for the owner. */
  createList(l: { ownerId: number; name: string; slug: string; public: boolean; now: Date }): Promise<ReadingList>;
  getList(ownerId: number, slug: string): Promise<ReadingList | null>;
  /** An owner's lists by name; only public ones unless `includePrivate`. */
  listsOf(ownerId: number, includePrivate: boolean): Promise<ReadingList[]>;
  /** Renames and/or makes public/private; null when the owner has no such list. */
  updateList(ownerId: number, listId: number, patch: { name?: string; public?: boolean }, now: Date): Promise<ReadingList | null>;
  deleteList(ownerId: number, listId: number): Promise<boolean>;
  /** Adds a paper (idempotent); 'no_paper' / 'no_list' when either is missing, 'full' past `maxItems`. */
  addPaper(ownerId: number, listId: number, paperId: string, now: Date, maxItems: number): Promise<'added' | 'present' | 'no_paper' | 'no_list' | 'full'>;
  removePaper(ownerId: number, listId: number, paperId: string, now: Date): Promise<boolean>;
  /** The list's paper ids, most recently added first. */
  items(listId: number, limit: number, offset: number): Promise<{ paperIds: string[]; total: number }>;
  /** Which of the owner's lists hold the paper. */
  listsWithPaper(ownerId: number, paperId: string): Promise<number[]>;
}
