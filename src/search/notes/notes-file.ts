/**
 * The notes file: every paper's extracted keywords and TL;DR (paper-notes.ts),
 * computed ahead of reads by the notes writer (notes-writer.ts) and kept in
 * `<index dir>/notes/notes.db`, a derived index like `lexical/` and
 * `vectors/`: rebuilt from the change feed, never copied between databases,
 * one per index folder whatever the backend.
 *
 * It is a SQLite file because SQLite gives a derived index what it needs
 * here (random reads by a key from another thread, one-transaction batches a
 * crash cannot half-write, a cursor saved with the rows it covers) — not a
 * second store: the lint rule that keeps drivers inside src/store/ makes one
 * exception for this file (eslint.config.js).
 *
 * Rows are found by the paper's text, not its store key: readers hold papers
 * (`Paper` has no key) and a changed title or abstract must not find the old
 * text's notes. `textHash` (53 bits) and the text's length together name the
 * text; a stale row simply does not match. Each row keeps the corpus size its
 * keywords' rarities were counted on (`docs`), which readers compare with
 * today's.
 *
 * Non-goals: deciding what is stale (the writer and paper-notes.ts do),
 * papers' other fields.
 */
import Database from 'better-sqlite3';
import { mkdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

/** One paper's stored notes, as the writer computed them. */
export interface StoredNote {
  keywords: string[];
  tldr: string | null;
  /** The corpus size the keywords were scored against. */
  docs: number;
}

/** A row the writer puts: a paper (store key), the text it was computed from, and its notes. */
export interface NoteRow extends StoredNote {
  key: number;
  hash: number;
  len: number;
}

/** SQLite's page cache per connection, KiB (the hash index at 1M papers is ≈ 25 MB). */
const CACHE_KIB = 32_768;
/** Bytes of the file read through a memory map (the whole file up to 1M papers and more). */
const MMAP_BYTES = 2 ** 31;

/**
 * What the extraction (keywords.ts, tldr.ts) gives, versioned: bump it with
 * any change to what they extract, so that a file written by an older
 * paperboy is rebuilt instead of serving its notes until the next pass.
 * test/search/notes-writer.test.ts pins the extraction of a few papers to
 * this number and fails when one changes without the other.
 */
export const EXTRACTOR_VERSION = 2;
/** The file's layout and extractor versions; another version is rebuilt, not read. */
const FORMAT = `1.${EXTRACTOR_VERSION}`;

/** The notes folder of an index folder. */
export function notesDir(indexDir: string): string {
  return join(indexDir, 'notes');
}

/**
 * A 53-bit hash of a paper's title and abstract: two 32-bit FNV-1a-style
 * mixes over the UTF-16 units, combined. With the length also compared, two
 * texts of a million-paper corpus meet by chance with probability ≈ 1e-8.
 */
export function textHash(title: string, abstract: string): number {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ title.length;
  const mix = (s: string) => {
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
      b ^= b >>> 15;
    }
  };
  mix(title);
  a = Math.imul(a ^ 0xffff, 0x01000193);
  mix(abstract);
  return (a >>> 0) * 0x200000 + (b >>> 11);
}

export function textLength(title: string, abstract: string): number {
  return title.length + abstract.length;
}

export class NotesFile {
  private readonly s;

  private constructor(private readonly db: Database.Database) {
    this.s = {
      find: db.prepare(`SELECT hash, len, docs, keywords, tldr FROM notes
        WHERE hash IN (SELECT value FROM json_each(?))`),
      ofKeys: db.prepare('SELECT key, hash, len, docs FROM notes WHERE key IN (SELECT value FROM json_each(?))'),
      put: db.prepare(`INSERT INTO notes (key, hash, len, docs, keywords, tldr) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT(key) DO UPDATE SET hash = excluded.hash, len = excluded.len, docs = excluded.docs,
        keywords = excluded.keywords, tldr = excluded.tldr`),
      remove: db.prepare('DELETE FROM notes WHERE key = ?'),
      metaGet: db.prepare('SELECT value FROM meta WHERE name = ?'),
      metaSet: db.prepare('INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value'),
      count: db.prepare('SELECT COUNT(*) AS n FROM notes'),
    };
  }

  /** The writer's handle: creates the file (and folder) when missing, starts afresh on another layout version. */
  static open(dir: string): NotesFile {
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'notes.db');
    let db = NotesFile.connect(file);
    const format = db.prepare("SELECT value FROM meta WHERE name = 'format'").pluck().get() as string | undefined;
    if (format !== undefined && format !== FORMAT) {
      db.exec('DROP TABLE notes; DELETE FROM meta');
      db.close();
      db = NotesFile.connect(file);
    }
    db.prepare("INSERT INTO meta (name, value) VALUES ('format', ?) ON CONFLICT(name) DO NOTHING").run(FORMAT);
    return new NotesFile(db);
  }

  /** A reader's handle, or null while no writer has made the file (or it has another layout). */
  static openExisting(dir: string): NotesFile | null {
    const file = join(dir, 'notes.db');
    if (!existsSync(file)) return null;
    const db = NotesFile.connect(file);
    const format = db.prepare("SELECT value FROM meta WHERE name = 'format'").pluck().get() as string | undefined;
    if (format !== FORMAT) {
      db.close();
      return null;
    }
    return new NotesFile(db);
  }

  private static connect(file: string): Database.Database {
    const db = new Database(file);
    // Readers in other threads never wait for the writer's batches.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    // A page of 20 search hits looks up 20 random rows: read through the page cache without a read() each
    // (570 MB at 1M papers; mapping it costs address space, not memory), the hash index kept in SQLite's own
    // cache. 20 rows, second visit: 0.50 → 0.21 ms; first visit 0.44 → 0.37 ms.
    db.pragma(`cache_size = -${CACHE_KIB}`);
    db.pragma(`mmap_size = ${MMAP_BYTES}`);
    db.exec(`CREATE TABLE IF NOT EXISTS notes (
        key INTEGER PRIMARY KEY, hash INTEGER NOT NULL, len INTEGER NOT NULL, docs INTEGER NOT NULL,
        keywords TEXT NOT NULL, tldr TEXT);
      CREATE INDEX IF NOT EXISTS notes_hash ON notes(hash);
      CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);`);
    return db;
  }

  /** The stored notes of these texts (by index), where a row was computed from exactly that text. */
  find(texts: { title: string; abstract: string }[]): (StoredNote | null)[] {
    if (texts.length === 0) return [];
    const keys = texts.map((t) => ({ hash: textHash(t.title, t.abstract), len: textLength(t.title, t.abstract) }));
    const rows = this.s.find.all(JSON.stringify([...new Set(keys.map((k) => k.hash))])) as
      { hash: number; len: number; docs: number; keywords: string; tldr: string | null }[];
    const byText = new Map<string, StoredNote>();
    for (const r of rows) byText.set(`${r.hash}:${r.len}`, { keywords: JSON.parse(r.keywords) as string[], tldr: r.tldr, docs: r.docs });
    return keys.map((k) => byText.get(`${k.hash}:${k.len}`) ?? null);
  }

  /** For the writer: the text and corpus size each of these keys' rows were computed from. */
  rowsOf(keys: number[]): Map<number, { hash: number; len: number; docs: number }> {
    const out = new Map<number, { hash: number; len: number; docs: number }>();
    if (keys.length === 0) return out;
    for (const r of this.s.ofKeys.all(JSON.stringify(keys)) as { key: number; hash: number; len: number; docs: number }[]) {
      out.set(r.key, { hash: r.hash, len: r.len, docs: r.docs });
    }
    return out;
  }

  /** Writes rows, removes keys and sets meta values in one transaction: all of it or none. */
  write(rows: NoteRow[], removed: number[] = [], meta: Record<string, string> = {}): void {
    this.db.transaction(() => {
      for (const r of rows) this.s.put.run(r.key, r.hash, r.len, r.docs, JSON.stringify(r.keywords), r.tldr);
      for (const k of removed) this.s.remove.run(k);
      for (const [name, value] of Object.entries(meta)) this.s.metaSet.run(name, value);
    })();
  }

  meta(name: string): string | null {
    return (this.s.metaGet.get(name) as { value: string } | undefined)?.value ?? null;
  }

  count(): number {
    return (this.s.count.get() as { n: number }).n;
  }

  close(): void {
    this.db.close();
  }
}
