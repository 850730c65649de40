/**
 * The page shell every HTML page uses (placeholder: the pages work fleshes it
 * out — header, nav, theme, footer — keeping this signature).
 */
import { html, raw, type SafeHtml } from './html.js';

export interface LayoutOptions {
  title: string;
  description?: string;
  /** Absolute canonical URL of the page. */
  canonical?: string;
  /** <link rel="alternate"> feeds. */
  alternates?: { type: string; title: string; href: string }[];
  /** Extra <meta> tags (Open Graph etc.), already safe. */
  head?: SafeHtml;
  body: SafeHtml;
}

export function layout(o: LayoutOptions): string {
  return html`<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${o.title}</title>${o.description ? html`<meta name="description" content="${o.description}">` : ''}
${o.head ?? raw('')}</head><body><main id="main">${o.body}</main></body></html>`.value;
}
