/**
 * The block-max lexical engine: paperboy's own index (search/index/, see
 * docs/SEARCH-ENGINE.md) as a LexicalEngine, kept current from the
 * backend's change feed.
 *
 * Papers are documents keyed by their store key; the index lives in
 * `<indexDir>/lexical/` (in memory for an in-memory database). It ranks with
 * FTS5's bm25 (index/bm25.ts), so results equal the FTS5 engine's. It never
 * runs SQL: rebuild() scans the feed, catchUp() applies the changes past the
 * cursor the index committed with its segments (a change carries the paper's
 * current state, so replaying one is harmless); a new version tombstones the
 * old document.
 *
 * Requests do bounded index work only: a search first applies at most
 * INLINE_CATCH_UP pending changes (so an edit shows at once on a quiet site);
 * a longer backlog (a bulk import from another process) is applied by
 * follow() in the background, in batches that yield to requests, while
 * searches answer from the index as it is.
 *
 * One process owns an index folder (index-lock.ts): it writes segments and
 * merges. Another process started on the same database (a second `serve`)
 * follows: it opens the owner's segments read-only, applies the feed's
 * newer changes in memory, reloads when the owner's manifest changes, and
 * takes over when the owner is gone. Two writers never share a folder.
 *
 * Non-goals: parsing text (domain/query-parser.ts), loading papers and
 * choosing words for similar papers (search-service.ts).
 */
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ChangeFeed, PaperText } from '../store/change-feed.js';
import type { LexicalEngine, LexicalRequest, LexicalResult } from '../store/lexical-engine.js';
import { AUTHOR_NEAR, type QueryClause } from '../domain/query-parser.js';
import { porterStem } from '../domain/tokenize.js';
import { ParallelSegmentWriter } from './index/parallel-segment-writer.js';
import { LexicalIndex, type ClauseSpec, type EngineHit, type EngineQuery } from './index/lexical-index.js';
import { dayNumber, type IndexDoc } from './index/segment-builder.js';
import { acquireIndexLock, lockOwner, type IndexLock } from './index-lock.js';

/**
 * A rebuild writes a segment every this many papers and keeps them (no
 * final merge, which would hold the whole index in memory at once).
 * Default 250,000: the builder then peaks at a few hundred MB whatever the
 * corpus size, and 3M papers make 12 segments, which top-k searches with
 * one shared threshold at little cost; sane range 100,000–1,000,000 (larger
 * = fewer segments, more build memory).
 */
export const REBUILD_SEGMENT_DOCS = 250_000;

/** Change-log entries read per feed call while catching up. Default 5,000; any positive value works. */
const CATCH_UP_BATCH = 5_000;

/**
 * Pending changes a search applies before answering: 1,000 papers index in
 * ≈ 80 ms on this 2-core machine, the most one request may spend on index
 * work; a larger backlog is left to follow(). Default 1,000; sane range 0–5,000
 * (0 = searches never index, the background alone does).
 */
export const INLINE_CATCH_UP = 1_000;

/**
 * Time budget of one query's phrase, prefix and author matching, the part
 * whose cost grows with common words (a 250-character query of quoted
 * common phrases took 2.2 s at 156k papers): past it the engine answers with
 * the best found so far and says so. Default 100 ms, the longest one request
 * may hold this single-threaded process; sane range 50–1,000 ms.
 */
export const QUERY_BUDGET_MS = 100;

/** follow(): how often the background loop looks for new changes. Default 1 s; sane range 0.2–10 s. */
export const FOLLOW_INTERVAL_MS = 1_000;

/** The folder of the lexical index inside a backend's index folder. */
export function lexicalIndexDir(indexDir: string): string {
  return join(indexDir, 'lexical');
}

/**
 * Before the backend seam the lexical index lived directly in `<db>.idx/`;
 * now each index has a sub-folder. The old files are removed (the index is
 * rebuilt from the store once, in lexical/).
 */
function removeLegacyLayout(indexDir: string): void {
  if (!existsSync(join(indexDir, 'manifest.json'))) return;
  for (const f of readdirSync(indexDir)) {
    const p = join(indexDir, f);
    if (statSync(p).isFile()) rmSync(p, { force: true });
  }
}

export function indexDocOf(p: PaperText): IndexDoc {
  return {
    key: p.key, title: p.title, authors: p.authors, abstract: p.abstract, date: dayNumber(p.publishedAt),
    categories: p.categories, organization: p.organization,
  };
}

function clauseSpec(c: QueryClause): ClauseSpec {
  return { terms: c.tokens.map(porterStem), prefixLast: c.kind === 'term' && c.prefix };
}

/** Where the engine's papers come from and where upvotes are read for sort=upvotes. */
export interface BlockMaxSources {
  changes: ChangeFeed;
  /** Each listed paper's upvotes by key (sort=upvotes); read per such request. */
  upvotes: () => Promise<Map<number, number>>;
}

export type IndexRole = 'owner' | 'follower' | 'memory';

function manifestStamp(dir: string): number {
  try {
    return statSync(join(dir, 'manifest.json')).mtimeMs;
  } catch {
    return 0;
  }
}

export class BlockMaxEngine implements LexicalEngine {
  readonly name = 'engine';
  private catchingUp: Promise<number> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private lock: IndexLock | null = null;
  private dir: string | null = null;
  private stamp = 0;
  /** This engine's QUERY_BUDGET_MS (tests that compare exact answers lift it). */
  queryBudgetMs = QUERY_BUDGET_MS;

  constructor(public index: LexicalIndex, private readonly src: BlockMaxSources) {}

  /** Whether this process writes the index folder, follows another's, or keeps it in memory. */
  get role(): IndexRole {
    return this.dir === null ? 'memory' : this.lock ? 'owner' : 'follower';
  }

  /**
   * Opens the index in `indexDir` (in memory when null) and brings it up to
   * the feed's head: an index never built is built here (run `paperboy
   * index` beforehand on large databases: it shows progress). When another
   * live process owns the folder, this one follows it read-only.
   */
  static async open(src: BlockMaxSources, indexDir: string | null): Promise<BlockMaxEngine> {
    if (indexDir === null) {
      const engine = new BlockMaxEngine(LexicalIndex.inMemory(), src);
      await engine.rebuild();
      return engine;
    }
    removeLegacyLayout(indexDir);
    const dir = lexicalIndexDir(indexDir);
    mkdirSync(dir, { recursive: true });
    const lock = acquireIndexLock(dir);
    const hasManifest = existsSync(join(dir, 'manifest.json'));
    // A follower with no manifest yet (the owner is still building) builds its own copy in memory.
    const index = lock ? LexicalIndex.open(dir) : hasManifest ? LexicalIndex.open(dir, undefined, { readonly: true }) : LexicalIndex.inMemory();
    const engine = new BlockMaxEngine(index, src);
    engine.lock = lock;
    engine.dir = dir;
    engine.stamp = manifestStamp(dir);
    if (index.changeSeq === 0 && index.liveDocs === 0) await engine.rebuild();
    else await engine.catchUp();
    return engine;
  }

  /**
   * A follower: reloads the owner's segments when its manifest changed, and
   * becomes the owner when the owner's process is gone. Called by follow().
   */
  private async refresh(): Promise<void> {
    if (!this.dir || this.lock) return;
    if (!lockOwner(this.dir)) {
      const lock = acquireIndexLock(this.dir);
      if (lock) {
        const next = LexicalIndex.open(this.dir);
        await this.swap(next);
        this.lock = lock;
        if (next.changeSeq === 0 && next.liveDocs === 0) await this.rebuild();
        return;
      }
    }
    const stamp = manifestStamp(this.dir);
    if (stamp !== 0 && stamp !== this.stamp) {
      this.stamp = stamp;
      await this.swap(LexicalIndex.open(this.dir, undefined, { readonly: true }));
    }
  }

  /** Replaces the index by `next`, brought up to the feed first; the old one is closed. */
  private async swap(next: LexicalIndex): Promise<void> {
    const old = this.index;
    this.index = next;
    await this.catchUp();
    old.close();
  }

  /**
   * Indexes every paper in publication order; calls `progress(done, total)`.
   * The feed's head is read first, so a paper changed during the rebuild is
   * replayed by the next catchUp().
   */
  async rebuild(
    progress: (done: number, total: number) => void = () => {},
    opts: { threads?: number; segmentDocs?: number } = {},
  ): Promise<number> {
    const segmentDocs = opts.segmentDocs ?? REBUILD_SEGMENT_DOCS;
    const seq = await this.src.changes.head();
    const total = await this.src.changes.size();
    let done = 0;
    // Worker threads build alternate segments of a large corpus into a new, empty folder (this thread reads papers).
    const parallel = (opts.threads ?? 1) > 1 && this.index.dir !== null && this.index.segmentCount === 0 && this.index.liveDocs === 0 &&
      total > segmentDocs * 2;
    const writer = parallel ? new ParallelSegmentWriter(this.index, opts.threads ?? 1, segmentDocs) : null;
    try {
      for await (const page of this.src.changes.scan()) {
        for (const p of page) {
          if (writer) writer.add(indexDocOf(p));
          else {
            this.index.add(indexDocOf(p), { fresh: true });
            if ((done + 1) % segmentDocs === 0) this.index.flush();
          }
          if (++done % 5_000 === 0) progress(done, total);
        }
      }
      this.index.changeSeq = seq;
      if (writer) writer.finish();
      else this.index.flush();
    } finally {
      writer?.close();
    }
    // A small corpus (one segment, or a few) is merged into one; a large one keeps its segmentDocs segments.
    if (done <= segmentDocs * 2) this.index.merge({ all: true });
    progress(done, total);
    await this.src.changes.saveCursor('lexical', this.index.changeSeq).catch(() => {});
    return done;
  }

  /**
   * Applies up to `max` papers changed since the index's cursor (new papers,
   * new versions, deletes), in feed batches; returns how many it applied.
   * One catch-up runs at a time; a second caller waits for it.
   */
  async catchUp(max = Infinity): Promise<number> {
    while (this.catchingUp) await this.catchingUp;
    this.catchingUp = this.applyChanges(max);
    try {
      return await this.catchingUp;
    } finally {
      this.catchingUp = null;
    }
  }

  private async applyChanges(max: number): Promise<number> {
    let applied = 0;
    while (applied < max) {
      const { changes, next } = await this.src.changes.read(this.index.changeSeq, Math.min(CATCH_UP_BATCH, max - applied));
      if (next === this.index.changeSeq) break;
      for (const c of changes) {
        if (c.paper) this.index.add(indexDocOf(c.paper));
        else this.index.delete(c.key);
        applied++;
      }
      this.index.changeSeq = next;
      this.maintain();
      // Let requests in between batches.
      await new Promise((resolve) => setImmediate(resolve));
    }
    return applied;
  }

  /** Pending changes (feed head minus the index's cursor, in log entries). */
  async lag(): Promise<number> {
    return Math.max(0, (await this.src.changes.head()) - this.index.changeSeq);
  }

  /** Starts the background loop that applies new changes (serve); stop with close(). */
  follow(intervalMs = FOLLOW_INTERVAL_MS): void {
    if (this.timer) return;
    let busy = false;
    this.timer = setInterval(() => {
      if (busy || this.catchingUp) return;
      busy = true;
      this.refresh().then(() => this.catchUp(CATCH_UP_BATCH))
        .catch((err) => console.error(`paperboy: search index catch-up failed: ${err instanceof Error ? err.message : String(err)}`))
        .finally(() => { busy = false; });
    }, intervalMs);
    this.timer.unref();
  }

  /** Flushes a full memory segment and runs a tiered merge when one is due. */
  maintain(): void {
    if (this.index.shouldFlush) this.index.flush();
    while (this.index.merge()) { /* merge until nothing is due */ }
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    while (this.catchingUp) await this.catchingUp;
    this.index.close();
    this.lock?.release();
    this.lock = null;
  }

  private engineQuery(req: LexicalRequest): EngineQuery {
    const q = req.query;
    const must: ClauseSpec[] = q.include.map(clauseSpec);
    for (const a of q.authors) must.push({ terms: a.map(porterStem), authors: { near: AUTHOR_NEAR } });
    const f = req.filters;
    const eq: EngineQuery = {
      must, mustNot: q.exclude.map(clauseSpec), mode: req.mode === 'any' ? 'or' : 'and',
      categories: f.categories, organizations: f.organizations,
    };
    if (f.from) eq.dateFrom = dayNumber(f.from);
    if (f.to) eq.dateTo = dayNumber(f.to);
    return eq;
  }

  async search(req: LexicalRequest): Promise<LexicalResult> {
    if (INLINE_CATCH_UP > 0 && !this.catchingUp && (await this.lag()) > 0) await this.catchUp(INLINE_CATCH_UP);
    const q = this.engineQuery(req);
    if (q.must.length === 0) return { hits: [], total: 0, totalIsEstimate: false };
    this.index.prepare(); // freezing newly applied papers is index work, not the query's budget
    this.index.setDeadline(performance.now() + this.queryBudgetMs);
    try {
      return await this.run(q, req);
    } finally {
      this.index.setDeadline(Infinity);
    }
  }

  private async run(q: EngineQuery, req: LexicalRequest): Promise<LexicalResult> {
    const k = req.offset + req.limit;
    let page: EngineHit[];
    let total: number;
    let complete = true;
    if (req.sort === 'relevance') {
      page = this.index.search(q, k).slice(req.offset);
      if (req.countCap > 0 && q.mode === 'and') {
        const counted = this.index.matches(q, req.countCap);
        total = counted.hits.length;
        complete = counted.complete;
      } else if (req.countCap > 0) {
        const counted = this.index.countAny(q, req.countCap);
        total = counted.count;
        complete = counted.complete;
      } else {
        total = Math.max(k, req.offset + page.length);
        complete = page.length < req.limit;
        if (complete) total = req.offset + page.length;
      }
    } else {
      // Sorted listings walk every match (AND); 'any' is for relevance only (similar papers).
      const all = this.index.matches({ ...q, mode: 'and' }).hits;
      total = all.length;
      if (req.sort === 'newest') {
        page = all.sort((a, b) => b.date - a.date || b.doc - a.doc).slice(req.offset, k);
      } else {
        // Most upvoted: papers never listed count as 0, then newest first.
        const up = await this.src.upvotes();
        page = all.sort((a, b) => (up.get(b.key) ?? 0) - (up.get(a.key) ?? 0) || b.date - a.date || b.doc - a.doc).slice(req.offset, k);
      }
    }
    const scored = req.sort === 'relevance';
    const partial = this.index.truncated;
    return { hits: page.map((h) => ({ key: h.key, score: scored ? h.score : 0 })), total, totalIsEstimate: !complete || partial, ...(partial ? { partial } : {}) };
  }

  async documentFrequencies(words: string[]): Promise<{ docs: number; df: number[] }> {
    return this.index.documentFrequencies(words.map(porterStem));
  }
}
