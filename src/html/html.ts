/**
 * Escaped-by-default HTML templates: html`<p>${userText}</p>` escapes every
 * interpolated value; raw(s) marks an already-safe fragment (another html``
 * result, or highlight output). Arrays are joined. null/undefined/false render
 * nothing. Goals: no way to forget escaping. Non-goals: a template language.
 */

const SAFE = Symbol('safe-html');

export interface SafeHtml {
  readonly [SAFE]: true;
  readonly value: string;
  toString(): string;
}

export function raw(value: string): SafeHtml {
  return { [SAFE]: true, value, toString: () => value };
}

export function isSafe(x: unknown): x is SafeHtml {
  return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[SAFE] === true;
}

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESC[c]);
}

export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | HtmlValue[];

function render(v: HtmlValue): string {
  if (v === null || v === undefined || v === false) return '';
  if (Array.isArray(v)) return v.map(render).join('');
  if (isSafe(v)) return v.value;
  return escapeHtml(String(v));
}

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
  return raw(out);
}
