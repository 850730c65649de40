/**
 * Static assets: the stylesheet, the small enhancement script and the icon,
 * served from memory with a content hash in their URL.
 *
 * Goals: `assetUrl('app.css')` gives "/assets/app.css?v=<hash>"; a request
 * carrying the current hash is cached for a year (`immutable`), any other
 * gets a short cache, so a deploy never serves a stale sheet. Non-goals: a
 * general static file server (there are three files).
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { APP_CSS } from '../assets/app-css.js';
import { APP_JS } from '../assets/app-js.js';
import { COMMUNITY_CSS } from '../assets/community-css.js';
import { COMMUNITY_JS } from '../assets/community-js.js';

const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#3730a3"/><path d="M9 8h9a6 6 0 0 1 0 12h-5v5H9zm4 4v4h5a2 2 0 0 0 0-4z" fill="#fff"/></svg>`;

interface Asset {
  body: Buffer;
  type: string;
  hash: string;
}

function asset(body: string, type: string): Asset {
  const buf = Buffer.from(body, 'utf8');
  return { body: buf, type, hash: createHash('sha256').update(buf).digest('hex').slice(0, 12) };
}

const ASSETS: Record<string, Asset> = {
  'app.css': asset(APP_CSS + COMMUNITY_CSS, 'text/css; charset=utf-8'),
  'app.js': asset(APP_JS + COMMUNITY_JS, 'text/javascript; charset=utf-8'),
  'icon.svg': asset(FAVICON_SVG, 'image/svg+xml'),
};

export type AssetName = 'app.css' | 'app.js' | 'icon.svg';

/** The versioned URL of an asset: "/assets/app.css?v=3f2a…". */
export function assetUrl(name: AssetName): string {
  return `/assets/${name}?v=${ASSETS[name].hash}`;
}

/** One year: the URL changes whenever the content does. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Requests without the current hash (old links, hand-typed URLs) revalidate after five minutes. */
const SHORT = 'public, max-age=300';

export async function assetRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Params: { name: string }; Querystring: { v?: string } }>('/assets/:name', async (req, reply) => {
    const a = Object.hasOwn(ASSETS, req.params.name) ? ASSETS[req.params.name] : undefined;
    if (!a) return reply.callNotFound();
    const etag = `"${a.hash}"`;
    reply.header('ETag', etag).header('Cache-Control', req.query.v === a.hash ? IMMUTABLE : SHORT);
    reply.header('X-Content-Type-Options', 'nosniff');
    if (req.headers['if-none-match'] === etag) return reply.status(304).send();
    return reply.type(a.type).send(a.body);
  });
  app.get('/favicon.ico', async (_req, reply) => reply.redirect(assetUrl('icon.svg'), 301));
}
