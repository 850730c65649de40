/**
 * The notes writer: keeps the notes file (notes-file.ts) holding every shown
 * paper's extracted keywords and TL;DR, so that pages, feeds and API answers
 * read them instead of computing them (≈ 0.2 ms a paper, 4–6 ms of a search
 * answer of 20 papers at 1M papers).
 *
 * Like the lexical index it follows the change feed: a first pass scans every
 * paper (`changes.scan`), then each step applies the changes after the saved
 * cursor, which is written in the same transaction as the rows it covers.
 * Keywords are scored on the corpus's document frequencies, which drift as
 * papers arrive: once the corpus has grown or shrunk by REFRESH_DRIFT since
 * the last pass, a new pass recomputes every row (readers keep using the old
 * rows meanwhile, within paper-notes.ts's STORED_DRIFT).
 *
 * Work comes in bounded steps (`step`), so the maintainer thread that runs it
 * (index-maintainer.ts) keeps the lexical index current between them; `paperboy
 * index` runs steps to the end with a progress bar. A crash loses at most the
 * batch being written: a pass started again skips rows that are already
 * current, and the cursor never runs ahead of the rows.
 *
 * Non-goals: the extraction itself (paper-notes.ts, keywords.ts, tldr.ts),
 * the FTS5 engine (its processes compute notes when read).
 */
import type { ChangeFeed, PaperText } from '../../store/change-feed.js';
import { extractNotes } from '../paper-notes.js';
import type { LexicalEngine } from '../../store/lexical-engine.js';
import { DfCounter } from '../similar.js';
import { NotesFile, notesDir, textHash, textLength, type NoteRow } from './notes-file.js';

/**
 * A pass recomputes every row once the corpus size has moved this share from
 * the last pass's: keyword rarities shift by at most log(1.25) ≈ 0.22 idf
 * meanwhile (for every word alike, so the ranking of a paper's candidates
 * barely moves), and at 1M papers a pass (≈ 200 s of one core) comes once
 * per 250,000 new papers. Default 0.25; sane range 0.1–0.5.
 */
export const REFRESH_DRIFT = 0.25;
/** Papers read per page of a pass and changes per read of the feed. */
const PAGE = 200;

export interface NotesStep {
  /** Papers whose notes were written or removed. */
  done: number;
  /** More work is waiting (call step again soon). */
  pending: boolean;
}

export class NotesWriter {
  private pass: { docs: number; head: number; total: number; pages: AsyncIterator<PaperText[]>; done: number } | null = null;

  constructor(private readonly file: NotesFile, private readonly changes: ChangeFeed, private readonly df: DfCounter) {}

  /** Papers the pass under way has read, of the papers there were when it began (a progress bar); null when no pass runs. */
  passProgress(): { done: number; total: number } | null {
    return this.pass ? { done: this.pass.done, total: Math.max(this.pass.total, this.pass.done) } : null;
  }

  /** Works for about `budgetMs` (at least one batch): a pass's pages, else the feed's changes. */
  async step(budgetMs: number): Promise<NotesStep> {
    const until = performance.now() + budgetMs;
    let done = 0;
    do {
      const r = this.pass ? await this.passPage() : await this.follow();
      done += r.done;
      if (!r.pending) return { done, pending: false };
    } while (performance.now() < until);
    return { done, pending: true };
  }

  /** Runs steps until nothing is pending. */
  async runToEnd(onStep: (w: NotesWriter) => void = () => {}): Promise<number> {
    let done = 0;
    for (;;) {
      const r = await this.step(250);
      done += r.done;
      onStep(this);
      if (!r.pending) return done;
    }
  }

  /** Applies the changes after the cursor, or starts a pass when none was completed or the corpus drifted. */
  private async follow(): Promise<NotesStep> {
    const docs = await this.df.generation();
    const built = Number(this.file.meta('built-docs') ?? NaN);
    if (!Number.isFinite(built) || Math.abs(docs - built) > built * REFRESH_DRIFT) {
      if (docs === 0) return { done: 0, pending: false };
      // The changes after this position are replayed when the pass ends (it may read a paper before its change).
      const head = await this.changes.head();
      this.pass = { docs, head, total: await this.changes.size(), pages: this.changes.scan(PAGE)[Symbol.asyncIterator](), done: 0 };
      return { done: 0, pending: true };
    }
    const cursor = Number(this.file.meta('cursor') ?? 0);
    const { changes, next } = await this.changes.read(cursor, PAGE);
    if (next === cursor) return { done: 0, pending: false };
    const shown = changes.flatMap((c) => (c.paper ? [c.paper] : []));
    const removed = changes.filter((c) => !c.paper).map((c) => c.key);
    const rows = await this.rowsFor(shown.map((p) => ({ paper: p, hash: textHash(p.title, p.abstract), len: textLength(p.title, p.abstract) })));
    this.file.write(rows, removed, { cursor: String(next) });
    return { done: changes.length, pending: true };
  }

  /** One page of the pass: the papers whose rows are not from this text and corpus size get new ones. */
  private async passPage(): Promise<NotesStep> {
    const pass = this.pass!;
    const page = await pass.pages.next();
    if (page.done) {
      // Complete: every change up to the pass's start is in what it read; the feed is followed from there.
      this.file.write([], [], { 'built-docs': String(pass.docs), cursor: String(pass.head) });
      this.pass = null;
      return { done: 0, pending: true };
    }
    const papers = page.value;
    pass.done += papers.length;
    const have = this.file.rowsOf(papers.map((p) => p.key));
    const texts = papers.map((p) => ({ hash: textHash(p.title, p.abstract), len: textLength(p.title, p.abstract) }));
    const todo = papers.flatMap((p, i) => {
      const r = have.get(p.key);
      return !r || r.docs !== pass.docs || r.hash !== texts[i].hash || r.len !== texts[i].len ? [{ paper: p, ...texts[i] }] : [];
    });
    this.file.write(await this.rowsFor(todo));
    return { done: todo.length, pending: true };
  }

  /** Rows the file holds. */
  rows(): number {
    return this.file.count();
  }

  close(): void {
    this.file.close();
  }

  /** The rows of these papers (each with its text's hash and length, computed once by the caller). */
  private async rowsFor(papers: { paper: PaperText; hash: number; len: number }[]): Promise<NoteRow[]> {
    if (papers.length === 0) return [];
    const { docs, notes } = await extractNotes(papers.map((x) => x.paper), this.df);
    return papers.map((x, i) => ({ key: x.paper.key, hash: x.hash, len: x.len, docs, ...notes[i] }));
  }
}

/**
 * Brings an index folder's notes file up to date at once (`paperboy index`, benches): the writer's steps
 * run to the end, `progress` told of each pass's papers. Returns the rows written and the rows the file holds.
 */
export async function updateNotes(indexDir: string, changes: ChangeFeed, engine: LexicalEngine,
  progress: (done: number, total: number) => void = () => {}): Promise<{ written: number; rows: number }> {
  const writer = new NotesWriter(NotesFile.open(notesDir(indexDir)), changes, new DfCounter(engine));
  try {
    const written = await writer.runToEnd((w) => {
      const p = w.passProgress();
      if (p) progress(p.done, p.total);
    });
    return { written, rows: writer.rows() };
  } finally {
    writer.close();
  }
}
