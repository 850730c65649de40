/**
 * The "this is demo data" banner every page shows while the demo corpus is
 * in the database, and the request hook that finds out.
 *
 * Goals: a visitor of a fresh install is never misled by the demo's invented
 * days and upvotes, and learns how to make it go away (import real papers, or
 * `paperboy demo --remove`); the banner disappears by itself with the demo.
 * One small job-state read per HTML request (the API and feeds skip it).
 * Non-goals: loading or removing the demo (ingest/demo.ts, demo-state.ts).
 */
import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { Store } from '../../store/store.js';
import { demoStatus } from '../../ingest/demo-state.js';
import { html, type SafeHtml } from '../../html/html.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Papers of the demo corpus in the database (0 when there is no demo); set for page requests. */
    demoPapers: number;
  }
}

/** Paths that never render a page: no need to look. */
const NOT_PAGES = /^\/(?:api|feeds|assets)\//;

/** An onRequest hook setting `req.demoPapers`. */
export function demoNoticeHook(store: Store): onRequestAsyncHookHandler {
  return async (req: FastifyRequest) => {
    if (NOT_PAGES.test(req.url)) return;
    req.demoPapers = (await demoStatus(store)).papers;
  };
}

/** The banner, or nothing when there is no demo. */
export function demoBanner(papers: number): SafeHtml | '' {
  if (!papers) return '';
  return html`<div class="demo-banner" role="note"><div class="wrap"><strong>Demo data.</strong> These ${papers} papers are a sample; their days, upvotes and comment counts are made up. Import real papers (<code>paperboy import</code>, <code>paperboy harvest</code>) and the demo goes away by itself, or remove it now with <code>paperboy demo --remove</code>.</div></div>`;
}
