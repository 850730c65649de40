/**
 * `/img/p/<sig>/<url>`: the image proxy (PAPERBOY_IMAGES=proxy, the
 * default), and `/img/placeholder/<paper id>.svg`: the generated picture of a
 * paper without a figure.
 *
 * Goals: a visitor's browser never contacts the image hosts (privacy): the
 * server fetches each picture once, keeps it in config.imageCache (file
 * written to a temporary name, then renamed: a crash leaves no half picture)
 * and serves it with a month-long cache lifetime; only URLs this site signed
 * (web/images.ts) are fetched, only image/* answers of at most
 * MAX_IMAGE_BYTES are kept, SVGs are served with a CSP that runs nothing;
 * concurrent requests for one picture share one fetch. Non-goals: resizing.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RouteDeps } from '../app.js';
import { notFound } from '../http-error.js';
import { placeholderSvg, verifyProxyPath } from '../images.js';
import { DEFAULT_USER_AGENT } from '../../ingest/http-fetch.js';

/** Largest picture kept: 5 MB (the Hub's thumbnails are ~100–400 KB; avatars smaller). */
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
/** Time allowed to fetch one picture: 10 s, then the request fails (the next one tries again). */
const FETCH_TIMEOUT_MS = 10_000;
/** Browser cache lifetime of a proxied picture: 30 days (a URL's picture does not change; a new one has a new URL). */
const PROXY_MAX_AGE_S = 30 * 24 * 3600;
/** Browser cache lifetime of a placeholder: one day (it changes only if the title does). */
const PLACEHOLDER_MAX_AGE_S = 24 * 3600;
/** Nothing in an image may run or load anything (an SVG can hold scripts). */
const IMAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox";

interface Cached {
  type: string;
  body: Buffer;
}

class ImageFetchError extends Error {}

export async function imageRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { config, store } = deps;
  const inFlight = new Map<string, Promise<Cached>>();

  const fileOf = (url: string) => join(config.imageCache, createHash('sha256').update(url).digest('hex').slice(0, 40));

  async function readCache(url: string): Promise<Cached | null> {
    const f = fileOf(url);
    try {
      const [type, body] = await Promise.all([readFile(f + '.type', 'utf8'), readFile(f + '.img')]);
      return { type, body };
    } catch {
      return null;
    }
  }

  async function fetchImage(url: string): Promise<Cached> {
    let res: Response;
    try {
      res = await fetch(url, { headers: { 'user-agent': DEFAULT_USER_AGENT, accept: 'image/*' }, redirect: 'follow', signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    } catch (err) {
      throw new ImageFetchError(`cannot fetch the picture: ${err instanceof Error ? err.message : String(err)}`);
    }
    const type = (res.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
    if (!res.ok || !type.startsWith('image/')) {
      await res.body?.cancel().catch(() => undefined);
      throw new ImageFetchError(`the picture's host answered HTTP ${res.status} ${type || '(no type)'}`);
    }
    const declared = Number(res.headers.get('content-length'));
    if (declared > MAX_IMAGE_BYTES) {
      await res.body?.cancel().catch(() => undefined);
      throw new ImageFetchError('the picture is too large');
    }
    const parts: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
      size += chunk.length;
      if (size > MAX_IMAGE_BYTES) throw new ImageFetchError('the picture is too large');
      parts.push(Buffer.from(chunk));
    }
    const got = { type, body: Buffer.concat(parts) };
    const f = fileOf(url);
    await mkdir(config.imageCache, { recursive: true });
    const tmp = `${f}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(tmp + 't', type);
    await rename(tmp + 't', f + '.type');
    await writeFile(tmp, got.body);
    await rename(tmp, f + '.img');
    return got;
  }

  function sendImage(reply: FastifyReply, img: Cached, maxAge: number) {
    return reply
      .header('Cache-Control', `public, max-age=${maxAge}, immutable`)
      .header('Content-Security-Policy', IMAGE_CSP)
      .header('X-Content-Type-Options', 'nosniff')
      .type(img.type)
      .send(img.body);
  }

  app.get('/img/p/:sig/:enc', async (req, reply) => {
    const { sig, enc } = req.params as { sig: string; enc: string };
    const url = config.images === 'proxy' ? verifyProxyPath(config.secret, sig, enc) : null;
    if (!url) throw notFound('No such picture.');
    const cached = await readCache(url);
    if (cached) return sendImage(reply, cached, PROXY_MAX_AGE_S);
    let pending = inFlight.get(url);
    if (!pending) {
      pending = fetchImage(url).finally(() => inFlight.delete(url));
      inFlight.set(url, pending);
    }
    try {
      return sendImage(reply, await pending, PROXY_MAX_AGE_S);
    } catch (err) {
      if (err instanceof ImageFetchError) throw notFound(`This picture is not available: ${err.message}.`);
      throw err;
    }
  });

  app.get('/img/placeholder/*', async (req, reply) => {
    const rest = (req.params as { '*': string })['*'] ?? '';
    if (!rest.endsWith('.svg')) throw notFound('No such picture.');
    const detail = await store.getPaper(rest.slice(0, -'.svg'.length));
    if (!detail) throw notFound('No such paper.');
    const svg = placeholderSvg(detail.paper.title, detail.paper.primaryCategory ?? detail.paper.categories[0] ?? null);
    return sendImage(reply, { type: 'image/svg+xml', body: Buffer.from(svg) }, PLACEHOLDER_MAX_AGE_S);
  });
}
