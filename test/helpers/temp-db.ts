/** Test helper: a fresh SQLite file in a temporary folder, removed after the test. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function tempDir(prefix = 'paperboy-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function tempDbPath(): { file: string; dir: string; cleanup: () => void } {
  const { dir, cleanup } = tempDir();
  return { file: join(dir, 'paperboy.db'), dir, cleanup };
}
