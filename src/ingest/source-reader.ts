/**
 * Opens what `paperboy import` is given — a file path or an http(s) URL — as
 * a byte stream, with its first bytes for format detection, its size when
 * known and a count of bytes read (for the progress bar's ETA).
 *
 * Goals: one read of the source (a URL is fetched once: the head is kept and
 * replayed before the rest of the body), constant memory for streamed
 * formats, clear errors for a missing file, a directory or an HTTP error;
 * gzip, bzip2 and Zstandard content (files or URLs) decoded on the fly, told
 * by its first bytes (decompress.ts). Non-goals: retries and politeness for
 * paged APIs (http-fetch.ts), archives of several files (.zip, .tar).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { DETECT_BYTES } from './detect-format.js';
import { DEFAULT_USER_AGENT } from './http-fetch.js';
import { DecompressError, decompressChunks, detectCompression, type Compression } from './decompress.js';

/** The source cannot be opened (no such file, a directory, an HTTP error). */
export class SourceError extends Error {
  override name = 'SourceError';
}

export interface OpenedSource {
  /** The path or URL as given. */
  label: string;
  isUrl: boolean;
  /** Total bytes when known (file size, Content-Length). */
  size: number | null;
  /** The codec the content is compressed with (read transparently), or null. */
  compression: Compression | null;
  /** The first bytes (up to 64 KiB, after decompression) decoded as UTF-8, for detection. */
  head: string;
  /** The whole (decompressed) content as a stream of chunks; call once. */
  chunks(): AsyncIterable<Buffer>;
  /** The whole content as text (for the small, non-streamed formats). */
  text(): Promise<string>;
  /** Bytes of the source (compressed, when it is) read so far by chunks()/text(). */
  bytesRead(): number;
}

export function isUrl(loc: string): boolean {
  return /^https?:\/\//i.test(loc);
}

async function collect(chunks: AsyncIterable<Buffer>): Promise<string> {
  const parts: Buffer[] = [];
  for await (const c of chunks) parts.push(c);
  return Buffer.concat(parts).toString('utf8').replace(/^\uFEFF/, '');
}

/** Counts the bytes going through (the raw, possibly compressed, bytes: what the progress bar's total is in). */
async function* counted(raw: AsyncIterable<Buffer>, add: (n: number) => void): AsyncGenerator<Buffer> {
  for await (const c of raw) {
    const b = Buffer.isBuffer(c) ? c : Buffer.from(c);
    add(b.length);
    yield b;
  }
}

/**
 * Reads the start of a byte stream: whether it is compressed (its first
 * bytes), and its first DETECT_BYTES decoded bytes. Returns the decoded
 * stream's iterator and the chunks already taken from it, so a caller can
 * replay them (a URL is fetched once) or drop them (a file is read again).
 */
async function peek(raw: AsyncIterable<Buffer>, label: string): Promise<{
  compression: Compression | null; head: string; taken: Buffer[]; rest: AsyncIterator<Buffer>;
}> {
  const rawIter = raw[Symbol.asyncIterator]();
  const first: Buffer[] = [];
  let firstLen = 0;
  let ended = false;
  while (firstLen < 4) {
    const r = await rawIter.next();
    if (r.done) {
      ended = true;
      break;
    }
    first.push(r.value);
    firstLen += r.value.length;
  }
  const start = Buffer.concat(first);
  const compression = detectCompression(start);
  const replayRaw = (async function* (): AsyncGenerator<Buffer> {
    if (start.length) yield start;
    if (ended) return;
    for (let r = await rawIter.next(); !r.done; r = await rawIter.next()) yield r.value;
  })();
  const decoded = compression ? decompressChunks(replayRaw, compression, label) : replayRaw;
  const rest = decoded[Symbol.asyncIterator]();
  const taken: Buffer[] = [];
  let have = 0;
  while (have < DETECT_BYTES) {
    const r = await rest.next();
    if (r.done) break;
    taken.push(r.value);
    have += r.value.length;
  }
  const head = Buffer.concat(taken).subarray(0, DETECT_BYTES).toString('utf8');
  return { compression, head, taken, rest };
}

function sourceError(err: unknown): never {
  if (err instanceof DecompressError) throw new SourceError(err.message);
  throw err;
}

async function openFile(path: string): Promise<OpenedSource> {
  let size: number;
  try {
    const st = await stat(path);
    if (st.isDirectory()) throw new SourceError(`${path} is a directory: pass the files in it (for example ${path}/*.json)`);
    size = st.size;
  } catch (err) {
    if (err instanceof SourceError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new SourceError(`no such file: ${path} (check the path; URLs must start with http:// or https://)`);
    if (code === 'EACCES') throw new SourceError(`cannot read ${path}: permission denied`);
    throw new SourceError(`cannot open ${path}: ${(err as Error).message}`);
  }
  // The head from a short first read (decoded when compressed); the content is read again from the start.
  const probe = createReadStream(path, { highWaterMark: 64 * 1024 });
  let peeked;
  try {
    peeked = await peek(probe as AsyncIterable<Buffer>, path).catch(sourceError);
    await peeked.rest.return?.();
  } finally {
    probe.destroy();
  }
  const { compression, head } = peeked;
  let read = 0;
  const chunks = async function* (): AsyncGenerator<Buffer> {
    const raw = counted(createReadStream(path, { highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>, (n) => { read += n; });
    try {
      yield* compression ? decompressChunks(raw, compression, path) : raw;
    } catch (err) {
      sourceError(err);
    }
  };
  return { label: path, isUrl: false, size, compression, head, chunks, text: () => collect(chunks()), bytesRead: () => read };
}

async function openUrl(url: string, fetchImpl: typeof fetch): Promise<OpenedSource> {
  let res: Response;
  try {
    res = await fetchImpl(url, { headers: { 'user-agent': DEFAULT_USER_AGENT, accept: '*/*' } });
  } catch (err) {
    const cause = (err as { cause?: unknown }).cause;
    throw new SourceError(`cannot fetch ${url}: ${cause instanceof Error ? cause.message : (err as Error).message}`);
  }
  if (!res.ok) {
    const body = (await res.text().catch(() => '')).slice(0, 4000);
    // arXiv's error feed and OAI error documents come with an error status: let the parser report them.
    if (!(res.status < 500 && /<feed|<OAI-PMH/.test(body))) {
      throw new SourceError(`cannot fetch ${url}: HTTP ${res.status} ${res.statusText}`.trim());
    }
    const buf = Buffer.from(body, 'utf8');
    let read = 0;
    const chunks = async function* (): AsyncGenerator<Buffer> {
      read = buf.length;
      yield buf;
    };
    return { label: url, isUrl: true, size: buf.length, compression: null, head: body, chunks, text: () => collect(chunks()), bytesRead: () => read };
  }
  const len = Number(res.headers.get('content-length'));
  const size = Number.isFinite(len) && len > 0 ? len : null;
  const body = res.body ? Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>) : Readable.from([]);
  let read = 0;
  // Fetched once: the decoded head is kept and replayed before the rest.
  const { compression, head, taken, rest } = await peek(counted(body as AsyncIterable<Buffer>, (n) => { read += n; }), url).catch(sourceError);
  const chunks = async function* (): AsyncGenerator<Buffer> {
    try {
      yield* taken;
      for (let r = await rest.next(); !r.done; r = await rest.next()) yield r.value;
    } catch (err) {
      sourceError(err);
    }
  };
  return { label: url, isUrl: true, size, compression, head, chunks, text: () => collect(chunks()), bytesRead: () => read };
}

/** Opens a file path or an http(s) URL. Throws SourceError when it cannot. */
export async function openSource(loc: string, opts: { fetchImpl?: typeof fetch } = {}): Promise<OpenedSource> {
  return isUrl(loc) ? openUrl(loc, opts.fetchImpl ?? fetch) : openFile(loc);
}
