/**
 * Paper notes: the keywords (search/keywords.ts) and one-sentence TL;DR
 * (search/tldr.ts) a paper shows where its source gave no `ai_keywords` /
 * `ai_summary`, filled into the papers a Store read returns, so every page,
 * feed, API answer and digest sees them through one wrapper
 * (`withPaperNotes`).
 *
 * Extracted notes are marked (`paper.extracted`) and never written to the
 * store: they follow the corpus (a keyword's rarity changes as papers
 * arrive). Where the lexical index has a folder, its maintainer computes them
 * ahead of reads into the notes file (notes/notes-writer.ts), which this
 * reads first; what the file lacks (a paper newer than the writer's last
 * step, a corpus that drifted past STORED_DRIFT, an in-memory database, the
 * FTS5 engine) is computed when read. Both are remembered per paper in a
 * bounded map.
 *
 * Non-goals: replacing notes a source gave; writing anything.
 */
import { performance } from 'node:perf_hooks';
import type { Paper } from '../domain/paper.js';
import type { DailyItem, PaperDetail, Store } from '../store/store.js';
import { extractKeywords, keywordWords, KEYWORDS_MAX, paperTokens } from './keywords.js';
import { extractTldr } from './tldr.js';
import type { DfCounter } from './similar.js';
import { NotesFile } from './notes/notes-file.js';

/** Papers whose notes are remembered (≈ 1 KB each). Default 20,000. */
const REMEMBERED = 20_000;

export interface Notes {
  keywords: string[];
  tldr: string | null;
}

/**
 * Stored notes are used while the corpus size is within this factor of the
 * one they were scored on (×1.5 either way); the writer recomputes them at
 * REFRESH_DRIFT (0.25, notes-writer.ts), so rows stay in use while a pass
 * refreshes them. Past it (a 45-paper demo corpus after an import of
 * thousands) they are computed afresh. Default 0.5; sane range REFRESH_DRIFT–1.
 */
export const STORED_DRIFT = 0.5;
/** How often a reader looks again for a notes file no writer has made yet. */
const LOOK_AGAIN_MS = 5_000;

/** Keywords and TL;DRs of these texts scored on the corpus's document frequencies now, and that corpus size. */
export async function extractNotes(texts: { title: string; abstract: string }[], counter: DfCounter): Promise<{ docs: number; notes: Notes[] }> {
  // Each paper's title and abstract tokenized once for its words, keywords and TL;DR.
  const tokens = texts.map((p) => paperTokens(p.title, p.abstract));
  const words = new Map<string, string>();
  texts.forEach((p, i) => {
    for (const [stem, surface] of keywordWords(p.title, p.abstract, tokens[i])) if (!words.has(stem)) words.set(stem, surface);
  });
  const { docs, df } = await counter.lookup(words);
  const notes = texts.map((p, i) => ({
    keywords: extractKeywords(p.title, p.abstract, { docs, df }, KEYWORDS_MAX, tokens[i]),
    tldr: extractTldr(p.title, p.abstract, tokens[i].title, tokens[i].abstract),
  }));
  return { docs, notes };
}

export class PaperNoter {
  private readonly memo = new Map<string, Notes>();
  private generation = -1;
  private stored: { dir: string; file: NotesFile | null; lookedAt: number } | null = null;

  constructor(private readonly df: DfCounter) {}

  /** Reads notes computed ahead from the notes file in this folder (notes/notes-file.ts), once a writer has made it. */
  useStored(dir: string): void {
    this.stored = { dir, file: null, lookedAt: -Infinity };
  }

  /** The notes file, opened when a writer has made it (looked for at most every LOOK_AGAIN_MS). */
  private storedFile(): NotesFile | null {
    const s = this.stored;
    if (!s || s.file) return s?.file ?? null;
    const now = performance.now();
    if (now - s.lookedAt < LOOK_AGAIN_MS) return null;
    s.lookedAt = now;
    try {
      s.file = NotesFile.openExisting(s.dir);
    } catch {
      s.file = null;
    }
    return s.file;
  }

  close(): void {
    this.stored?.file?.close();
    this.stored = null;
  }

  /** Notes of these papers (extracted whatever the source gave), by paper id. */
  async notesOf(papers: Paper[]): Promise<Map<string, Notes>> {
    // Notes follow the corpus counts: forgotten with them (an index still being built counts few papers).
    const generation = await this.df.generation();
    if (generation !== this.generation) {
      this.memo.clear();
      this.generation = generation;
    }
    const out = new Map<string, Notes>();
    let todo: Paper[] = [];
    for (const p of papers) {
      const m = this.memo.get(memoKey(p));
      if (m) out.set(p.id, m);
      else todo.push(p);
    }
    if (todo.length === 0) return out;
    const file = this.storedFile();
    const found = file ? this.readStored(file, todo) : null;
    if (found) {
      const lo = generation / (1 + STORED_DRIFT);
      const hi = generation * (1 + STORED_DRIFT);
      todo = todo.filter((p, i) => {
        const f = found[i];
        if (!f || f.docs < lo || f.docs > hi) return true;
        this.remember(p, { keywords: f.keywords, tldr: f.tldr }, out);
        return false;
      });
      if (todo.length === 0) return out;
    }
    const { notes } = await extractNotes(todo, this.df);
    todo.forEach((p, i) => this.remember(p, notes[i], out));
    return out;
  }

  /** The file's rows for these papers; null when it cannot be read now (it is opened again later, meanwhile notes are computed). */
  private readStored(file: NotesFile, papers: Paper[]): ReturnType<NotesFile['find']> | null {
    try {
      return file.find(papers);
    } catch {
      file.close();
      if (this.stored) this.stored.file = null;
      return null;
    }
  }

  private remember(p: Paper, notes: Notes, out: Map<string, Notes>): void {
    if (this.memo.size >= REMEMBERED) this.memo.delete(this.memo.keys().next().value!);
    this.memo.set(memoKey(p), notes);
    out.set(p.id, notes);
  }

  /** Fills missing aiKeywords / aiSummary of these papers in place (marking them extracted); returns them. */
  async fill<T extends Paper>(papers: T[]): Promise<T[]> {
    const need = papers.filter((p) => !p.extracted && (p.aiKeywords.length === 0 || !p.aiSummary) && (p.abstract || p.title));
    if (need.length === 0) return papers;
    const notes = await this.notesOf(need);
    for (const p of need) {
      const n = notes.get(p.id);
      if (!n) continue;
      const keywords = p.aiKeywords.length === 0 && n.keywords.length > 0;
      const summary = !p.aiSummary && !!n.tldr;
      if (keywords) p.aiKeywords = n.keywords;
      if (summary) p.aiSummary = n.tldr;
      if (keywords || summary) p.extracted = { keywords, summary };
    }
    return papers;
  }
}

/** Days of daily lists whose papers `warmNotes` prepares (the pages most visited). Default 14; sane range 0–60. */
export const WARM_DAYS = 14;
/** Papers prepared per slice of the event loop while warming (≈ 1 ms each): requests wait at most one slice. */
const WARM_SLICE = 8;

/**
 * Prepares the notes of the papers on the newest WARM_DAYS daily lists in
 * the background, a few papers per turn of the event loop, so a list page's
 * first visit does not compute them (≈ 1 ms a paper on a loaded 2-core
 * machine: 50 papers cold ≈ 65 ms p50 at 20k papers, bench/page-bench.ts).
 * Returns the number of papers prepared; stops quietly on a store error.
 */
export async function warmNotes(store: Store, noter: PaperNoter, days = WARM_DAYS): Promise<number> {
  let done = 0;
  let day = await store.latestDay();
  for (let i = 0; i < days && day; i++) {
    for (let page = 0; ; page++) {
      const listed = await store.listDaily({ from: day, to: day, sort: 'upvotes', limit: 100, offset: page * 100 });
      const papers = listed.items.map((it) => it.paper).filter((p) => p.aiKeywords.length === 0 || !p.aiSummary);
      for (let j = 0; j < papers.length; j += WARM_SLICE) {
        await noter.notesOf(papers.slice(j, j + WARM_SLICE));
        done += Math.min(WARM_SLICE, papers.length - j);
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (listed.items.length < 100) break;
    }
    day = await store.adjacentDay(day, -1);
  }
  return done;
}

/** A paper's notes change with its text: the memo is keyed by id and the text's length and ends. */
function memoKey(p: Paper): string {
  return `${p.id}\u0000${p.title.length}:${p.abstract.length}:${p.abstract.slice(-16)}`;
}

/**
 * The store with notes filled into every paper it reads (getPaper,
 * getPapers, getPaperDetailsByKeys, listDaily); writes and everything else
 * pass through unchanged.
 */
export function withPaperNotes(store: Store, noter: PaperNoter): Store {
  const details = async (ds: PaperDetail[]) => { await noter.fill(ds.map((d) => d.paper)); };
  const wrapped: Partial<Store> = {
    async getPaper(id: string) {
      const d = await store.getPaper(id);
      if (d) await details([d]);
      return d;
    },
    async getPapers(ids: string[]) {
      return noter.fill(await store.getPapers(ids));
    },
    async getPaperDetailsByKeys(keys: number[]) {
      const m = await store.getPaperDetailsByKeys(keys);
      await details([...m.values()]);
      return m;
    },
    async listDaily(q) {
      const page = await store.listDaily(q);
      await noter.fill(page.items.map((it: DailyItem) => it.paper));
      return page;
    },
  };
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (Object.prototype.hasOwnProperty.call(wrapped, prop)) return wrapped[prop as keyof Store];
      const v: unknown = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
