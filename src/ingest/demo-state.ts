/**
 * Whether the demo corpus is in a database, and taking it out.
 *
 * The demo (demo.ts) is a sample with made-up dates and upvotes: it must
 * never sit beside real papers. So the importer calls `removeDemo` before it
 * writes the first batch of anything else (`paperboy import`, both
 * harvests), `paperboy demo --remove` calls it by hand, and the site asks
 * `demoStatus` to show its "this is demo data" banner.
 *
 * Goals: one record in the store's job state (key `demo`) saying what was
 * loaded (the paper ids) and whether it was removed, so a removed demo is not
 * loaded again into a database that became empty; databases made before that
 * record existed (the demo loaded with its listing's 2026 dates) are
 * recognised by the shipped listing's ids. Non-goals: building the demo
 * records (demo.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Store } from '../store/store.js';
import { localPaperId } from './seed-listing.js';

/** The job-state key of the demo record. */
export const DEMO_STATE_KEY = 'demo';

export interface DemoState {
  /** loaded: the demo is in the database; removed: it was taken out (never load it again by itself); absent: checked, never loaded. */
  status: 'loaded' | 'removed' | 'absent';
  /** Ids of the demo papers (while loaded). */
  papers: string[];
  loadedAt: string | null;
  removedAt: string | null;
}

/** The package root: the nearest folder above this file holding package.json. */
export function packageRoot(): string {
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

/** The local ids the shipped listing's papers get (its titles through localPaperId). */
export function shippedDemoIds(file: string = demoCorpusPath()): string[] {
  const data = JSON.parse(readFileSync(file, 'utf8')) as { papers?: { title?: unknown }[] };
  return (data.papers ?? []).flatMap((p) => (typeof p.title === 'string' ? [localPaperId(p.title)] : []));
}

/** The stored demo record, or null when the database has none (new, or made before demo records existed). */
export async function readDemoState(store: Store): Promise<DemoState | null> {
  const raw = await store.getState(DEMO_STATE_KEY);
  if (!raw) return null;
  try {
    const s = JSON.parse(raw) as Partial<DemoState>;
    if (s.status !== 'loaded' && s.status !== 'removed' && s.status !== 'absent') return null;
    return { status: s.status, papers: Array.isArray(s.papers) ? s.papers : [], loadedAt: s.loadedAt ?? null, removedAt: s.removedAt ?? null };
  } catch {
    return null;
  }
}

export async function writeDemoState(store: Store, s: DemoState): Promise<void> {
  await store.setState(DEMO_STATE_KEY, JSON.stringify(s));
}

/**
 * Papers of a database made before demo records existed that are the old demo:
 * the shipped listing's local ids, still known from the seed listing alone.
 */
export async function legacyDemoIds(store: Store, file: string = demoCorpusPath()): Promise<string[]> {
  if (!existsSync(file)) return [];
  const papers = await store.getPapers(shippedDemoIds(file));
  return papers.filter((p) => p.arxivId === null && p.sources.length === 1 && p.sources[0] === 'seed').map((p) => p.id);
}

/** What the site shows: whether demo papers are in the database, and how many. */
export async function demoStatus(store: Store): Promise<{ loaded: boolean; papers: number }> {
  const s = await readDemoState(store);
  return s?.status === 'loaded' ? { loaded: true, papers: s.papers.length } : { loaded: false, papers: 0 };
}

/**
 * Takes the demo out: its papers, their daily entries and index rows, and the
 * organizations only they named. Returns how many papers were removed (0 when
 * there was no demo). Afterwards the demo is never loaded again by itself.
 */
export async function removeDemo(store: Store, now: Date = new Date()): Promise<number> {
  const s = await readDemoState(store);
  if (s && s.status !== 'loaded') return 0;
  const ids = s ? s.papers : await legacyDemoIds(store);
  if (!s && ids.length === 0) {
    // Checked once: later imports into this database read one small row and go on.
    await writeDemoState(store, { status: 'absent', papers: [], loadedAt: null, removedAt: null });
    return 0;
  }
  const removed = await store.deletePapers(ids);
  await writeDemoState(store, { status: 'removed', papers: [], loadedAt: s?.loadedAt ?? null, removedAt: now.toISOString() });
  return removed;
}
