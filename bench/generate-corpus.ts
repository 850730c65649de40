/**
 * Writes N synthetic papers (bench/corpus.ts) to a JSON Lines file in the
 * arXiv metadata snapshot shape.
 *
 *   node --import tsx bench/generate-corpus.ts 100000 bench/out/papers-100k.jsonl [--seed 42]
 *
 * Non-goals: compression, sharding.
 */
import { closeSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadVocabulary, snapshotPapers } from './corpus.js';

/** Writes the corpus (atomically: a .part file renamed at the end); returns the vocabulary source. */
export function writeCorpus(n: number, file: string, seed = 42, onProgress?: (done: number) => void): string {
  mkdirSync(dirname(file), { recursive: true });
  const vocabulary = loadVocabulary();
  const part = `${file}.part`;
  const fd = openSync(part, 'w');
  try {
    let chunk: string[] = [];
    let done = 0;
    for (const p of snapshotPapers(n, { seed, vocabulary })) {
      chunk.push(JSON.stringify(p));
      if (chunk.length === 2000) {
        writeSync(fd, chunk.join('\n') + '\n');
        chunk = [];
      }
      if (++done % 100_000 === 0) onProgress?.(done);
    }
    if (chunk.length) writeSync(fd, chunk.join('\n') + '\n');
  } finally {
    closeSync(fd);
  }
  renameSync(part, file);
  return vocabulary.source;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const seedAt = args.indexOf('--seed');
  const seed = seedAt >= 0 ? Number(args.splice(seedAt, 2)[1]) : 42;
  const [nRaw, out] = args;
  const n = Number(nRaw);
  if (!Number.isInteger(n) || n < 1 || !out || !Number.isInteger(seed)) {
    process.stderr.write('usage: generate-corpus N OUT.jsonl [--seed S]\n');
    process.exit(2);
  }
  const t0 = performance.now();
  const source = writeCorpus(n, out, seed, (d) => process.stderr.write(`  ${d.toLocaleString('en-US')} papers\n`));
  process.stderr.write(`wrote ${n.toLocaleString('en-US')} papers to ${out} in ${((performance.now() - t0) / 1000).toFixed(1)} s (vocabulary: ${source})\n`);
}
