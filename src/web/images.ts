/**
 * Pictures on the site: where a source's image URL (a paper's thumbnail, a
 * submitter's or organization's avatar) is shown from, and the generated
 * placeholder for papers without a figure.
 *
 * Goals: one function decides, per config.images, what `src` a picture gets:
 * `proxy` → `/img/p/<sig>/<url>` on this site (the URL signed with the
 * site's secret, so the proxy fetches only URLs this site rendered and is no
 * open proxy); `remote` → the URL itself; `off` → none. The placeholder is
 * an SVG drawn from the title and category (a colour per category, the
 * title's first words), the same for a paper every time.
 * Non-goals: fetching and caching (pages/image-routes.ts).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { ImageMode } from '../config.js';
import { escapeHtml } from '../html/html.js';

/**
 * Drawn size of paper thumbnails (the Hub's social thumbnails are 1200×648,
 * about 1.85:1). Used as the img's width/height so the browser reserves the
 * box before the picture arrives: no layout shift.
 */
export const THUMB_WIDTH = 1200;
export const THUMB_HEIGHT = 648;

/** Only absolute http(s) URLs become pictures. */
function isHttpUrl(u: string | null | undefined): u is string {
  return !!u && /^https?:\/\/[^\s"'<>]+$/i.test(u) && u.length <= 2048;
}

function sign(secret: string, url: string): string {
  return createHmac('sha256', secret).update('img:' + url).digest('base64url').slice(0, 22);
}

/** The proxied path of a remote picture. */
export function proxyPath(secret: string, url: string): string {
  return `/img/p/${sign(secret, url)}/${Buffer.from(url, 'utf8').toString('base64url')}`;
}

/** The remote URL a proxied path stands for, or null when the signature does not match. */
export function verifyProxyPath(secret: string, sig: string, encoded: string): string | null {
  let url: string;
  try {
    url = Buffer.from(encoded, 'base64url').toString('utf8');
  } catch {
    return null;
  }
  if (!isHttpUrl(url)) return null;
  const want = Buffer.from(sign(secret, url));
  const got = Buffer.from(sig);
  return want.length === got.length && timingSafeEqual(want, got) ? url : null;
}

/** What decides pictures: the mode and the secret that signs proxied URLs. */
export interface ImagePolicy {
  mode: ImageMode;
  secret: string;
}

/** The `src` a source's picture gets on this site, or null when it is not shown. */
export function imageSrc(policy: ImagePolicy, url: string | null | undefined): string | null {
  if (!isHttpUrl(url) || policy.mode === 'off') return null;
  return policy.mode === 'remote' ? url : proxyPath(policy.secret, url);
}

/** Where a paper's generated placeholder is served. */
export function placeholderPath(paperId: string): string {
  return `/img/placeholder/${encodeURIComponent(paperId)}.svg`;
}

/** Background hues (HSL degrees), picked by category so one field's papers share a colour. */
const HUES = [222, 262, 192, 152, 28, 340, 46, 292, 172, 8];

function hueOf(key: string): number {
  return HUES[createHash('sha256').update(key).digest().readUInt8(0) % HUES.length];
}

/** Splits a title into at most `lines` lines of about `width` characters (the last one ends with … when cut). */
function wrap(title: string, width: number, lines: number): string[] {
  const words = title.split(/\s+/).filter(Boolean);
  const out: string[] = [];
  let line = '';
  for (const w of words) {
    if (line && (line + ' ' + w).length > width) {
      out.push(line);
      line = '';
      if (out.length === lines) break;
    }
    line = line ? line + ' ' + w : w.length > width ? w.slice(0, width - 1) + '…' : w;
  }
  if (out.length < lines && line) out.push(line);
  const used = out.join(' ').split(/\s+/).length;
  if (used < words.length && out.length) out[out.length - 1] = out[out.length - 1].replace(/\s*\S*$/, '') + ' …';
  return out;
}

/**
 * The placeholder picture of a paper: its category's colour, the category
 * as a label, and the title's first words, at the thumbnail's size.
 */
export function placeholderSvg(title: string, category: string | null): string {
  const hue = hueOf(category ?? 'none');
  const lines = wrap(title || 'Untitled paper', 30, 4);
  const text = lines
    .map((l, i) => `<text x="80" y="${250 + i * 78}" font-size="60" font-weight="700" fill="#fff">${escapeHtml(l)}</text>`)
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${THUMB_WIDTH}" height="${THUMB_HEIGHT}" viewBox="0 0 ${THUMB_WIDTH} ${THUMB_HEIGHT}" role="img">` +
    `<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="hsl(${hue} 55% 38%)"/><stop offset="1" stop-color="hsl(${(hue + 40) % 360} 60% 28%)"/></linearGradient></defs>` +
    `<rect width="100%" height="100%" fill="url(#g)"/>` +
    `<g font-family="system-ui,-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif">` +
    `<text x="80" y="140" font-size="40" fill="#fff" fill-opacity=".8">${escapeHtml(category ?? 'paper')}</text>${text}</g></svg>`;
}
