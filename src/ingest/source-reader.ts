/**
 * Opens what `paperboy import` is given — a file path or an http(s) URL — as
 * a byte stream, with its first bytes for format detection, its size when
 * known and a count of bytes read (for the progress bar's ETA).
 *
 * Goals: one read of the source (a URL is fetched once: the head is kept and
 * replayed before the rest of the body), constant memory for streamed
 * formats, clear errors for a missing file, a directory or an HTTP error.
 * Non-goals: retries and politeness for paged APIs (http-fetch.ts), unpacking
 * archives.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { DETECT_BYTES } from './detect-format.js';
import { DEFAULT_USER_AGENT } from './http-fetch.js';

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
  /** The first bytes (up to 64 KiB) decoded as UTF-8, for detection. */
  head: string;
  /** The whole content as a stream of chunks; call once. */
  chunks(): AsyncIterable<Buffer>;
  /** The whole content as text (for the small, non-streamed formats). */
  text(): Promise<string>;
  /** Bytes delivered so far by chunks()/text(). */
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
  const fh = await open(path, 'r');
  let head: string;
  try {
    const buf = Buffer.alloc(Math.min(DETECT_BYTES, size));
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    head = buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await fh.close();
  }
  let read = 0;
  const chunks = async function* (): AsyncGenerator<Buffer> {
    for await (const c of createReadStream(path, { highWaterMark: 256 * 1024 })) {
      const b = c as Buffer;
      read += b.length;
      yield b;
    }
  };
  return { label: path, isUrl: false, size, head, chunks, text: () => collect(chunks()), bytesRead: () => read };
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
    return { label: url, isUrl: true, size: buf.length, head: body, chunks, text: () => collect(chunks()), bytesRead: () => read };
  }
  const len = Number(res.headers.get('content-length'));
  const size = Number.isFinite(len) && len > 0 ? len : null;
  const body = res.body ? Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>) : Readable.from([]);
  const iter = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const buffered: Buffer[] = [];
  let have = 0;
  while (have < DETECT_BYTES) {
    const r = await iter.next();
    if (r.done) break;
    const b = Buffer.from(r.value);
    buffered.push(b);
    have += b.length;
  }
  const head = Buffer.concat(buffered).subarray(0, DETECT_BYTES).toString('utf8');
  let read = 0;
  const chunks = async function* (): AsyncGenerator<Buffer> {
    for (const b of buffered) {
      read += b.length;
      yield b;
    }
    for (let r = await iter.next(); !r.done; r = await iter.next()) {
      const b = Buffer.from(r.value);
      read += b.length;
      yield b;
    }
  };
  return { label: url, isUrl: true, size, head, chunks, text: () => collect(chunks()), bytesRead: () => read };
}

/** Opens a file path or an http(s) URL. Throws SourceError when it cannot. */
export async function openSource(loc: string, opts: { fetchImpl?: typeof fetch } = {}): Promise<OpenedSource> {
  return isUrl(loc) ? openUrl(loc, opts.fetchImpl ?? fetch) : openFile(loc);
}
