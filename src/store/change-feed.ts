/**
 * The change feed: every paper insert, text change and delete, in commit
 * order, with a position (seq) a consumer can resume from. Derived indexes
 * (the block-max lexical index, later the vector index) follow the store
 * through it and never read the database themselves.
 *
 * Goals: a consumer that applies read(cursor) in order and then saves `next`
 * never misses a change and never applies one twice in a way that matters
 * (a change carries the paper's current state, so replaying is idempotent);
 * a durable cursor per consumer name. Non-goals: daily-list and vote changes
 * (indexes hold paper text only); pruning the log (a later issue).
 */

/** What an index needs of one paper. */
export interface PaperText {
  /** The paper's key in the store (papers.pk); stable for the paper's life. */
  key: number;
  title: string;
  /** Author names joined by ", ". */
  authors: string;
  abstract: string;
  /** ISO date of first publication, or null. */
  publishedAt: string | null;
  categories: string[];
  organization: string | null;
}

export interface PaperChange {
  seq: number;
  key: number;
  /** The paper as it is now; null when it was deleted or an admin hid it (indexes hold only shown papers). */
  paper: PaperText | null;
}

export interface ChangeFeed {
  /** The position of the newest committed change; 0 when there is none. */
  head(): Promise<number>;
  /**
   * Changes after `cursor`, oldest first, from at most `limit` log entries:
   * one per key (its current state, at its latest seq in the range), and
   * `next`, the cursor to save once they are applied (= cursor when nothing is new).
   */
  read(cursor: number, limit: number): Promise<{ changes: PaperChange[]; next: number }>;
  /**
   * Every paper not hidden, in publication order (undated last), in pages of `pageSize`,
   * for rebuilding an index. Read head() before starting: changes made
   * during the scan are replayed from it afterwards.
   */
  scan(pageSize?: number): AsyncIterable<PaperText[]>;
  /** Papers stored and not hidden (the scan's length). */
  size(): Promise<number>;
  /** A consumer's saved position; 0 when it never saved one. */
  cursor(consumer: string): Promise<number>;
  saveCursor(consumer: string, seq: number): Promise<void>;
}
