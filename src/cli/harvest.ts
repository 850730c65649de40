/**
 * `paperboy harvest arxiv --category cs.LG [--from DATE] [--until DATE]`:
 * pulls new papers of one category from arXiv's OAI-PMH service, politely,
 * resumable (see ingest/harvest-arxiv.ts). Prints one progress line per page.
 *
 * `paperboy harvest hf [--endpoint URL] [--from DAY] [--to DAY]`: follows a
 * Hub-compatible Daily Papers list day by day (see ingest/harvest-hf.ts).
 */
import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { openBackend } from '../store/open-backend.js';
import { PoliteHttpClient } from '../ingest/http-fetch.js';
import { DEFAULT_OAI_URL, harvestArxiv, HarvestError } from '../ingest/harvest-arxiv.js';
import { parseOaiPage } from '../ingest/arxiv-oai.js';
import { importItems } from '../ingest/importer.js';
import { DEFAULT_HF_ENDPOINT, harvestHf, HfHarvestError } from '../ingest/harvest-hf.js';

interface HarvestArxivOptions {
  category: string;
  from?: string;
  until?: string;
  db?: string;
  delayMs: string;
  oaiUrl?: string;
  restart?: boolean;
}

export function registerHarvest(program: Command): void {
  const harvest = program
    .command('harvest')
    .description('pull new papers from a live source: arxiv (OAI-PMH) or hf (a Hub-compatible daily list)');
  harvest
    .command('arxiv')
    .description('harvest one arXiv category over OAI-PMH; a stopped harvest resumes where it stopped')
    .requiredOption('--category <cat>', 'arXiv category, e.g. cs.LG, math.AG, hep-th')
    .option('--from <date>', 'first datestamp YYYY-MM-DD (default: where the last harvest of the category ended, else 7 days ago)')
    .option('--until <date>', 'last datestamp YYYY-MM-DD (default: none, up to the newest)')
    .option('--db <file>', 'SQLite database file or postgres:// URL (env PAPERBOY_DB, default ./data/paperboy.db)')
    .option('--delay-ms <n>', 'pause between requests in ms (arXiv asks for ≥ 3000)', '3000')
    .option('--oai-url <url>', `OAI-PMH base URL (env ARXIV_OAI_URL, default ${DEFAULT_OAI_URL})`)
    .option('--restart', 'ignore a saved unfinished harvest and start over')
    .action(async (opts: HarvestArxivOptions) => {
      const delay = Number(opts.delayMs);
      if (!Number.isInteger(delay) || delay < 0) throw new HarvestError(`--delay-ms must be a whole number of milliseconds, got "${opts.delayMs}"`);
      const baseUrl = opts.oaiUrl ?? process.env.ARXIV_OAI_URL ?? DEFAULT_OAI_URL;
      try {
        new URL(baseUrl);
      } catch {
        throw new HarvestError(`--oai-url / ARXIV_OAI_URL must be an absolute URL such as ${DEFAULT_OAI_URL}, got "${baseUrl}"`);
      }
      const config = loadConfig({ db: opts.db });
      const log = (line: string) => process.stdout.write(`harvest arxiv ${opts.category}: ${line}\n`);
      if (delay < 3000 && new URL(baseUrl).hostname.endsWith('arxiv.org')) {
        log(`warning: --delay-ms ${delay} is below the 3000 ms arXiv asks for; it may block this address`);
      }
      const backend = await openBackend(config.db, { nativeLexical: config.search === 'fts5', indexDir: config.indexDir });
      const store = backend.store;
      const client = new PoliteHttpClient({
        minDelayMs: delay,
        onRetry: (r) => log(`${r.reason}; retrying in ${Math.round(r.waitMs / 1000)} s (attempt ${r.attempt + 1})`),
      });
      try {
        const result = await harvestArxiv(store, {
          category: opts.category, from: opts.from ?? null, until: opts.until ?? null, baseUrl, restart: opts.restart,
        }, {
          fetchText: async (url) => (await client.getText(url)).body,
          parsePage: parseOaiPage,
          importItems: (s, items, o) => importItems(s, items, { ...o, onDemoRemoved: (n) => log(`removed the demo corpus (${n} papers) before importing real papers`) }),
          log,
        });
        log(`done${result.resumed ? ' (resumed)' : ''}: ${result.pages} pages, ${result.seen} records listed, ${result.kept} in ` +
          `${opts.category}: added ${result.added}, updated ${result.updated}, unchanged ${result.unchanged}, rejected ${result.rejected}`);
      } finally {
        await backend.close();
      }
    });

  harvest
    .command('hf')
    .description('follow a Daily Papers list from a Hub-compatible endpoint, day by day (every page); re-run to resume and to refresh upvotes')
    .option('--endpoint <url>', `Hub-compatible endpoint (the Hub, or another paperboy; env HF_ENDPOINT, default ${DEFAULT_HF_ENDPOINT})`)
    .option('--from <day>', 'first day YYYY-MM-DD (default: the last day harvested, else 7 days ago)')
    .option('--to <day>', 'last day YYYY-MM-DD (default: today, UTC)')
    .option('--db <file>', 'SQLite database file or postgres:// URL (env PAPERBOY_DB, default ./data/paperboy.db)')
    .option('--delay-ms <n>', 'pause between requests in ms', '1000')
    .action(async (opts: { endpoint?: string; from?: string; to?: string; db?: string; delayMs: string }) => {
      const delay = Number(opts.delayMs);
      if (!Number.isInteger(delay) || delay < 0) throw new HfHarvestError(`--delay-ms must be a whole number of milliseconds, got "${opts.delayMs}"`);
      const endpoint = opts.endpoint ?? process.env.HF_ENDPOINT ?? DEFAULT_HF_ENDPOINT;
      const config = loadConfig({ db: opts.db });
      const log = (line: string) => process.stdout.write(`harvest hf: ${line}\n`);
      const backend = await openBackend(config.db, { nativeLexical: config.search === 'fts5', indexDir: config.indexDir });
      const client = new PoliteHttpClient({
        minDelayMs: delay,
        onRetry: (r) => log(`${r.reason}; retrying in ${Math.round(r.waitMs / 1000)} s (attempt ${r.attempt + 1})`),
      });
      try {
        const r = await harvestHf(backend.store, { endpoint, from: opts.from ?? null, to: opts.to ?? null }, {
          fetchText: async (url) => (await client.getText(url)).body,
          importItems: (s, items, o) => importItems(s, items, { ...o, onDemoRemoved: (n) => log(`removed the demo corpus (${n} papers) before importing real papers`) }),
          log,
        });
        log(`done: ${r.from} to ${r.to}, ${r.days} days, ${r.pages} pages: added ${r.added}, updated ${r.updated}, unchanged ${r.unchanged}, rejected ${r.rejected}`);
      } finally {
        await backend.close();
      }
    });
}
