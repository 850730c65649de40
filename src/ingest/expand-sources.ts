/**
 * What `paperboy import` was given → the list of sources to read: URLs as
 * they are, files as they are, a folder as the importable files under it, a
 * glob (quoted, so the shell left it alone, or in a shell that does not
 * expand) as the files it matches.
 *
 * Goals: `paperboy import data/`, `paperboy import 'data/**\/*.json.gz'` and
 * the shell's own expansion all give the same list, in a stable order (names
 * sorted, so daily files go in date order); a glob matching nothing or a
 * folder holding nothing importable is a clear failure of that argument while
 * the others go on. Non-goals: opening or reading anything (source-reader.ts).
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { isUrl } from './source-reader.js';

/**
 * File names a folder import takes: the formats' usual endings, plain or
 * compressed. Anything else in a folder (a README, a .zip) is skipped and
 * counted, so `import data/` does not fail on the folder's notes.
 */
export const IMPORTABLE_NAME = /\.(?:json|jsonl|ndjson|xml|atom)(?:\.(?:gz|bz2|zst))?$/i;

export interface ExpandedSources {
  /** Paths and URLs to import, in order. */
  sources: string[];
  /** Arguments that gave nothing to read, with the reason. */
  failures: string[];
  /** Things worth telling (files skipped in folders). */
  notes: string[];
}

/** Every file under `dir` (hidden entries skipped), sorted by path. */
async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else if (e.isFile() || e.isSymbolicLink()) out.push(p);
  }
  return out;
}

export async function expandSources(args: string[]): Promise<ExpandedSources> {
  const result: ExpandedSources = { sources: [], failures: [], notes: [] };
  for (const arg of args) {
    if (isUrl(arg)) {
      result.sources.push(arg);
      continue;
    }
    const st = await stat(arg).catch(() => null);
    if (st?.isDirectory()) {
      const files = await walk(arg);
      const kept = files.filter((f) => IMPORTABLE_NAME.test(f));
      if (kept.length === 0) {
        result.failures.push(`${arg} is a folder with no importable files (names ending .json, .jsonl, .ndjson, .xml or .atom, optionally .gz, .bz2 or .zst)`);
        continue;
      }
      if (kept.length < files.length) {
        result.notes.push(`${arg}: skipped ${files.length - kept.length} file(s) of other kinds (e.g. ${files.find((f) => !IMPORTABLE_NAME.test(f))})`);
      }
      result.sources.push(...kept);
      continue;
    }
    if (!st && isDynamicPattern(arg)) {
      const matches = (await glob([arg], { onlyFiles: true, dot: false, expandDirectories: false })).sort();
      if (matches.length === 0) result.failures.push(`no file matches ${arg}`);
      result.sources.push(...matches);
      continue;
    }
    // A file, or a path that is not there (reported when it is opened).
    result.sources.push(arg);
  }
  return result;
}
