/**
 * Seeding an index replica from another process's index folder (`paperboy
 * index --from DIR`): a new web process copies a running one's indexes
 * instead of rebuilding from the database, then replays the change feed from
 * the position recorded in each copied manifest (the feed cursor travels
 * with the index).
 *
 * A live owner may commit while we copy. Index files are immutable once
 * named in a manifest (a segment or a deleted-docs generation is written
 * under a new name, the manifest last), so a copy is consistent when the
 * manifest reads the same before and after its files were copied; otherwise
 * (a file merged away mid-copy, a new manifest) it starts again.
 *
 * Goals: never leave a half-copied index in place (copied into a temporary
 * folder, swapped in by renames); never write under a live owner of the
 * target. Non-goals: copying across machines (use rsync of a stopped index,
 * or this command on the target machine from a shared or copied folder).
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { acquireIndexLock, lockOwner } from './index-lock.js';

/** The sub-indexes a folder may hold, and the files each manifest names. */
const SUB_INDEXES: Record<string, (manifest: Record<string, unknown>) => string[]> = {
  // search/index/lexical-index.ts: `<segment>.seg` and its deleted-docs generation `<segment>.del-<gen>`.
  lexical: (m) => ((m.segments ?? []) as { name: string; delGen: number }[])
    .flatMap((s) => [`${s.name}.seg`, ...(s.delGen > 0 ? [`${s.name}.del-${s.delGen}`] : [])]),
  // search/vectors/vector-file.ts: the model parameters and the vectors snapshot.
  vectors: (m) => [m.modelFile, m.vectorsFile].filter((f): f is string => typeof f === 'string' && f.length > 0),
};

/** Attempts before giving up on a source that commits faster than it can be copied. */
const COPY_ATTEMPTS = 20;

export interface CopiedIndex {
  name: string;
  files: number;
  bytes: number;
  /** The change-feed position the copy reflects (its manifest's changeSeq). */
  changeSeq: number;
}

/** Copies every sub-index of `fromDir` into `toDir` (replacing what is there). */
export function copyIndexDir(fromDir: string, toDir: string): CopiedIndex[] {
  if (resolve(fromDir) === resolve(toDir)) throw new Error(`--from ${fromDir} is this process's own index folder: give another process's folder`);
  const present = Object.keys(SUB_INDEXES).filter((n) => existsSync(join(fromDir, n, 'manifest.json')));
  if (present.length === 0) {
    throw new Error(`${fromDir} holds no index (no lexical/manifest.json or vectors/manifest.json): give the --index-dir of a process that built one`);
  }
  mkdirSync(toDir, { recursive: true });
  return present.map((name) => copySubIndex(name, join(fromDir, name), join(toDir, name)));
}

function copySubIndex(name: string, from: string, to: string): CopiedIndex {
  mkdirSync(to, { recursive: true });
  const lock = acquireIndexLock(to);
  if (!lock) {
    const owner = lockOwner(to);
    throw new Error(`process ${owner?.pid ?? '?'} owns ${to}: stop it first, or copy into another --index-dir`);
  }
  const tmp = `${to}.copy`;
  try {
    for (let attempt = 1; attempt <= COPY_ATTEMPTS; attempt++) {
      const before = readFileSync(join(from, 'manifest.json'));
      const manifest = JSON.parse(before.toString('utf8')) as Record<string, unknown>;
      const files = SUB_INDEXES[name](manifest);
      rmSync(tmp, { recursive: true, force: true });
      mkdirSync(tmp, { recursive: true });
      let bytes = 0;
      try {
        for (const f of files) {
          copyFileSync(join(from, f), join(tmp, f));
          bytes += statSync(join(tmp, f)).size;
        }
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // merged away under us: start again
        throw err;
      }
      if (!before.equals(readFileSync(join(from, 'manifest.json')))) continue;
      writeFileSync(join(tmp, 'manifest.json'), before);
      const old = `${to}.old`;
      rmSync(old, { recursive: true, force: true });
      renameSync(to, old); // the lock file goes with the old folder
      renameSync(tmp, to);
      rmSync(old, { recursive: true, force: true });
      return { name, files: files.length, bytes, changeSeq: Number(manifest.changeSeq ?? 0) };
    }
    throw new Error(`${from} changed on every one of ${COPY_ATTEMPTS} attempts to copy it: try again when its owner is less busy`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    lock.release();
  }
}
