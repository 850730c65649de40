/**
 * Compressed sources, read as if they were plain: gzip (`.gz`), bzip2
 * (`.bz2`) and Zstandard (`.zst`), told apart by their first bytes (not the
 * file name), decoded as a stream.
 *
 * Goals: constant memory whatever the size (arXiv's metadata snapshot is
 * ~4 GB plain); one clear error naming the codec when the data is corrupt.
 * Codecs: gzip from node:zlib; Node 20's zlib has no Zstandard (it arrives in
 * Node 22.15) and none has bzip2, so `fzstd` (pure JavaScript, streaming, by
 * the author of fflate; no native build) and `unbzip2-stream` (pure
 * JavaScript, the streaming bzip2 decoder most of npm uses) do those.
 * Non-goals: archives holding several files (.zip, .tar): unpack those first.
 */
import { PassThrough, Transform, type TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { Decompress as ZstdDecompress } from 'fzstd';
import bz2 from 'unbzip2-stream';

export type Compression = 'gzip' | 'bzip2' | 'zstd';

/** The usual file-name ending of each codec, for messages and for stripping from names. */
export const COMPRESSION_SUFFIX: Record<Compression, string> = { gzip: '.gz', bzip2: '.bz2', zstd: '.zst' };

/** The codec of data starting with `bytes` (at least 4 of them), or null when it is not compressed. */
export function detectCompression(bytes: Uint8Array): Compression | null {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) return 'gzip';
  // "BZh" then the block size '1'–'9'.
  if (bytes.length >= 4 && bytes[0] === 0x42 && bytes[1] === 0x5a && bytes[2] === 0x68 && bytes[3] >= 0x31 && bytes[3] <= 0x39) return 'bzip2';
  // Zstandard frame magic 0xFD2FB528, little-endian.
  if (bytes.length >= 4 && bytes[0] === 0x28 && bytes[1] === 0xb5 && bytes[2] === 0x2f && bytes[3] === 0xfd) return 'zstd';
  return null;
}

/** fzstd's push decoder as a Node Transform. */
class ZstdTransform extends Transform {
  private readonly decoder = new ZstdDecompress((data) => {
    // fzstd may hand out views of its window buffer: copy before it is reused.
    this.push(Buffer.from(data));
  });

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    try {
      this.decoder.push(chunk);
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      this.decoder.push(new Uint8Array(0), true);
      done();
    } catch (err) {
      done(err as Error);
    }
  }
}

/**
 * A fresh decoder for a codec: bytes are written to `input`, decoded bytes
 * read from `output` (the same Transform for gzip and zstd; unbzip2-stream is
 * an old-style `through` stream, so a PassThrough gives it a modern reading side).
 */
function codecStreams(c: Compression): { input: NodeJS.WritableStream & NodeJS.EventEmitter; output: PassThrough | Transform } {
  if (c === 'gzip') {
    const t = createGunzip();
    return { input: t, output: t };
  }
  if (c === 'zstd') {
    const t = new ZstdTransform();
    return { input: t, output: t };
  }
  const input = bz2();
  const output = new PassThrough();
  input.on('error', (err: Error) => output.destroy(err));
  input.pipe(output);
  return { input, output };
}

/**
 * The decoded bytes of `raw` (already known to be in codec `c`). Errors of
 * the codec come out as one DecompressError saying which codec failed and
 * why; stopping early (the format detector read enough) closes the source.
 */
export async function* decompressChunks(raw: AsyncIterable<Buffer>, c: Compression, label: string): AsyncGenerator<Buffer> {
  const { input, output } = codecStreams(c);
  const feed = (async () => {
    try {
      for await (const chunk of raw) {
        if (output.destroyed) break;
        if (!input.write(chunk)) {
          await new Promise<void>((ok) => {
            const done = () => {
              input.removeListener('drain', done);
              output.removeListener('close', done);
              ok();
            };
            input.once('drain', done);
            output.once('close', done);
          });
        }
      }
      if (!output.destroyed) input.end();
    } catch (err) {
      output.destroy(err as Error);
    }
  })();
  try {
    for await (const out of output as AsyncIterable<Buffer | string>) {
      yield typeof out === 'string' ? Buffer.from(out, 'latin1') : out;
    }
  } catch (err) {
    throw new DecompressError(`cannot decompress ${label} (${c}): ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    if (!output.destroyed) output.destroy();
    await feed;
  }
}

/** The compressed data is corrupt or cut short. */
export class DecompressError extends Error {
  override name = 'DecompressError';
}
