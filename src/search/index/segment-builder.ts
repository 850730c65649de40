/**
 * Builds a segment from documents in memory: the inverted index of a batch.
 *
 * SegmentBuilder (documents in doc-id order, local ids 0, 1, 2, …) scans
 * ASCII fields over char codes and maps each token to its term through an
 * open-addressing table of the folded tokens seen so far, so a repeated
 * word costs no string and no stemming; non-ASCII fields go through
 * tokenize.ts (same terms: test/search/index/segment-builder.test.ts).
 * Postings (doc, packed tfs) and positions are appended as plain ints to
 * per-term streams of one IntSlicePool; `finish()` sorts the dictionary,
 * bit-packs the blocks, varint-encodes positions and computes block maxima
 * once (assembleSegment). Merges feed assembleSegment from TermWriter
 * streams instead (writerSource).
 *
 * Goals: ≥ 20k papers/s on one core (measured ≈ 13–14k per CPU-second,
 * see docs/SEARCH-ENGINE.md); memory bounded by flushing every
 * REBUILD_SEGMENT_DOCS papers. Non-goals: being searchable while building
 * (the live index freezes a builder into a segment when a search needs it).
 */
import { porterStem, tokenize } from '../../domain/tokenize.js';
import { ByteBuf, float32Up } from './bytes.js';
import { DEFAULT_FIELD_WEIGHTS, impact, type FieldWeights } from './bm25.js';
import { IntSlicePool, SliceReader } from './int-slice-pool.js';
import { BLOCK_PAD, encodeBlock } from './block-codec.js';
import {
  BLOCK_SIZE, FILTER_PREFIX, MemoryPositions, TIER_PREFIX, categoryTerm, decodeTfCode, encodeTfCode, organizationTerm, tier2Term, tierTerm,
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
 * Second tier cutoff: postings of impact ≥ this value also go to the term's
 * second tier list (tier2Term), which searchTiered tries first. Default 1.8:
 * at 3M papers the top-20 thresholds of the all-common bench queries pass
 * the proof with it (bound/k-th score 0.95–0.99) while the lists are ≈ 30%
 * shorter than the first tier (3-word queries) and 27% ("video
 * generation"); at 1.85 "large language models" already fails (1.0001), at
 * 1.9 every 3-word query does. Sane range 1.75–1.9, above TIER_IMPACT.
 */
export const TIER2_IMPACT = 1.8;

/**
 * A term gets a tier list when it is in at least this share of a segment's
 * documents (and ≥ 2 blocks). Default 0.05: words in 5–20% of papers
 * ("graph", "neural", "network") defeat block-max pruning too — nearly
 * every 128-posting block of theirs holds a title hit, so block bounds never
 * prune — while their tiers are tiny (≈ 5% of their postings have impact
 * ≥ 1.7). Sane range 0.03–0.5 (more tiers cost index size).
 */
export const TIER_MIN_SHARE = 0.05;

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
 * One term's postings being merged (mergeSegments), in a compact stream
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

/** What assembleSegment reads of each term of a builder or a merge. */
export interface PostingSource {
  /** Term names by term number (tier terms of an input are skipped). */
  readonly names: readonly string[];
  df(i: number): number;
  /** Decodes term i's postings (doc ids ascending) into docs and tfs (title, authors, abstract per posting); returns the count. */
  decode(i: number, docs: Uint32Array, tfs: Uint16Array): number;
  /**
   * Appends term i's positions (per posting and field: first + 1, then
   * deltas, as varints) to out, and pushes out.length after every full
   * block of BLOCK_SIZE postings onto blockEnds.
   */
  positions(i: number, out: ByteBuf, blockEnds: number[]): void;
}

/** A merge's terms (TermWriter streams) as a PostingSource. */
export function writerSource(terms: Map<string, TermWriter>): PostingSource {
  const names = [...terms.keys()];
  const writers = names.map((k) => terms.get(k)!);
  return {
    names,
    df: (i) => writers[i].df,
    decode: (i, docs, tfs) => decodeStream(writers[i], docs, tfs),
    positions: (i, out, blockEnds) => {
      const base = out.length;
      out.bytes(writers[i].pos.view());
      for (const e of writers[i].posEnds) blockEnds.push(base + e);
    },
  };
}

/**
 * Assembles SegmentData from terms (any order) and per-doc arrays: sorts the
 * dictionary, encodes each term's postings as bit-packed blocks
 * (block-codec.ts) and computes each block's exact max impact at the
 * segment's avgdl.
 */
export function assembleSegment(
  src: PostingSource,
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
  const srcNames = src.names;
  let maxDf = 0;
  for (let i = 0; i < srcNames.length; i++) if (src.df(i) > maxDf) maxDf = src.df(i);
  const sDocs = new Uint32Array(Math.max(1, maxDf));
  const sTfs = new Uint16Array(Math.max(1, maxDf) * 3);
  // Tier lists of common terms (their high-impact postings), computed first so the dictionary sorts once.
  const tierNames: string[] = [];
  const tierLists: TierList[] = [];
  for (let i = 0; i < srcNames.length; i++) {
    const name = srcNames[i];
    if (name.startsWith(FILTER_PREFIX) || name.startsWith(TIER_PREFIX)) continue;
    const df = src.df(i);
    if (df < 2 * BLOCK_SIZE || df < TIER_MIN_SHARE * docs.n) continue;
    const n = src.decode(i, sDocs, sTfs);
    // Both levels from one decode: the first tier (≥ TIER_IMPACT), then its subset the second (≥ TIER2_IMPACT).
    for (const [cut, tname] of [[TIER_IMPACT, tierTerm(name)], [TIER2_IMPACT, tier2Term(name)]] as const) {
      let m = 0;
      for (let x = 0; x < n; x++) {
        const g = impact(sTfs[x * 3] * w0 + sTfs[x * 3 + 1] * w1 + sTfs[x * 3 + 2] * w2, docs.len[sDocs[x]], avgdl);
        if (g >= cut) m++;
      }
      const list: TierList = { docs: new Uint32Array(m), tfs: new Uint16Array(m * 3) };
      for (let x = 0, o = 0; x < n; x++) {
        const g = impact(sTfs[x * 3] * w0 + sTfs[x * 3 + 1] * w1 + sTfs[x * 3 + 2] * w2, docs.len[sDocs[x]], avgdl);
        if (g < cut) continue;
        list.docs[o] = sDocs[x];
        list.tfs[o * 3] = sTfs[x * 3];
        list.tfs[o * 3 + 1] = sTfs[x * 3 + 1];
        list.tfs[o * 3 + 2] = sTfs[x * 3 + 2];
        o++;
      }
      tierNames.push(tname);
      tierLists.push(list);
    }
  }
  // Entries: source terms (i < nSrc) and tier lists (nSrc + j); tier lists given as input (a merge) are dropped.
  const nSrc = srcNames.length;
  const entries: number[] = [];
  for (let i = 0; i < nSrc; i++) if (!srcNames[i].startsWith(TIER_PREFIX)) entries.push(i);
  for (let j = 0; j < tierNames.length; j++) entries.push(nSrc + j);
  const nameOf = (e: number): string => (e < nSrc ? srcNames[e] : tierNames[e - nSrc]);
  const dfOf = (e: number): number => (e < nSrc ? src.df(e) : tierLists[e - nSrc].docs.length);
  const encoded = new Map<number, Buffer>();
  for (const e of entries) encoded.set(e, Buffer.from(nameOf(e), 'utf8'));
  entries.sort((a, b) => Buffer.compare(encoded.get(a)!, encoded.get(b)!));
  let termByteLen = 0;
  let numBlocks = 0;
  for (const e of entries) {
    termByteLen += encoded.get(e)!.length;
    numBlocks += Math.ceil(dfOf(e) / BLOCK_SIZE);
  }
  const numTerms = entries.length;
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
  const positions = new ByteBuf(1 << 16);
  const ends: number[] = [];
  let tb = 0;
  let k = 0;
  for (let t = 0; t < numTerms; t++) {
    const e = entries[t];
    const enc = encoded.get(e)!;
    termBytes.set(enc, tb);
    tb += enc.length;
    termOffsets[t + 1] = tb;
    termDf[t] = dfOf(e);
    termBlocks[t] = k;
    let n: number;
    ends.length = 0;
    if (e >= nSrc) {
      // Tier lists keep no positions: their blocks all end where they start.
      const tier = tierLists[e - nSrc];
      n = tier.docs.length;
      sDocs.set(tier.docs);
      sTfs.set(tier.tfs);
    } else {
      n = src.decode(e, sDocs, sTfs);
      src.positions(e, positions, ends);
    }
    // Closed blocks know their positions' end; the open tail ends at positions.length.
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
      blockPosOff[k + 1] = j < ends.length ? ends[j] : positions.length;
    }
  }
  termBlocks[numTerms] = k;
  for (let p = 0; p < BLOCK_PAD; p++) postings.byte(0);
  return {
    numDocs: docs.n, totalLen, weights, dateSorted, tierImpact: TIER_IMPACT, tier2Impact: TIER2_IMPACT,
    docKey: docs.key.slice(0, docs.n), docLen: docs.len.slice(0, docs.n), docDate: docs.date.slice(0, docs.n),
    termBytes, termOffsets, termDf, termBlocks, blockLast, blockMaxTfw, blockMinLen, blockDocOff, blockPosOff,
    postings: postings.view().slice(), positions: new MemoryPositions(positions.view()),
  };
}

/** Text outside ASCII takes tokenize.ts (Unicode classes, folding); ASCII text the inline scanner. */
const NON_ASCII = /[^\u0000-\u007f]/; // eslint-disable-line no-control-regex

const isWordChar = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90);

/** Token-table hash step (FNV-1a over UTF-16 code units, lower-cased ASCII). */
const FNV_PRIME = 0x01000193;
const FNV_SEED = 0x811c9dc5 | 0;
/**
 * Distinct folded tokens remembered per builder (each costs ≈ 30 bytes plus
 * its characters). Default 4,000,000; past it, new tokens are stemmed at
 * every occurrence (slower, same terms). A flushed builder starts afresh.
 */
const MAX_TOKENS = 4_000_000;

/**
 * Builds a segment from documents in memory. Documents are added in doc-id
 * order (local ids 0, 1, 2, …).
 *
 * Per token: the field is scanned over char codes, a hash of the lower-cased
 * characters is looked up in an open-addressing table of the folded tokens
 * seen so far (their characters kept in one char pool), which gives the
 * term id without creating a string; only a new surface word is sliced,
 * folded and stemmed. Its position is appended to the term's position
 * stream and its field's tf counted. At the end of the document every
 * distinct term appends (doc, packed tfs) to its postings stream. Streams
 * live in one IntSlicePool; block encoding (bit packing, varint positions,
 * max impacts) happens once, in finish().
 */
export class SegmentBuilder {
  private readonly termIds = new Map<string, number>();
  private readonly names: string[] = [];
  private df = new Int32Array(1024);
  /** Last doc that used the term (−1: none), and its tfs in that doc (3 per term). */
  private stamp = new Int32Array(1024).fill(-1);
  private tf = new Int32Array(3 * 1024);
  /** Stream 2t: postings (doc, tfs packed as tT | tA<<10 | tB<<20, or −1 then the three tfs); 2t+1: positions. */
  private readonly pool = new IntSlicePool();
  private readonly rd = new SliceReader([]);
  // Token table (open addressing, linear probing): slot i is table[2i] = hash, table[2i + 1] = entry + 1 (0: empty);
  // entry e is ent[3e] = start of its chars in `chars`, ent[3e + 1] = length, ent[3e + 2] = term id. Interleaved so a
  // probe touches one cache line of the table and one of the entries.
  private table = new Int32Array(2 << 16);
  private ent = new Int32Array(3 << 15);
  private nEnt = 0;
  private chars = new Uint16Array(1 << 18);
  private nChars = 0;
  private key = new Uint32Array(1024);
  private len = new Uint32Array(1024);
  private date = new Int32Array(1024);
  n = 0;
  /** Per-document scratch: the distinct terms of the doc being added. */
  private docTerms = new Int32Array(1024);
  private nDocTerms = 0;

  constructor(readonly weights: FieldWeights = DEFAULT_FIELD_WEIGHTS) {}

  /** The term id of a term (stem or filter term), created on first use. */
  private termId(term: string): number {
    let t = this.termIds.get(term);
    if (t === undefined) {
      t = this.names.length;
      this.names.push(term);
      this.termIds.set(term, t);
      if (t === this.df.length) {
        const df = new Int32Array(t * 2);
        df.set(this.df);
        this.df = df;
        const st = new Int32Array(t * 2).fill(-1);
        st.set(this.stamp);
        this.stamp = st;
        const tf = new Int32Array(t * 6);
        tf.set(this.tf);
        this.tf = tf;
      }
      this.pool.newStream();
      this.pool.newStream();
    }
    return t;
  }

  /**
   * The term id of the token text[start, end) whose lower-cased chars hash
   * to h (`upper`: it holds ASCII capitals to lower). Strings are made only
   * for a token not seen before.
   */
  private tokenTerm(text: string, start: number, end: number, h: number, upper: boolean): number {
    const len = end - start;
    const table = this.table;
    const ent = this.ent;
    const mask = (table.length >>> 1) - 1;
    let i = h & mask;
    for (;;) {
      const s = table[2 * i + 1];
      if (s === 0) break;
      if (table[2 * i] === h) {
        const e = (s - 1) * 3;
        if (ent[e + 1] === len) {
          const chars = this.chars;
          let o = ent[e];
          let p = start;
          for (; p < end; p++, o++) {
            let c = text.charCodeAt(p);
            if (c >= 65 && c <= 90) c += 32;
            if (c !== chars[o]) break;
          }
          if (p === end) return ent[e + 2];
        }
      }
      i = (i + 1) & mask;
    }
    const raw = text.slice(start, end);
    const t = this.termId(porterStem(upper ? raw.toLowerCase() : raw));
    if (this.nEnt < MAX_TOKENS) this.remember(text, start, end, h, t, i);
    return t;
  }

  private remember(text: string, start: number, end: number, h: number, t: number, slot: number): void {
    const e = this.nEnt++;
    if (e * 3 === this.ent.length) {
      const ent = new Int32Array(this.ent.length * 2);
      ent.set(this.ent);
      this.ent = ent;
    }
    const len = end - start;
    if (this.nChars + len > this.chars.length) {
      const c = new Uint16Array(Math.max(this.chars.length * 2, this.nChars + len));
      c.set(this.chars.subarray(0, this.nChars));
      this.chars = c;
    }
    for (let p = start, o = this.nChars; p < end; p++, o++) {
      const c = text.charCodeAt(p);
      this.chars[o] = c >= 65 && c <= 90 ? c + 32 : c;
    }
    this.ent[e * 3] = this.nChars;
    this.ent[e * 3 + 1] = len;
    this.ent[e * 3 + 2] = t;
    this.nChars += len;
    this.table[2 * slot] = h;
    this.table[2 * slot + 1] = e + 1;
    if (this.nEnt * 4 > this.table.length) {
      // Rehash at load 1/2 (the table holds two ints per slot).
      const old = this.table;
      const table = new Int32Array(old.length * 2);
      const mask = (table.length >>> 1) - 1;
      for (let x = 0; x < old.length; x += 2) {
        if (old[x + 1] === 0) continue;
        let i = old[x] & mask;
        while (table[2 * i + 1] !== 0) i = (i + 1) & mask;
        table[2 * i] = old[x];
        table[2 * i + 1] = old[x + 1];
      }
      this.table = table;
    }
  }

  /** Records one occurrence of term t in field f at position pos of doc id. */
  private occur(t: number, f: number, pos: number, id: number): void {
    if (this.stamp[t] !== id) {
      this.stamp[t] = id;
      this.tf[t * 3] = 0;
      this.tf[t * 3 + 1] = 0;
      this.tf[t * 3 + 2] = 0;
      if (this.nDocTerms === this.docTerms.length) {
        const d = new Int32Array(this.nDocTerms * 2);
        d.set(this.docTerms);
        this.docTerms = d;
      }
      this.docTerms[this.nDocTerms++] = t;
    }
    this.tf[t * 3 + f]++;
    this.pool.push(t * 2 + 1, pos);
  }

  /** Tokenizes one field (ASCII fast path, tokenize.ts otherwise); returns its token count. */
  private field(text: string, f: number, id: number): number {
    // The regex test is ≈ 5–10× faster than a charCodeAt loop over the whole field.
    if (NON_ASCII.test(text)) {
      let pos = 0;
      for (const tok of tokenize(text)) {
        const s = tok.folded;
        let h = FNV_SEED;
        for (let p = 0; p < s.length; p++) h = Math.imul(h ^ s.charCodeAt(p), FNV_PRIME);
        this.occur(this.tokenTerm(s, 0, s.length, h, false), f, pos++, id);
      }
      return pos;
    }
    const n = text.length;
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
      let h = FNV_SEED;
      do {
        if (c >= 65 && c <= 90) {
          upper = true;
          c += 32;
        }
        h = Math.imul(h ^ c, FNV_PRIME);
        c = ++i < n ? text.charCodeAt(i) : 0;
      } while (isWordChar(c));
      this.occur(this.tokenTerm(text, start, i, h, upper), f, pos++, id);
    }
    return pos;
  }

  /** Appends a posting of doc id with the given tfs to term t. */
  private posting(t: number, id: number, tT: number, tA: number, tB: number): void {
    const s = t * 2;
    this.pool.push(s, id);
    if (tT < 1024 && tA < 1024 && tB < 2048) this.pool.push(s, tT | (tA << 10) | (tB << 20));
    else {
      this.pool.push(s, -1);
      this.pool.push(s, tT);
      this.pool.push(s, tA);
      this.pool.push(s, tB);
    }
    this.df[t]++;
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
    this.nDocTerms = 0;
    const total = this.field(doc.title, 0, id) + this.field(doc.authors, 1, id) + this.field(doc.abstract, 2, id);
    const tf = this.tf;
    for (let x = 0; x < this.nDocTerms; x++) {
      const t = this.docTerms[x];
      this.posting(t, id, tf[t * 3], tf[t * 3 + 1], tf[t * 3 + 2]);
    }
    // Filter terms: a category listed twice is one posting.
    for (const c of doc.categories) {
      const t = this.termId(categoryTerm(c));
      if (this.stamp[t] !== id) {
        this.stamp[t] = id;
        this.posting(t, id, 0, 0, 0);
      }
    }
    if (doc.organization) this.posting(this.termId(organizationTerm(doc.organization)), id, 0, 0, 0);
    this.key[id] = doc.key;
    this.len[id] = total;
    this.date[id] = doc.date;
    this.n++;
    return id;
  }

  /** The builder's terms as assembleSegment reads them. */
  private source(): PostingSource {
    const pool = this.pool;
    const rd = this.rd;
    const df = this.df;
    return {
      names: this.names,
      df: (i) => df[i],
      decode: (i, docs, tfs) => {
        const r = pool.reader(i * 2, rd);
        const n = df[i];
        for (let x = 0; x < n; x++) {
          docs[x] = r.next();
          const p = r.next();
          if (p >= 0) {
            tfs[x * 3] = p & 1023;
            tfs[x * 3 + 1] = (p >>> 10) & 1023;
            tfs[x * 3 + 2] = p >>> 20;
          } else {
            tfs[x * 3] = r.next();
            tfs[x * 3 + 1] = r.next();
            tfs[x * 3 + 2] = r.next();
          }
        }
        return n;
      },
      positions: (i, out, blockEnds) => {
        const r = pool.reader(i * 2);
        const rp = pool.reader(i * 2 + 1, rd);
        const n = df[i];
        for (let x = 0; x < n; x++) {
          r.next();
          const p = r.next();
          let tT: number;
          let tA: number;
          let tB: number;
          if (p >= 0) {
            tT = p & 1023;
            tA = (p >>> 10) & 1023;
            tB = p >>> 20;
          } else {
            tT = r.next();
            tA = r.next();
            tB = r.next();
          }
          // Per field: first position + 1, then deltas (fields start at 0 again).
          let prev = -1;
          for (let c = tT; c > 0; c--) {
            const v = rp.next();
            out.varint(v - prev);
            prev = v;
          }
          prev = -1;
          for (let c = tA; c > 0; c--) {
            const v = rp.next();
            out.varint(v - prev);
            prev = v;
          }
          prev = -1;
          for (let c = tB; c > 0; c--) {
            const v = rp.next();
            out.varint(v - prev);
            prev = v;
          }
          if ((x + 1) % BLOCK_SIZE === 0) blockEnds.push(out.length);
        }
      },
    };
  }

  /** The segment of everything added so far (the builder stays usable; later adds are not in it). */
  finish(): SegmentData {
    return assembleSegment(this.source(), { key: this.key, len: this.len, date: this.date, n: this.n }, this.weights);
  }

  /** Approximate bytes held (for flushing by size). */
  approxBytes(): number {
    return this.n * 12 + this.pool.bytes() + this.table.byteLength + this.ent.byteLength + this.chars.byteLength + this.names.length * 64;
  }
}
