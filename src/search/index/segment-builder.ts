/**
 * Builds a segment from documents in memory: the inverted index of a batch.
 *
 * Documents are added in doc-id order (their local ids are 0, 1, 2, …); each
 * term's postings are encoded into blocks as they arrive (varint doc deltas,
 * a tf code, positions), so the builder holds compressed bytes, not arrays
 * of numbers. `finish()` sorts the dictionary and concatenates the terms'
 * bytes into one SegmentData. The merger feeds the same TermWriter.
 *
 * Goals: ≥ 20k papers/s on one core; memory ≈ the compressed size.
 * Non-goals: being searchable while building (the live index freezes a
 * builder into a segment when a search needs it).
 */
import { porterStem, tokenize } from '../tokenize.js';
import { ByteBuf, float32Up } from './bytes.js';
import { DEFAULT_FIELD_WEIGHTS, impact, type FieldWeights } from './bm25.js';
import { BLOCK_PAD, encodeBlock } from './block-codec.js';
import {
  BLOCK_SIZE, FILTER_PREFIX, MemoryPositions, TIER_PREFIX, categoryTerm, decodeTfCode, encodeTfCode, organizationTerm, tierTerm,
  type SegmentData,
} from './segment.js';

/**
 * Tier cutoff: a term's postings with impact g = f·(k1+1)/(f + k1·(1−b+b·D/avgdl))
 * ≥ this value are copied into its tier list. Default 1.7 (g ranges 0–2.2):
 * a title hit (f ≥ 10) is ≈ 1.9–2.15, an abstract-only hit needs f ≥ 4–5,
 * so a tier holds ≈ 10–25% of a common word's postings, while all-common
 * queries at 1M papers have top-20 thresholds of ≈ 6.1 (3 words) / 4.1 (2
 * words) in units of idf, above tier cutoff + the others' maxima (≈ 6.0 /
 * 3.85), which lets tiered-and.ts answer from the tiers alone. Sane range
 * 1.5–1.9: lower makes tiers bigger, higher makes the proof fail more often.
 */
export const TIER_IMPACT = 1.7;

/**
 * A term gets a tier list when it is in at least this share of a segment's
 * documents (and ≥ 2 blocks). Default 0.2: only words whose idf is near
 * FTS5's floor defeat block-max pruning; rarer words prune well without
 * tiers. Sane range 0.05–0.5 (more tiers cost index size).
 */
export const TIER_MIN_SHARE = 0.2;

interface TierList { docs: Uint32Array; tfs: Uint16Array }

/** What the index needs of a paper. */
export interface IndexDoc {
  /** The paper's stable integer key (the store's papers.pk, also FTS5's rowid). */
  key: number;
  title: string;
  /** Author names joined by ", " (the FTS5 authors column). */
  authors: string;
  abstract: string;
  /** Publication day as days since 1970-01-01, or −1 when unknown. */
  date: number;
  categories: readonly string[];
  organization: string | null;
}

/** Days since 1970-01-01 of an ISO date or timestamp, −1 when absent or invalid. */
export function dayNumber(iso: string | null | undefined): number {
  if (!iso) return -1;
  const t = Date.parse(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
  return Number.isFinite(t) ? Math.floor(t / 86_400_000) : -1;
}

/**
 * One term's postings being written, in the builder's own compact stream
 * (varint doc gap + tf code; positions as varints); assembleSegment turns it
 * into bit-packed blocks.
 */
export class TermWriter {
  readonly docs = new ByteBuf(8);
  readonly pos = new ByteBuf(8);
  df = 0;
  lastDoc = -1;
  /** Per-document scratch of SegmentBuilder.add: the doc being added, and this term's slot in it. */
  stamp = -1;
  slot = 0;
  /** Positions byte end of every full block of BLOCK_SIZE postings. */
  readonly posEnds: number[] = [];

  /** Appends a posting; `positions[posFrom…]` holds tfT + tfA + tfB positions, field by field (null: none kept). */
  add(doc: number, tfT: number, tfA: number, tfB: number, positions: Uint32Array | null, posFrom: number): void {
    this.docs.varint(doc - this.lastDoc);
    encodeTfCode(this.docs, tfT, tfA, tfB);
    if (positions) {
      // Per field: first position + 1, then deltas (fields start at 0 again).
      const pos = this.pos;
      let p = posFrom;
      let prev = -1;
      for (const end = p + tfT; p < end; p++) {
        pos.varint(positions[p] - prev);
        prev = positions[p];
      }
      prev = -1;
      for (const end = p + tfA; p < end; p++) {
        pos.varint(positions[p] - prev);
        prev = positions[p];
      }
      prev = -1;
      for (const end = p + tfB; p < end; p++) {
        pos.varint(positions[p] - prev);
        prev = positions[p];
      }
    }
    this.lastDoc = doc;
    if (++this.df % BLOCK_SIZE === 0) this.posEnds.push(this.pos.length);
  }
}

/** Decodes a TermWriter's stream (varint gaps + tf codes) into docs/tfs scratch arrays; returns the count. */
function decodeStream(w: TermWriter, docs: Uint32Array, tfs: Uint16Array): number {
  const b = w.docs.buf;
  const end = w.docs.length;
  let p = 0;
  let prev = -1;
  let i = 0;
  while (p < end) {
    let v = b[p++];
    if (v >= 0x80) {
      v &= 0x7f;
      let shift = 7;
      for (;;) {
        const c = b[p++];
        v += (c & 0x7f) * 2 ** shift;
        if (c < 0x80) break;
        shift += 7;
      }
    }
    prev += v;
    docs[i] = prev;
    p = decodeTfCode(b, p, tfs, i * 3);
    i++;
  }
  return i;
}

/**
 * Assembles SegmentData from terms (any order) and per-doc arrays: sorts the
 * dictionary, re-encodes each term's postings as bit-packed blocks
 * (block-codec.ts) and computes each block's exact max impact at the
 * segment's avgdl.
 */
export function assembleSegment(
  terms: Map<string, TermWriter>,
  docs: { key: Uint32Array; len: Uint32Array; date: Int32Array; n: number },
  weights: FieldWeights,
): SegmentData {
  let totalLen = 0;
  let dateSorted = true;
  for (let i = 0; i < docs.n; i++) {
    totalLen += docs.len[i];
    if (i > 0 && docs.date[i] < docs.date[i - 1]) dateSorted = false;
  }
  const avgdl = docs.n > 0 ? totalLen / docs.n : 1;
  const w0 = weights[0];
  const w1 = weights[1];
  const w2 = weights[2];
  // Tier lists of common terms (their high-impact postings), computed first so the dictionary sorts once.
  const tiers = new Map<string, TierList>();
  {
    let maxTierDf = 0;
    for (const [name, w] of terms) if (w.df > maxTierDf && !name.startsWith(FILTER_PREFIX) && !name.startsWith(TIER_PREFIX)) maxTierDf = w.df;
    const tDocs = new Uint32Array(Math.max(1, maxTierDf));
    const tTfs = new Uint16Array(Math.max(1, maxTierDf) * 3);
    for (const [name, w] of terms) {
      if (name.startsWith(FILTER_PREFIX) || name.startsWith(TIER_PREFIX)) continue;
      if (w.df < 2 * BLOCK_SIZE || w.df < TIER_MIN_SHARE * docs.n) continue;
      const n = decodeStream(w, tDocs, tTfs);
      let m = 0;
      for (let x = 0; x < n; x++) {
        const g = impact(tTfs[x * 3] * w0 + tTfs[x * 3 + 1] * w1 + tTfs[x * 3 + 2] * w2, docs.len[tDocs[x]], avgdl);
        if (g >= TIER_IMPACT) m++;
      }
      const list: TierList = { docs: new Uint32Array(m), tfs: new Uint16Array(m * 3) };
      for (let x = 0, o = 0; x < n; x++) {
        const g = impact(tTfs[x * 3] * w0 + tTfs[x * 3 + 1] * w1 + tTfs[x * 3 + 2] * w2, docs.len[tDocs[x]], avgdl);
        if (g < TIER_IMPACT) continue;
        list.docs[o] = tDocs[x];
        list.tfs[o * 3] = tTfs[x * 3];
        list.tfs[o * 3 + 1] = tTfs[x * 3 + 1];
        list.tfs[o * 3 + 2] = tTfs[x * 3 + 2];
        o++;
      }
      tiers.set(tierTerm(name), list);
    }
  }
  const emptyWriter = new TermWriter();
  // Tier lists given as input (a merge of segments) are dropped: they are recomputed above.
  const names = [...terms.keys()].filter((k) => !k.startsWith(TIER_PREFIX)).concat([...tiers.keys()]);
  const writers = names.map((k) => terms.get(k) ?? emptyWriter);
  const tierOf = names.map((k) => tiers.get(k) ?? null);
  const dfOf = (i: number): number => tierOf[i]?.docs.length ?? writers[i].df;
  const encoded = names.map((s) => Buffer.from(s, 'utf8'));
  const order = names.map((_, i) => i);
  order.sort((a, b) => Buffer.compare(encoded[a], encoded[b]));
  let termByteLen = 0;
  let numBlocks = 0;
  let posLen = 0;
  let maxDf = 0;
  for (const i of order) {
    const w = writers[i];
    const df = dfOf(i);
    termByteLen += encoded[i].length;
    numBlocks += Math.ceil(df / BLOCK_SIZE);
    posLen += w.pos.length;
    if (df > maxDf) maxDf = df;
  }
  const numTerms = names.length;
  const termBytes = new Uint8Array(termByteLen);
  const termOffsets = new Uint32Array(numTerms + 1);
  const termDf = new Uint32Array(numTerms);
  const termBlocks = new Uint32Array(numTerms + 1);
  const blockLast = new Uint32Array(numBlocks);
  const blockMaxTfw = new Float32Array(numBlocks);
  const blockMinLen = new Uint32Array(numBlocks);
  const blockDocOff = new Float64Array(numBlocks + 1);
  const blockPosOff = new Float64Array(numBlocks + 1);
  const postings = new ByteBuf(1 << 16);
  const positions = new Uint8Array(posLen);
  const sDocs = new Uint32Array(Math.max(1, maxDf));
  const sTfs = new Uint16Array(Math.max(1, maxDf) * 3);
  let tb = 0;
  let k = 0;
  let ps = 0;
  for (let t = 0; t < numTerms; t++) {
    const i = order[t];
    const w = writers[i];
    termBytes.set(encoded[i], tb);
    tb += encoded[i].length;
    termOffsets[t + 1] = tb;
    termDf[t] = dfOf(i);
    termBlocks[t] = k;
    const tier = tierOf[i];
    let n: number;
    if (tier) {
      n = tier.docs.length;
      sDocs.set(tier.docs);
      sTfs.set(tier.tfs);
    } else n = decodeStream(w, sDocs, sTfs);
    positions.set(w.pos.view(), ps);
    // Closed blocks know their positions' end; the open tail (a builder is frozen mid-way) ends at pos.length.
    const ends = w.posEnds;
    let prev = -1;
    for (let j = 0, from = 0; from < n; j++, k++, from += BLOCK_SIZE) {
      const cnt = Math.min(BLOCK_SIZE, n - from);
      let mx = 0;
      let mn = 0xffffffff;
      for (let x = from; x < from + cnt; x++) {
        const len = docs.len[sDocs[x]];
        const g = impact(sTfs[x * 3] * w0 + sTfs[x * 3 + 1] * w1 + sTfs[x * 3 + 2] * w2, len, avgdl);
        if (g > mx) mx = g;
        if (len < mn) mn = len;
      }
      encodeBlock(postings, sDocs, sTfs, from, cnt, prev);
      prev = sDocs[from + cnt - 1];
      blockLast[k] = prev;
      blockMaxTfw[k] = float32Up(mx);
      blockMinLen[k] = mn;
      blockDocOff[k + 1] = postings.length;
      blockPosOff[k + 1] = ps + (j < ends.length ? ends[j] : w.pos.length);
    }
    ps += w.pos.length;
  }
  termBlocks[numTerms] = k;
  for (let p = 0; p < BLOCK_PAD; p++) postings.byte(0);
  return {
    numDocs: docs.n, totalLen, weights, dateSorted, tierImpact: TIER_IMPACT,
    docKey: docs.key.slice(0, docs.n), docLen: docs.len.slice(0, docs.n), docDate: docs.date.slice(0, docs.n),
    termBytes, termOffsets, termDf, termBlocks, blockLast, blockMaxTfw, blockMinLen, blockDocOff, blockPosOff,
    postings: postings.view().slice(), positions: new MemoryPositions(positions),
  };
}

const isWordChar = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90);

export class SegmentBuilder {
  private readonly terms = new Map<string, TermWriter>();
  /** folded token → its term's writer (the stem is computed once per distinct token). */
  private readonly tokenWriters = new Map<string, TermWriter>();
  private key = new Uint32Array(1024);
  private len = new Uint32Array(1024);
  private date = new Int32Array(1024);
  n = 0;
  // Per-document scratch: the distinct terms, and every occurrence as (slot·3 + field, position).
  private docWriters: TermWriter[] = [];
  private occKey = new Uint32Array(4096);
  private occPos = new Uint32Array(4096);
  private nOcc = 0;
  private sortedPos = new Uint32Array(4096);
  private count = new Uint32Array(1024);

  constructor(readonly weights: FieldWeights = DEFAULT_FIELD_WEIGHTS) {}

  private writerOf(term: string): TermWriter {
    let w = this.terms.get(term);
    if (!w) {
      w = new TermWriter();
      this.terms.set(term, w);
    }
    return w;
  }

  /** Records one occurrence of a folded token. */
  private occur(folded: string, field: number, position: number, id: number): void {
    let w = this.tokenWriters.get(folded);
    if (w === undefined) {
      w = this.writerOf(porterStem(folded));
      if (this.tokenWriters.size < 2_000_000) this.tokenWriters.set(folded, w);
    }
    if (w.stamp !== id) {
      w.stamp = id;
      w.slot = this.docWriters.length;
      this.docWriters.push(w);
    }
    if (this.nOcc === this.occKey.length) {
      const k = new Uint32Array(this.nOcc * 2);
      k.set(this.occKey);
      this.occKey = k;
      const p = new Uint32Array(this.nOcc * 2);
      p.set(this.occPos);
      this.occPos = p;
    }
    this.occKey[this.nOcc] = w.slot * 3 + field;
    this.occPos[this.nOcc++] = position;
  }

  /** Tokenizes one field (ASCII fast path, tokenize.ts otherwise); returns its token count. */
  private field(text: string, f: number, id: number): number {
    const n = text.length;
    for (let j = 0; j < n; j++) {
      if (text.charCodeAt(j) >= 128) {
        let pos = 0;
        for (const t of tokenize(text)) this.occur(t.folded, f, pos++, id);
        return pos;
      }
    }
    let pos = 0;
    let i = 0;
    while (i < n) {
      let c = text.charCodeAt(i);
      if (!isWordChar(c)) {
        i++;
        continue;
      }
      const start = i;
      let upper = false;
      do {
        if (c >= 65 && c <= 90) upper = true;
        c = ++i < n ? text.charCodeAt(i) : 0;
      } while (isWordChar(c));
      const tok = text.slice(start, i);
      this.occur(upper ? tok.toLowerCase() : tok, f, pos++, id);
    }
    return pos;
  }

  /** Adds a document; its local id is the number of documents added before it. */
  add(doc: IndexDoc): number {
    const id = this.n;
    if (id === this.key.length) {
      const grow = <T extends Uint32Array | Int32Array>(a: T, make: (n: number) => T): T => {
        const b = make(a.length * 2);
        b.set(a);
        return b;
      };
      this.key = grow(this.key, (n) => new Uint32Array(n));
      this.len = grow(this.len, (n) => new Uint32Array(n));
      this.date = grow(this.date, (n) => new Int32Array(n));
    }
    const writers = this.docWriters;
    writers.length = 0;
    this.nOcc = 0;
    const total = this.field(doc.title, 0, id) + this.field(doc.authors, 1, id) + this.field(doc.abstract, 2, id);
    // Group occurrences by (term, field) with a counting sort; positions stay in order within a field.
    const nKeys = writers.length * 3;
    if (this.count.length < nKeys + 1) this.count = new Uint32Array((nKeys + 1) * 2);
    const count = this.count;
    count.fill(0, 0, nKeys + 1);
    const occKey = this.occKey;
    const occPos = this.occPos;
    const nOcc = this.nOcc;
    for (let i = 0; i < nOcc; i++) count[occKey[i] + 1]++;
    for (let i = 1; i <= nKeys; i++) count[i] += count[i - 1];
    if (this.sortedPos.length < nOcc) this.sortedPos = new Uint32Array(nOcc * 2);
    const sorted = this.sortedPos;
    for (let i = 0; i < nOcc; i++) sorted[count[occKey[i]]++] = occPos[i];
    // count[k] is now the end of key k (= start of k + 1).
    for (let s = 0, start = 0; s < writers.length; s++) {
      const base = s * 3;
      const e0 = count[base];
      const e1 = count[base + 1];
      const e2 = count[base + 2];
      writers[s].add(id, e0 - start, e1 - e0, e2 - e1, sorted, start);
      start = e2;
    }
    // Filter terms: a category listed twice is one posting.
    for (const c of doc.categories) {
      const w = this.writerOf(categoryTerm(c));
      if (w.lastDoc !== id) w.add(id, 0, 0, 0, null, 0);
    }
    if (doc.organization) this.writerOf(organizationTerm(doc.organization)).add(id, 0, 0, 0, null, 0);
    this.key[id] = doc.key;
    this.len[id] = total;
    this.date[id] = doc.date;
    this.n++;
    return id;
  }

  /** The segment of everything added so far (the builder stays usable; later adds are not in it). */
  finish(): SegmentData {
    return assembleSegment(this.terms, { key: this.key, len: this.len, date: this.date, n: this.n }, this.weights);
  }

  /** Approximate bytes held (for flushing the in-memory segment by size). */
  approxBytes(): number {
    let b = this.n * 12;
    for (const w of this.terms.values()) b += w.docs.length + w.pos.length + 64;
    return b;
  }
}
