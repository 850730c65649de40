/**
 * The friendly HTML page for errors (404, 400, 500) in the site's layout.
 *
 * Goals: say what went wrong in plain words and offer the way on (today's
 * papers, search). The message is escaped like every other value.
 * Non-goals: error logging (app.ts does that).
 */
import { html, type SafeHtml } from '../../html/html.js';
import { layout, type Theme } from './layout.js';

export interface ErrorPageOptions {
  theme?: Theme | null;
  path?: string;
  demo?: number;
  user?: { username: string } | null;
  /** Extra, already-safe content under the message (e.g. a link to arXiv). */
  hint?: SafeHtml;
}

const TITLES: Record<number, string> = { 401: 'Log in required', 403: 'Not allowed', 409: 'Already there', 413: 'Too large', 429: 'Too many requests' };

export function errorTitle(status: number): string {
  if (TITLES[status]) return TITLES[status];
  return status === 404 ? 'Page not found' : status >= 500 ? 'Something went wrong' : status === 406 ? 'Not acceptable' : 'Bad request';
}

export function renderErrorPage(status: number, message: string, opts: ErrorPageOptions = {}): string {
  const title = errorTitle(status);
  const body = html`<section class="error-page">
<p class="code" aria-hidden="true">${status}</p>
<h1>${title}</h1>
<p>${message}</p>
${opts.hint ?? ''}
<p><a href="/">Back to today's papers</a> · <a href="/papers/trending">Trending papers</a></p>
</section>`;
  return layout({ title, body, theme: opts.theme, path: opts.path, demo: opts.demo, user: opts.user });
}
