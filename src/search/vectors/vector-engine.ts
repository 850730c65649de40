/**
 * The vector engine: every paper's embedding in an in-memory ANN index
 * (vector-index.ts), kept in `<indexDir>/vectors/` (vector-file.ts) and current
 * with the store through the change feed under its own cursor ('vectors'),
 * as the block-max lexical engine is.
 *
 * Goals: `search(vector, k, filters)` over every paper; new, changed and
 * deleted papers reach the index through the feed (bounded work inline per
 * search, the rest in a background loop); a changed model never mixes
 * vectors — the manifest records the model id and dimension, and an
 * embedder with another id makes open() rebuild; the built-in corpus model
 * is retrained when the corpus has grown RETRAIN_GROWTH times since it was
 * trained, so it improves as papers arrive. `rebuild()` is resumable: it
 * writes the model first and checkpoints, and a stopped build continues
 * with the same model, skipping papers already embedded.
 *
 * One process owns the folder (search/index-lock.ts, as the lexical index):
 * another process on the same database loads the owner's snapshot and
 * follows the feed in memory, never writing.
 *
 * Non-goals: fusion with lexical results (search/hybrid.ts); reading the
 * database (the feed is the only source); a follower taking over when the
 * owner stops (it keeps following in memory until it restarts).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChangeFeed, PaperText } from '../../store/change-feed.js';
import type { LexicalFilters } from '../../store/lexical-engine.js';
import { OutageLog } from '../../store/outage-log.js';
import { CorpusEmbedder, TRAIN_MAX_PAPERS } from '../embed/corpus-embedder.js';
import { paperText, type Embedder } from '../embed/embedder.js';
import { VectorIndex, type VectorDoc, type VectorHit } from './vector-index.js';
import { acquireIndexLock, lockOwner, type IndexLock } from '../index-lock.js';
import {
  VECTOR_FORMAT, commitManifest, decodeIndex, encodeIndex, ensureDir, readManifest, removeStrays, writeDurably, type VectorManifest,
} from './vector-file.js';

export type { VectorHit } from './vector-index.js';

/** The change-feed consumer name of the vector index. */
export const VECTOR_CONSUMER = 'vectors';
/** Change-log entries read per feed call. */
const CATCH_UP_BATCH = 2_000;
/**
 * Pending changes a search applies before answering: the corpus model embeds
 * ≈ 9,400 papers per CPU-second (5,841 Daily Papers in 0.62 s), so 500 cost
 * ≈ 50 ms of CPU; a larger backlog is left to follow(). Default 500; sane
 * range 0–2,000.
 */
export const VECTOR_INLINE_CATCH_UP = 500;
/** Applied changes after which the snapshot is rewritten (a restart replays at most this many from the feed). Sane range 1,000–100,000. */
const FLUSH_CHANGES = 20_000;
/** follow(): how often the background loop looks for new changes. Default 1 s, like the lexical engine's. */
export const VECTOR_FOLLOW_INTERVAL_MS = 1_000;
/**
 * The corpus model is retrained once the index holds this many times the
 * papers it was trained on (and fewer than TRAIN_MAX_PAPERS were used):
 * the demo's 45 papers give way to a real corpus at its first import, and
 * a growing instance retrains at ×2, ×4, … Default 2; sane range 1.5–4.
 */
export const RETRAIN_GROWTH = 2;
/**
 * serve retrains by itself only up to this many papers: training runs on the
 * event loop (≈ 5 s of CPU for 5,841 papers, ≈ 1 s per 1,000), and requests
 * must not wait minutes behind it. Past it, serve logs once that
 * `paperboy index --vectors` would retrain. Default 10,000; sane range 2,000–20,000.
 */
export const AUTO_RETRAIN_MAX_PAPERS = 10_000;
/** Never retrain for growth below this many papers (a test or a fresh site adding its first few). */
const RETRAIN_MIN_PAPERS = 20;
/** A rebuild writes a checkpoint every this many papers (what a stopped `paperboy index --vectors` keeps). */
const CHECKPOINT_PAPERS = 100_000;
/**
 * …or after this long since the last one, whichever comes first: a neural
 * model embeds ≈ 50–200 papers a second on two cores, so 100,000 papers
 * would be 10–30 minutes of work lost to a stop. Default 5 minutes.
 */
const CHECKPOINT_MS = 5 * 60_000;
/**
 * Papers an external (neural) model embeds to train the quantizers: the
 * PQ codebooks learn from 10,000 anyway (vector-index.ts PQ_SAMPLE), and each
 * costs a model call; the corpus model's sample is TRAIN_MAX_PAPERS.
 */
const EXTERNAL_SAMPLE = 10_000;
/** Papers embedded per call while rebuilding or catching up. */
const EMBED_BATCH = 256;

export interface VectorEngine {
  /** 'pq-sq8' — for doctor and logs. */
  readonly name: string;
  /** The model vectors come from (its id is stored with the index). */
  readonly embedder: Embedder;
  /** A query's vector in this engine's space. */
  embedQuery(text: string): Promise<Float32Array>;
  /** The k papers nearest `vector` passing `filters`, best first. */
  search(vector: Float32Array, k: number, filters: LexicalFilters): Promise<VectorHit[]>;
  /** The cosine of `vector` with each of these papers (0 for a paper not indexed). */
  similarity(vector: Float32Array, keys: number[]): Promise<number[]>;
  /**
   * A number no score of search() or similarity() for `vector` exceeds (with
   * the papers indexed now): hybrid ranking skips the search when no paper
   * it could add may enter the page (hybrid.ts scanSkippable).
   */
  maxSimilarity(vector: Float32Array): Promise<number>;
  /** The stored vectors of these papers (null for a paper not indexed). */
  vectorsOf(keys: number[]): Promise<(Float32Array | null)[]>;
  close(): Promise<void>;
}

function vectorDoc(p: PaperText): VectorDoc {
  return { key: p.key, publishedAt: p.publishedAt, categories: p.categories, organization: p.organization };
}

export interface VectorEngineOptions {
  /** An external model (a neural embedder); default: the built-in corpus model, trained here. */
  embedder?: Embedder;
  /** Write checkpoints while rebuilding (paperboy index). Default false. */
  checkpoints?: boolean;
  /** Rebuild (retrain the corpus model) even when a complete index is there; an unfinished one is resumed. */
  rebuild?: boolean;
  progress?: Progress;
  /** Called after every complete build (the first, a retrain): serve's maintainer thread tells the serving thread to reload. */
  onRebuilt?: () => void;
}

export type Progress = (done: number, total: number, phase: 'training' | 'embedding') => void;

export class IndexedVectorEngine implements VectorEngine {
  readonly name = 'pq-sq8';
  private catchingUp: Promise<number> | null = null;
  private rebuilding: Promise<number> | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** One line when the database goes away under the follow loop, one when it is back (not one per tick). */
  private readonly followLog = new OutageLog('vector index update');
  private pending = 0;
  private generation: number;
  /** This process's lock on the folder; null in memory or when another process owns it (then nothing is written). */
  private lock: IndexLock | null = null;

  private constructor(
    private readonly dir: string | null,
    private readonly changes: ChangeFeed,
    private model: Embedder,
    private readonly external: boolean,
    public index: VectorIndex,
    public changeSeq: number,
    public trainedOn: number,
    generation: number,
    private readonly opts: VectorEngineOptions,
  ) {
    this.generation = generation;
  }

  get embedder(): Embedder {
    return this.model;
  }

  /** Whether this engine answers queries (prepareQueries was called: open-search.ts, openFollower). */
  private servesQueries = false;

  /**
   * The model's query-side preparation (the corpus model's typo index) and
   * the vector index's similarity bound in the background, now and after each retrain: called by whoever answers queries
   * with this engine (open-search.ts, openFollower), not by `paperboy index`.
   */
  prepareQueries(): void {
    this.servesQueries = true;
    void this.model.prepare?.().catch(() => {});
    // The bound hybrid ranking asks for on its first query (maxSimilarity), measured now in slices.
    void this.index.measureBound().catch(() => {});
  }

  /** The snapshot generation this engine was loaded from or last wrote. */
  get snapshotGeneration(): number {
    return this.generation;
  }

  /**
   * The owner's side in serve's maintainer thread (vector-maintainer.ts):
   * takes the folder's lock and opens it as open() does, or answers null
   * while another live process holds the lock.
   */
  static async openOwner(changes: ChangeFeed, indexDir: string, opts: VectorEngineOptions = {}): Promise<IndexedVectorEngine | null> {
    const dir = join(indexDir, 'vectors');
    ensureDir(dir);
    const lock = acquireIndexLock(dir);
    if (!lock) return null;
    try {
      const engine = await IndexedVectorEngine.openWith(changes, dir, lock, opts);
      engine.lock = lock;
      await engine.changes.saveCursor(VECTOR_CONSUMER, engine.changeSeq).catch(() => {});
      return engine;
    } catch (err) {
      lock.release();
      throw err;
    }
  }

  /**
   * The serving thread's side when a maintainer thread owns the folder: the
   * owner's last complete snapshot, read without blocking the event loop and
   * followed in memory (never written, never rebuilt here); null while no
   * complete snapshot exists (searches answer lexically until one does).
   */
  static async openFollower(changes: ChangeFeed, indexDir: string, opts: VectorEngineOptions = {}): Promise<IndexedVectorEngine | null> {
    const loaded = await IndexedVectorEngine.load(join(indexDir, 'vectors'), changes, opts, false);
    if (!loaded?.complete) return null;
    loaded.engine.prepareQueries();
    return loaded.engine;
  }

  /**
   * Opens the index in `<indexDir>/vectors/` (in memory when null) and brings
   * it to the feed's head: built here when missing, unfinished, of another
   * format, or made with another model than `opts.embedder`.
   */
  static async open(changes: ChangeFeed, indexDir: string | null, opts: VectorEngineOptions = {}): Promise<IndexedVectorEngine> {
    const dir = indexDir === null ? null : join(indexDir, 'vectors');
    let lock: IndexLock | null = null;
    if (dir) {
      ensureDir(dir);
      lock = acquireIndexLock(dir);
      if (!lock && opts.rebuild) {
        const owner = lockOwner(dir);
        throw new Error(`${dir} is owned by a running paperboy (pid ${owner?.pid ?? '?'}): stop it before rebuilding the vector index`);
      }
    }
    try {
      const engine = await IndexedVectorEngine.openWith(changes, dir, lock, opts);
      engine.lock = lock;
      if (lock) await engine.changes.saveCursor(VECTOR_CONSUMER, engine.changeSeq).catch(() => {});
      return engine;
    } catch (err) {
      lock?.release();
      throw err;
    }
  }

  private static async openWith(changes: ChangeFeed, dir: string | null, lock: IndexLock | null, opts: VectorEngineOptions): Promise<IndexedVectorEngine> {
    const loaded = dir ? await IndexedVectorEngine.load(dir, changes, opts, lock !== null) : null;
    if (loaded && loaded.complete && !opts.rebuild) {
      await loaded.engine.catchUp();
      return loaded.engine;
    }
    const resume = !!loaded && !loaded.complete;
    const model = opts.embedder ?? CorpusEmbedder.train([]);
    // A process that does not own the folder builds its own copy in memory.
    const engine = resume ? loaded.engine : new IndexedVectorEngine(lock ? dir : null, changes, model, !!opts.embedder,
      new VectorIndex({ dim: model.dim, scale: new Float32Array(model.dim).fill(1), pq: { m: 1, sub: model.dim, centroids: new Float32Array(256 * model.dim) } }), 0, 0, 0, opts);
    await engine.rebuild(opts.progress, { resume });
    return engine;
  }

  /** The snapshot in `dir` when it is usable with `opts.embedder` (null: rebuild). */
  private static async load(dir: string, changes: ChangeFeed, opts: VectorEngineOptions, owner: boolean): Promise<{ engine: IndexedVectorEngine; complete: boolean } | null> {
    let m: VectorManifest | null;
    try {
      m = readManifest(dir);
    } catch {
      return null;
    }
    if (owner) removeStrays(dir, m);
    if (!m || m.format !== VECTOR_FORMAT) return null;
    let model: Embedder;
    try {
      model = opts.embedder ?? (m.modelFile ? CorpusEmbedder.deserialize(await readFile(join(dir, m.modelFile))) : null)!;
    } catch {
      return null;
    }
    // Another model (or the same kind with other parameters): its vectors live in another space.
    if (!model || model.id !== m.model.id || model.dim !== m.model.dim) return null;
    const file = join(dir, m.vectorsFile);
    if (!existsSync(file)) return null;
    // Read without blocking (≈ 180 MB at 1M papers); a file replaced by a newer generation meanwhile reads as missing.
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch {
      return null;
    }
    const index = decodeIndex(bytes);
    const engine = new IndexedVectorEngine(owner ? dir : null, changes, model, !!opts.embedder, index, m.changeSeq, m.trainedOn, m.generation, opts);
    // A follower cannot finish another process's build: it builds its own copy in memory.
    if (!owner && !m.complete) return null;
    return { engine, complete: m.complete };
  }

  /** True when the corpus model should be retrained because the corpus has grown. */
  shouldRetrain(): boolean {
    return !this.external && this.index.size >= RETRAIN_MIN_PAPERS && this.trainedOn < TRAIN_MAX_PAPERS &&
      this.index.size >= RETRAIN_GROWTH * this.trainedOn;
  }

  /**
   * Trains the model (built-in) and the index on a sample of the corpus,
   * then embeds every paper; searches keep answering from the previous index
   * until the new one replaces it. With `resume`, the current (unfinished)
   * index and model are kept and papers already in it are skipped.
   */
  async rebuild(progress: Progress = () => {}, opts: { resume?: boolean } = {}): Promise<number> {
    while (this.rebuilding) await this.rebuilding;
    this.rebuilding = this.build(progress, opts.resume ?? false);
    try {
      return await this.rebuilding;
    } finally {
      this.rebuilding = null;
    }
  }

  private async build(progress: Progress, resume: boolean): Promise<number> {
    const head = await this.changes.head();
    const total = await this.changes.size();
    let model = this.model;
    let index: VectorIndex;
    let trainedOn = this.trainedOn;
    if (resume) {
      index = this.index;
    } else {
      // A sample spread evenly over the corpus (publication order) trains the model and the cells.
      const stride = Math.max(1, Math.ceil(total / (this.external ? EXTERNAL_SAMPLE : TRAIN_MAX_PAPERS)));
      const sample: PaperText[] = [];
      let i = 0;
      for await (const page of this.changes.scan()) {
        for (const p of page) if (i++ % stride === 0) sample.push(p);
        progress(Math.min(i, total), total, 'training');
      }
      if (!this.external) {
        model = CorpusEmbedder.train(sample);
        trainedOn = sample.length;
      }
      const vectors = await model.embed(sample.map(paperText), 'document');
      index = VectorIndex.train(vectors, model.dim);
      // The sample's vectors are the index's first papers (an expensive model embeds them once).
      sample.forEach((p, j) => index.add(vectorDoc(p), vectors[j]));
      if (this.opts.checkpoints) this.write(model, index, 0, trainedOn, false);
    }
    let done = 0;
    let sinceCheckpoint = 0;
    let checkpointAt = Date.now();
    const trained = resume ? null : new Set([...index.entries()].map((e) => e.key));
    for await (const page of this.changes.scan()) {
      const todo = page.filter((p) => (resume ? !index.has(p.key) : !trained!.has(p.key)));
      for (let s = 0; s < todo.length; s += EMBED_BATCH) {
        const batch = todo.slice(s, s + EMBED_BATCH);
        const vs = await model.embed(batch.map(paperText), 'document');
        batch.forEach((p, j) => index.add(vectorDoc(p), vs[j]));
      }
      done += page.length;
      sinceCheckpoint += todo.length;
      progress(Math.min(done, total), total, 'embedding');
      if (this.opts.checkpoints && (sinceCheckpoint >= CHECKPOINT_PAPERS || (sinceCheckpoint > 0 && Date.now() - checkpointAt >= CHECKPOINT_MS))) {
        this.write(model, index, 0, trainedOn, false);
        sinceCheckpoint = 0;
        checkpointAt = Date.now();
      }
      await new Promise((r) => setImmediate(r)); // let requests in between pages
    }
    // Changes during the build are replayed from the head read before it.
    this.model = model;
    this.index = index;
    if (this.servesQueries) this.prepareQueries();
    this.trainedOn = trainedOn;
    this.changeSeq = head;
    this.write(model, index, head, trainedOn, true);
    if (this.dir) await this.changes.saveCursor(VECTOR_CONSUMER, head).catch(() => {});
    await this.catchUp();
    this.opts.onRebuilt?.();
    return index.size;
  }

  /** Writes model (when new) and vectors, then the manifest; a no-op in memory. */
  private write(model: Embedder, index: VectorIndex, changeSeq: number, trainedOn: number, complete: boolean): void {
    this.pending = 0;
    if (!this.dir) return;
    ensureDir(this.dir);
    const prev = readManifest(this.dir);
    // Never reuse a committed generation's file names: the old files stay intact until the new manifest names others.
    const generation = this.generation = Math.max(this.generation, prev?.generation ?? 0) + 1;
    const g = String(generation).padStart(6, '0');
    let modelFile: string | null = null;
    if (model instanceof CorpusEmbedder && !this.external) {
      if (prev?.modelFile && prev.model.id === model.id) modelFile = prev.modelFile;
      else writeDurably(this.dir, (modelFile = `model-${g}.bin`), [model.serialize()]);
    }
    const vectorsFile = `vectors-${g}.bin`;
    writeDurably(this.dir, vectorsFile, encodeIndex(index));
    commitManifest(this.dir, {
      format: VECTOR_FORMAT, model: { id: model.id, dim: model.dim }, changeSeq, papers: index.size, trainedOn, complete, generation, modelFile, vectorsFile,
    });
  }

  /** Writes the current state now (also done every FLUSH_CHANGES changes and at close). */
  flush(): void {
    this.write(this.model, this.index, this.changeSeq, this.trainedOn, true);
  }

  /** Applies up to `max` changes past the index's cursor; returns how many. One runs at a time. */
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
      const { changes, next } = await this.changes.read(this.changeSeq, Math.min(CATCH_UP_BATCH, max - applied));
      if (next === this.changeSeq) break;
      const live = changes.filter((c) => c.paper).map((c) => c.paper!);
      for (let s = 0; s < live.length; s += EMBED_BATCH) {
        const batch = live.slice(s, s + EMBED_BATCH);
        const vs = await this.model.embed(batch.map(paperText), 'document');
        batch.forEach((p, j) => this.index.add(vectorDoc(p), vs[j]));
        // ≈ 27 ms of the corpus model's CPU per batch: let requests in between (a follower runs on the serving thread).
        await new Promise((r) => setImmediate(r));
      }
      for (const c of changes) if (!c.paper) this.index.remove(c.key);
      applied += changes.length;
      this.pending += changes.length;
      this.changeSeq = next;
      if (this.pending >= FLUSH_CHANGES && this.dir) {
        this.flush();
        await this.changes.saveCursor(VECTOR_CONSUMER, this.changeSeq).catch(() => {});
      }
      await new Promise((r) => setImmediate(r));
    }
    return applied;
  }

  /** Pending changes (feed head minus the index's cursor). */
  async lag(): Promise<number> {
    return Math.max(0, (await this.changes.head()) - this.changeSeq);
  }

  /** Starts the background loop: new changes, and a retrain when the corpus has outgrown the model (serve). */
  follow(intervalMs = VECTOR_FOLLOW_INTERVAL_MS): void {
    if (this.timer) return;
    let told = false;
    this.timer = setInterval(() => {
      if (this.catchingUp || this.rebuilding) return;
      const retrain = this.shouldRetrain() && this.dir !== null;
      if (retrain && this.index.size > AUTO_RETRAIN_MAX_PAPERS && !told) {
        told = true;
        console.log(`paperboy: the corpus model was trained on ${this.trainedOn.toLocaleString('en-US')} papers and ${this.index.size.toLocaleString('en-US')} are indexed now: paperboy index --vectors retrains it`);
      }
      const work = retrain && this.index.size <= AUTO_RETRAIN_MAX_PAPERS ? this.rebuild() : this.catchUp(CATCH_UP_BATCH);
      work.then(() => this.followLog.succeeded(), (err: unknown) => this.followLog.failed(err));
    }, intervalMs);
    this.timer.unref();
  }

  async embedQuery(text: string): Promise<Float32Array> {
    return (await this.model.embed([text], 'query'))[0];
  }

  async search(vector: Float32Array, k: number, filters: LexicalFilters): Promise<VectorHit[]> {
    await this.inlineCatchUp();
    return this.index.search(vector, k, filters);
  }

  /** A short backlog is applied before answering (a new paper has its vector at once); a longer one is follow()'s. */
  private async inlineCatchUp(): Promise<void> {
    if (VECTOR_INLINE_CATCH_UP > 0 && !this.catchingUp && !this.rebuilding && (await this.lag()) > 0) await this.catchUp(VECTOR_INLINE_CATCH_UP);
  }

  async maxSimilarity(vector: Float32Array): Promise<number> {
    // Caught up as search() would be, so the bound covers the papers a search would see.
    await this.inlineCatchUp();
    return this.index.maxSimilarity(vector);
  }

  async vectorsOf(keys: number[]): Promise<(Float32Array | null)[]> {
    return keys.map((k) => this.index.vectorOf(k));
  }

  async similarity(vector: Float32Array, keys: number[]): Promise<number[]> {
    return keys.map((k) => this.index.similarity(vector, k));
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    while (this.rebuilding) await this.rebuilding.catch(() => 0);
    while (this.catchingUp) await this.catchingUp;
    if (this.pending > 0 && this.lock) {
      this.flush();
      await this.changes.saveCursor(VECTOR_CONSUMER, this.changeSeq).catch(() => {});
    }
    this.lock?.release();
    this.lock = null;
  }
}
