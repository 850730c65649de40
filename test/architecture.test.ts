/**
 * The map in docs/ARCHITECTURE.md, checked on the sources: no import cycle
 * between the top-level folders of src/ (domain, store, ingest, search,
 * digest, web, cli, html, and the root files such as config.ts), and the
 * backend seam — only src/store/ reaches a backend's role files, only a
 * backend's own folder imports its driver (the lint rule says the same;
 * this test also covers dynamic imports and re-exports).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { FIXTURES_DIR } from './helpers/fixture-server.js';

const ROOT = resolve(FIXTURES_DIR, '..', '..');
const SRC = join(ROOT, 'src');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Every module specifier a file imports or re-exports (static, `import type`, dynamic). */
function specifiers(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]/g)) out.push(m[1]);
  for (const m of text.matchAll(/(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g)) out.push(m[1]);
  for (const m of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push(m[1]);
  return out;
}

/** The top-level unit of src/ a path belongs to: its first folder, or the root file's name. */
function unitOf(path: string): string {
  const rel = relative(SRC, path).split(sep);
  return rel.length > 1 ? rel[0] : rel[0].replace(/\.ts$/, '');
}

function importGraph(): { edges: Map<string, Set<string>>; imports: { from: string; to: string; spec: string }[] } {
  const edges = new Map<string, Set<string>>();
  const imports: { from: string; to: string; spec: string }[] = [];
  for (const file of sources(SRC)) {
    for (const spec of specifiers(file)) {
      const to = spec.startsWith('.') ? resolve(dirname(file), spec).replace(/\.js$/, '.ts') : spec;
      imports.push({ from: file, to, spec });
      if (!spec.startsWith('.')) continue;
      const a = unitOf(file), b = unitOf(to);
      if (a === b) continue;
      if (!edges.has(a)) edges.set(a, new Set());
      edges.get(a)!.add(b);
    }
  }
  return { edges, imports };
}

/** Strongly connected components with more than one unit (Tarjan). */
function cycles(edges: Map<string, Set<string>>): string[][] {
  let index = 0;
  const idx = new Map<string, number>(), low = new Map<string, number>(), stack: string[] = [], on = new Set<string>();
  const out: string[][] = [];
  const nodes = new Set([...edges.keys(), ...[...edges.values()].flatMap((s) => [...s])]);
  const visit = (v: string) => {
    idx.set(v, index); low.set(v, index); index++;
    stack.push(v); on.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do { w = stack.pop()!; on.delete(w); comp.push(w); } while (w !== v);
      if (comp.length > 1) out.push(comp.sort());
    }
  };
  for (const v of nodes) if (!idx.has(v)) visit(v);
  return out;
}

test('no import cycle between the top-level folders of src/', () => {
  const { edges } = importGraph();
  assert.ok(edges.size >= 5, 'the graph was read');
  assert.deepEqual(cycles(edges), [], `cycles: ${JSON.stringify(cycles(edges))}; edges: ${JSON.stringify([...edges].map(([a, b]) => [a, [...b]]))}`);
});

test('the cycle finder finds a planted cycle (the check above can fail)', () => {
  const planted = new Map([['web', new Set(['digest'])], ['digest', new Set(['html', 'web'])], ['html', new Set<string>()]]);
  assert.deepEqual(cycles(planted), [['digest', 'web']]);
});

test('only src/store/ reaches a backend\'s role files; only a backend\'s folder imports its driver', () => {
  const { imports } = importGraph();
  const storeDir = join(SRC, 'store') + sep;
  const offenders = imports.filter(({ from, to }) => !from.startsWith(storeDir) && /[/\\]store[/\\](sqlite|postgres)[/\\]/.test(to))
    .map((i) => `${relative(ROOT, i.from)} → ${i.spec}`);
  assert.deepEqual(offenders, []);
  const drivers: Record<string, string> = { 'better-sqlite3': join(SRC, 'store', 'sqlite') + sep, pg: join(SRC, 'store', 'postgres') + sep };
  // The one exception (eslint.config.js names it too): the notes file, a derived index's own SQLite file on every backend.
  const allowed = new Set([`${join(SRC, 'search', 'notes', 'notes-file.ts')} → better-sqlite3`]);
  const driverOffenders = imports.filter(({ from, spec }) => drivers[spec] && !from.startsWith(drivers[spec]) && !allowed.has(`${from} → ${spec}`))
    .map((i) => `${relative(ROOT, i.from)} → ${i.spec}`);
  assert.deepEqual(driverOffenders, []);
  assert.ok(imports.some((i) => i.spec === 'better-sqlite3'), 'the SQLite backend does import its driver (the scan sees imports)');
});
