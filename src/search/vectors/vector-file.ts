/**
 * The vector index on disk, in `<indexDir>/vectors/`:
 *
 *   manifest.json      { format, model: { id, dim }, changeSeq, papers, trainedOn,
 *                        complete, modelFile, vectorsFile }
 *   model-G.bin        the embedder's trained parameters (corpus model), when it has any
 *   vectors-G.bin      PBVEC2\n, u32 header length, JSON header (dim, PQ pieces m and
 *                      piece size, count, category and organization names), then
 *                      4-byte aligned sections: scale f32[dim], PQ centroids
 *                      f32[m·256·sub], keys i32[n], days i32[n], organizations i32[n],
 *                      categories u16[n·4] (+ overflow in the header), codes i8[n·dim],
 *                      PQ codes u8[n·m]
 *
 * Every file is written to a temporary name, fsynced and renamed, the folder
 * fsynced, and the manifest last: a crash leaves the old manifest and its
 * files, or the new ones; files no manifest names are removed at open.
 * `complete: false` marks a build that stopped part-way (`paperboy index
 * --vectors` resumes it). The manifest's model id is what a changed
 * embedder is checked against.
 *
 * Non-goals: appending (a snapshot is rewritten whole; the change feed
 * replays what came after it).
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { VectorIndex } from './vector-index.js';

/** 2: product-quantization codes beside the 8-bit ones (format 1 held IVF cells; an index of format 1 is rebuilt). */
export const VECTOR_FORMAT = 2;
const MAGIC = 'PBVEC2\n';

export interface VectorManifest {
  format: number;
  model: { id: string; dim: number };
  /** The change-feed position the snapshot reflects. */
  changeSeq: number;
  papers: number;
  /** Papers the corpus model was trained on (0 for an external model). */
  trainedOn: number;
  /** False while a rebuild is under way (the snapshot holds part of the corpus). */
  complete: boolean;
  /** Generation of the files below (bumped at every write). */
  generation: number;
  modelFile: string | null;
  vectorsFile: string;
}

function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try { fsyncSync(fd); } finally { closeSync(fd); }
  } catch { /* some file systems cannot fsync a folder */ }
}

/** Writes `parts` to `dir/name` durably (temp file, fsync, rename). */
export function writeDurably(dir: string, name: string, parts: Uint8Array[]): void {
  const tmp = join(dir, `${name}.tmp`);
  const fd = openSync(tmp, 'w');
  try {
    for (const p of parts) {
      let off = 0;
      while (off < p.byteLength) off += writeSync(fd, p, off, p.byteLength - off);
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, join(dir, name));
}

export function readManifest(dir: string): VectorManifest | null {
  const f = join(dir, 'manifest.json');
  if (!existsSync(f)) return null;
  return JSON.parse(readFileSync(f, 'utf8')) as VectorManifest;
}

/** Commits a manifest and removes files it no longer names. */
export function commitManifest(dir: string, m: VectorManifest): void {
  writeDurably(dir, 'manifest.json', [Buffer.from(JSON.stringify(m, null, 1) + '\n')]);
  fsyncDir(dir);
  removeStrays(dir, m);
}

/** Removes files of older generations and leftovers of a crashed write. */
export function removeStrays(dir: string, m: VectorManifest | null): void {
  if (!existsSync(dir)) return;
  const keep = new Set(['manifest.json', 'owner.lock', m?.modelFile, m?.vectorsFile].filter((x): x is string => !!x));
  for (const f of readdirSync(dir)) if (!keep.has(f)) rmSync(join(dir, f), { force: true });
}

export function ensureDir(dir: string): void {
  mkdirSync(dir, { recursive: true });
}

const typed = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
const pad4 = (n: number) => new Uint8Array((4 - (n % 4)) % 4);

/** The index as the parts of vectors-G.bin. */
export function encodeIndex(index: VectorIndex): Uint8Array[] {
  const slots = [...index.entries()];
  const n = slots.length, dim = index.dim, m = index.pq.m;
  const keys = new Int32Array(n), days = new Int32Array(n), orgs = new Int32Array(n);
  const cats = new Uint16Array(n * 4).fill(0xffff);
  const codes = new Int8Array(n * dim);
  const pqCodes = new Uint8Array(n * m);
  const catNames: string[] = [], catCode = new Map<string, number>();
  const orgNames: string[] = [], orgCode = new Map<string, number>();
  const intern = (names: string[], map: Map<string, number>, v: string) => {
    let c = map.get(v);
    if (c === undefined) { c = names.length; names.push(v); map.set(v, c); }
    return c;
  };
  const overflow: Record<number, string[]> = {};
  slots.forEach(({ slot }, i) => {
    const d = index.docOf(slot);
    keys[i] = d.key; days[i] = d.day;
    orgs[i] = d.organization === null ? -1 : intern(orgNames, orgCode, d.organization);
    d.categories.forEach((c, j) => {
      if (j < 4) cats[i * 4 + j] = intern(catNames, catCode, c);
    });
    if (d.categories.length > 4) overflow[i] = d.categories.slice(4);
    codes.set(d.code, i * dim);
    pqCodes.set(d.pqCode, i * m);
  });
  const header = Buffer.from(JSON.stringify({ dim, m, sub: index.pq.sub, count: n, categories: catNames, organizations: orgNames, overflow }), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(header.length);
  const head = Buffer.concat([Buffer.from(MAGIC, 'latin1'), len, header]);
  return [head, pad4(head.length), typed(index.scale), typed(index.pq.centroids), typed(keys), typed(days), typed(orgs), typed(cats), pad4(cats.byteLength),
    typed(codes), pad4(codes.byteLength), typed(pqCodes)];
}

/** Reads vectors-G.bin back into an index. */
export function decodeIndex(buf: Buffer): VectorIndex {
  if (buf.subarray(0, MAGIC.length).toString('latin1') !== MAGIC) throw new Error('not a paperboy vector file of this format (bad magic)');
  let o = MAGIC.length;
  const hlen = buf.readUInt32LE(o); o += 4;
  const h = JSON.parse(buf.subarray(o, o + hlen).toString('utf8')) as {
    dim: number; m: number; sub: number; count: number; categories: string[]; organizations: string[]; overflow: Record<string, string[]>;
  };
  o += hlen;
  o = (o + 3) & ~3;
  const take = <T>(count: number, bytes: number, make: (b: ArrayBuffer) => T): T => {
    const ab = new ArrayBuffer(count * bytes);
    new Uint8Array(ab).set(buf.subarray(o, o + count * bytes));
    o += count * bytes;
    return make(ab);
  };
  const n = h.count, dim = h.dim, m = h.m;
  const scale = take(dim, 4, (b) => new Float32Array(b));
  const centroids = take(m * 256 * h.sub, 4, (b) => new Float32Array(b));
  const keys = take(n, 4, (b) => new Int32Array(b));
  const days = take(n, 4, (b) => new Int32Array(b));
  const orgs = take(n, 4, (b) => new Int32Array(b));
  const cats = take(n * 4, 2, (b) => new Uint16Array(b));
  o = (o + 3) & ~3;
  const codes = take(n * dim, 1, (b) => new Int8Array(b));
  o = (o + 3) & ~3;
  const pqCodes = take(n * m, 1, (b) => new Uint8Array(b));
  const index = new VectorIndex({ dim, scale, pq: { m, sub: h.sub, centroids } });
  for (let i = 0; i < n; i++) {
    const categories: string[] = [];
    for (let j = 0; j < 4; j++) if (cats[i * 4 + j] !== 0xffff) categories.push(h.categories[cats[i * 4 + j]]);
    categories.push(...(h.overflow[i] ?? []));
    index.addCoded({ key: keys[i], day: days[i], publishedAt: null, categories, organization: orgs[i] >= 0 ? h.organizations[orgs[i]] : null },
      codes.subarray(i * dim, (i + 1) * dim), pqCodes.subarray(i * m, (i + 1) * m));
  }
  return index;
}
