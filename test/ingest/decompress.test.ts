/**
 * Compressed sources read as they are: fixture files compressed at test time
 * with gzip (node:zlib), bzip2 and zstd (the Debian tools `.ci/run` installs),
 * opened as files and as URLs; the head is the decoded head, the content the
 * plain content, a big file comes through in many chunks, and corrupt data is
 * a SourceError naming the codec.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { openSource, SourceError } from '../../src/ingest/source-reader.js';
import { detectCompression, type Compression } from '../../src/ingest/decompress.js';
import { FIXTURES_DIR, startFixtureServer } from '../helpers/fixture-server.js';
import { tempDir } from '../helpers/temp-db.js';
import { rng } from '../helpers/prng.js';

/** Which command-line compressors are here (CI installs both; elsewhere a missing one skips its cases). */
function has(cmd: string): boolean {
  try {
    execFileSync(cmd, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const TOOLS: Record<Compression, boolean> = { gzip: true, bzip2: has('bzip2'), zstd: has('zstd') };
const missing = (Object.keys(TOOLS) as Compression[]).filter((c) => !TOOLS[c]);
if (missing.length && process.env.PAPERBOY_REQUIRE_ALL === '1') {
  throw new Error(`compressors missing: ${missing.join(', ')} (apt-get install -y ${missing.join(' ')}); PAPERBOY_REQUIRE_ALL=1 requires them`);
}
if (missing.length) console.log(`# skipping ${missing.join(', ')} cases: the command is not installed`);

/** `plain` compressed with codec `c`. */
function compress(plain: Buffer, c: Compression): Buffer {
  if (c === 'gzip') return gzipSync(plain);
  return execFileSync(c === 'bzip2' ? 'bzip2' : 'zstd', ['-c', '-q'], { input: plain, maxBuffer: 64 * 1024 * 1024 });
}

const SUFFIX: Record<Compression, string> = { gzip: '.gz', bzip2: '.bz2', zstd: '.zst' };
const CODECS: Compression[] = ['gzip', 'bzip2', 'zstd'];

async function readAll(chunks: AsyncIterable<Buffer>): Promise<{ text: string; pieces: number }> {
  const parts: Buffer[] = [];
  for await (const c of chunks) parts.push(c);
  return { text: Buffer.concat(parts).toString('utf8'), pieces: parts.length };
}

/**
 * A JSON Lines text of about 1.5 MB with seeded random words, so that even
 * compressed it spans several 256 KiB reads (many chunks, many decoder blocks).
 */
function bigJsonl(): string {
  const next = rng(11);
  const word = () => Math.floor(next() * 2 ** 32).toString(36);
  return Array.from({ length: 12_000 }, (_, i) =>
    JSON.stringify({ id: `2401.${String(i).padStart(5, '0')}`, title: `Paper number ${i}`, abstract: Array.from({ length: 15 }, word).join(' ') })).join('\n') + '\n';
}

test('decompress: codecs are told by their first bytes, not the name', () => {
  assert.equal(detectCompression(gzipSync(Buffer.from('x'))), 'gzip');
  assert.equal(detectCompression(Buffer.from('BZh91AY&SY')), 'bzip2');
  assert.equal(detectCompression(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0])), 'zstd');
  assert.equal(detectCompression(Buffer.from('{"id": "x"}')), null);
  assert.equal(detectCompression(Buffer.from('BZ')), null);
});

for (const c of CODECS) {
  test(`decompress: a ${c} file gives the plain head and content; bytesRead counts the compressed bytes`, { skip: !TOOLS[c] && `${c} is not installed` }, async () => {
    const { dir, cleanup } = tempDir();
    try {
      for (const name of ['snapshot.jsonl', 'atom-feed.xml', '2025-01-15.json']) {
        const plain = readFileSync(join(FIXTURES_DIR, 'ingest', name));
        const packed = compress(plain, c);
        const path = join(dir, name + SUFFIX[c]);
        writeFileSync(path, packed);
        const src = await openSource(path);
        assert.equal(src.compression, c);
        assert.equal(src.head, plain.toString('utf8'), `${name}: the head is the decoded text`);
        assert.equal(src.size, packed.length);
        assert.equal((await readAll(src.chunks())).text, plain.toString('utf8'));
        assert.equal(src.bytesRead(), packed.length);
      }
      // Big enough to come in many pieces, streamed.
      const big = bigJsonl();
      const path = join(dir, 'big.jsonl' + SUFFIX[c]);
      writeFileSync(path, compress(Buffer.from(big), c));
      const src = await openSource(path);
      assert.ok(src.head.startsWith('{"id":"2401.00000"'));
      assert.equal(Buffer.byteLength(src.head), 64 * 1024, 'the head is the first 64 KiB of the decoded text');
      const all = await readAll(src.chunks());
      assert.equal(all.text, big);
      assert.ok(all.pieces > 1, 'streamed in pieces');
    } finally {
      cleanup();
    }
  });

  test(`decompress: a ${c} URL is decoded on the fly, fetched once`, { skip: !TOOLS[c] && `${c} is not installed` }, async () => {
    const big = bigJsonl();
    const srv = await startFixtureServer([{ body: compress(Buffer.from(big), c), headers: { 'content-type': 'application/octet-stream' } }]);
    try {
      const src = await openSource(`${srv.url}/snapshot.jsonl${SUFFIX[c]}`);
      assert.equal(src.compression, c);
      assert.ok(src.head.startsWith('{"id":"2401.00000"'));
      assert.equal(await src.text(), big);
      assert.equal(srv.requests.length, 1);
    } finally {
      await srv.close();
    }
  });

  test(`decompress: corrupt ${c} data is a SourceError naming the codec`, { skip: !TOOLS[c] && `${c} is not installed` }, async () => {
    const { dir, cleanup } = tempDir();
    try {
      const packed = compress(Buffer.from(bigJsonl()), c);
      // Cut in the middle and garble what is left of the second half.
      const bad = Buffer.from(packed.subarray(0, Math.floor(packed.length / 2)));
      for (let i = Math.floor(bad.length / 2); i < bad.length; i += 7) bad[i] ^= 0x5a;
      const path = join(dir, 'bad.jsonl' + SUFFIX[c]);
      writeFileSync(path, bad);
      await assert.rejects(async () => {
        const src = await openSource(path);
        await readAll(src.chunks());
      }, (e: unknown) => e instanceof SourceError && e.message.includes(`cannot decompress ${path} (${c})`));
    } finally {
      cleanup();
    }
  });
}
