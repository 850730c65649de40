/**
 * `paperboy serve`: the site, the API, the digest schedule and the scheduled
 * harvests (HARVEST) on one port. This file is the command's options; running
 * it is serve-run.ts, loaded only when the command runs, so `paperboy --help`
 * and every other command start without loading the web server.
 */
import type { Command } from 'commander';

export interface ServeOptions {
  db?: string;
  indexDir?: string;
  port?: string;
  host?: string;
  publicUrl?: string;
  demo: boolean;
  schedule: boolean;
  embedModel?: string;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve the site and the API (loads the demo corpus into an empty database)')
    .option('--db <file>', 'SQLite database file or postgres:// URL (env PAPERBOY_DB, default ./data/paperboy.db)')
    .option('--index-dir <dir>', 'folder of this process\'s search indexes (env PAPERBOY_INDEX_DIR, default <db>.idx/, or data/pg-<database>.idx/ on PostgreSQL); processes sharing one folder share the index')
    .option('--port <n>', 'port to listen on (env PORT, default 3000)')
    .option('--host <addr>', 'address to bind (env HOST, default 127.0.0.1)')
    .option('--public-url <url>', 'public address used in links (env PUBLIC_URL)')
    .option('--no-demo', 'do not load the demo corpus into an empty database')
    .option('--no-schedule', 'do not run the digest and harvest schedules in this process')
    .option('--embed-model <path>', 'folder of an ONNX sentence model for semantic/hybrid search instead of the built-in corpus model (env PAPERBOY_EMBED_MODEL; needs @huggingface/transformers)')
    .action(async (opts: ServeOptions) => (await import('./serve-run.js')).runServe(opts));
}
