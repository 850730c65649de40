/**
 * The demo corpus: the seed listing shipped in demo/seed-listing.json, loaded
 * into an empty store so a fresh `npm start` looks like a working Daily
 * Papers site — a full list today, a week, trending — instead of one paper a
 * day in 2026 with zero upvotes.
 *
 * Goals: the 45 listed papers spread over the last DEMO_DAYS weekdays up to
 * the clock at load time, DEMO_DAY_SIZES of them per day (the biggest list
 * today), with upvotes shaped like a real day's (a long tail under one or two
 * hits) and ranked by what the listing says (its upvotes first, then a fixed
 * hash of the title, so every load gives the same lists). Recorded as demo
 * data (demo-state.ts): the site says so on every page, and the first real
 * import takes it out. Non-goals: pretending to be real — titles, abstracts,
 * author counts and publication dates are the listing's; the daily-list days,
 * upvotes and comment counts are invented and marked as such.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { PaperRecord } from '../domain/paper.js';
import { addDays, dayOf } from '../domain/periods.js';
import type { Store } from '../store/store.js';
import { parseSeedListing } from './seed-listing.js';
import { importItems } from './importer.js';
import { demoCorpusPath, legacyDemoIds, readDemoState, writeDemoState } from './demo-state.js';

export { demoCorpusPath } from './demo-state.js';

/** Weekdays the demo covers, ending today (or the last weekday). 5: one working week, as the Hub lists. */
export const DEMO_DAYS = 5;

/**
 * Papers per demo day, newest first (sums to the listing's 45). The Hub's
 * 2025 days hold 6–40 papers, most 10–20; the newest day is the front page,
 * so it gets the most. A listing of another size is dealt out in the same
 * proportions.
 */
export const DEMO_DAY_SIZES = [13, 10, 9, 7, 6];

/**
 * Upvotes of the top paper of each demo day, newest first. Real 2025 days
 * top out between ~25 and ~80 (2025-06-02: 35, 2025-10-14: 75).
 */
const DAY_TOP_UPVOTES = [47, 38, 61, 29, 42];

/**
 * How fast upvotes fall down a day's list: position i gets top × DECAY^i.
 * 0.8 reproduces a real day's tail (35 28 18 16 13 13 10 8 …): the tenth
 * paper has about a seventh of the top paper's votes.
 */
const DECAY = 0.8;

/** A stable 32-bit number from a title (for the order within equal listed upvotes and small jitter). */
function titleHash(title: string): number {
  return createHash('sha256').update(title).digest().readUInt32BE(0);
}

/** The last `n` weekdays up to `today` (UTC), newest first. */
export function recentWeekdays(today: string, n: number): string[] {
  const days: string[] = [];
  for (let d = today; days.length < n; d = addDays(d, -1)) {
    const wd = new Date(`${d}T00:00:00Z`).getUTCDay();
    if (wd !== 0 && wd !== 6) days.push(d);
  }
  return days;
}

/** How many papers each of `days` days gets out of `total`, newest first, in DEMO_DAY_SIZES proportions. */
function daySizes(total: number, days: number): number[] {
  const base = DEMO_DAY_SIZES.slice(0, days);
  const sum = base.reduce((a, b) => a + b, 0);
  const sizes = base.map((b) => Math.floor((b * total) / sum));
  for (let i = 0, left = total - sizes.reduce((a, b) => a + b, 0); left > 0; i = (i + 1) % sizes.length, left--) sizes[i]++;
  return sizes;
}

/**
 * The listing's records re-dated onto recent days with believable upvotes.
 * Pure: the same listing and clock give the same records.
 */
export function demoRecords(listing: PaperRecord[], now: Date): PaperRecord[] {
  const days = recentWeekdays(dayOf(now), DEMO_DAYS);
  const ranked = listing
    .map((r) => ({ r, listed: r.daily?.upvotes ?? 0, h: titleHash(r.paper.title) }))
    .sort((a, b) => b.listed - a.listed || a.h - b.h);
  const sizes = daySizes(ranked.length, days.length);
  // Deal the ranked papers out round-robin over the days that still have room, so every day
  // gets a share of the listing's best: the listing's order is the ranking signal on each day.
  const perDay: (typeof ranked)[] = days.map(() => []);
  let d = 0;
  for (const item of ranked) {
    while (perDay[d].length >= sizes[d]) d = (d + 1) % days.length;
    perDay[d].push(item);
    d = (d + 1) % days.length;
  }
  const out: PaperRecord[] = [];
  const nowMs = now.getTime();
  perDay.forEach((items, di) => {
    const day = days[di];
    let prev = Infinity;
    items.forEach(({ r, h }, i) => {
      const top = DAY_TOP_UPVOTES[di % DAY_TOP_UPVOTES.length];
      // Up to ±2 of jitter so the tail does not look computed; never above the paper before it.
      const upvotes = Math.max(1, Math.min(prev, Math.round(top * DECAY ** i) + (h % 5) - 2));
      prev = upvotes;
      // Comments: the top papers draw a few, the tail now and then one.
      const numComments = i < 3 ? 1 + (h % 3) : (h >>> 8) % 4 === 0 ? 1 : 0;
      // Submitted between 01:00 and 09:00 UTC of its day (as the Hub's lists fill), never after the clock.
      const at = Math.min(Date.parse(`${day}T01:00:00.000Z`) + ((h >>> 4) % (8 * 60)) * 60_000, nowMs - 60_000);
      out.push({ ...r, daily: { day, submittedAt: new Date(at).toISOString(), submittedBy: null, upvotes, numComments } });
    });
  });
  return out;
}

/**
 * Loads the demo into an empty store (or replaces a demo loaded by an older
 * paperboy with its listing's 2026 dates) and records it as demo data.
 * Returns how many papers were loaded, or null when skipped: the store holds
 * other papers, or the demo was removed before (`paperboy demo --remove`, a
 * real import).
 */
export async function importDemoIfEmpty(store: Store, opts: { file?: string; now?: Date; force?: boolean } = {}): Promise<number | null> {
  const file = opts.file ?? demoCorpusPath();
  const now = opts.now ?? new Date();
  const state = await readDemoState(store);
  if (state?.status === 'loaded') return null;
  if (state?.status === 'removed' && !opts.force) return null;
  const count = await store.countPapers();
  if (count > 0) {
    // A database made before demo records existed that holds only the old demo gets the new one.
    const legacy = state ? [] : await legacyDemoIds(store, file);
    if (legacy.length === 0 || legacy.length !== count) return null;
    await store.deletePapers(legacy);
  }
  const items = parseSeedListing(readFileSync(file, 'utf8'));
  const listing = items.flatMap((it) => (it.ok ? [it.record] : []));
  const records = demoRecords(listing, now);
  const summary = await importItems(store, records.map((record, i) => ({ ok: true as const, at: `entry ${i + 1}`, record })), { demo: true });
  await writeDemoState(store, { status: 'loaded', papers: records.map((r) => r.paper.id), loadedAt: now.toISOString(), removedAt: null });
  return summary.added;
}
