/**
 * `paperboy digest preview|run` without PUBLIC_URL warn that the mail's links
 * point at localhost (the variable `serve` has is often missing in a cron job).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config.js';
import { warnLocalLinks } from '../../src/cli/digest.js';

function stderrOf(fn: () => void): string {
  const write = process.stderr.write.bind(process.stderr);
  let out = '';
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    if (typeof chunk !== 'string') return write(chunk, ...rest);
    out += chunk;
    return true;
  }) as typeof process.stderr.write;
  try {
    fn();
  } finally {
    process.stderr.write = write;
  }
  return out;
}

test('digest CLI: without PUBLIC_URL a warning names the localhost address the links would use; with it, none', () => {
  const env = { PORT: '3000' };
  const warned = stderrOf(() => warnLocalLinks(loadConfig({}, env), env));
  assert.match(warned, /warning: PUBLIC_URL is not set for this command, so the digest's links point at http:\/\/localhost:3000; set PUBLIC_URL/);
  const set = { PUBLIC_URL: 'https://papers.example.org' };
  assert.equal(stderrOf(() => warnLocalLinks(loadConfig({}, set), set)), '');
});
