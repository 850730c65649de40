/**
 * Test helper: a browser-like client over `app.inject` — it keeps cookies
 * between requests (set, replaced, cleared by Max-Age=0 or expiry), reads
 * the CSRF token from a page's form and posts forms with it, so tests walk
 * the site the way a person does (no JavaScript).
 */
import assert from 'node:assert/strict';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

export class WebClient {
  readonly cookies = new Map<string, string>();
  /** The CSRF token of the last page that had a form. */
  csrf: string | null = null;

  /** `remoteAddress`: the client's address as the server sees it (rate limits count per address). */
  constructor(readonly app: FastifyInstance, readonly remoteAddress = '127.0.0.1', readonly headers: Record<string, string> = {}) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keep(res: LightMyRequestResponse): void {
    const raw = res.headers['set-cookie'];
    for (const line of Array.isArray(raw) ? raw : raw ? [raw] : []) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const gone = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) ||
        attrs.some((a) => /^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]) < Date.now()) || value === '';
      if (gone) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const token = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1];
    if (token) this.csrf = token;
  }

  async get(url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const res = await this.app.inject({ method: 'GET', url, remoteAddress: this.remoteAddress, headers: { ...this.headers, cookie: this.cookieHeader(), ...headers } });
    this.keep(res);
    return res;
  }

  /** Posts a form; the CSRF token of the last page is added unless `_csrf` is given (null: none at all). */
  async post(url: string, fields: Record<string, string | null>, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const body = new URLSearchParams();
    if (!('_csrf' in fields) && this.csrf) body.set('_csrf', this.csrf);
    for (const [k, v] of Object.entries(fields)) if (v !== null) body.set(k, v);
    const res = await this.app.inject({
      method: 'POST', url, payload: body.toString(), remoteAddress: this.remoteAddress,
      headers: { ...this.headers, 'content-type': 'application/x-www-form-urlencoded', cookie: this.cookieHeader(), ...headers },
    });
    this.keep(res);
    return res;
  }

  /** GET a page with a form first (for its CSRF token), then post. */
  async submit(pageUrl: string, action: string, fields: Record<string, string | null>): Promise<LightMyRequestResponse> {
    const page = await this.get(pageUrl);
    assert.ok(page.statusCode < 400, `${pageUrl}: ${page.statusCode} ${page.body.slice(0, 300)}`);
    return this.post(action, fields);
  }

  /** Follows a 3xx's Location on this site (one hop). */
  async follow(res: LightMyRequestResponse): Promise<LightMyRequestResponse> {
    assert.ok(res.statusCode >= 300 && res.statusCode < 400, `expected a redirect, got ${res.statusCode}`);
    const loc = String(res.headers.location);
    const u = new URL(loc, 'http://x.invalid');
    return this.get(u.pathname + u.search);
  }
}

/** The first link to `path` in a mail's text part, as a site-relative path (asserting it points at `publicUrl`). */
export function mailLinkPath(text: string, path: string, publicUrl: string): string {
  const m = new RegExp(`https?://[^\\s<>"]*${path.replace(/[/?]/g, '\\$&')}\\?token=[^\\s<>"]+`).exec(text);
  assert.ok(m, `no ${path} link in:\n${text}`);
  const u = new URL(m[0]);
  assert.equal(u.origin, new URL(publicUrl).origin, 'mail links use PUBLIC_URL');
  return u.pathname + u.search;
}
