/**
 * Renders one digest: subject, HTML (inline styles, no scripts, dark-mode
 * safe), a plain-text alternative and the RFC 8058 unsubscribe headers.
 *
 * Goals: mail clients differ wildly, so the HTML is a single-column table
 * with inline styles only; colours are mid-tones readable on a light or a
 * dark background and the page declares `color-scheme: light dark` instead of
 * painting its own background; every value goes through html`` (titles and
 * abstracts are untrusted). Pure: no I/O. Non-goals: choosing papers
 * (select.ts), sending (smtp.ts).
 */
import { html, raw, type SafeHtml } from '../html/html.js';
import type { Period } from '../domain/periods.js';
import type { Frequency, RenderedMessage } from '../store/subscription-store.js';
import type { DigestItem } from './select.js';
import { isFollowed, type PersonalSections } from './personal.js';

/** Characters of the abstract shown per entry (about three lines in a phone mail client). */
export const ABSTRACT_CHARS = 280;
/** Author names listed before "et al.". */
export const MAX_AUTHORS = 6;
/** Characters of the top title in the subject line (most clients cut around 70–90). */
const SUBJECT_TITLE_CHARS = 80;

export interface DigestRenderInput {
  period: Period;
  frequency: Frequency;
  items: DigestItem[];
  publicUrl: string;
  links: { manage: string; unsubscribe: string };
  /** A subscription linked to an account: "For you" and the followed organizations (personal.ts). */
  personal?: PersonalSections | null;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function longDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  return `${WEEKDAYS[d.getUTCDay()]} ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

function shortDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()].slice(0, 3)}`;
}

/** "Monday 2 June 2025" or "week 2025-W23 (2 Jun – 8 Jun 2025)". */
export function periodLabel(p: Period): string {
  if (p.kind === 'day') return longDay(p.from);
  return `week ${p.key} (${shortDay(p.from)} – ${shortDay(p.to)} ${p.to.slice(0, 4)})`;
}

export function truncate(s: string, max: number): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,.;:]+$/, '')}…`;
}

export function authorLine(it: DigestItem): string {
  const { authors, authorCount } = it.paper;
  if (authors.length === 0) return authorCount > 0 ? `${authorCount} author${authorCount === 1 ? '' : 's'}` : '';
  const names = authors.slice(0, MAX_AUTHORS).map((a) => a.name).join(', ');
  return authors.length > MAX_AUTHORS ? `${names} et al. (${authorCount || authors.length} authors)` : names;
}

function orgName(it: DigestItem): string | null {
  return it.org?.fullname ?? it.org?.name ?? it.paper.organization;
}

function paperUrl(publicUrl: string, id: string): string {
  return `${publicUrl}/papers/${id.split('/').map(encodeURIComponent).join('/')}`;
}

function upvoteLabel(n: number): string {
  return `▲ ${n} upvote${n === 1 ? '' : 's'}`;
}

export function digestSubject(input: Pick<DigestRenderInput, 'period' | 'frequency' | 'items' | 'personal'>): string {
  // The whole mail's papers: the main list, then the personal sections (a narrow topic may leave the main list empty).
  const all = [...input.items, ...(input.personal?.forYou.map((p) => p.item) ?? []), ...(input.personal?.fromFollowed ?? [])];
  const top = all[0]?.paper.title ?? '';
  const more = all.length > 1 ? ` (+${all.length - 1} more)` : '';
  const when = input.period.kind === 'day' ? longDay(input.period.from) : `week ${input.period.key}`;
  const kind = input.frequency === 'daily' ? 'Trending papers' : 'Weekly trending papers';
  return `${kind}, ${when}: ${truncate(top, SUBJECT_TITLE_CHARS)}${more}`;
}

// Mid-tone colours: legible on white and on the dark backgrounds of Apple Mail, Gmail and Outlook dark modes.
const LINK = '#3b82f6';
const MUTED = '#8a8f98';
const RULE = '#8a8f9840';
const FONT = "-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";

/**
 * Rendered entries, per item object and rank. Subscribers with the same
 * topics share the same selected items (select.ts caches them per run), so an
 * entry is escaped and laid out once per run, not once per subscriber.
 */
const entryCache = new WeakMap<DigestItem, Map<string, { html: SafeHtml; text: string }>>();

/** The line under a main-list paper of an organization the subscriber follows. */
function followMark(it: DigestItem): string {
  return `★ ${orgName(it) ?? 'an organization'} — you follow it`;
}

function entry(it: DigestItem, rank: number, publicUrl: string, followed = false): { html: SafeHtml; text: string } {
  let byRank = entryCache.get(it);
  if (!byRank) entryCache.set(it, (byRank = new Map()));
  const key = `${rank}\n${publicUrl}\n${followed ? 'f' : ''}`;
  let e = byRank.get(key);
  if (!e) {
    const meta = [authorLine(it), orgName(it), upvoteLabel(it.entry.upvotes)].filter(Boolean).join(' · ');
    const mark = followed ? followMark(it) : null;
    const text = [`${rank}. ${it.paper.title.replace(/\s+/g, ' ').trim()}`, `   ${paperUrl(publicUrl, it.paper.id)}`, `   ${meta}`,
      ...(mark ? [`   ${mark}`] : []), `   ${truncate(it.paper.abstract, ABSTRACT_CHARS)}`, ''].join('\n');
    byRank.set(key, (e = { html: entryHtml(it, rank, publicUrl, meta, mark), text }));
  }
  return e;
}

function entryHtml(it: DigestItem, rank: number, publicUrl: string, meta: string, mark: string | null): SafeHtml {
  return html`<tr><td style="padding:16px 0;border-top:1px solid ${RULE};">
<div style="font-size:13px;color:${MUTED};margin:0 0 4px 0;">#${rank}</div>
<a href="${paperUrl(publicUrl, it.paper.id)}" style="font-size:17px;line-height:1.35;font-weight:600;color:${LINK};text-decoration:none;">${it.paper.title}</a>
<div style="font-size:13px;line-height:1.5;color:${MUTED};margin:6px 0;">${meta}</div>
${mark ? html`<div style="font-size:13px;line-height:1.5;margin:0 0 6px 0;">${mark}</div>` : ''}
<div style="font-size:14px;line-height:1.55;margin:0;">${truncate(it.paper.abstract, ABSTRACT_CHARS)}</div>
</td></tr>`;
}

/** A short entry of a personal section: title, meta, and an optional "because you liked …" line. */
function shortEntry(it: DigestItem, publicUrl: string, because: { title: string; url: string } | null): { html: SafeHtml; text: string } {
  const meta = [authorLine(it), orgName(it), upvoteLabel(it.entry.upvotes)].filter(Boolean).join(' · ');
  const title = it.paper.title.replace(/\s+/g, ' ').trim();
  const url = paperUrl(publicUrl, it.paper.id);
  const text = [`- ${title}`, `  ${url}`, `  ${meta}`, ...(because ? [`  because you liked "${because.title}" (${because.url})`] : []), ''].join('\n');
  const body = html`<tr><td style="padding:12px 0;border-top:1px solid ${RULE};">
<a href="${url}" style="font-size:16px;line-height:1.35;font-weight:600;color:${LINK};text-decoration:none;">${it.paper.title}</a>
<div style="font-size:13px;line-height:1.5;color:${MUTED};margin:4px 0;">${meta}</div>
${because ? html`<div style="font-size:13px;line-height:1.5;margin:0;">because you liked <a href="${because.url}" style="color:${LINK};">${because.title}</a></div>` : ''}
</td></tr>`;
  return { html: body, text };
}

function sectionHeading(title: string, note: string): SafeHtml {
  return html`<tr><td style="padding:28px 0 8px 0;">
<h2 style="font-size:19px;line-height:1.3;margin:0;">${title}</h2>
<div style="font-size:13px;color:${MUTED};margin:4px 0 0 0;">${note}</div>
</td></tr>`;
}

/** The personal sections' HTML rows and text lines (empty for a subscription without an account). */
function personalParts(input: DigestRenderInput): { html: SafeHtml[]; text: string[] } {
  const p = input.personal;
  const out: { html: SafeHtml[]; text: string[] } = { html: [], text: [] };
  if (!p) return out;
  const span = input.period.kind === 'day' ? 'this day’s' : 'this week’s';
  if (p.forYou.length) {
    const note = `Picked from ${span} papers by what you upvoted and saved.`;
    out.html.push(sectionHeading('For you', note));
    out.text.push('For you', note, '');
    for (const f of p.forYou) {
      const because = f.because ? { title: f.because.title.replace(/\s+/g, ' ').trim() || f.because.id, url: paperUrl(input.publicUrl, f.because.id) } : null;
      const e = shortEntry(f.item, input.publicUrl, because);
      out.html.push(e.html);
      out.text.push(e.text);
    }
  }
  if (p.fromFollowed.length) {
    const note = `More of ${span} papers from ${p.followed.join(', ')}.`;
    out.html.push(sectionHeading('From organizations you follow', note));
    out.text.push('From organizations you follow', note, '');
    for (const it of p.fromFollowed) {
      const e = shortEntry(it, input.publicUrl, null);
      out.html.push(e.html);
      out.text.push(e.text);
    }
  }
  return out;
}

export function renderDigest(input: DigestRenderInput): RenderedMessage {
  const { period, items, publicUrl, links } = input;
  const subject = digestSubject(input);
  const followed = input.personal?.followed ?? [];
  const mine = personalParts(input);
  const linked = input.personal
    ? { html: html`<br>It is linked to your account: it adds <strong>For you</strong> and the organizations you follow (<a href="${publicUrl}/settings" style="color:${LINK};">settings</a>).`,
      text: `It is linked to your account: it adds For you and the organizations you follow (${publicUrl}/settings).` }
    : null;
  const heading = input.frequency === 'daily' ? 'Trending papers' : 'This week’s trending papers';
  const label = periodLabel(period);
  const listUrl = period.kind === 'day' ? `${publicUrl}/papers/date/${period.key}` : `${publicUrl}/papers/week/${period.key}`;
  const body = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="supported-color-schemes" content="light dark">
<title>${subject}</title>
<style>:root { color-scheme: light dark; supported-color-schemes: light dark; }</style>
</head>
<body style="margin:0;padding:0;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"><tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:640px;font-family:${raw(FONT)};">
<tr><td style="padding:0 0 12px 0;">
<div style="font-size:13px;color:${MUTED};letter-spacing:0.04em;text-transform:uppercase;">paperboy</div>
<h1 style="font-size:22px;line-height:1.3;margin:4px 0;">${heading}</h1>
<div style="font-size:14px;color:${MUTED};">${label} · <a href="${listUrl}" style="color:${LINK};">see the full list</a></div>
</td></tr>
${items.map((it, i) => entry(it, i + 1, publicUrl, isFollowed(it, followed)).html)}
${mine.html}
<tr><td style="padding:20px 0 0 0;border-top:1px solid ${RULE};font-size:12px;line-height:1.6;color:${MUTED};">
You get this ${input.frequency} digest because you subscribed at <a href="${publicUrl}" style="color:${LINK};">${publicUrl}</a>.${linked?.html ?? ''}<br>
<a href="${links.manage}" style="color:${LINK};">Change frequency or topics</a> · <a href="${links.unsubscribe}" style="color:${LINK};">Unsubscribe</a> (one click)
</td></tr>
</table>
</td></tr></table>
</body>
</html>`.value;

  const lines = [`${heading} — ${label}`, `Full list: ${listUrl}`, ''];
  for (let i = 0; i < items.length; i++) lines.push(entry(items[i], i + 1, publicUrl, isFollowed(items[i], followed)).text);
  lines.push(...mine.text);
  lines.push('--', `You get this ${input.frequency} digest because you subscribed at ${publicUrl}.`, ...(linked ? [linked.text] : []),
    `Change frequency or topics: ${links.manage}`, `Unsubscribe (one click): ${links.unsubscribe}`, '');

  let host = 'localhost';
  try {
    host = new URL(publicUrl).hostname;
  } catch { /* publicUrl is validated by loadConfig */ }
  return {
    subject,
    html: body,
    text: lines.join('\n'),
    headers: {
      'List-Unsubscribe': `<${links.unsubscribe}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'List-Id': `paperboy ${input.frequency} digest <${input.frequency}.digest.${host}>`,
      'Auto-Submitted': 'auto-generated',
    },
  };
}
