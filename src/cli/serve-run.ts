/**
 * Running `paperboy serve` (its options: serve.ts): opens the backend, the
 * search layer and the web app, listens, and starts the schedules.
 */
import type { ServeOptions } from './serve.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SECRET, loadConfig, secretRefusal } from '../config.js';
import { openBackend } from '../store/open-backend.js';
import { openSearch } from '../search/open-search.js';
import { warmNotes } from '../search/paper-notes.js';
import { warmSearch } from '../search/warm-up.js';
import { NeuralEmbedder } from '../search/embed/neural-embedder.js';
import { lexicalIndexDir } from '../search/block-max-engine.js';
import { importDemoIfEmpty } from '../ingest/demo.js';
import { backendDeps, createApp } from '../web/app.js';
import { startDigestSchedule } from '../digest/schedule.js';
import { startHarvestSchedule } from '../ingest/harvest-schedule.js';
import { SERVE_STATE_KEY, type ServeRecord } from './serve-record.js';
import { hostname } from 'node:os';
import { ACCOUNT_PRUNE_INTERVAL_MS } from '../accounts/account-health.js';

export async function runServe(opts: ServeOptions): Promise<void> {
  const config = loadConfig({ db: opts.db, indexDir: opts.indexDir, port: opts.port, host: opts.host, publicUrl: opts.publicUrl, demo: opts.demo, embedModel: opts.embedModel });
  // Before anything is opened: a refused start leaves no database file behind.
  const refusal = secretRefusal(config);
  if (refusal) {
    process.stderr.write(`paperboy serve: ${refusal}\n`);
    process.exitCode = 1;
    return;
  }
  if (config.secret === DEFAULT_SECRET) {
    console.log('paperboy: using the public development secret (allowed on loopback without SMTP); set PAPERBOY_SECRET before exposing the site or sending mail');
  }
  const backend = await openBackend(config.db, { nativeLexical: config.search === 'fts5', indexDir: config.indexDir });
  const store = backend.store;
  if (config.demo) {
    const loaded = await importDemoIfEmpty(store);
    if (loaded !== null) console.log(`paperboy: empty database, loaded the demo corpus (${loaded} papers with made-up days and upvotes; the first real import removes it, or: paperboy demo --remove)`);
  }
  if (config.search === 'engine' && backend.indexDir && !existsSync(join(lexicalIndexDir(backend.indexDir), 'manifest.json'))) {
    const n = await store.countPapers();
    if (n > 10_000) {
      console.log(`paperboy: building the search index for ${n.toLocaleString('en-US')} papers in the background ${backend.nativeLexical
        ? `(${backend.nativeLexical.name} answers searches until it is built; /readyz answers 200 once it is current)…`
        : '(searches say so until it is current; /readyz answers 200 then)…'}`);
    }
  }
  // A configured model that cannot load stops the start (with what to do), rather than serving another model's vectors.
  const embedder = config.vectors && config.embedModel ? await NeuralEmbedder.load(config.embedModel) : undefined;
  if (embedder) console.log(`paperboy: semantic search embeds with ${embedder.id} (${embedder.dim} dimensions)`);
  // Listen first: the lexical and the vector index are each verified, built and caught up by a worker
  // thread, the vector index followed from its snapshots after listening; until they are current,
  // searches answer from what exists and say so.
  // interim: a backend that keeps its own full-text index current (PostgreSQL) answers until a never-built index is built.
  const search = await openSearch(backend, config.search, { vectors: config.vectors, deferVectors: true, maintainerDb: config.db, embedModel: config.embedModel ?? undefined, interim: true, embedder });
  // Papers imported by other processes reach the indexes in the background, not on a request.
  search.blockMax?.follow();
  const app = await createApp({ ...backendDeps(backend), search: search.service, config, logger: process.env.PAPERBOY_LOG === '1' });
  const schedule = opts.schedule ? startDigestSchedule({
    store: search.service.withNotes(store), subs: backend.subscriptions, config,
    personal: { votes: backend.votes, readingLists: backend.readingLists, organizations: backend.organizations },
  }) : null;
  const harvests = opts.schedule ? startHarvestSchedule({ store, config }) : null;
  // Expired sessions, spent mail links and stale login counters go hourly, off the request path.
  const prune = setInterval(() => { void backend.accounts.pruneExpired(new Date()).catch(() => undefined); }, ACCOUNT_PRUNE_INTERVAL_MS);
  // The backend's own lexical index, where it is kept in the background (PostgreSQL's search vectors).
  const upkeep = backend.maintainNativeLexical ? startUpkeep(() => backend.maintainNativeLexical!()) : null;
  prune.unref();
  const address = await app.listen({ port: config.port, host: config.host });
  // Keywords and TL;DRs of the newest daily lists, prepared in the background (search/paper-notes.ts).
  void warmNotes(store, search.service.notes).catch(() => undefined);
  // The search paths compiled (JIT) on a few queries of the newest papers' words, not on the first visitors' (search/warm-up.ts).
  let stopping = false;
  void warmSearch(search.service, store, () => stopping).catch(() => undefined);
  void search.openVectors().then((v) => v?.follow())
    .catch((err: unknown) => console.error(`paperboy: the vector index could not be opened (searches answer lexically): ${err instanceof Error ? err.message : String(err)}`));
  await store.setState(SERVE_STATE_KEY, JSON.stringify({ pid: process.pid, host: hostname(), address, startedAt: new Date().toISOString() } satisfies ServeRecord));
  console.log(`paperboy: serving ${backend.location} at ${address} (public URL ${config.publicUrl})`);
  const stop = async () => {
    stopping = true;
    schedule?.stop();
    harvests?.stop();
    clearInterval(prune);
    upkeep?.stop();
    await app.close();
    await search.close();
    await backend.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/**
 * Pause of the native-lexical upkeep loop when nothing is pending. Default 2 s: a paper imported
 * through another process is in full-text search within about that; sane range 0.5–30 s.
 */
const UPKEEP_IDLE_MS = 2_000;

/** Runs `step` again and again (at once while it finds work, after UPKEEP_IDLE_MS when it finds none) until stopped. */
function startUpkeep(step: () => Promise<number>): { stop(): void } {
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const run = async () => {
    const n = await step().catch(() => 0);
    if (!stopped) {
      timer = setTimeout(() => { void run(); }, n > 0 ? 0 : UPKEEP_IDLE_MS);
      timer.unref();
    }
  };
  timer = setTimeout(() => { void run(); }, 0);
  timer.unref();
  return { stop() { stopped = true; if (timer) clearTimeout(timer); } };
}
