/**
 * The demo corpus: the seed listing shipped in demo/seed-listing.json,
 * loaded into an empty store so a fresh `npm start` shows lists, papers and
 * search instead of an empty site.
 *
 * Goals: find the file from the package root whether the code runs from
 * src/ (tsx) or dist/src/ (compiled); load only into an empty store, so it
 * never mixes into real data. Non-goals: keeping the demo up to date (import
 * real sources with `paperboy import`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Store } from '../store/store.js';
import { parseSeedListing } from './seed-listing.js';
import { importItems } from './importer.js';

/** The package root: the nearest folder above this file holding package.json. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('cannot find the paperboy package root (package.json) above ' + fileURLToPath(import.meta.url));
}

/** Where the demo corpus lives. */
export function demoCorpusPath(): string {
  return join(packageRoot(), 'demo', 'seed-listing.json');
}

/** Imports the demo corpus when the store has no papers; returns how many papers were loaded, or null when skipped. */
export async function importDemoIfEmpty(store: Store, file: string = demoCorpusPath()): Promise<number | null> {
  if ((await store.countPapers()) > 0) return null;
  const summary = await importItems(store, parseSeedListing(readFileSync(file, 'utf8')));
  return summary.added;
}
