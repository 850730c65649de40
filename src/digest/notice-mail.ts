/**
 * The two transactional mails of double opt-in: "confirm your subscription"
 * (signed, expiring link) and "you are already subscribed" (manage link), sent
 * when an address that is already active subscribes again, so the web response
 * can be the same in every case. Non-goals: digests (render.ts).
 */
import { html } from '../html/html.js';
import type { Subscription } from '../store/subscription-store.js';
import type { OutgoingMail } from './smtp.js';
import { CONFIRM_TTL_MS } from './signed-links.js';

const LINK = '#3b82f6';
const MUTED = '#8a8f98';

function shell(title: string, paragraphs: ReturnType<typeof html>[]): string {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="color-scheme" content="light dark"><meta name="supported-color-schemes" content="light dark"><title>${title}</title></head>
<body style="margin:0;padding:24px 12px;font-family:-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif;font-size:15px;line-height:1.55;">
<div style="max-width:560px;margin:0 auto;">
<div style="font-size:13px;color:${MUTED};letter-spacing:0.04em;text-transform:uppercase;">paperboy</div>
<h1 style="font-size:20px;margin:4px 0 16px 0;">${title}</h1>
${paragraphs.map((p) => html`<p style="margin:0 0 14px 0;">${p}</p>`)}
<p style="font-size:12px;color:${MUTED};">If you did not ask for this, ignore this mail: nothing will be sent to you.</p>
</div></body></html>`.value;
}

function describe(sub: Subscription): string {
  const topics = [...sub.topics.categories, ...sub.topics.organizations, ...sub.topics.keywords];
  return `a ${sub.frequency} digest of trending papers${topics.length ? ` about ${topics.join(', ')}` : ''}`;
}

export function confirmationMail(sub: Subscription, publicUrl: string, confirmUrl: string): OutgoingMail {
  const hours = Math.round(CONFIRM_TTL_MS / 3_600_000);
  const subject = 'Confirm your paperboy digest subscription';
  return {
    to: sub.email,
    subject,
    html: shell(subject, [
      html`Someone (hopefully you) asked ${publicUrl} to send ${describe(sub)} to this address.`,
      html`<a href="${confirmUrl}" style="display:inline-block;padding:10px 18px;border-radius:6px;background:${LINK};color:#ffffff;text-decoration:none;font-weight:600;">Confirm my subscription</a>`,
      html`The link works for ${hours} hours. Nothing is sent until you confirm.`,
    ]),
    text: [`Someone (hopefully you) asked ${publicUrl} to send ${describe(sub)} to this address.`, '',
      `Confirm: ${confirmUrl}`, '', `The link works for ${hours} hours. Nothing is sent until you confirm.`,
      'If you did not ask for this, ignore this mail: nothing will be sent to you.', ''].join('\n'),
    headers: { 'Auto-Submitted': 'auto-generated' },
  };
}

export function alreadySubscribedMail(sub: Subscription, publicUrl: string, manageUrl: string): OutgoingMail {
  const subject = 'You are already subscribed to paperboy digests';
  return {
    to: sub.email,
    subject,
    html: shell(subject, [
      html`Someone (hopefully you) asked ${publicUrl} to subscribe this address again. It already gets ${describe(sub)}${sub.status === 'paused' ? ' (paused after delivery failures)' : ''}.`,
      html`<a href="${manageUrl}" style="color:${LINK};">Change frequency or topics, resume, or unsubscribe</a>`,
    ]),
    text: [`Someone (hopefully you) asked ${publicUrl} to subscribe this address again. It already gets ${describe(sub)}.`, '',
      `Change frequency or topics, resume, or unsubscribe: ${manageUrl}`, ''].join('\n'),
    headers: { 'Auto-Submitted': 'auto-generated' },
  };
}
