/**
 * Sending mail: a small Mailer interface over a pooled nodemailer SMTP
 * transport, and the one rule that decides what a failure means.
 *
 * Goals: the outbox only needs "accepted (with the server's reply)" or a
 * classified error: `permanent` (5xx, except 503: this recipient will never
 * take it), `temporary` (4xx: try later) or `connection` (no SMTP reply at
 * all: the server is down or unreachable, so stop the batch and retry later).
 * Non-goals: templating (render.ts), queueing (outbox.ts).
 */
import nodemailer from 'nodemailer';
import type { Config } from '../config.js';

export interface OutgoingMail {
  to: string;
  subject: string;
  html: string;
  text: string;
  headers?: Record<string, string>;
  /** A stable Message-ID lets receivers drop a duplicate of a digest re-sent after a crash. */
  messageId?: string;
}

export interface SendResult {
  messageId: string | null;
  response: string;
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<SendResult>;
  close(): void;
}

export type FailureKind = 'permanent' | 'temporary' | 'connection';

export interface SmtpErrorLike {
  message?: string;
  code?: string;
  responseCode?: number;
  response?: string;
}

export function classifySmtpError(err: unknown): FailureKind {
  const e = (err ?? {}) as SmtpErrorLike;
  const code = typeof e.responseCode === 'number' ? e.responseCode : null;
  if (code === null) return 'connection';
  if (code >= 500 && code !== 503) return 'permanent';
  return 'temporary';
}

export function describeSmtpError(err: unknown): string {
  const e = (err ?? {}) as SmtpErrorLike;
  return (e.response ?? e.message ?? String(err)).replace(/\s+/g, ' ').slice(0, 300);
}

export interface SmtpMailerOptions {
  /** Parallel SMTP connections in the pool. */
  maxConnections?: number;
  /** Give up on a silent server after this long (ms). */
  socketTimeoutMs?: number;
}

/**
 * Pool connections. Default 2; sane range 1–5. Each open connection can hold
 * one message in flight, and a message in flight at a crash is the only one
 * that may be sent twice, so this also bounds possible duplicates after a crash.
 */
export const DEFAULT_MAX_CONNECTIONS = 2;

export function createSmtpMailer(smtpUrl: string, from: string, opts: SmtpMailerOptions = {}): Mailer {
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    pool: true,
    maxConnections: opts.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
    maxMessages: Infinity,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: opts.socketTimeoutMs ?? 60_000,
  }, { from });
  return {
    async send(mail) {
      const info = await transport.sendMail({
        to: mail.to,
        subject: mail.subject,
        html: mail.html,
        text: mail.text,
        headers: mail.headers,
        messageId: mail.messageId,
        // base64 is encoded natively; quoted-printable is a JS loop over every byte and was the largest
        // CPU cost of sending in bench/digest-bench.ts. Every mail client decodes either.
        textEncoding: 'base64',
      });
      return { messageId: info.messageId ?? null, response: info.response ?? '' };
    },
    close() {
      transport.close();
    },
  };
}

/** A Mailer for development without SMTP_URL: logs who would get what. */
export function createLogMailer(log: (line: string) => void = (l) => console.warn(l)): Mailer {
  return {
    async send(mail) {
      log(`paperboy: SMTP_URL is not set, not sending "${mail.subject}" to ${mail.to}:\n${mail.text}`);
      return { messageId: null, response: 'logged' };
    },
    close() {},
  };
}

export function mailerFromConfig(config: Config, opts: SmtpMailerOptions = {}): Mailer {
  return config.smtpUrl ? createSmtpMailer(config.smtpUrl, config.mailFrom, opts) : createLogMailer();
}
