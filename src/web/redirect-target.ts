/**
 * Where a redirect may send the visitor when the target comes from the
 * request (the theme form's `back` field, and any future "return to" value).
 *
 * Goals: a target is parsed as a URL against this site and must stay on it:
 * a path ("/papers?q=x"), never "//host", "/\host", a scheme, or anything a
 * browser would read as another origin. Control characters (TAB, CR, LF, NUL,
 * DEL …) are refused outright with a 400, because browsers drop TAB/CR/LF
 * inside URLs ("/<TAB>/evil.example" becomes "//evil.example") and CR/LF in a
 * Location header would split the response. Non-goals: redirects whose target
 * the server computes itself (paper ids, period paths), which never carry
 * request text unencoded.
 */
import { HttpError } from './http-error.js';

/** A target longer than this is refused: a page's own path and query never get near it (browsers cap URLs at ~2 MB, proxies at 8 KB). */
export const MAX_REDIRECT_TARGET = 2000;

/** A placeholder origin to resolve a relative target against; only equality with it matters. */
const HERE = 'http://paperboy.invalid';

// C0 controls, DEL and the C1 controls: never part of a path a page of ours links to.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/;

function refuse(name: string, why: string): HttpError {
  return new HttpError(400, 'invalid_parameter', `Invalid parameter "${name}": ${why}`);
}

/**
 * The same-site path (with query and fragment) to redirect to, from a
 * request value; `fallback` when the value is absent or empty; a 400
 * HttpError naming `name` when the value is anything but a path on this site.
 */
export function sameSiteTarget(value: unknown, name: string, fallback = '/'): string {
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value !== 'string') throw refuse(name, 'expected one path on this site, such as /papers.');
  if (value.length > MAX_REDIRECT_TARGET) throw refuse(name, `at most ${MAX_REDIRECT_TARGET} characters, got ${value.length}.`);
  if (CONTROL.test(value)) throw refuse(name, 'control characters (tab, line breaks, NUL…) are not allowed in a path.');
  // Only a path: "/x". Not "//host" nor "/\host" (browsers read both as another host), not "https:…".
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) {
    throw refuse(name, 'expected a path on this site starting with a single "/", such as /papers.');
  }
  let url: URL;
  try {
    url = new URL(value, HERE);
  } catch {
    throw refuse(name, 'not a valid path.');
  }
  if (url.origin !== HERE) throw refuse(name, 'expected a path on this site, not another address.');
  // The parsed form: what the browser would request, with anything odd percent-encoded.
  return url.pathname + url.search + url.hash;
}
