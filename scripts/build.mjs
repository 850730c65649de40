#!/usr/bin/env node
// Builds the TypeScript sources into dist/ (what `npm start`, `npm test` and the `paperboy` command run).
//
//   node scripts/build.mjs             build (incremental: only what changed is re-emitted)
//   node scripts/build.mjs --if-stale  build only when a source is newer than the last build (≈ 50 ms when current)
//
// Why a script and not just `tsc`: a no-op `tsc -p` still type-checks the whole project (≈ 20 s on a
// 2-core machine), and even `tsc --incremental` takes several seconds to find that nothing changed;
// comparing file times takes milliseconds, so `npm start` answers in about two seconds when the build
// is current. The stamp's time is the build's start, so a file saved during a build triggers the next one.
import { existsSync, readdirSync, statSync, utimesSync, writeFileSync, rmSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const stamp = join(dist, '.build-stamp');
const buildInfo = join(dist, '.tsbuildinfo');
/** What the build reads: the compiled folders and the files that change how they compile. */
const INPUT_DIRS = ['src', 'test', 'bench'];
const INPUT_FILES = ['tsconfig.json', 'package.json'];

function newestInput() {
  let newest = 0;
  const visit = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.name === 'node_modules' || e.name === 'out' || e.name.startsWith('.')) continue;
      const p = join(dir, e.name);
      // A folder's time moves when a file in it is added, removed or renamed.
      if (e.isDirectory()) {
        newest = Math.max(newest, statSync(p).mtimeMs);
        visit(p);
      }
      else if (/\.(ts|json)$/.test(e.name)) newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  for (const d of INPUT_DIRS) {
    if (!existsSync(join(root, d))) continue;
    newest = Math.max(newest, statSync(join(root, d)).mtimeMs);
    visit(join(root, d));
  }
  for (const f of INPUT_FILES) if (existsSync(join(root, f))) newest = Math.max(newest, statSync(join(root, f)).mtimeMs);
  return newest;
}

const ifStale = process.argv.includes('--if-stale');
const entry = join(dist, 'src', 'cli', 'main.js');
if (ifStale && existsSync(stamp) && existsSync(entry) && statSync(stamp).mtimeMs >= newestInput()) process.exit(0);

const started = new Date();
// tsc --incremental does not notice outputs deleted by hand: without the entry point, build from scratch.
if (!existsSync(entry)) rmSync(buildInfo, { force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.json'), '--incremental', '--tsBuildInfoFile', buildInfo], { stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);
// tsc never deletes: drop outputs whose source is gone (a deleted test would otherwise still run).
for (const d of INPUT_DIRS) {
  const out = join(dist, d);
  if (!existsSync(out)) continue;
  const prune = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        prune(p);
        continue;
      }
      const m = /^(.*)\.js(\.map)?$/.exec(p);
      if (!m) continue;
      const source = join(root, m[1].slice(dist.length + 1) + '.ts');
      if (!existsSync(source)) rmSync(p);
    }
  };
  prune(out);
}
mkdirSync(dist, { recursive: true });
writeFileSync(stamp, `built ${started.toISOString()}\n`);
utimesSync(stamp, started, started);
