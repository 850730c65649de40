/**
 * Security headers on every response, through @fastify/helmet with an
 * explicit policy (no defaults taken on faith).
 *
 * Goals: a Content-Security-Policy the pages actually pass — the site has no
 * inline script or style (one script and one stylesheet under /assets, the
 * no-JS theme switch is a form), so scripts, styles, fetches and form posts
 * are limited to this origin; frames refused both ways (`frame-ancestors
 * 'none'` and `X-Frame-Options: DENY`, against clickjacking the subscribe
 * and theme forms); `X-Content-Type-Options: nosniff`; a referrer policy that
 * keeps the `Origin` header on same-site posts (the subscription API checks
 * it) while sending other sites only our origin. Non-goals: HSTS (the TLS
 * terminator in front of a public site sets it; a site on http://127.0.0.1
 * must not), CSP reporting endpoints.
 */
import type { FastifyInstance } from 'fastify';
import helmet from '@fastify/helmet';

/**
 * The CSP directives. Images may come from any http(s) host: organization
 * avatars and paper thumbnails are remote URLs from the sources (they cannot
 * run code, and `script-src` already bars injected scripts from exfiltrating
 * through them). Everything else is this origin or nothing.
 */
export const CSP_DIRECTIVES: Record<string, string[]> = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:', 'https:', 'http:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'base-uri': ["'none'"],
  'object-src': ["'none'"],
};

export async function securityHeaders(app: FastifyInstance): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES },
    frameguard: { action: 'deny' },
    // strict-origin-when-cross-origin (the browsers' default, stated): no-referrer would turn
    // same-site POSTs' Origin header into "null", which the Origin check would refuse.
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    hsts: false,
    // Feeds, the JSON API and the icon may be fetched by readers and tools on other origins.
    crossOriginResourcePolicy: { policy: 'cross-origin' },
  });
}
