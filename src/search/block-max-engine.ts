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
import { needsRepair, repairIndex } from './index-repair.js';
import { startMaintainer, type IndexMaintainer } from './index-maintainer.js';
import type { UpvoteLookup, UpvoteTable } from './upvote-table.js';
import { OutageLog } from '../store/outage-log.js';

/**
 * A rebuild writes a segment every this many papers and keeps them (no
 * final merge, which would hold the whole index in memory at once).
 * Default 250,000: the builder then peaks at a few hundred MB whatever the
 * corpus size, and 3M papers make 12 segments, which top-k searches with
 * one shared threshold at little cost; sane range 100,000–1,000,000 (larger
 * = fewer segments, more build memory).
 */
export const REBUILD_SEGMENT_DOCS = 250_000;

/** Change-log entries read per feed call while catching up. Default 500 (≈ 25 ms of indexing); any positive value works. */
const CATCH_UP_BATCH = 500;

/**
 * Catch-up yields to requests after this much indexing work in a row. Default
 * 20 ms: a request waits at most about this long for index work (the bar is
 * ≈ 100 ms on a shared 2-core machine); sane range 5–50 ms (smaller = more
 * yields, slower catch-up).
 */
export const CATCH_UP_SLICE_MS = 20;

/**
 * The owner writes a partly filled memory segment once it is caught up and
 * this long has passed since its last write, so followers (the serving
 * thread) load recent papers from disk instead of indexing them twice.
 * Default 2 s; sane range 0.5–30 s.
 */
export const IDLE_FLUSH_MS = 2_000;

/**
 * Pending changes a search applies before answering: 1,000 papers index in
 * ≈ 80 ms on this 2-core machine, the most one request may spend on index
 * work; a larger backlog is left to follow(). Default 1,000; sane range 0–5,000
 * (0 = searches never index, the background alone does).
 */
export const INLINE_CATCH_UP = 1_000;

/**
 * A follower (the serving thread beside its maintainer, or a second
 * process) applies the feed's changes past its owner's manifest itself —
 * in a search or in follow() — only while they are this few: an edit on a
 * quiet site then shows at once. A longer backlog (a bulk import, the owner
 * still building) is the owner's work: the follower reloads what the owner
 * writes (within IDLE_FLUSH_MS of it catching up) and meanwhile answers from
 * the index as it is, saying how far behind it is. Default 100 (≈ 10 ms of
 * indexing; a CPU profile under an import showed a follower applying up to
 * 1,000 spending a fifth of its time indexing and freezing its memory
 * segment); sane range 0–1,000.
 */
export const FOLLOWER_CATCH_UP_MAX = 100;

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
  /**
   * Each listed paper's upvotes by key (sort=upvotes); read per such request unless a maintainer
   * thread hands over tables (serve: UpvoteTable, refreshed off the serving thread).
   */
  upvotes: () => Promise<UpvoteLookup>;
}

export type IndexRole = 'owner' | 'follower' | 'memory';

export interface OpenEngineOptions {
  /** Where repair and rebuild messages go (default: stderr). */
  log?: (line: string) => void;
  /**
   * Maintain the index in a worker thread of this process (serve): it
   * takes the folder's lock, verifies, repairs, builds and catches up,
   * flushes and merges; this thread follows it read-only and never blocks on
   * index work. `db` is the database address the worker opens itself.
   */
  maintainer?: { db: string };
}

const yieldToRequests = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A follower's view of the owner's index as it is on disk (empty when there is none yet, or it cannot be read). */
function openFollowerIndex(dir: string): LexicalIndex {
  if (!existsSync(join(dir, 'manifest.json'))) return LexicalIndex.inMemory();
  try {
    return LexicalIndex.open(dir, undefined, { readonly: true });
  } catch {
    return LexicalIndex.inMemory();
  }
}

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
  /** One line when the database goes away under the follow loop, one when it is back (not one per tick). */
  private readonly followLog = new OutageLog('search index catch-up');
  private lock: IndexLock | null = null;
  private dir: string | null = null;
  private stamp = 0;
  private lastFlush = performance.now();
  private maintainerWorker: IndexMaintainer | null = null;
  private refreshing: Promise<void> | null = null;
  /** The maintainer thread's latest upvote table (serve); null: read src.upvotes() per request. */
  private upvoteTable: UpvoteTable | null = null;
  private readonly log: (line: string) => void = (line) => process.stderr.write(`${line}\n`);
  /** This engine's QUERY_BUDGET_MS (tests that compare exact answers lift it). */
  queryBudgetMs = QUERY_BUDGET_MS;

  constructor(public index: LexicalIndex, private readonly src: BlockMaxSources, log?: (line: string) => void) {
    if (log) this.log = log;
  }

  /** Where sort=upvotes reads upvotes: a maintainer thread's table, or the store per request. */
  get upvoteSource(): 'table' | 'store' {
    return this.upvoteTable ? 'table' : 'store';
  }

  /** Whether this process writes the index folder, follows another's, or keeps it in memory. */
  get role(): IndexRole {
    return this.dir === null ? 'memory' : this.lock ? 'owner' : 'follower';
  }

  /**
   * Opens the index in `indexDir` (in memory when null) and brings it up to
   * the feed's head. The owner verifies it (checksums, keys indexed twice)
   * and repairs or rebuilds what is damaged, saying so; an index never built
   * is built here (`paperboy index` shows progress). When another live
   * process owns the folder, this one follows it read-only. With
   * `maintainer` the work runs in a worker thread and open() returns at once
   * with the index as it is on disk (see OpenEngineOptions).
   */
  static async open(src: BlockMaxSources, indexDir: string | null, opts: OpenEngineOptions = {}): Promise<BlockMaxEngine> {
    if (indexDir === null) {
      const engine = new BlockMaxEngine(LexicalIndex.inMemory(), src, opts.log);
      await engine.rebuild();
      return engine;
    }
    removeLegacyLayout(indexDir);
    const dir = lexicalIndexDir(indexDir);
    mkdirSync(dir, { recursive: true });
    if (opts.maintainer) {
      // Nothing is read here: the index on disk is loaded by the first refresh (its files read off the thread), so
      // serve listens at once whatever the index's size; until then searches say the index is behind.
      const engine = new BlockMaxEngine(LexicalIndex.inMemory(), src, opts.log);
      engine.dir = dir;
      engine.maintainerWorker = startMaintainer(opts.maintainer.db, indexDir, engine.log, () => { void engine.refresh().catch(() => undefined); },
        (table) => { engine.upvoteTable = table; });
      void engine.refresh().catch(() => undefined);
      return engine;
    }
    const owner = await BlockMaxEngine.openOwner(src, indexDir, opts);
    if (owner) {
      await owner.catchUp();
      return owner;
    }
    const engine = new BlockMaxEngine(openFollowerIndex(dir), src, opts.log);
    engine.dir = dir;
    engine.stamp = manifestStamp(dir);
    if (await engine.lag() <= FOLLOWER_CATCH_UP_MAX) await engine.catchUp();
    return engine;
  }

  /**
   * Takes the folder as its owner — verified, repaired or rebuilt, not yet
   * caught up — or null when another live process owns it.
   */
  static async openOwner(src: BlockMaxSources, indexDir: string, opts: { log?: (line: string) => void } = {}): Promise<BlockMaxEngine | null> {
    const dir = lexicalIndexDir(indexDir);
    mkdirSync(dir, { recursive: true });
    const lock = acquireIndexLock(dir);
    if (!lock) return null;
    try {
      const engine = new BlockMaxEngine(LexicalIndex.open(dir, undefined, { verify: true }), src, opts.log);
      engine.lock = lock;
      engine.dir = dir;
      const head = await src.changes.head();
      const index = engine.index;
      const unreadable = index.damage.find((d) => d.startsWith('manifest.json'));
      if (unreadable || index.changeSeq > head) {
        engine.log(`paperboy: the search index in ${dir} ${unreadable ? `is damaged (${unreadable})` : `is ahead of the database's change log (${index.changeSeq} > ${head}): it belongs to another database`}; rebuilding it from the database`);
        index.close();
        for (const f of readdirSync(dir)) if (f !== 'owner.lock') rmSync(join(dir, f), { force: true });
        engine.index = LexicalIndex.open(dir);
      }
      if (engine.index.changeSeq === 0 && engine.index.liveDocs === 0) await engine.rebuild();
      else if (needsRepair(engine.index)) {
        const found = engine.index.damage.length ? engine.index.damage.join('; ') : 'keys indexed more than once';
        engine.log(`paperboy: the search index in ${dir} is damaged (${found}); repairing it from the database`);
        const r = await repairIndex(engine.index, src.changes, indexDocOf);
        engine.log(`paperboy: search index repaired: ${r.reindexed} papers indexed again, ${r.duplicated} keys were indexed twice, ${r.removed} removed`);
      }
      engine.stamp = manifestStamp(dir);
      return engine;
    } catch (err) {
      lock.release();
      throw err;
    }
  }

  /**
   * A follower: reloads the owner's segments when its manifest changed
   * (reading only new segment files), and becomes the owner when the
   * owner's process is gone (unless a maintainer thread of this process
   * takes over instead). Called by follow().
   */
  private refresh(): Promise<void> {
    // One at a time: the follow loop and the maintainer's "written" message may both ask.
    this.refreshing ??= this.reload().finally(() => { this.refreshing = null; });
    return this.refreshing;
  }

  private async reload(): Promise<void> {
    if (!this.dir || this.lock) return;
    if (!this.maintainerWorker && !lockOwner(this.dir)) {
      const lock = acquireIndexLock(this.dir);
      if (lock) {
        const next = LexicalIndex.open(this.dir, undefined, { verify: true });
        this.lock = lock;
        if (next.changeSeq === 0 && next.liveDocs === 0) {
          await this.swap(next);
          await this.rebuild();
        } else {
          if (needsRepair(next)) await repairIndex(next, this.src.changes, indexDocOf);
          await this.swap(next);
        }
        return;
      }
    }
    const stamp = manifestStamp(this.dir);
    if (stamp !== 0 && stamp !== this.stamp) {
      let next: LexicalIndex;
      try {
        next = await LexicalIndex.reopen(this.dir, this.index);
      } catch {
        return; // caught mid-write or damaged: the owner rewrites it; try again on the next tick
      }
      this.stamp = stamp;
      await this.swap(next);
    }
  }

  /** Replaces the index by `next` (a follower brings it up to the feed first, in slices); the old one is closed. */
  private async swap(next: LexicalIndex): Promise<void> {
    while (this.catchingUp) await this.catchingUp;
    const old = this.index;
    this.index = next;
    old.close();
    if (this.lock || (await this.lag()) <= FOLLOWER_CATCH_UP_MAX) await this.catchUp();
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
    let slice = performance.now();
    while (applied < max) {
      const index = this.index;
      const { changes, next } = await this.src.changes.read(index.changeSeq, Math.min(CATCH_UP_BATCH, max - applied));
      if (next === index.changeSeq) break;
      for (let i = 0; i < changes.length; i++) {
        const c = changes[i];
        if (c.paper) index.add(indexDocOf(c.paper));
        else index.delete(c.key);
        applied++;
        // Let requests in between slices of work, inside a page too (the page's cursor is saved after it: a search
        // meanwhile counts its changes as pending, and a change applied twice is harmless).
        if ((i & 15) === 15 && performance.now() - slice > CATCH_UP_SLICE_MS) {
          await yieldToRequests();
          slice = performance.now();
        }
      }
      index.changeSeq = next;
      this.maintain();
      // Let requests in between slices of work.
      if (performance.now() - slice > CATCH_UP_SLICE_MS) {
        await yieldToRequests();
        slice = performance.now();
      }
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
      this.refresh()
        .then(async () => (this.lock || (await this.lag()) <= FOLLOWER_CATCH_UP_MAX ? this.catchUp() : 0))
        .then(() => {
          this.flushWhenIdle();
          this.followLog.succeeded();
        })
        .catch((err: unknown) => this.followLog.failed(err))
        .finally(() => { busy = false; });
    }, intervalMs);
    this.timer.unref();
  }

  /** Flushes a full memory segment and runs a tiered merge when one is due (the owner; a follower writes nothing). */
  maintain(): void {
    if (this.index.readOnly) return;
    if (this.index.shouldFlush) {
      this.index.flush();
      this.lastFlush = performance.now();
    }
    while (this.index.merge()) { /* merge until nothing is due */ }
  }

  /** The owner, caught up: writes a partly filled memory segment IDLE_FLUSH_MS after its last write (followers then read it). */
  flushWhenIdle(): void {
    if (this.index.readOnly || this.index.pendingDocs === 0 || performance.now() - this.lastFlush < IDLE_FLUSH_MS) return;
    this.index.flush();
    this.lastFlush = performance.now();
    while (this.index.merge()) { /* merge until nothing is due */ }
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.maintainerWorker?.stop();
    this.maintainerWorker = null;
    await this.refreshing;
    while (this.catchingUp) await this.catchingUp;
    // The owner writes what it applied, so a stopped server leaves its index current on disk.
    if (this.lock && this.index.pendingDocs > 0) this.index.flush();
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
    // A short backlog is applied before answering (an edit shows at once); a longer one is the background's.
    const behind = await this.lag();
    // (A catch-up already running has at most that much left too: it is waited for.)
    const inline = this.role === 'follower' ? FOLLOWER_CATCH_UP_MAX : INLINE_CATCH_UP;
    if (behind > 0 && behind <= inline) await this.catchUp(inline);
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
      const top = await this.index.searchAsync(q, k);
      page = top.slice(req.offset);
      if (req.countCap > 0 && q.mode === 'and' && top.length < k && !this.index.truncated) {
        // Fewer than k: the top-k kept every match (nothing is pruned before the heap is full), so that is the count.
        total = top.length;
      } else if (req.countCap > 0 && q.mode === 'and') {
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
        const up = this.upvoteTable ?? await this.src.upvotes();
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
