import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { statSync } from 'node:fs';
import { openSource, SourceError } from '../../src/ingest/source-reader.js';
import { FIXTURES_DIR, fixtureText, startFixtureServer } from '../helpers/fixture-server.js';

async function readAll(chunks: AsyncIterable<Buffer>): Promise<string> {
  const parts: Buffer[] = [];
  for await (const c of chunks) parts.push(c);
  return Buffer.concat(parts).toString('utf8');
}

test('source: a file gives its size, its head and its whole content, counting bytes read', async () => {
  const path = join(FIXTURES_DIR, 'ingest/snapshot.jsonl');
  const src = await openSource(path);
  assert.equal(src.size, statSync(path).size);
  assert.ok(src.head.startsWith('{"id": "2406.00001"'));
  assert.equal(src.bytesRead(), 0);
  assert.equal(await readAll(src.chunks()), fixtureText('ingest/snapshot.jsonl'));
  assert.equal(src.bytesRead(), src.size);
});

test('source: a missing file and a directory are SourceErrors that say what to do', async () => {
  await assert.rejects(openSource(join(FIXTURES_DIR, 'ingest/nope.jsonl')), (e: unknown) => e instanceof SourceError && /no such file/.test(e.message));
  await assert.rejects(openSource(join(FIXTURES_DIR, 'ingest')), (e: unknown) => e instanceof SourceError && /is a directory/.test(e.message));
});

test('source: a URL is fetched once; its head is replayed before the rest of the body', async () => {
  const big = Array.from({ length: 3000 }, (_, i) => `{"id":"2401.${String(i).padStart(5, '0')}","title":"T${i}"}`).join('\n') + '\n';
  const srv = await startFixtureServer([{ body: big, headers: { 'content-length': String(Buffer.byteLength(big)) } }]);
  try {
    const src = await openSource(`${srv.url}/snapshot.jsonl`);
    assert.equal(src.size, Buffer.byteLength(big));
    assert.ok(src.head.startsWith('{"id":"2401.00000"'));
    assert.equal(await src.text(), big);
    assert.equal(srv.requests.length, 1);
    assert.match(String(srv.requests[0].headers['user-agent']), /paperboy/);
  } finally {
    await srv.close();
  }
});

test('source: an HTTP error is a SourceError naming the status; an OAI error document is passed on to the parser', async () => {
  const srv = await startFixtureServer([{ status: 404, body: 'not here' }, { status: 400, file: 'ingest/oai-error.xml' }]);
  try {
    await assert.rejects(openSource(`${srv.url}/missing`), (e: unknown) => e instanceof SourceError && /HTTP 404/.test(e.message));
    const src = await openSource(`${srv.url}/oai2?verb=ListRecords`);
    assert.match(await src.text(), /cannotDisseminateFormat/);
  } finally {
    await srv.close();
  }
});
