/**
 * Segment files and crash-safe writes.
 *
 * A segment file: "PBSEG1\n", a u32 header length, a JSON header (counts,
 * weights, and the offset/length/type of each section), then the sections
 * (typed arrays, 8-byte aligned) with positions last. Files are written as
 * temp file → fsync → rename → fsync(dir): after a crash a segment is either
 * complete or absent, and the manifest (written the same way) only ever lists
 * complete segments.
 *
 * Goals: load = one read of the postings part (typed-array views, no
 * parsing); positions stay on disk and are read on demand (phrase queries).
 * Non-goals: portability to big-endian machines (checked at load).
 */
import { close, closeSync, fstat, fstatSync, fsyncSync, open, openSync, read, readSync, renameSync, writeSync } from 'node:fs';
import { promisify } from 'node:util';
import { dirname } from 'node:path';
import { crc32 } from 'node:zlib';
import type { PositionSource, SegmentData } from './segment.js';

const MAGIC = 'PBSEG1\n';

type ArrayKind = 'u8' | 'u32' | 'i32' | 'f32' | 'f64';
const SECTIONS: [keyof SegmentData, ArrayKind][] = [
  ['docKey', 'u32'], ['docLen', 'u32'], ['docDate', 'i32'], ['termBytes', 'u8'], ['termOffsets', 'u32'],
  ['termDf', 'u32'], ['termBlocks', 'u32'], ['blockLast', 'u32'], ['blockMaxTfw', 'f32'], ['blockMinLen', 'u32'],
  ['blockDocOff', 'f64'], ['blockPosOff', 'f64'], ['postings', 'u8'],
];

interface Header {
  numDocs: number;
  totalLen: number;
  weights: [number, number, number];
  dateSorted: boolean;
  /** Impact cutoff of the `\x02` tier lists (0 or absent: none). */
  tierImpact?: number;
  /** Impact cutoff of the `\x02\x02` second tier lists (0 or absent: none). */
  tier2Impact?: number;
  sections: Record<string, [number, number]>;
  positions: [number, number];
}

/** A file's size and CRC-32, recorded in the manifest and checked when the index is opened. */
export interface FileSum {
  bytes: number;
  crc: number;
}

/** Size and CRC-32 of in-memory chunks (what writeFileAtomic writes). */
export function chunksSum(chunks: Uint8Array[]): FileSum {
  let crc = 0;
  let bytes = 0;
  for (const c of chunks) {
    crc = crc32(c, crc);
    bytes += c.length;
  }
  return { bytes, crc };
}

/** Size and CRC-32 of a file, read in 8 MB chunks. */
export function fileSum(path: string): FileSum {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(8 << 20);
    let crc = 0;
    let bytes = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, bytes);
      if (n === 0) break;
      crc = crc32(buf.subarray(0, n), crc);
      bytes += n;
    }
    return { bytes, crc };
  } finally {
    closeSync(fd);
  }
}

/** Writes `chunks` to `path` atomically (temp, fsync, rename, fsync of the folder). */
export function writeFileAtomic(path: string, chunks: Uint8Array[]): void {
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  try {
    for (const c of chunks) {
      let off = 0;
      while (off < c.length) off += writeSync(fd, c, off, c.length - off);
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  const dfd = openSync(dirname(path), 'r');
  try {
    fsyncSync(dfd);
  } finally {
    closeSync(dfd);
  }
}

const asBytes = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** Writes a segment file atomically; returns its size and CRC-32 (for the manifest). */
export function writeSegmentFile(path: string, d: SegmentData): FileSum {
  const sections: Record<string, [number, number]> = {};
  const bodies: Uint8Array[] = [];
  let off = 0;
  const pad = (): void => {
    const p = (8 - (off % 8)) % 8;
    if (p) {
      bodies.push(new Uint8Array(p));
      off += p;
    }
  };
  for (const [name] of SECTIONS) {
    const bytes = asBytes(d[name] as ArrayBufferView);
    pad();
    sections[name] = [off, bytes.length];
    bodies.push(bytes);
    off += bytes.length;
  }
  const posEnd = d.blockPosOff.length ? d.blockPosOff[d.blockPosOff.length - 1] : 0;
  const positions = d.positions.read(0, posEnd);
  pad();
  const posOff = off;
  bodies.push(positions);
  off += positions.length;
  const mk = (h: Header): Uint8Array => Buffer.from(JSON.stringify(h));
  const header: Header = {
    numDocs: d.numDocs, totalLen: d.totalLen, weights: [...d.weights] as [number, number, number],
    dateSorted: d.dateSorted, tierImpact: d.tierImpact, tier2Impact: d.tier2Impact, sections, positions: [posOff, positions.length],
  };
  // Section offsets are relative to the body; the body starts 8-aligned after the header.
  let json = mk(header);
  const prefix = MAGIC.length + 4;
  const bodyStart = Math.ceil((prefix + json.length) / 8) * 8;
  const head = Buffer.alloc(bodyStart);
  head.write(MAGIC, 0, 'latin1');
  head.writeUInt32LE(json.length, MAGIC.length);
  json = Buffer.from(json);
  head.set(json, prefix);
  const chunks = [head, ...bodies];
  writeFileAtomic(path, chunks);
  return chunksSum(chunks);
}

class FilePositions implements PositionSource {
  constructor(private readonly fd: number, private readonly base: number) {}
  read(start: number, end: number): Uint8Array {
    const out = Buffer.allocUnsafe(end - start);
    let got = 0;
    while (got < out.length) {
      const n = readSync(this.fd, out, got, out.length - got, this.base + start + got);
      if (n === 0) throw new Error('segment file is truncated: rebuild the index with `paperboy index --lexical`');
      got += n;
    }
    return out;
  }
  close(): void {
    closeSync(this.fd);
  }
}

const truncated = (path: string) => new Error(`segment file ${path} is truncated: rebuild the index with \`paperboy index --lexical\``);

function checkMachine(): void {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error('segment files need a little-endian machine');
}

/** The header after the magic and its length (`pre`), and where the body starts; checks the file size. */
function parseHeader(path: string, headerBytes: Buffer, hlen: number, size: number): { header: Header; bodyStart: number } {
  const header = JSON.parse(headerBytes.toString('utf8')) as Header;
  const bodyStart = Math.ceil((MAGIC.length + 4 + hlen) / 8) * 8;
  if (bodyStart + header.positions[0] + header.positions[1] !== size) {
    throw new Error(`segment file ${path} has the wrong size: rebuild the index with \`paperboy index --lexical\``);
  }
  return { header, bodyStart };
}

function headerLength(path: string, pre: Buffer): number {
  if (pre.toString('latin1', 0, MAGIC.length) !== MAGIC) throw new Error(`${path} is not a paperboy segment file`);
  return pre.readUInt32LE(MAGIC.length);
}

/** Typed-array views over the body (everything before the positions, read at once), positions read from `fd` on demand. */
function assemble(fd: number, header: Header, bodyStart: number, body: Buffer): SegmentData {
  const ab = body.buffer;
  const view = (name: string, kind: ArrayKind): ArrayBufferView => {
    const [o, len] = header.sections[name];
    const at = body.byteOffset + o;
    switch (kind) {
      case 'u8': return new Uint8Array(ab, at, len);
      case 'u32': return new Uint32Array(ab, at, len / 4);
      case 'i32': return new Int32Array(ab, at, len / 4);
      case 'f32': return new Float32Array(ab, at, len / 4);
      case 'f64': return new Float64Array(ab, at, len / 8);
    }
  };
  const out: Record<string, unknown> = {
    numDocs: header.numDocs, totalLen: header.totalLen, weights: header.weights, dateSorted: header.dateSorted,
    tierImpact: header.tierImpact ?? 0,
    tier2Impact: header.tier2Impact ?? 0,
    positions: new FilePositions(fd, bodyStart + header.positions[0]),
  };
  for (const [name, kind] of SECTIONS) out[name] = view(name, kind);
  return out as unknown as SegmentData;
}

/**
 * A segment body's bytes in a SharedArrayBuffer (at offset 0, so its views
 * are aligned): the any-word worker thread reads the same memory without a
 * copy (parallel-or.ts).
 */
function sharedBuffer(len: number): Buffer {
  return Buffer.from(new SharedArrayBuffer(len));
}

export function readSegmentFile(path: string): SegmentData {
  checkMachine();
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    // ArrayBuffer-backed at offset 0 (allocUnsafeSlow), so the body's views are aligned; the body in shared memory.
    const readAt = (pos: number, len: number, shared = false): Buffer => {
      const b = shared ? sharedBuffer(len) : Buffer.allocUnsafeSlow(len);
      let got = 0;
      while (got < len) {
        const n = readSync(fd, b, got, len - got, pos + got);
        if (n === 0) throw truncated(path);
        got += n;
      }
      return b;
    };
    const hlen = headerLength(path, readAt(0, MAGIC.length + 4));
    const { header, bodyStart } = parseHeader(path, readAt(MAGIC.length + 4, hlen), hlen, size);
    return assemble(fd, header, bodyStart, readAt(bodyStart, header.positions[0], true));
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}

const openAsync = promisify(open);
const readAsync = promisify(read);
const fstatAsync = promisify(fstat);
const closeAsync = promisify(close);

/**
 * readSegmentFile without blocking the thread: the body is read in 4 MB
 * reads on the thread pool (a follower reloading a merged segment of
 * hundreds of MB keeps answering requests meanwhile).
 */
export async function readSegmentFileAsync(path: string): Promise<SegmentData> {
  checkMachine();
  const fd = await openAsync(path, 'r');
  try {
    const size = (await fstatAsync(fd)).size;
    const readAt = async (pos: number, len: number, shared = false): Promise<Buffer> => {
      const b = shared ? sharedBuffer(len) : Buffer.allocUnsafeSlow(len);
      let got = 0;
      while (got < len) {
        const { bytesRead } = await readAsync(fd, b, got, Math.min(len - got, 4 << 20), pos + got);
        if (bytesRead === 0) throw truncated(path);
        got += bytesRead;
      }
      return b;
    };
    const hlen = headerLength(path, await readAt(0, MAGIC.length + 4));
    const { header, bodyStart } = parseHeader(path, await readAt(MAGIC.length + 4, hlen), hlen, size);
    return assemble(fd, header, bodyStart, await readAt(bodyStart, header.positions[0], true));
  } catch (err) {
    await closeAsync(fd);
    throw err;
  }
}
