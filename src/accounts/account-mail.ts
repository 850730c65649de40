/**
 * The mails of accounts: verify your address, reset your password, confirm
 * a new address, and "someone tried to sign up with your address" (sent
 * instead of telling a stranger on the sign-up page that the address has an
 * account). Each is HTML and plain text, with the link spelled out in both.
 *
 * Non-goals: sending (digest/smtp.ts), the rules (account-service.ts).
 */
import { html, type SafeHtml } from '../html/html.js';
import type { OutgoingMail } from '../digest/smtp.js';

const LINK = '#3b82f6';
const MUTED = '#8a8f98';

function mail(to: string, subject: string, lines: { html: SafeHtml; text: string }[], footer: string): OutgoingMail {
  const body = html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="color-scheme" content="light dark"><title>${subject}</title></head>
<body style="margin:0;padding:24px 12px;font-family:-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif;font-size:15px;line-height:1.55;">
<div style="max-width:560px;margin:0 auto;">
<div style="font-size:13px;color:${MUTED};letter-spacing:0.04em;text-transform:uppercase;">paperboy</div>
<h1 style="font-size:20px;margin:4px 0 16px 0;">${subject}</h1>
${lines.map((l) => html`<p style="margin:0 0 14px 0;">${l.html}</p>`)}
<p style="font-size:12px;color:${MUTED};">${footer}</p>
</div></body></html>`.value;
  return {
    to,
    subject,
    html: body,
    text: [...lines.map((l) => l.text), footer, ''].join('\n\n'),
    headers: { 'Auto-Submitted': 'auto-generated' },
  };
}

function button(url: string, label: string): SafeHtml {
  return html`<a href="${url}" style="display:inline-block;padding:10px 18px;border-radius:6px;background:${LINK};color:#ffffff;text-decoration:none;font-weight:600;">${label}</a><br><span style="font-size:12px;color:${MUTED};word-break:break-all;">${url}</span>`;
}

function hours(ms: number): string {
  const h = Math.round(ms / 3_600_000);
  return h === 1 ? '1 hour' : `${h} hours`;
}

export function verifyMail(to: string, username: string, publicUrl: string, url: string, ttlMs: number): OutgoingMail {
  return mail(to, 'Verify your paperboy address', [
    { html: html`Welcome, ${username}. Follow this link to verify the address of your account at ${publicUrl}:`, text: `Welcome, ${username}. Follow this link to verify the address of your account at ${publicUrl}:` },
    { html: button(url, 'Verify my address'), text: url },
    { html: html`The link works for ${hours(ttlMs)}. Until then you can log in, but not vote, comment or submit.`, text: `The link works for ${hours(ttlMs)}. Until then you can log in, but not vote, comment or submit.` },
  ], 'If you did not sign up, ignore this mail: the account stays unverified.');
}

export function resetMail(to: string, username: string, publicUrl: string, url: string, ttlMs: number): OutgoingMail {
  return mail(to, 'Reset your paperboy password', [
    { html: html`Someone (hopefully you) asked to reset the password of ${username} at ${publicUrl}. Choose a new one here:`, text: `Someone (hopefully you) asked to reset the password of ${username} at ${publicUrl}. Choose a new one here:` },
    { html: button(url, 'Choose a new password'), text: url },
    { html: html`The link works for ${hours(ttlMs)}, once. Your current password keeps working until you use it.`, text: `The link works for ${hours(ttlMs)}, once. Your current password keeps working until you use it.` },
  ], 'If you did not ask for this, ignore this mail.');
}

export function emailChangeMail(to: string, username: string, publicUrl: string, url: string, ttlMs: number): OutgoingMail {
  return mail(to, 'Confirm your new paperboy address', [
    { html: html`${username} at ${publicUrl} asked to use this address. Confirm it here:`, text: `${username} at ${publicUrl} asked to use this address. Confirm it here:` },
    { html: button(url, 'Use this address'), text: url },
    { html: html`The link works for ${hours(ttlMs)}. The account keeps its old address until then.`, text: `The link works for ${hours(ttlMs)}. The account keeps its old address until then.` },
  ], 'If you did not ask for this, ignore this mail: nothing changes.');
}

export function addressInUseMail(to: string, publicUrl: string, resetUrl: string): OutgoingMail {
  return mail(to, 'This address already has a paperboy account', [
    { html: html`Someone (hopefully you) tried to sign up at ${publicUrl} with this address, which already belongs to an account. Nothing was changed.`, text: `Someone (hopefully you) tried to sign up at ${publicUrl} with this address, which already belongs to an account. Nothing was changed.` },
    { html: html`Forgot your password? <a href="${resetUrl}" style="color:${LINK};">Reset it</a>.`, text: `Forgot your password? Reset it: ${resetUrl}` },
  ], 'If it was not you, ignore this mail.');
}
