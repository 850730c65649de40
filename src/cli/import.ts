/**
 * `paperboy import FILE|URL… [--format F] [--db FILE] [--batch-size N]`:
 * brings papers in from files or URLs in any supported format (detected from
 * the first bytes when --format is omitted) and prints what happened.
 *
 * Goals: several files in one run (a shell glob of daily JSON files, a
 * folder, a quoted glob) with one total summary; compressed files read as
 * they are (.gz, .bz2, .zst); every page of an OAI-PMH or arXiv API URL; a progress bar on a terminal, periodic lines otherwise; the
 * first rejects with their line/entry and reason; exit 0 when every source
 * was read (even with rejected records), 1 with a message saying what to do
 * when a source is missing, of no known format, or an error feed.
 * Non-goals: scheduled pulls (`paperboy harvest`).
 */
import type { Command } from 'commander';
import { basename } from 'node:path';
import { stat } from 'node:fs/promises';
import { loadConfig } from '../config.js';
import { openBackend } from '../store/open-backend.js';
import type { Backend } from '../store/backend.js';
import { openSource, isUrl, SourceError } from '../ingest/source-reader.js';
import { expandSources } from '../ingest/expand-sources.js';
import { describeFormats, detectFormat, FORMAT_DESCRIPTIONS, isSourceFormat, SOURCE_FORMATS, type SourceFormat } from '../ingest/detect-format.js';
import { sourceItems } from '../ingest/import-source.js';
import { addSummary, DEFAULT_BATCH_SIZE, emptySummary, importItems, type ImportSummary } from '../ingest/importer.js';
import { createProgress } from '../ingest/progress.js';
import { FormatError } from '../ingest/parsed-item.js';
import { ArxivApiError } from '../ingest/arxiv-atom.js';
import { OaiError } from '../ingest/arxiv-oai.js';
import { HttpFetchError, PoliteHttpClient } from '../ingest/http-fetch.js';

/**
 * An import that added or changed at least this many papers gathers the planner's statistics at
 * its end (Backend.refreshStatistics; PostgreSQL's ANALYZE samples at most 30,000 rows a table:
 * about a second even at 1M papers). Smaller imports leave it to autovacuum. Default 10,000.
 */
const REFRESH_STATISTICS_ROWS = 10_000;

interface ImportCliOptions {
  format?: string;
  db?: string;
  batchSize: string;
  showRejects: string;
  delayMs: string;
}

/** `first`, then the rest of `rest` (the iterator that gave `first`). */
async function* prepend<T>(first: T, rest: AsyncIterator<T>): AsyncGenerator<T> {
  try {
    yield first;
    for (let r = await rest.next(); !r.done; r = await rest.next()) yield r.value;
  } finally {
    await rest.return?.();
  }
}

/** A failure that ends one source's import with a message (the others go on). */
function isSourceFailure(err: unknown): err is Error {
  return err instanceof SourceError || err instanceof FormatError || err instanceof ArxivApiError ||
    err instanceof OaiError || err instanceof HttpFetchError;
}

function positiveInt(raw: string, flag: string, min: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${flag} must be a whole number ≥ ${min}, got "${raw}"`);
  return n;
}

function formatSummary(s: ImportSummary, files: number, failed: number, seconds: number, showRejects: number): string {
  const records = s.added + s.updated + s.unchanged + s.rejected;
  const rate = seconds > 0 ? Math.round(records / seconds) : records;
  const w = Math.max(String(s.added).length, String(s.updated).length, String(s.unchanged).length, String(s.rejected).length);
  const lines = [
    `imported ${files - failed} of ${files} source${files === 1 ? '' : 's'}: ${records} records in ${seconds.toFixed(1)} s (${rate} records/s)`,
    `  added      ${String(s.added).padStart(w)}`,
    `  updated    ${String(s.updated).padStart(w)}`,
    `  unchanged  ${String(s.unchanged).padStart(w)}`,
    `  rejected   ${String(s.rejected).padStart(w)}`,
  ];
  if (s.rejected > 0 && showRejects > 0) {
    const shown = s.rejects.slice(0, showRejects);
    lines.push(`first rejects (${shown.length} of ${s.rejected}):`);
    for (const r of shown) lines.push(`  ${r.at}: ${r.reason}`);
  }
  return lines.join('\n');
}

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('import papers from files or URLs: arXiv API Atom, arXiv OAI-PMH, arXiv snapshot JSONL, HF daily_papers JSON, the seed listing')
    .argument('<sources...>', 'files, folders, globs (quoted or not) or http(s) URLs; .gz, .bz2 and .zst files are read as they are; several give one total summary')
    .option('--format <format>', `source format, detected from the content when omitted: ${SOURCE_FORMATS.join(' | ')}`)
    .option('--db <file>', 'SQLite database file or postgres:// URL (env PAPERBOY_DB, default ./data/paperboy.db)')
    .option('--batch-size <n>', 'records per transaction, at most 1,000 (a crash loses at most one batch)', String(DEFAULT_BATCH_SIZE))
    .option('--show-rejects <n>', 'how many rejected records to list', '20')
    .option('--delay-ms <n>', 'pause between pages when following an OAI-PMH URL\'s resumptionTokens or an arXiv API URL\'s start/max_results (arXiv asks for ≥ 3000)', '3000')
    .addHelpText('after', `\nFormats:\n${SOURCE_FORMATS.map((f) => `  ${f.padEnd(9)} ${FORMAT_DESCRIPTIONS[f]}`).join('\n')}\n\n` +
      'Exit status: 0 when every source was read (rejected records are listed, not fatal); 1 when a source\n' +
      'is missing, of no known format, or an error answer (arXiv error feed, OAI-PMH error).\n')
    .action(async (args: string[], opts: ImportCliOptions) => {
      if (opts.format !== undefined && !isSourceFormat(opts.format)) {
        throw new Error(`unknown --format "${opts.format}": use one of ${describeFormats()}`);
      }
      const forced = opts.format as SourceFormat | undefined;
      const batchSize = positiveInt(opts.batchSize, '--batch-size', 1);
      const showRejects = positiveInt(opts.showRejects, '--show-rejects', 0);
      const delayMs = positiveInt(opts.delayMs, '--delay-ms', 0);
      const config = loadConfig({ db: opts.db });
      // Folders and globs (quoted, or left unexpanded by the shell) become the files they hold.
      const expanded = await expandSources(args);
      const sources = expanded.sources;
      const failures: string[] = [...expanded.failures];
      const notes: string[] = [...expanded.notes];
      const given = sources.length + expanded.failures.length;

      // Total bytes of the files, for one bar over all of them (URLs add their Content-Length when they open).
      let totalBytes: number | null = 0;
      for (const s of sources) {
        if (isUrl(s)) continue;
        try {
          totalBytes += (await stat(s)).size;
        } catch {
          // Reported when the file is opened.
        }
      }
      // Opened when a source yields its first record: an import refused outright (no such file, a
      // folder, an unknown format, a malformed document) leaves no database file behind.
      let backend: Backend | null = null;
      const progress = createProgress({ totalBytes: totalBytes || null });
      const client = new PoliteHttpClient({ minDelayMs: delayMs });
      const started = performance.now();
      let total = emptySummary();
      let recordsBefore = 0, bytesBefore = 0;
      try {
        for (const loc of sources) {
          const prefix = given > 1 ? `${isUrl(loc) ? loc : basename(loc)} ` : '';
          try {
            const src = await openSource(loc);
            const format = forced ?? detectFormat(src.head);
            if (!format) {
              throw new FormatError(src.head.trim() === ''
                ? `${loc} is empty: nothing to import`
                : `cannot tell the format of ${loc}: it is none of ${describeFormats()}. Pass --format if it is one of them.`);
            }
            const items = sourceItems(src, format, {
              fetchText: async (url) => {
                try {
                  return (await client.getText(url)).body;
                } catch (err) {
                  // OAI-PMH errors and arXiv's error feed may come with a 4xx status: let the parser raise the error they hold.
                  if (err instanceof HttpFetchError && err.status !== null && err.status < 500 && /<OAI-PMH|<feed/.test(err.body ?? '')) return err.body!;
                  throw err;
                }
              },
              onNote: (m) => notes.push(m),
            });
            const iter = items[Symbol.asyncIterator]();
            const first = await iter.next();
            if (first.done) {
              bytesBefore += src.bytesRead();
              continue;
            }
            backend ??= await openBackend(config.db, { nativeLexical: config.search === 'fts5', indexDir: config.indexDir });
            const s = await importItems(backend.store, prepend(first.value, iter), {
              batchSize,
              maxRejectsKept: showRejects,
              onProgress: (done) => progress.update(recordsBefore + done, bytesBefore + src.bytesRead()),
              onDemoRemoved: (n) => notes.push(`removed the demo corpus (${n} papers) before importing real papers`),
            });
            recordsBefore += s.added + s.updated + s.unchanged + s.rejected;
            bytesBefore += src.bytesRead();
            total = addSummary(total, { ...s, rejects: s.rejects.map((r) => ({ at: prefix + r.at, reason: r.reason })) }, showRejects);
          } catch (err) {
            if (!isSourceFailure(err)) throw err;
            const msg = err instanceof ArxivApiError ? `arXiv API error: ${err.message} (check the query or ids in the URL)`
              : err instanceof OaiError ? `OAI-PMH error ${err.code}: ${err.message}`
                : err.message;
            failures.push(given > 1 && !msg.includes(loc) ? `${loc}: ${msg}` : msg);
          }
        }
        // A bulk import into PostgreSQL leaves the planner without statistics until autovacuum comes
        // (a minute or more): gather them now when the import changed enough rows to matter.
        if (backend?.refreshStatistics && total.added + total.updated >= REFRESH_STATISTICS_ROWS) await backend.refreshStatistics();
      } finally {
        progress.stop();
        await backend?.close();
      }
      const seconds = (performance.now() - started) / 1000;
      if (failures.length < given) {
        process.stdout.write(formatSummary(total, given, failures.length, seconds, showRejects) + '\n');
      }
      for (const n of notes) process.stdout.write(`note: ${n}\n`);
      if (failures.length > 0) {
        for (const f of failures) process.stderr.write(`paperboy import: ${f}\n`);
        process.exitCode = 1;
      }
    });
}

