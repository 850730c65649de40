/**
 * The lexical index: a list of immutable segments plus a small in-memory
 * segment, searched together with global BM25 statistics.
 *
 * - Documents are identified by an integer key (papers.pk). Global doc ids
 *   are (segment base + local id), segments in manifest order, so older
 *   segments hold lower ids; bulk builds add papers in publication order,
 *   which makes a date range an id range inside each segment.
 * - add() of a key already present tombstones the old document (a bit in
 *   its segment's deleted-docs bitset) and indexes the new one in memory,
 *   searchable at once. flush() writes the memory segment as a segment file;
 *   merge() rewrites segments without their deleted documents.
 * - Persistence (when `dir` is set): segment files, deleted-docs files and a
 *   manifest.json listing the live ones, all written atomically (see
 *   segment-file.ts). Files the manifest does not list are ignored and
 *   removed at open.
 * - Statistics (N, avgdl, df) count deleted documents until they are merged
 *   away, as Lucene does; exhaustive and pruned search share them exactly.
 *
 * Non-goals: concurrent writers (one process owns the folder), multi-field
 * queries beyond title/authors/abstract.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { B, DEFAULT_FIELD_WEIGHTS, K1, idf, type FieldWeights } from './bm25.js';
import { ArrayCursor, StoredCursor, type PostingCursor } from './posting-cursor.js';
import { END_DOC, Segment, TIER_PREFIX, tier2Term, tierTerm, categoryTerm, organizationTerm, termBound, type SegmentData } from './segment.js';
import { SegmentBuilder, TermWriter, assembleSegment, writerSource, type IndexDoc } from './segment-builder.js';
import { chunksSum, fileSum, readSegmentFile, readSegmentFileAsync, writeFileAtomic, writeSegmentFile, type FileSum } from './segment-file.js';
import { SharedThreshold, Spill, TopK, exactTopOr, exhaustive, offerSpilling, topKAnd, topKOr, accepts, type SegmentRun } from './top-k.js';
import { preferTermAtATime, topKTermAtATime } from './term-at-a-time.js';
import { preferBitsetAnd, topKAndBitset } from './bitset-and.js';
import { orWorker, sharedSegment, type OrAnswer, type OrTask } from './parallel-or.js';
import { availableParallelism } from 'node:os';
import { SpareCore } from './spare-core.js';

/** One sampler per process: every index asks the same question of the same machine. */
const spare = new SpareCore();
const utf8 = new TextEncoder();
const sharedSpareCore = (): boolean => spare.free();

/** One query clause: a word, a phrase, a prefix, or an author name. Tokens are index terms (stems). */
export interface ClauseSpec {
  terms: string[];
  /** The last term matches any index term that starts with it. */
  prefixLast?: boolean;
  /**
   * Only the authors field counts (author: filters); the terms must lie
   * within `near` tokens. A name of several words scores as FTS5 scores its
   * NEAR group: one BM25 term per word (`scoreWord`, set by expandAuthors),
   * each with its own idf and the count of its positions that take part in
   * a match.
   */
  authors?: { near: number; scoreWord?: number };
}

export interface EngineQuery {
  must: ClauseSpec[];
  mustNot?: ClauseSpec[];
  /** 'and' (default): every clause must match; 'or': any. */
  mode?: 'and' | 'or';
  /** Inclusive day numbers (days since 1970-01-01). */
  dateFrom?: number;
  dateTo?: number;
  categories?: string[];
  organizations?: string[];
}

export interface EngineHit {
  key: number;
  score: number;
  /** Global doc id (the tie-breaker: lower wins). */
  doc: number;
  date: number;
}

interface LiveSegment {
  seg: Segment;
  deleted: Uint32Array;
  delCount: number;
  delGen: number;
  dirtyDeletes: boolean;
  filterCache: Map<string, Uint32Array>;
  /** Size and CRC-32 of the segment file and of its current deleted-docs file (null: not recorded). */
  sum?: FileSum | null;
  delSum?: FileSum | null;
  /** BM25's length part per document at one avgdl (lengthNorms), remembered until the avgdl changes. */
  norms?: { avgdl: number; values: Float64Array };
}

/** A manifest's entry for one segment; the sums are absent in manifests written before they were recorded. */
interface ManifestSegment {
  name: string;
  numDocs: number;
  delGen: number;
  bytes?: number;
  crc?: number;
  delBytes?: number;
  delCrc?: number;
}

interface Manifest {
  format: 2;
  weights: [number, number, number];
  nextId: number;
  /** The caller's change-log position that the committed state reflects (see changeSeq). */
  changeSeq: number;
  segments: ManifestSegment[];
  /** Written while a repair runs (index-repair.ts): an index opened with it set is repaired again. */
  repairing?: boolean;
}

const sameSum = (a: FileSum, bytes: number | undefined, crc: number | undefined): boolean =>
  bytes === undefined || crc === undefined || (a.bytes === bytes && a.crc === crc);

/**
 * The memory segment is written to disk past this many documents. Default
 * 5,000: a search after a change re-freezes the whole memory segment
 * (≈ 1 ms per 100 papers), so it must stay small; sane range 1,000–20,000.
 */
export const MEMORY_FLUSH_DOCS = 5_000;

/**
 * The tiered merge policy never builds a segment of more documents than
 * this (`merge({ all: true })` is not limited). Default 500,000: a merge
 * holds its output in memory (≈ 300–500 MB at this size) inside the serving
 * process, and a rebuild leaves segments of REBUILD_SEGMENT_DOCS (250,000)
 * that must not be merged eight at a time into 2M; sane range
 * 100,000–2,000,000 (larger = fewer segments, bigger merge pauses).
 */
export const MAX_MERGED_DOCS = 500_000;

/**
 * A tier pass runs only when its lead (the shortest list block-max AND
 * walks, summed over segments) is at most this share of the full search's:
 * a word in under 5% of the papers has no tier list and leads both, and then
 * the probe and its second pass cost up to twice the full search
 * ("redundancies demonstrating" at 1M: 4.5 ms tiered against 1.8 ms full).
 * Speed only. 200 fresh two-word pairs at 1M (min of 5 runs each, loaded
 * machine), mean / p95 ms: 0.25 → 0.59 / 1.58, 0.5 → 0.55 / 1.52, 0.75 →
 * 0.59 / 1.58, 1 → 0.63 / 1.72; another 200 pairs: 0.25 → 0.62 / 1.61,
 * 0.5 → 0.65 / 1.69, 1 → 0.70 / 1.89. Default 0.5; sane range 0.2–1.
 */
const TIER_LEAD_SHARE = 0.5;

/**
 * In a tiered conjunction, a word reads its tier list only when its idf is
 * at least this share of the query's largest; others read their full list.
 * A word under FTS5's idf floor (1e-6) beside a rarer word ("learning" in
 * "reinforcement learning reward") adds a millionth of the rarer word's
 * score: a document missing its tier loses nothing measurable, so the
 * proof's bound would equal the best score and the level was skipped as
 * hopeless (at 1M that query took 12.6 ms in the full block-max AND). Read in
 * full, such words leave the bound to the words that matter. Default 1e-3
 * (floored idfs are 1e-6: every word in half the papers or more);
 * sane range 1e-4–1e-2.
 */
const TIER_IDF_SHARE = 1e-3;

/**
 * An any-word query is first tried as its every-word top k (orFromAnd)
 * only when the bound of a document missing a word is below this share of
 * the best possible score: above it the every-word k-th score cannot clear
 * the bound and the every-word run would be wasted. Speed only (the proof
 * decides exactness). Default 0.97; sane range 0.9–1.0.
 */
const OR_FROM_AND_HOPELESS = 0.97;

/** Documents per window of countAny (a 1 KB bitset). Speed only; sane range 1,024–65,536. */
const COUNT_WINDOW = 8192;
/**
 * An any-word query shares its top-k with the worker thread (searchAsync)
 * only past this many postings in its words' lists: below it the top-k takes
 * a few ms at most and a message's round trip (≈ 0.1–0.3 ms, more when the
 * other core is busy) would be a large share. Default 200,000 (≈ 2–3 ms of
 * top-k); sane range 50,000–1,000,000. Speed only.
 */
const PARALLEL_MIN_POSTINGS = 200_000;

/** A bound's relative inflation before it is compared with a score (top-k.ts's, for the same rounding). */
const inflate = (x: number): number => x * (1 + 1e-9);

const newBitset = (n: number): Uint32Array => new Uint32Array((n + 31) >>> 5);
const setBit = (b: Uint32Array, i: number): void => {
  b[i >>> 5] |= 1 << (i & 31);
};
const hasBit = (b: Uint32Array, i: number): boolean => ((b[i >>> 5] >>> (i & 31)) & 1) === 1;

/**
 * A multi-word author clause becomes one clause per word (same documents,
 * each word's own score), as FTS5's bm25 scores the phrases of a NEAR group.
 */
function expandAuthors(q: EngineQuery): EngineQuery {
  if (!q.must.some((c) => c.authors && c.terms.length > 1 && c.authors.scoreWord === undefined)) return q;
  const must = q.must.flatMap((c) => (c.authors && c.terms.length > 1 && c.authors.scoreWord === undefined
    ? c.terms.map((_, i) => ({ ...c, authors: { near: c.authors!.near, scoreWord: i } }))
    : [c]));
  return { ...q, must };
}

/**
 * FTS5's NEAR trimming over one document's author positions: a sliding
 * window over each word's sorted positions; every window in which each word
 * has a position no more than (1 + nNear) before the rightmost marks those
 * positions as matching. Returns, per word, how many of its positions were
 * marked (0 for every word when the document does not match).
 */
export function nearMatchCounts(positions: number[][], nNear: number): number[] {
  const k = positions.length;
  const at = new Array<number>(k).fill(0);
  const marked = positions.map(() => new Set<number>());
  const pos = (i: number) => positions[i][at[i]];
  if (positions.some((p) => p.length === 0)) return marked.map(() => 0);
  for (;;) {
    let hi = pos(0);
    let ok: boolean;
    do {
      ok = true;
      for (let i = 0; i < k; i++) {
        const lo = hi - 1 - nNear;
        if (pos(i) < lo || pos(i) > hi) {
          ok = false;
          while (pos(i) < lo) {
            at[i]++;
            if (at[i] >= positions[i].length) return marked.map((m) => m.size);
          }
          if (pos(i) > hi) hi = pos(i);
        }
      }
    } while (!ok);
    for (let i = 0; i < k; i++) marked[i].add(pos(i));
    // Advance the word whose next position comes first; stop when that word has none left.
    let adv = -1;
    let next = Infinity;
    for (let i = 0; i < k; i++) {
      const n = at[i] + 1 < positions[i].length ? positions[i][at[i] + 1] : Infinity;
      if (n < next) { next = n; adv = i; }
    }
    if (adv < 0) return marked.map((m) => m.size);
    at[adv]++;
  }
}

export class LexicalIndex {
  private segments: LiveSegment[] = [];
  private memory: SegmentBuilder;
  private memoryKeys = new Map<number, number>();
  private memoryDeleted: number[] = [];
  private frozen: LiveSegment | null = null;
  private nextId = 1;
  /**
   * The position in the caller's change log (papers' paper_changes.seq) that
   * the in-memory state reflects; the manifest records the position of the
   * last flush, so after a crash the caller replays from there (re-applying
   * a change is idempotent: add() replaces, delete() of a missing key is a no-op).
   */
  changeSeq = 0;
  private durableSeq = 0;
  /**
   * How AND queries of plain words were answered (for tests and benchmarks):
   * by the tier probe, the second tier lists of every word (tiered2), or,
   * when its proof failed (tier2Fallback), by per-word tier lists chosen
   * with the probe's k-th score (tiered) or by the full search pruning from
   * that score (tieredFallback); and how
   * any-word queries were answered by their every-word top k (orFromAnd) or
   * not (orFromAndFallback: tried, the proof failed); any-word queries shared
   * with the worker thread (orShared) and the windows where this thread
   * pruned with the worker's k-th score (orSharedRaised); segments where an
   * every-word query took the bitset path (bitsetAnd, bitset-and.ts).
   */
  readonly counters = {
    tiered2: 0, tier2Fallback: 0, tiered: 0, tieredFallback: 0, orFromAnd: 0, orFromAndFallback: 0,
    orShared: 0, orSharedRaised: 0, bitsetAnd: 0,
  };

  /**
   * Threads a long any-word query may use (searchAsync): 2 shares it with a
   * worker thread, 1 keeps it on the caller's. Default 2 on a machine with
   * two or more cores.
   */
  searchThreads = availableParallelism() >= 2 ? 2 : 1;
  /** A query shares its top-k only past this many postings (PARALLEL_MIN_POSTINGS; tests lower it). */
  parallelMinPostings = PARALLEL_MIN_POSTINGS;
  /** …and only while a core is free of other processes' work (spare-core.ts; tests answer true). */
  spareCore: () => boolean = sharedSpareCore;

  /** Opened read-only: flush, merge and commit write nothing (a follower of another process's index). */
  readOnly = false;
  /**
   * performance.now() after which phrase, prefix and author matching stop
   * early (the caller's time budget; see setDeadline), and whether the last
   * query stopped there (its results are then the best found so far).
   */
  private deadline = Infinity;
  truncated = false;

  /**
   * What open() found damaged and left out (`verify`): an unreadable
   * manifest, or a segment whose file is missing, truncated, or fails its
   * checksum. The owner repairs it from the store (block-max-engine.ts).
   */
  damage: string[] = [];
  /** A repair is under way: commits say so, so one cut short is redone (index-repair.ts). */
  repairing = false;
  /** Segments handed over to an index reopened from this one (close() leaves their files open). */
  private handedOver = new Set<Segment>();

  /** Freezes pending in-memory documents into a searchable view now (index work a query budget should not pay for). */
  prepare(): void {
    this.allSegments();
  }

  /** Bounds the matching work of the next queries (until cleared with Infinity). */
  setDeadline(at: number): void {
    this.deadline = at;
    this.truncated = false;
  }

  private constructor(readonly dir: string | null, readonly weights: FieldWeights) {
    this.memory = new SegmentBuilder(weights);
  }

  /** An index in memory only (tests, benchmarks). */
  static inMemory(weights: FieldWeights = DEFAULT_FIELD_WEIGHTS): LexicalIndex {
    return new LexicalIndex(null, weights);
  }

  /**
   * Opens (or creates) the index folder; segments not in the manifest are
   * removed. `readonly` (doctor, a process that does not own the folder)
   * creates and removes nothing. `verify` checks every file against the
   * size and CRC-32 the manifest records and leaves damaged segments out,
   * listed in `damage` (without it a damaged file throws). `reuse`: an index
   * of the same folder opened before, whose segments still listed with the
   * same checksum are taken over instead of read again (a follower reloading
   * its owner's manifest reads only what changed).
   */
  static open(dir: string, weights: FieldWeights = DEFAULT_FIELD_WEIGHTS,
    opts: { readonly?: boolean; verify?: boolean; reuse?: LexicalIndex; preloaded?: Map<string, SegmentData> } = {}): LexicalIndex {
    if (!opts.readonly) mkdirSync(dir, { recursive: true });
    const mf = join(dir, 'manifest.json');
    let manifest: Manifest | null = null;
    const damage: string[] = [];
    if (existsSync(mf)) {
      try {
        manifest = JSON.parse(readFileSync(mf, 'utf8')) as Manifest;
        if (!manifest || !Array.isArray(manifest.segments) || !Number.isInteger(manifest.changeSeq)) throw new Error('not an index manifest');
      } catch (err) {
        if (!opts.verify) throw new Error(`${mf} cannot be read (${err instanceof Error ? err.message : String(err)}): rebuild the index with \`paperboy index --lexical\``, { cause: err });
        damage.push(`manifest.json cannot be read (${err instanceof Error ? err.message : String(err)})`);
        manifest = null;
      }
    }
    if (manifest && manifest.format !== 2) {
      throw new Error(`${dir} holds an index of an older format: rebuild it with \`paperboy index --lexical\``);
    }
    const idx = new LexicalIndex(dir, manifest ? manifest.weights : weights);
    idx.readOnly = opts.readonly ?? false;
    idx.damage = damage;
    const reusable = new Map<string, LiveSegment>();
    for (const s of opts.reuse?.segments ?? []) if (s.sum) reusable.set(s.seg.name, s);
    if (manifest) {
      idx.nextId = manifest.nextId;
      idx.changeSeq = idx.durableSeq = manifest.changeSeq;
      if (manifest.repairing && opts.verify) damage.push('a repair was cut short');
      for (const s of manifest.segments) {
        try {
          idx.segments.push(idx.openSegment(s, reusable.get(s.name), opts.verify ?? false, opts.reuse, opts.preloaded));
        } catch (err) {
          if (!opts.verify) throw err;
          damage.push(`${s.name}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    }
    const live = new Set<string>(['manifest.json', 'owner.lock']);
    for (const s of manifest?.segments ?? []) {
      live.add(`${s.name}.seg`);
      if (s.delGen > 0) live.add(`${s.name}.del-${s.delGen}`);
    }
    // The owner opening the folder removes crash leftovers (temp files too: no one else writes here).
    if (!opts.readonly) for (const f of readdirSync(dir)) if (!live.has(f)) rmSync(join(dir, f), { force: true });
    return idx;
  }

  /**
   * A follower's reload of the owner's folder: open(dir, { readonly, reuse:
   * prev }), with the segment files it has not seen read first without
   * blocking the thread (a merged segment can be hundreds of MB).
   */
  static async reopen(dir: string, prev: LexicalIndex): Promise<LexicalIndex> {
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Manifest;
    const known = new Set(prev.segments.filter((s) => s.sum).map((s) => `${s.seg.name}:${s.sum!.bytes}:${s.sum!.crc}`));
    const preloaded = new Map<string, SegmentData>();
    try {
      for (const s of manifest.segments ?? []) {
        if (!known.has(`${s.name}:${s.bytes}:${s.crc}`)) preloaded.set(s.name, await readSegmentFileAsync(join(dir, `${s.name}.seg`)));
      }
      return LexicalIndex.open(dir, DEFAULT_FIELD_WEIGHTS, { readonly: true, reuse: prev, preloaded });
    } finally {
      // open() takes what it uses out of the map; the rest (the manifest changed meanwhile) is closed.
      for (const d of preloaded.values()) d.positions.close?.();
    }
  }

  private openSegment(s: ManifestSegment, prev: LiveSegment | undefined, verify: boolean, from: LexicalIndex | undefined,
    preloaded?: Map<string, SegmentData>): LiveSegment {
    const dir = this.dir!;
    const path = join(dir, `${s.name}.seg`);
    let seg: Segment;
    let sum: FileSum | null = s.bytes !== undefined && s.crc !== undefined ? { bytes: s.bytes, crc: s.crc } : null;
    if (prev && sum && prev.sum && sameSum(prev.sum, sum.bytes, sum.crc)) {
      seg = prev.seg;
      from!.handedOver.add(seg);
    } else {
      if (verify && sum) {
        const got = fileSum(path);
        if (!sameSum(got, sum.bytes, sum.crc)) throw new Error(`segment file fails its checksum (${got.bytes} bytes, expected ${sum.bytes})`);
      }
      const data = preloaded?.get(s.name);
      preloaded?.delete(s.name);
      seg = new Segment(data ?? readSegmentFile(path), s.name);
      if (seg.numDocs !== s.numDocs) throw new Error(`segment holds ${seg.numDocs} documents, the manifest says ${s.numDocs}`);
      if (!sum && verify) sum = fileSum(path);
    }
    let deleted = newBitset(seg.numDocs);
    let delCount = 0;
    let delSum: FileSum | null = null;
    if (s.delGen > 0) {
      const raw = readFileSync(join(dir, `${s.name}.del-${s.delGen}`));
      delSum = chunksSum([raw]);
      if (verify && !sameSum(delSum, s.delBytes, s.delCrc)) throw new Error(`deleted-docs file ${s.name}.del-${s.delGen} fails its checksum`);
      if (raw.byteLength !== deleted.byteLength) throw new Error(`deleted-docs file ${s.name}.del-${s.delGen} has the wrong size`);
      deleted = new Uint32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
      for (let i = 0; i < seg.numDocs; i++) if (hasBit(deleted, i)) delCount++;
    }
    return { seg, deleted, delCount, delGen: s.delGen, dirtyDeletes: false, filterCache: new Map(), sum, delSum };
  }

  /** Keys indexed more than once among live documents (0 in a healthy index; doctor checks it). */
  duplicateKeys(): number {
    return this.keyCensus().dup;
  }

  /** The keys of live documents, and those indexed more than once. */
  keyCensus(): { live: Set<number>; duplicated: Set<number>; dup: number } {
    const live = new Set<number>();
    const duplicated = new Set<number>();
    let dup = 0;
    const see = (k: number) => {
      if (live.has(k)) {
        dup++;
        duplicated.add(k);
      } else live.add(k);
    };
    for (const s of this.segments) {
      const keys = s.seg.d.docKey;
      for (let d = 0; d < s.seg.numDocs; d++) if (!hasBit(s.deleted, d)) see(keys[d]);
    }
    for (const k of this.memoryKeys.keys()) see(k);
    return { live, duplicated, dup };
  }

  /** Removes every indexed copy of `key`; returns how many there were. */
  purge(key: number): number {
    let n = 0;
    while (this.deleteKey(key)) n++;
    return n;
  }

  /** Documents indexed, deleted ones excluded. */
  get liveDocs(): number {
    let n = this.memory.n - this.memoryDeleted.length;
    for (const s of this.segments) n += s.seg.numDocs - s.delCount;
    return n;
  }

  /**
   * Documents in the index (deleted ones included until merged away, as
   * BM25's statistics count them) and, per index term, the documents that
   * contain it.
   */
  documentFrequencies(terms: string[]): { docs: number; df: number[] } {
    const segs = this.allSegments();
    let docs = 0;
    for (const s of segs) docs += s.seg.numDocs;
    const df = terms.map((t) => {
      const bytes = utf8.encode(t);
      let n = 0;
      for (const s of segs) {
        const i = s.seg.lookupBytes(bytes);
        if (i >= 0) n += s.seg.d.termDf[i];
      }
      return n;
    });
    return { docs, df };
  }

  get segmentCount(): number {
    return this.segments.length;
  }

  private deleteKey(key: number): boolean {
    const m = this.memoryKeys.get(key);
    if (m !== undefined) {
      this.memoryDeleted.push(m);
      this.memoryKeys.delete(key);
      this.frozen = null;
      return true;
    }
    for (let i = this.segments.length - 1; i >= 0; i--) {
      const s = this.segments[i];
      const d = s.seg.docOfKey(key);
      if (d >= 0 && !hasBit(s.deleted, d)) {
        setBit(s.deleted, d);
        s.delCount++;
        s.dirtyDeletes = true;
        return true;
      }
    }
    return false;
  }

  /** Adds a document, replacing any document with the same key (a new version). Searchable at once. */
  add(doc: IndexDoc, opts: { fresh?: boolean } = {}): void {
    if (!opts.fresh) this.deleteKey(doc.key);
    const local = this.memory.add(doc);
    this.memoryKeys.set(doc.key, local);
    this.frozen = null;
  }

  /** Removes a document; false when the key is not indexed. */
  delete(key: number): boolean {
    return this.deleteKey(key);
  }

  /** Documents in the memory segment (not yet in a segment file). */
  get pendingDocs(): number {
    return this.memory.n;
  }

  /** Whether the memory segment has grown past its flush size. */
  get shouldFlush(): boolean {
    return this.memory.n >= MEMORY_FLUSH_DOCS;
  }

  private memorySegment(): LiveSegment | null {
    if (this.memory.n === 0) return null;
    if (!this.frozen) {
      const seg = new Segment(this.memory.finish(), 'memory');
      const deleted = newBitset(seg.numDocs);
      for (const d of this.memoryDeleted) setBit(deleted, d);
      this.frozen = { seg, deleted, delCount: this.memoryDeleted.length, delGen: 0, dirtyDeletes: false, filterCache: new Map() };
    }
    return this.frozen;
  }

  private allSegments(): LiveSegment[] {
    const m = this.memorySegment();
    return m ? [...this.segments, m] : this.segments;
  }

  /** Turns the memory segment into a segment (written to disk when persistent) and commits. */
  flush(): void {
    if (this.readOnly) return; // a follower keeps its changes in memory; the owner writes the files
    const m = this.memorySegment();
    if (m) {
      const name = `seg-${String(this.nextId++).padStart(6, '0')}`;
      this.segments.push(this.persist(m.seg.d, name, m.deleted, m.delCount));
      this.memory = new SegmentBuilder(this.weights);
      this.memoryKeys.clear();
      this.memoryDeleted = [];
      this.frozen = null;
    }
    // Everything applied is now in segments (and, below, in the deleted-docs files).
    this.durableSeq = this.changeSeq;
    this.commit();
  }

  /**
   * Reserves the next segment name for a segment file written elsewhere (a
   * worker thread, parallel-segment-writer.ts) and adopted in order with
   * adoptSegment(). No flush() or commit() may run in between: a commit
   * removes segment files its manifest does not list.
   */
  reserveSegment(): { name: string; path: string } {
    if (!this.dir) throw new Error('an in-memory index has no segment files: add papers with add()');
    const name = `seg-${String(this.nextId++).padStart(6, '0')}`;
    return { name, path: join(this.dir, `${name}.seg`) };
  }

  /** Appends a reserved segment once its file is written (after every segment before it); the next flush() commits it. */
  adoptSegment(name: string): void {
    if (!this.dir) throw new Error('an in-memory index has no segment files');
    if (this.memory.n > 0) throw new Error('adoptSegment after add(): flush() the memory segment first, so doc ids keep their order');
    const path = join(this.dir, `${name}.seg`);
    const seg = new Segment(readSegmentFile(path), name);
    this.segments.push({ seg, deleted: newBitset(seg.numDocs), delCount: 0, delGen: 0, dirtyDeletes: false, filterCache: new Map(), sum: fileSum(path) });
  }

  private persist(data: SegmentData, name: string, deleted: Uint32Array, delCount: number): LiveSegment {
    if (!this.dir) return { seg: new Segment(data, name), deleted, delCount, delGen: 0, dirtyDeletes: delCount > 0, filterCache: new Map() };
    const sum = writeSegmentFile(join(this.dir, `${name}.seg`), data);
    const seg = new Segment(readSegmentFile(join(this.dir, `${name}.seg`)), name);
    return { seg, deleted, delCount, delGen: 0, dirtyDeletes: delCount > 0, filterCache: new Map(), sum };
  }

  /** Writes changed deleted-docs bitsets and the manifest (atomically). */
  commit(): void {
    if (!this.dir || this.readOnly) return;
    for (const s of this.segments) {
      if (!s.dirtyDeletes) continue;
      s.delGen++;
      const bits = [new Uint8Array(s.deleted.buffer, s.deleted.byteOffset, s.deleted.byteLength)];
      writeFileAtomic(join(this.dir, `${s.seg.name}.del-${s.delGen}`), bits);
      s.delSum = chunksSum(bits);
      s.dirtyDeletes = false;
    }
    const manifest: Manifest = {
      format: 2, weights: [...this.weights] as [number, number, number], nextId: this.nextId, changeSeq: this.durableSeq,
      segments: this.segments.map((s) => ({
        name: s.seg.name, numDocs: s.seg.numDocs, delGen: s.delGen,
        ...(s.sum ? { bytes: s.sum.bytes, crc: s.sum.crc } : {}),
        ...(s.delGen > 0 && s.delSum ? { delBytes: s.delSum.bytes, delCrc: s.delSum.crc } : {}),
      })),
      ...(this.repairing ? { repairing: true } : {}),
    };
    writeFileAtomic(join(this.dir, 'manifest.json'), [Buffer.from(JSON.stringify(manifest, null, 1))]);
    // Old deleted-docs generations and merged-away segments are no longer listed: remove them.
    const live = new Set<string>(['manifest.json', 'owner.lock']);
    for (const s of this.segments) {
      live.add(`${s.seg.name}.seg`);
      if (s.delGen > 0) live.add(`${s.seg.name}.del-${s.delGen}`);
    }
    for (const f of readdirSync(this.dir)) if (!live.has(f) && !f.includes('.tmp-')) rmSync(join(this.dir, f), { force: true });
  }

  /**
   * Merges segments [from, to) into one, dropping deleted documents (doc
   * order kept). With no arguments: a tiered policy merging runs of
   * `factor` segments of similar size, or everything when `all` is set.
   */
  merge(opts: { all?: boolean; factor?: number; maxDocs?: number } = {}): boolean {
    if (this.readOnly) return false;
    const factor = opts.factor ?? 8;
    const maxDocs = opts.maxDocs ?? MAX_MERGED_DOCS;
    let from = -1;
    let to = -1;
    if (opts.all) {
      if (this.segments.length > 1 || (this.segments.length === 1 && this.segments[0].delCount > 0)) {
        from = 0;
        to = this.segments.length;
      }
    } else {
      // The newest run of `factor` segments whose sizes are within 4x of each other, or a segment 20%+ deleted.
      for (let i = this.segments.length - factor; i >= 0 && from < 0; i--) {
        const sizes = this.segments.slice(i, i + factor).map((s) => s.seg.numDocs);
        if (Math.max(...sizes) <= 4 * Math.min(...sizes) && sizes.reduce((a, b) => a + b, 0) <= maxDocs) {
          from = i;
          to = i + factor;
        }
      }
      if (from < 0) {
        const i = this.segments.findIndex((s) => s.delCount > 0.2 * s.seg.numDocs);
        if (i >= 0) {
          from = i;
          to = i + 1;
        }
      }
    }
    if (from < 0) return false;
    const inputs = this.segments.slice(from, to);
    const data = mergeSegments(inputs, this.weights);
    const name = `seg-${String(this.nextId++).padStart(6, '0')}`;
    const merged = this.persist(data, name, newBitset(data.numDocs), 0);
    this.segments.splice(from, to - from, merged);
    this.commit();
    for (const s of inputs) s.seg.d.positions.close?.();
    return true;
  }

  // ---------------------------------------------------------------- search

  private filterBits(s: LiveSegment, term: string): Uint32Array {
    let b = s.filterCache.get(term);
    if (!b) {
      b = newBitset(s.seg.numDocs);
      const t = s.seg.lookup(term);
      if (t >= 0) for (const d of s.seg.decodeAll(t).docs) setBit(b, d);
      if (s.filterCache.size > 64) s.filterCache.clear();
      s.filterCache.set(term, b);
    }
    return b;
  }

  /** Materialises a clause that is not a plain stored term: its docs and weighted tfs in one segment. */
  private materialize(seg: Segment, c: ClauseSpec): { docs: Uint32Array; tfw: Float64Array } {
    const w = this.weights;
    const empty = { docs: new Uint32Array(0), tfw: new Float64Array(0) };
    const termSets: number[][] = c.terms.map((t, i) => {
      if (c.prefixLast && i === c.terms.length - 1) {
        const [a, b] = seg.prefixRange(t);
        return Array.from({ length: b - a }, (_, k) => a + k);
      }
      const id = seg.lookup(t);
      return id >= 0 ? [id] : [];
    });
    if (termSets.some((s) => s.length === 0)) return empty;
    // Single token (prefix expansion or author word without proximity): sum the tfs of the expansions.
    if (c.terms.length === 1) {
      // A dense accumulator over the segment's doc ids: no hashing, no sort; a common prefix such as
      // "model*" expands to ~1 posting per paper, which a Map plus a sort made take hundreds of ms.
      const acc = new Float64Array(seg.numDocs);
      let hits = 0;
      let expanded = 0;
      for (const t of termSets[0]) {
        // Always some progress: a budget spent waiting for the CPU must not turn into an empty answer.
        if (expanded++ > 0 && performance.now() > this.deadline) { this.truncated = true; break; }
        const { docs, tfs } = seg.decodeAll(t);
        for (let i = 0; i < docs.length; i++) {
          const f = c.authors ? tfs[i * 3 + 1] * w[1] : tfs[i * 3] * w[0] + tfs[i * 3 + 1] * w[1] + tfs[i * 3 + 2] * w[2];
          if (f > 0) {
            if (acc[docs[i]] === 0) hits++;
            acc[docs[i]] += f;
          }
        }
      }
      const docs = new Uint32Array(hits);
      const tfw = new Float64Array(hits);
      for (let d = 0, j = 0; j < hits; d++) {
        if (acc[d] !== 0) {
          docs[j] = d;
          tfw[j++] = acc[d];
        }
      }
      return { docs, tfw };
    }
    // Several tokens: walk the intersection and check positions (phrase: adjacent, in order; author: within `near`).
    const groups = termSets.map((set) => set.map((t) => new StoredCursor(seg, t, w)));
    const outDocs: number[] = [];
    const outTfw: number[] = [];
    let d = 0;
    const nextOf = (g: StoredCursor[], target: number): number => {
      let m = END_DOC;
      for (const x of g) {
        const e = x.next(target);
        if (e < m) m = e;
      }
      return m;
    };
    for (let steps = 0; ; steps++) {
      if ((steps & 1023) === 1023 && performance.now() > this.deadline) { this.truncated = true; break; }
      d = nextOf(groups[0], d);
      if (d === END_DOC) break;
      let aligned = true;
      for (let g = 1; g < groups.length; g++) {
        const e = nextOf(groups[g], d);
        if (e !== d) {
          d = e;
          aligned = false;
          break;
        }
      }
      if (!aligned) {
        if (d === END_DOC) break;
        continue;
      }
      const fieldsToCheck = c.authors ? [1] : [0, 1, 2];
      let tfw = 0;
      for (const f of fieldsToCheck) {
        const pos = groups.map((g) => {
          const out: number[] = [];
          for (const x of g) {
            if (x.doc !== d) continue;
            const p = x.currentPositions();
            const off = p.start + (f > 0 ? p.tfTitle : 0) + (f > 1 ? p.tfAuthors : 0);
            const n = f === 0 ? p.tfTitle : f === 1 ? p.tfAuthors : p.tfAbstract;
            for (let k = 0; k < n; k++) out.push(p.buf[off + k]);
          }
          return new Set(out);
        });
        let count = 0;
        if (c.authors) {
          // FTS5's NEAR(w1 w2 …, near + words − 2) over the author positions (query-parser.ts builds the same).
          const counts = nearMatchCounts(pos.map((p) => [...p].sort((a, b) => a - b)), c.authors.near + pos.length - 2);
          count = c.authors.scoreWord !== undefined ? counts[c.authors.scoreWord] : counts[0];
        } else {
          for (const p0 of pos[0]) {
            let ok = true;
            for (let g = 1; g < pos.length && ok; g++) ok = pos[g].has(p0 + g);
            if (ok) count++;
          }
        }
        tfw += count * w[f];
      }
      if (tfw > 0) {
        outDocs.push(d);
        outTfw.push(tfw);
      }
      d++;
    }
    return { docs: Uint32Array.from(outDocs), tfw: Float64Array.from(outTfw) };
  }

  /** Per segment, per clause: a cursor factory and the clause's df there. */
  private plan(q: EngineQuery, segs: LiveSegment[]) {
    const simple = (c: ClauseSpec): boolean => c.terms.length === 1 && !c.prefixLast && !c.authors;
    const perSeg = segs.map((s) => {
      const clauses = q.must.map((c) => {
        if (simple(c)) {
          const t = s.seg.lookup(c.terms[0]);
          return { t, mat: null as null | { docs: Uint32Array; tfw: Float64Array }, df: t >= 0 ? s.seg.d.termDf[t] : 0 };
        }
        const mat = this.materialize(s.seg, c);
        // One word of an author name: its idf counts the papers with that word among the authors (FTS5's per-phrase idf).
        const df = c.authors?.scoreWord !== undefined
          ? this.materialize(s.seg, { terms: [c.terms[c.authors.scoreWord]], authors: { near: c.authors.near } }).docs.length
          : mat.docs.length;
        return { t: -1, mat, df };
      });
      return clauses;
    });
    return perSeg;
  }

  /**
   * Top k documents by BM25 (pruned), or by exhaustive scoring when `exhaustive` is set (the reference).
   * `orWindow`: the any-word top-k's window in documents (tests use small ones to cross many windows).
   */
  search(query: EngineQuery, k: number, opts: { exhaustive?: boolean; orWindow?: number } = {}): EngineHit[] {
    const q = expandAuthors(query);
    const segs = this.allSegments();
    if (q.must.length === 0 || k <= 0) return [];
    // Any of one clause is all of it: the every-word path (tier lists, block-max AND) answers it, with the same scores.
    const mode = q.must.length === 1 ? 'and' : (q.mode ?? 'and');
    const { N, avgdl } = corpusStats(segs);
    if (N === 0) return [];
    const plans = this.plan(q, segs);
    const idfs = q.must.map((_, j) => idf(N, plans.reduce((a, p) => a + p[j].df, 0)));
    const simple = (c: ClauseSpec): boolean => c.terms.length === 1 && !c.prefixLast && !c.authors;
    // Every segment would intersect bitsets (few matches expected, no rare word): the tiers' proofs are not tried.
    const bitsets = mode === 'and' && q.must.every(simple) && segs.every((s, si) => plans[si].some((c) => c.df === 0) || preferBitsetAnd(plans[si].map((c) => c.df), s.seg.numDocs));
    // The tier probe's k-th score, lowered (searchTiered): the full search prunes with it from its first posting.
    let floor = -Infinity;
    if (mode === 'and' && !opts.exhaustive && !bitsets && q.must.length >= 2 && q.must.every(simple)) {
      // The tier lists (a probe over the second tiers, then per-word lists); else the full search from the probe's floor.
      const tiered = this.searchTiered(q, k, segs, plans, idfs, avgdl);
      if (tiered && 'hits' in tiered) return tiered.hits;
      if (tiered) floor = tiered.floor;
    }
    if (mode === 'or' && !opts.exhaustive && q.must.length >= 2 && q.must.every(simple)) {
      const fromAnd = this.orFromAnd(q, k, segs, plans, idfs, avgdl);
      if (fromAnd) return fromAnd;
    }
    const heap = new TopK(k);
    heap.floor = floor;
    const spill = new Spill();
    const orRuns: SegmentRun[] = [];
    let base = 0;
    segs.forEach((s, si) => {
      const segBase = base;
      base += s.seg.numDocs;
      const p = plans[si];
      const present = p.map((c) => c.df > 0);
      if (mode === 'and' ? present.some((x) => !x) : !present.some((x) => x)) return;
      const run = this.segmentRun(q, s, segBase, avgdl);
      if (!run) return;
      p.forEach((c, j) => {
        if (c.df === 0) return;
        const cur = c.mat ? new ArrayCursor(c.mat.docs, c.mat.tfw, s.seg.d.docLen, avgdl) : new StoredCursor(s.seg, c.t, this.weights);
        if (!c.mat) cur.scale = Math.max(1, avgdl / (s.seg.d.totalLen / s.seg.numDocs));
        run.cursors.push(cur);
        run.idfs.push(idfs[j]);
      });
      const stored = p.every((c) => !c.mat);
      if (opts.exhaustive) exhaustive(run, heap, mode);
      else if (mode === 'and' && stored && preferTermAtATime(s.seg, p.map((c) => c.t), run.idfs)) {
        topKTermAtATime(s.seg, p.map((c) => c.t), run.idfs, this.weights, run, heap);
      } else if (mode === 'and' && stored && preferBitsetAnd(p.map((c) => c.df), s.seg.numDocs)) {
        topKAndBitset(s.seg, p.map((c) => c.t), run, heap);
        this.counters.bitsetAnd++;
      } else if (mode === 'and') topKAnd(run, heap);
      else {
        run.norms = lengthNorms(s, avgdl);
        topKOr(run, heap, spill, opts.orWindow);
        orRuns.push(run);
      }
    });
    // Any-word: the heap ranked by window sums; the exact sums decide (exactTopOr).
    const top = orRuns.length ? exactTopOr(orRuns, heap, spill, k) : heap;
    return top.sorted().map((h) => this.hit(segs, h.doc, h.score));
  }

  /**
   * search(), with the any-word top k of a long query of plain words shared
   * with a worker thread (parallel-or.ts): the segments in shared memory are
   * split between the worker and this thread by their postings, both run
   * topKOr, and the heaps are merged (exact: see parallel-or.ts). Anything
   * else — and a query with fewer than `parallelMinPostings` postings, one
   * shared segment, no core free of other processes' work (`spareCore`), or
   * `searchThreads` 1 — is search() itself.
   */
  async searchAsync(query: EngineQuery, k: number): Promise<EngineHit[]> {
    const q = query;
    const simple = (c: ClauseSpec): boolean => c.terms.length === 1 && !c.prefixLast && !c.authors;
    if (this.searchThreads < 2 || q.mode !== 'or' || q.must.length < 2 || k <= 0 || !q.must.every(simple)) return this.search(query, k);
    const segs = this.allSegments();
    const { N, avgdl } = corpusStats(segs);
    if (N === 0) return [];
    const plans = this.plan(q, segs);
    // Postings per segment (what the top-k reads, at most); only segments in shared memory can go to the worker.
    const cost = plans.map((p) => p.reduce((a, c) => a + c.df, 0));
    const total = cost.reduce((a, b) => a + b, 0);
    const shareable = segs.map((s, si) => cost[si] > 0 && sharedSegment(s.seg));
    if (total < this.parallelMinPostings || shareable.filter(Boolean).length < 2 || !this.spareCore()) return this.search(query, k);
    // Started at the first query that needs it (most processes never do).
    const worker = orWorker();
    if (worker.broken) return this.search(query, k);
    const idfs = q.must.map((_, j) => idf(N, plans.reduce((a, p) => a + p[j].df, 0)));
    const fromAnd = this.orFromAnd(q, k, segs, plans, idfs, avgdl);
    if (fromAnd) return fromAnd;
    // Largest segments first, each to the side with less work so far (a segment held only here stays here).
    const order = segs.map((_, si) => si).filter((si) => cost[si] > 0).sort((a, b) => cost[b] - cost[a]);
    const remote = new Set<number>();
    let here = 0;
    let there = 0;
    for (const si of order) {
      if (shareable[si] && there <= here) {
        remote.add(si);
        there += cost[si];
      } else here += cost[si];
    }
    const runs: { si: number; run: SegmentRun }[] = [];
    let base = 0;
    segs.forEach((s, si) => {
      const segBase = base;
      base += s.seg.numDocs;
      if (cost[si] === 0) return;
      const run = this.segmentRun(q, s, segBase, avgdl);
      if (!run) return;
      plans[si].forEach((c, j) => {
        if (c.df === 0) return;
        const cur = new StoredCursor(s.seg, c.t, this.weights);
        cur.scale = Math.max(1, avgdl / (s.seg.d.totalLen / s.seg.numDocs));
        run.cursors.push(cur);
        run.idfs.push(idfs[j]);
      });
      run.norms = lengthNorms(s, avgdl);
      runs.push({ si, run });
    });
    const tasks: OrTask[] = runs.filter((r) => remote.has(r.si)).map(({ si, run }) => {
      const { positions: _positions, ...data } = segs[si].seg.d;
      return {
        name: segs[si].seg.name, data, norms: run.norms!, terms: plans[si].filter((c) => c.df > 0).map((c) => c.t), idfs: run.idfs,
        scale: run.cursors[0].scale, base: run.base, lo: run.lo, hi: run.hi, blocked: run.blocked, required: run.required,
        dated: run.dates !== null, dateFrom: run.dateFrom, dateTo: run.dateTo,
      };
    });
    const threshold = SharedThreshold.create();
    const answer = tasks.length ? worker.run(tasks, k, avgdl, this.weights, threshold) : null;
    const heap = new TopK(k);
    const spill = new Spill();
    const shared = new SharedThreshold(threshold, 0);
    for (const { si, run } of runs) {
      if (remote.has(si)) continue;
      run.shared = shared;
      topKOr(run, heap, spill);
    }
    let got: OrAnswer | null = null;
    try {
      got = answer ? await answer : null;
    } catch {
      // The worker failed (it is marked broken): its share runs here, alone.
      for (const { si, run } of runs) {
        if (!remote.has(si)) continue;
        run.shared = null;
        topKOr(run, heap, spill);
      }
    }
    if (got) {
      for (let i = 0; i < got.docs.length; i++) offerSpilling(heap, spill, got.scores[i], got.docs[i]);
      for (let i = 0; i < got.spillDocs.length; i++) spill.add(got.spillScores[i], got.spillDocs[i]);
    }
    this.counters.orShared++;
    this.counters.orSharedRaised += shared.raised;
    // Fresh cursors of every segment's run rescore the candidates exactly (exactTopOr), the worker's segments' too.
    return exactTopOr(runs.map((r) => r.run), heap, spill, k).sorted().map((h) => this.hit(segs, h.doc, h.score));
  }

  /**
   * An any-word query of plain words answered by its every-word top k, when
   * that provably is the any-word top k: a document missing some word j
   * scores at most Σ_{i≠j} idf_i·max_i·s (max_i the word's largest block
   * bound, s the avgdl scale); when that bound, inflated, is strictly below
   * the k-th every-word score (and there are k), no such document can enter,
   * and a document with every word scores the same in both modes (the same
   * sum in clause order). Null otherwise (the caller runs the any-word
   * search). Not tried when the bound is at least OR_FROM_AND_HOPELESS of the
   * best possible score (a floored word beside rarer ones: "reinforcement
   * learning reward" without "learning" loses ~1e-6), where the proof cannot
   * pass. Pays off for queries of common words ("language model reasoning":
   * any-word k = 100 at 1M, 38 ms CPU; every-word through the tier lists,
   * 11 ms, and the proof holds).
   */
  private orFromAnd(
    q: EngineQuery, k: number, segs: LiveSegment[], plans: ReturnType<LexicalIndex['plan']>, idfs: number[], avgdl: number,
  ): EngineHit[] | null {
    const ub = new Float64Array(q.must.length);
    segs.forEach((s, si) => {
      const scale = Math.max(1, avgdl / (s.seg.d.totalLen / s.seg.numDocs));
      plans[si].forEach((c, j) => {
        if (c.t >= 0) ub[j] = Math.max(ub[j], idfs[j] * (termBound(s.seg, c.t) * scale));
      });
    });
    let total = 0;
    for (const u of ub) total += u;
    let worst = 0;
    for (let j = 0; j < ub.length; j++) {
      let b = 0;
      for (let i = 0; i < ub.length; i++) if (i !== j) b += ub[i];
      if (b > worst) worst = b;
    }
    if (worst >= OR_FROM_AND_HOPELESS * total) return null;
    const hits = this.search({ ...q, mode: 'and' }, k);
    if (hits.length === k && worst * (1 + 1e-9) < hits[k - 1].score) {
      this.counters.orFromAnd++;
      return hits;
    }
    this.counters.orFromAndFallback++;
    return null;
  }

  /**
   * Tiered conjunction of plain words (see segment.ts tierImpact), in two
   * passes over tier lists (postings of impact ≥ the level's cut, with their
   * full tfs, so scores are exact); segments without tier lists run the
   * normal path.
   *
   * (A) The probe: block-max AND over the second tier lists of every word
   * that has one (a word under TIER_IDF_SHARE of the largest idf reads its
   * full list). A document left out misses some word j's list, so its score
   * is at most b_j = idf_j·cut·s + Σ_{i≠j} idf_i·max_i·s (max_i the word's
   * largest block bound, s the avgdl scale). When every such b_j, inflated,
   * is strictly below the probe's k-th score θ₀, the probe is the answer.
   * (B) Otherwise θ₀ (a true score of k matching documents, so ≤ the final
   * k-th) decides word by word: word j reads its second tier when b_j < θ₀
   * at that cut, its first tier when b_j < θ₀ at the first tier's cut, its
   * full list otherwise. Typically the rarer word of a pair reads its tier
   * and the common one its full list: "promising enables" needed both tiers
   * in the probe (b of the common word 5.41 > the k-th 5.31), but a document
   * outside "promising"'s tier scores ≤ 4.99. The probe's top k are among
   * this pass's candidates (each scores ≥ θ₀ > every b_j read from a tier),
   * so its k-th is ≥ θ₀ and the proof holds; it is checked all the same.
   * When no word qualifies (or pass B's proof fails), the floor (θ₀ lowered
   * by 1e-12, relative: a document tying θ₀ may still rank by its lower doc
   * id) goes back to the full search, which prunes with it from its first
   * posting (TopK.floor). Null (the full search as it was) when no segment
   * has tier lists, or when the probe's lead would not be much shorter than
   * the full search's (TIER_LEAD_SHARE). Documents are offered in
   * increasing global id, as topKAnd requires.
   */
  private searchTiered(
    q: EngineQuery, k: number, segs: LiveSegment[], plans: ReturnType<LexicalIndex['plan']>, idfs: number[], avgdl: number,
  ): { hits: EngineHit[] } | { floor: number } | null {
    const n = q.must.length;
    // A word whose idf is a negligible share of the query's largest (FTS5's floor, 1e-6, beside a rarer word) reads
    // its full list: its tier could not tighten the proof's bound, and would only shrink the probe's candidates.
    const maxIdf = Math.max(...idfs);
    const eligible = idfs.map((x) => x >= TIER_IDF_SHARE * maxIdf);
    const scaleOf = (s: LiveSegment): number => Math.max(1, avgdl / (s.seg.d.totalLen / s.seg.numDocs));
    // Per level (the second tier, then the first): tier list ids per segment and word (−1: the word reads its full
    // list there; null: no word has a tier list there), and each word's bound b_j over the segments where it has one.
    const levels = ([2, 1] as const).map((level) => {
      const cutOf = (s: LiveSegment): number => (level === 2 ? s.seg.d.tier2Impact : s.seg.d.tierImpact);
      const nameOf = level === 2 ? tier2Term : tierTerm;
      const bound = new Float64Array(n).fill(-Infinity);
      const ids = segs.map((s, si) => {
        if (cutOf(s) <= 0 || plans[si].some((c) => c.df === 0)) return null;
        const t = q.must.map((c, j) => (eligible[j] ? s.seg.lookup(nameOf(c.terms[0])) : -1));
        if (!t.some((x) => x >= 0)) return null;
        const scale = scaleOf(s);
        const mx = plans[si].map((c, j) => idfs[j] * (termBound(s.seg, c.t) * scale));
        for (let j = 0; j < n; j++) {
          if (t[j] < 0) continue;
          let b = idfs[j] * (cutOf(s) * scale);
          for (let i = 0; i < n; i++) if (i !== j) b += mx[i];
          if (b > bound[j]) bound[j] = b;
        }
        return t;
      });
      return { ids, bound };
    });
    // The probe reads the second tier lists (the first where a segment has no second).
    const probeLevel = levels[0].ids.some((x) => x) ? levels[0] : levels[1];
    if (!probeLevel.ids.some((x) => x)) return null;
    // Block-max AND walks its shortest list (the lead): a pass whose lead is not much shorter than the full
    // search's costs about as much as the full search itself.
    const fullLead = this.leadPostings(segs, plans, segs.map(() => null));
    if (this.leadPostings(segs, plans, probeLevel.ids) > TIER_LEAD_SHARE * fullLead) return null;
    const probe = this.tierPass(q, k, segs, plans, idfs, avgdl, probeLevel.ids, -Infinity);
    const theta0 = probe.full ? probe.threshold : -Infinity;
    // The probe's bound: the largest b_j of a word read from a tier list (−∞ for a word read in full: it misses nothing).
    if (probe.full && inflate(Math.max(...probeLevel.bound)) < theta0) {
      this.counters.tiered2++;
      return { hits: probe.sorted().map((h) => this.hit(segs, h.doc, h.score)) };
    }
    this.counters.tier2Fallback++;
    // Lowered so that a document scoring exactly θ₀ (which may tie the final k-th with a lower doc id) is still offered.
    const floor = theta0 * (1 - 1e-12);
    // Pass B: per word, the shortest list whose bound is below θ₀ (second tier, first tier, or its full list).
    const pick = q.must.map((_, j) => (inflate(levels[0].bound[j]) < theta0 ? 0 : inflate(levels[1].bound[j]) < theta0 ? 1 : -1));
    if (pick.every((x) => x < 0)) {
      this.counters.tieredFallback++;
      return { floor };
    }
    const ids = segs.map((_, si) => {
      const t = q.must.map((_c, j) => (pick[j] < 0 ? -1 : (levels[pick[j]].ids[si]?.[j] ?? -1)));
      return t.some((x) => x >= 0) ? t : null;
    });
    if (this.leadPostings(segs, plans, ids) > TIER_LEAD_SHARE * fullLead) {
      this.counters.tieredFallback++;
      return { floor };
    }
    const heap = this.tierPass(q, k, segs, plans, idfs, avgdl, ids, floor);
    const bound = Math.max(...pick.map((l, j) => (l < 0 ? -Infinity : levels[l].bound[j])));
    if (heap.full && inflate(bound) < heap.threshold) {
      this.counters.tiered++;
      return { hits: heap.sorted().map((h) => this.hit(segs, h.doc, h.score)) };
    }
    this.counters.tieredFallback++;
    return { floor: heap.full ? Math.max(floor, heap.threshold * (1 - 1e-12)) : floor };
  }

  /** Postings of the shortest list each segment's block-max AND would walk, over the lists `ids` names (as tierPass). */
  private leadPostings(segs: LiveSegment[], plans: ReturnType<LexicalIndex['plan']>, ids: (number[] | null)[]): number {
    let total = 0;
    for (let si = 0; si < segs.length; si++) {
      const p = plans[si];
      const t = ids[si];
      let lead = Infinity;
      for (let j = 0; j < p.length; j++) lead = Math.min(lead, t && t[j] >= 0 ? segs[si].seg.d.termDf[t[j]] : p[j].df);
      total += lead;
    }
    return total;
  }

  /**
   * One pass of the tiered conjunction: block-max AND per segment over the
   * lists `ids[si]` names (a tier list id per word, −1 for its full list;
   * null: the segment's normal path), into one heap with `floor`.
   */
  private tierPass(
    q: EngineQuery, k: number, segs: LiveSegment[], plans: ReturnType<LexicalIndex['plan']>, idfs: number[], avgdl: number,
    ids: (number[] | null)[], floor: number,
  ): TopK {
    const heap = new TopK(k);
    heap.floor = floor;
    let base = 0;
    for (let si = 0; si < segs.length; si++) {
      const s = segs[si];
      const segBase = base;
      base += s.seg.numDocs;
      const p = plans[si];
      if (p.some((c) => c.df === 0)) continue;
      const run = this.segmentRun(q, s, segBase, avgdl);
      if (!run) continue;
      const scale = Math.max(1, avgdl / (s.seg.d.totalLen / s.seg.numDocs));
      const tiers = ids[si];
      p.forEach((c, j) => {
        const tier = tiers && tiers[j] >= 0 ? tiers[j] : -1;
        const cur = new StoredCursor(s.seg, tier >= 0 ? tier : c.t, this.weights);
        cur.scale = scale;
        if (tier >= 0) cur.minImpact = s.seg.tierCut(tier);
        run.cursors.push(cur);
        run.idfs.push(idfs[j]);
      });
      if (!tiers && preferTermAtATime(s.seg, p.map((c) => c.t), idfs)) {
        topKTermAtATime(s.seg, p.map((c) => c.t), idfs, this.weights, run, heap);
      } else topKAnd(run, heap);
    }
    return heap;
  }

  /** Every matching document (AND), unscored: for counts and date sorting. Stops after `cap` matches. */
  matches(query: EngineQuery, cap = Infinity): { hits: EngineHit[]; complete: boolean } {
    const q = expandAuthors(query);
    const segs = this.allSegments();
    const hits: EngineHit[] = [];
    if (q.must.length === 0) return { hits, complete: true };
    const plans = this.plan(q, segs);
    let base = 0;
    for (let si = 0; si < segs.length; si++) {
      const s = segs[si];
      const segBase = base;
      base += s.seg.numDocs;
      const p = plans[si];
      if (p.some((c) => c.df === 0)) continue;
      const run = this.segmentRun(q, s, segBase, 1);
      if (!run) continue;
      const cursors: PostingCursor[] = p.map((c) => (c.mat ? new ArrayCursor(c.mat.docs, c.mat.tfw, s.seg.d.docLen, 1) : new StoredCursor(s.seg, c.t, this.weights)));
      cursors.sort((a, b) => a.df - b.df);
      let d = run.lo;
      for (;;) {
        d = cursors[0].next(d);
        if (d >= run.hi) break;
        let aligned = true;
        for (let j = 1; j < cursors.length; j++) {
          const e = cursors[j].next(d);
          if (e !== d) {
            d = e;
            aligned = false;
            break;
          }
        }
        if (!aligned) continue;
        if (accepts(run, d)) {
          hits.push({ key: s.seg.d.docKey[d], score: 0, doc: segBase + d, date: s.seg.d.docDate[d] });
          if (hits.length >= cap) return { hits, complete: false };
        }
        d++;
      }
    }
    return { hits, complete: true };
  }

  /**
   * Documents matching any positive clause (an any-word query), filters and
   * exclusions applied, counted up to `cap`. Per segment, window by window
   * in doc order (COUNT_WINDOW documents): each clause marks its postings of
   * the window in a bitset (decoding only the blocks that overlap it), then
   * the marked documents are counted; it stops at `cap`, so a union of
   * common words reaches a count cap of 10,000 after a few windows instead
   * of decoding every posting (a 30-word sentence at 1M: 67 → 3.6 ms).
   * `window`: tests use small ones to cross many window edges.
   */
  countAny(query: EngineQuery, cap = Infinity, window = COUNT_WINDOW): { count: number; complete: boolean } {
    const q = expandAuthors(query);
    let count = 0;
    let base = 0;
    const size = Math.max(32, window);
    const bits = new Uint32Array((size + 31) >>> 5);
    for (const s of this.allSegments()) {
      const segBase = base;
      base += s.seg.numDocs;
      const run = this.segmentRun(q, s, segBase, 1);
      if (!run) continue;
      const stored: StoredCursor[] = [];
      const lists: Uint32Array[] = [];
      for (const c of q.must) {
        const simple = c.terms.length === 1 && !c.prefixLast && !c.authors;
        if (simple) {
          const t = s.seg.lookup(c.terms[0]);
          if (t >= 0) stored.push(new StoredCursor(s.seg, t, this.weights));
        } else {
          lists.push(this.materialize(s.seg, c).docs);
        }
      }
      const at = new Int32Array(lists.length);
      for (let from = run.lo; from < run.hi;) {
        const to = Math.min(run.hi, from + size);
        const words = (to - from + 31) >>> 5;
        bits.fill(0, 0, words);
        for (const x of stored) x.markWindow(from, to, bits);
        for (let i = 0; i < lists.length; i++) {
          const docs = lists[i];
          let p = at[i];
          while (p < docs.length && docs[p] < from) p++;
          for (; p < docs.length && docs[p] < to; p++) setBit(bits, docs[p] - from);
          at[i] = p;
        }
        for (let wi = 0; wi < words; wi++) {
          let word = bits[wi];
          while (word !== 0) {
            const low = word & -word;
            word ^= low;
            if (accepts(run, from + ((wi << 5) | (31 - Math.clz32(low)))) && ++count >= cap) return { count, complete: false };
          }
        }
        from = to;
      }
    }
    return { count, complete: true };
  }

  private hit(segs: LiveSegment[], doc: number, score: number): EngineHit {
    let base = 0;
    for (const s of segs) {
      if (doc < base + s.seg.numDocs) {
        const d = doc - base;
        return { key: s.seg.d.docKey[d], score, doc, date: s.seg.d.docDate[d] };
      }
      base += s.seg.numDocs;
    }
    throw new Error(`doc ${doc} is outside the index`);
  }

  /** Filters of one segment; null when nothing in it can match. */
  private segmentRun(q: EngineQuery, s: LiveSegment, base: number, avgdl: number): SegmentRun | null {
    const d = s.seg.d;
    let lo = 0;
    let hi = d.numDocs;
    const from = q.dateFrom ?? -Infinity;
    const to = q.dateTo ?? Infinity;
    const dated = q.dateFrom !== undefined || q.dateTo !== undefined;
    if (dated && d.dateSorted) {
      lo = lowerBound(d.docDate, from);
      hi = lowerBound(d.docDate, to + 1);
      if (lo >= hi) return null;
    }
    let blocked: Uint32Array | null = s.delCount > 0 ? s.deleted : null;
    if (q.mustNot && q.mustNot.length) {
      const b = blocked ? blocked.slice() : newBitset(d.numDocs);
      for (const c of q.mustNot) {
        if (c.terms.length === 1 && !c.prefixLast && !c.authors) {
          const t = s.seg.lookup(c.terms[0]);
          if (t >= 0) for (const x of s.seg.decodeAll(t).docs) setBit(b, x);
        } else {
          for (const x of this.materialize(s.seg, c).docs) setBit(b, x);
        }
      }
      blocked = b;
    }
    let required: Uint32Array | null = null;
    const filters = [...(q.categories ?? []).map(categoryTerm), ...(q.organizations ?? []).map(organizationTerm)];
    for (const f of filters) {
      const bits = this.filterBits(s, f);
      if (!required) required = bits.slice();
      else for (let i = 0; i < required.length; i++) required[i] &= bits[i];
    }
    return {
      cursors: [], idfs: [], docLen: d.docLen, avgdl, base, lo, hi, blocked, required,
      dates: dated && !d.dateSorted ? d.docDate : null, dateFrom: from, dateTo: to,
    };
  }

  /** Sizes for reports. */
  stats(): { segments: number; docs: number; liveDocs: number; terms: number; postingBytes: number } {
    let docs = 0;
    let terms = 0;
    let postingBytes = 0;
    for (const s of this.allSegments()) {
      docs += s.seg.numDocs;
      terms += s.seg.numTerms;
      postingBytes += s.seg.d.postings.length;
    }
    return { segments: this.segments.length, docs, liveDocs: this.liveDocs, terms, postingBytes };
  }

  close(): void {
    for (const s of this.segments) if (!this.handedOver.has(s.seg)) s.seg.d.positions.close?.();
  }
}

/**
 * K1·(1 − B + B·len/avgdl) per document of the segment, the part of every
 * term score that depends on the document alone (bm25.termScore computes it
 * in the same operation order, so scores are identical), kept with the
 * segment until the index's avgdl changes: the any-word top-k then does no
 * division by avgdl per posting.
 */
function lengthNorms(s: LiveSegment, avgdl: number): Float64Array {
  if (s.norms && s.norms.avgdl === avgdl) return s.norms.values;
  const len = s.seg.d.docLen;
  // Shared memory: the any-word worker reads them too (parallel-or.ts).
  const values = new Float64Array(new SharedArrayBuffer(len.length * 8));
  for (let d = 0; d < len.length; d++) values[d] = K1 * (1 - B + (B * len[d]) / avgdl);
  s.norms = { avgdl, values };
  return values;
}

function lowerBound(a: Int32Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Concatenates segments (in order) without their deleted documents. */
export function mergeSegments(inputs: LiveSegment[], weights: FieldWeights): SegmentData {
  let n = 0;
  for (const s of inputs) n += s.seg.numDocs - s.delCount;
  const key = new Uint32Array(n);
  const len = new Uint32Array(n);
  const date = new Int32Array(n);
  const remaps: Int32Array[] = [];
  let next = 0;
  for (const s of inputs) {
    const r = new Int32Array(s.seg.numDocs).fill(-1);
    for (let d = 0; d < s.seg.numDocs; d++) {
      if (hasBit(s.deleted, d)) continue;
      r[d] = next;
      key[next] = s.seg.d.docKey[d];
      len[next] = s.seg.d.docLen[d];
      date[next] = s.seg.d.docDate[d];
      next++;
    }
    remaps.push(r);
  }
  const names = new Set<string>();
  for (const s of inputs) {
    for (let t = 0; t < s.seg.numTerms; t++) {
      const name = s.seg.termAt(t);
      // Tier lists have no positions; assembleSegment recomputes them for the merged segment.
      if (!name.startsWith(TIER_PREFIX)) names.add(name);
    }
  }
  const terms = new Map<string, TermWriter>();
  let positions = new Uint32Array(1024);
  for (const name of names) {
    const w = new TermWriter();
    inputs.forEach((s, si) => {
      const t = s.seg.lookup(name);
      if (t < 0) return;
      const { docs, tfs } = s.seg.decodeAll(t);
      const pb = s.seg.positionBytes(t);
      let p = 0;
      const r = remaps[si];
      for (let i = 0; i < docs.length; i++) {
        const n3 = tfs[i * 3] + tfs[i * 3 + 1] + tfs[i * 3 + 2];
        if (positions.length < n3) positions = new Uint32Array(n3 * 2);
        let o = 0;
        for (let f = 0; f < 3; f++) {
          let prev = -1;
          for (let c = tfs[i * 3 + f]; c > 0; c--) {
            let v = 0;
            let shift = 0;
            for (;;) {
              const b = pb[p++];
              v += (b & 0x7f) * 2 ** shift;
              if (b < 0x80) break;
              shift += 7;
            }
            prev += v;
            positions[o++] = prev;
          }
        }
        const nd = r[docs[i]];
        if (nd < 0) continue;
        w.add(nd, tfs[i * 3], tfs[i * 3 + 1], tfs[i * 3 + 2], positions, 0);
      }
    });
    if (w.df > 0) terms.set(name, w);
  }
  return assembleSegment(writerSource(terms), { key, len, date, n }, weights);
}

/** Papers in `segs` and their mean length: BM25's corpus statistics, the same for every path that scores. */
function corpusStats(segs: { seg: { numDocs: number; d: { totalLen: number } } }[]): { N: number; avgdl: number } {
  let N = 0;
  let totalLen = 0;
  for (const s of segs) {
    N += s.seg.numDocs;
    totalLen += s.seg.d.totalLen;
  }
  return { N, avgdl: N === 0 ? 0 : totalLen / N };
}
