#!/usr/bin/env node
// The installed `paperboy` command: runs the compiled CLI (built by `npm run build`).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const main = join(root, 'dist', 'src', 'cli', 'main.js');
if (!existsSync(main)) {
  process.stderr.write('paperboy is not built yet: run `npm run build` in ' + root + '\n');
  process.exit(1);
}
await import(pathToFileURL(main).href);
