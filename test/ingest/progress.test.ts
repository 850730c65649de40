import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createProgress, progressLine } from '../../src/ingest/progress.js';

function sink(): { stream: Writable & { isTTY?: boolean }; text: () => string } {
  const parts: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      parts.push(chunk.toString());
      cb();
    },
  });
  return { stream, text: () => parts.join('') };
}

test('progress: off a terminal, plain lines at most once per interval with records, bytes, rate and ETA', () => {
  const out = sink();
  let now = 0;
  const p = createProgress({ totalBytes: 10 * 1024 * 1024, stream: out.stream, tty: false, intervalMs: 5000, now: () => now });
  now = 1000;
  p.update(1000, 1024 * 1024);
  assert.equal(out.text(), '');
  now = 5000;
  p.update(5000, 5 * 1024 * 1024);
  now = 6000;
  p.update(6000, 6 * 1024 * 1024);
  p.stop();
  assert.equal(out.text(), 'import: 5,000 records, 5.0 MB of 10.0 MB (50%), 1,000 records/s, ETA 5 s\n');
});

test('progress: without a known size the line has records and rate only', () => {
  assert.equal(progressLine(12000, null, null, 4000), '12,000 records, 3,000 records/s');
});

test('progress: on a terminal, a cli-progress bar with records, rate and ETA', () => {
  const out = sink();
  out.stream.isTTY = true;
  let now = 0;
  const p = createProgress({ totalBytes: 1000, stream: out.stream, tty: true, now: () => now });
  now = 2000;
  p.update(400, 500);
  p.stop();
  assert.match(out.text(), /import \[.*\] 50% \| 400 records \| 200\/s \| ETA/);
});
