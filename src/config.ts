/**
 * One typed configuration, from flags, then environment, then defaults;
 * validated once at start so a bad value fails with a message, not later.
 *
 * Non-goals: config files (environment variables are what self-hosters and
 * process managers already use).
 */

export interface Config {
  /** SQLite file path (default ./data/paperboy.db). */
  db: string;
  port: number;
  host: string;
  /** Public address used in links in mails and feeds (default http://localhost:PORT). */
  publicUrl: string;
  /** SMTP server for digests, e.g. smtp://user:pass@localhost:587; null when unset. */
  smtpUrl: string | null;
  /** Sender of digest mails. */
  mailFrom: string;
  /** Secret for signed links (confirm/unsubscribe/manage). */
  secret: string;
  /** Local time of the daily digest run, "HH:MM". */
  digestTime: string;
  /** IANA time zone of digestTime. */
  timezone: string;
  /** Load the demo corpus into an empty database at start. */
  demo: boolean;
  /** Lexical search engine: SQLite FTS5, or paperboy's block-max index (arXiv-scale corpora). */
  search: SearchEngineName;
}

export type SearchEngineName = 'fts5' | 'engine';

export class ConfigError extends Error {}

export interface ConfigFlags {
  db?: string;
  port?: string | number;
  host?: string;
  publicUrl?: string;
  demo?: boolean;
}

function parsePort(raw: string | number, from: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new ConfigError(`${from} must be a port number 0–65535, got "${raw}"`);
  return n;
}

export function loadConfig(flags: ConfigFlags = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const port = flags.port !== undefined ? parsePort(flags.port, '--port') : env.PORT ? parsePort(env.PORT, 'PORT') : 3000;
  const publicUrl = (flags.publicUrl ?? env.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, '');
  try {
    new URL(publicUrl);
  } catch {
    throw new ConfigError(`PUBLIC_URL must be an absolute URL such as https://papers.example.org, got "${publicUrl}"`);
  }
  const smtpUrl = env.SMTP_URL || null;
  if (smtpUrl && !/^smtps?:\/\//.test(smtpUrl)) throw new ConfigError('SMTP_URL must start with smtp:// or smtps://');
  const digestTime = env.DIGEST_TIME ?? '08:00';
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(digestTime)) throw new ConfigError(`DIGEST_TIME must be HH:MM, got "${digestTime}"`);
  const timezone = env.TZ_DIGEST ?? env.PAPERBOY_TIMEZONE ?? 'UTC';
  try {
    new Intl.DateTimeFormat('en', { timeZone: timezone });
  } catch {
    throw new ConfigError(`PAPERBOY_TIMEZONE must be an IANA time zone such as Europe/Paris, got "${timezone}"`);
  }
  const search = env.PAPERBOY_SEARCH ?? 'engine';
  if (search !== 'fts5' && search !== 'engine') throw new ConfigError(`PAPERBOY_SEARCH must be fts5 or engine, got "${search}"`);
  return {
    db: flags.db ?? env.PAPERBOY_DB ?? './data/paperboy.db',
    port,
    host: flags.host ?? env.HOST ?? '127.0.0.1',
    publicUrl,
    smtpUrl,
    mailFrom: env.MAIL_FROM ?? 'paperboy <paperboy@localhost>',
    secret: env.PAPERBOY_SECRET ?? 'dev-secret-change-me',
    digestTime,
    timezone,
    demo: flags.demo ?? env.PAPERBOY_DEMO !== '0',
    search,
  };
}

/** The config with secrets masked, for `doctor` and logs. */
export function redactConfig(c: Config): Record<string, unknown> {
  return {
    ...c,
    smtpUrl: c.smtpUrl ? c.smtpUrl.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@') : null,
    secret: c.secret === 'dev-secret-change-me' ? '(default: set PAPERBOY_SECRET)' : '***',
  };
}
