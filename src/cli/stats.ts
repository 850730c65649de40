/**
 * `paperboy stats`: what the database holds — papers, daily-list entries,
 * organizations, papers per source, entries per recent day, papers per
 * primary category — as readable tables or JSON.
 *
 * Non-goals: charts, per-user figures (the web admin pages can grow those).
 */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { loadConfig } from '../config.js';
import { openBackend } from '../store/open-backend.js';
import type { StoreStats } from '../store/store.js';

interface StatsOptions {
  db?: string;
  json?: boolean;
  days: string;
  categories: string;
}

/** Left-aligned label column, right-aligned numbers, with a title line. */
function table(title: string, rows: [string, number][]): string {
  if (rows.length === 0) return `${title}\n  (none)\n`;
  const w = Math.max(...rows.map(([k]) => k.length));
  const nw = Math.max(...rows.map(([, n]) => n.toLocaleString('en-US').length));
  return `${title}\n${rows.map(([k, n]) => `  ${k.padEnd(w)}  ${n.toLocaleString('en-US').padStart(nw)}`).join('\n')}\n`;
}

/** The human-readable report of `paperboy stats`. */
export function formatStats(s: StoreStats, opts: { categories?: number } = {}): string {
  const cats = s.byCategory.slice(0, opts.categories ?? 20);
  return [
    table('Totals', [['papers', s.papers], ['daily-list entries', s.dailyEntries], ['organizations', s.organizations]]),
    table('Papers by source', Object.entries(s.bySource)),
    table('Daily-list entries by day (newest first)', s.byDay.map((d) => [d.day, d.count])),
    table(cats.length < s.byCategory.length ? `Papers by primary category (top ${cats.length} of ${s.byCategory.length})` : 'Papers by primary category',
      cats.map((c) => [c.category, c.count])),
  ].join('\n');
}

function positiveInt(raw: string, flag: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} must be a whole number ≥ 1, got "${raw}"`);
  return n;
}

export function registerStats(program: Command): void {
  program
    .command('stats')
    .description('counts of papers, daily-list entries and organizations, by source, by day and by category')
    .option('--db <file>', 'SQLite database file or postgres:// URL (env PAPERBOY_DB, default ./data/paperboy.db)')
    .option('--days <n>', 'how many recent days of the daily list to show', '14')
    .option('--categories <n>', 'how many categories to show', '20')
    .option('--json', 'print the figures as JSON')
    .action(async (opts: StatsOptions) => {
      const days = positiveInt(opts.days, '--days');
      const categories = positiveInt(opts.categories, '--categories');
      const config = loadConfig({ db: opts.db });
      if (!/^postgres/i.test(config.db) && !existsSync(config.db)) {
        throw new Error(`no database at ${config.db}: pass --db FILE (or PAPERBOY_DB), or create one with paperboy import / serve`);
      }
      const backend = await openBackend(config.db, { readonly: true, indexDir: config.indexDir });
      const store = backend.store;
      try {
        const s = await store.stats(days);
        if (opts.json) {
          process.stdout.write(JSON.stringify({ ...s, byCategory: s.byCategory.slice(0, categories) }, null, 2) + '\n');
        } else {
          process.stdout.write(`${store.location}\n\n${formatStats(s, { categories })}`);
        }
      } finally {
        await backend.close();
      }
    });
}
