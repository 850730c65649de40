/**
 * One typed configuration, from flags, then environment, then defaults;
 * validated once at start so a bad value fails with a message, not later.
 *
 * Non-goals: config files (environment variables are what self-hosters and
 * process managers already use).
 */
import { isIP } from 'node:net';
import { dirname, join } from 'node:path';

export interface Config {
  /** SQLite file path (default ./data/paperboy.db) or a postgres:// URL. */
  db: string;
  /**
   * Where this process keeps its search indexes (`--index-dir`,
   * PAPERBOY_INDEX_DIR); null: the backend's default (`<db>.idx/` beside a
   * SQLite file). Processes given the same folder share it (one owns it, the
   * others follow read-only); a process given its own folder keeps its own replica.
   */
  indexDir: string | null;
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
  /** Keep the vector index (semantic and hybrid search, `<db>.idx/vectors/`); PAPERBOY_VECTORS=0 turns it off. */
  vectors: boolean;
  /**
   * Folder of an ONNX sentence model (config.json, tokenizer.json,
   * onnx/model.onnx) that embeds papers and queries instead of the built-in
   * corpus model (`--embed-model PATH` / PAPERBOY_EMBED_MODEL; needs the
   * optional package @huggingface/transformers); null: the corpus model.
   */
  embedModel: string | null;
  /**
   * Pictures from sources (paper thumbnails, avatars): `proxy` fetches each
   * once into `imageCache` and serves it from this site (visitors' browsers
   * never contact the image hosts); `remote` links the hosts' URLs directly;
   * `off` shows no remote image (papers get the generated placeholder).
   */
  images: ImageMode;
  /** Folder of the image proxy's cache (default: `images/` beside the database). */
  imageCache: string;
  /**
   * Which proxies may set the client address through X-Forwarded-For
   * (Fastify's `trustProxy`): false (default: the socket's address), a hop
   * count, or addresses/CIDRs of the proxies; true trusts any sender.
   */
  trustProxy: TrustProxy;
  /**
   * Harvests `serve` runs every day at `harvestTime` (in `timezone`), once per
   * day however many processes serve: HARVEST=hf,arxiv:cs.LG+cs.CL (and
   * HARVEST_CATEGORIES=cs.LG,cs.CL as a shorthand for one arXiv job). Empty
   * (the default) schedules nothing.
   */
  harvests: HarvestJob[];
  /** Local time of the daily harvests, "HH:MM" (HARVEST_TIME, default 06:00). */
  harvestTime: string;
  /** arXiv export API endpoint that `/submit` asks for a paper's metadata. */
  arxivApiUrl: string;
  /** Submissions: only papers first published within this many days (admins may add any). */
  submitMaxAgeDays: number;
  /** Submissions: at most this many per user per day (admins are not capped). */
  submitDailyCap: number;
}

/** One scheduled harvest: a Hub-compatible Daily Papers list, or arXiv categories. */
export type HarvestJob = { kind: 'hf'; endpoint: string } | { kind: 'arxiv'; categories: string[] };

/** A job's name in logs, state keys and doctor ("hf", "arxiv:cs.LG+cs.CL"). */
export function harvestJobName(job: HarvestJob): string {
  return job.kind === 'hf' ? 'hf' : `arxiv:${job.categories.join('+')}`;
}

const CATEGORY = /^[a-z-]+(\.[A-Za-z-]+)?$/;

/** Parses HARVEST ("hf", "hf=https://other.example", "arxiv:cs.LG+cs.CL", comma-separated) and HARVEST_CATEGORIES. */
export function parseHarvests(harvest: string | undefined, categories: string | undefined, hfEndpoint: string): HarvestJob[] {
  const jobs: HarvestJob[] = [];
  for (const raw of (harvest ?? '').split(',').map((x) => x.trim()).filter(Boolean)) {
    if (raw === 'hf' || raw.startsWith('hf=')) {
      const endpoint = raw === 'hf' ? hfEndpoint : raw.slice(3);
      try {
        new URL(endpoint);
      } catch {
        throw new ConfigError(`HARVEST: "${raw}" needs an absolute URL after hf=, such as hf=https://huggingface.co`);
      }
      jobs.push({ kind: 'hf', endpoint });
    } else if (raw.startsWith('arxiv:')) {
      const cats = raw.slice(6).split('+').map((c) => c.trim()).filter(Boolean);
      if (cats.length === 0 || cats.some((c) => !CATEGORY.test(c))) {
        throw new ConfigError(`HARVEST: "${raw}" should name arXiv categories, as in arxiv:cs.LG+cs.CL`);
      }
      jobs.push({ kind: 'arxiv', categories: cats });
    } else {
      throw new ConfigError(`HARVEST: unknown job "${raw}"; use hf, hf=URL or arxiv:CAT+CAT (comma-separated)`);
    }
  }
  const cats = (categories ?? '').split(',').map((c) => c.trim()).filter(Boolean);
  if (cats.length) {
    if (cats.some((c) => !CATEGORY.test(c))) throw new ConfigError(`HARVEST_CATEGORIES should list arXiv categories such as cs.LG,cs.CL, got "${categories}"`);
    jobs.push({ kind: 'arxiv', categories: cats });
  }
  return jobs;
}

export type TrustProxy = boolean | number | string[];

export type ImageMode = 'proxy' | 'remote' | 'off';

export type SearchEngineName = 'fts5' | 'engine';

export class ConfigError extends Error {}

export interface ConfigFlags {
  db?: string;
  indexDir?: string;
  port?: string | number;
  host?: string;
  publicUrl?: string;
  demo?: boolean;
  embedModel?: string;
}

/** The development secret: public (it is in this file), so `serve` refuses it where it matters (see secretRefusal). */
export const DEFAULT_SECRET = 'dev-secret-change-me';

/** Names proxy-addr (Fastify's trustProxy) accepts besides addresses and CIDRs. */
const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * TRUST_PROXY: unset/"false"/"0" → false; "true" → true; "N" → N hops;
 * else a comma list of IP addresses, CIDRs (10.0.0.0/8) or loopback/linklocal/uniquelocal.
 */
export function parseTrustProxy(raw: string | undefined): TrustProxy {
  const v = (raw ?? '').trim();
  if (v === '' || v === 'false' || v === '0') return false;
  if (v === 'true') return true;
  if (/^\d+$/.test(v)) {
    const n = Number(v);
    if (n > 100) throw new ConfigError(`TRUST_PROXY hop count must be 0–100, got "${v}"`);
    return n;
  }
  const list = v.split(',').map((x) => x.trim()).filter(Boolean);
  for (const item of list) {
    const [addr, bits, extra] = item.split('/');
    const family = isIP(addr);
    const okBits = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32)) ||
      (family === 4 && isIP(bits) === 4);
    if (!(PROXY_NAMES.has(item) || (family !== 0 && okBits && extra === undefined))) {
      throw new ConfigError(`TRUST_PROXY must be true, a hop count, or a comma list of proxy addresses/CIDRs (e.g. 10.0.0.1,172.16.0.0/12 or loopback); "${item}" is none of these`);
    }
  }
  return list;
}

/** Is `host` a loopback bind address (reachable from this machine only)? */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h) || /^::ffff:127\.\d+\.\d+\.\d+$/.test(h);
}

/**
 * Why `serve` must not start with this config's secret, or null when it may.
 * The default secret is public: with it anyone can forge a subscriber's
 * manage/unsubscribe link and the CSRF cookie. It is accepted only for a
 * site bound to loopback that sends no mail (a developer's machine).
 */
export function secretRefusal(c: Config): string | null {
  if (c.secret !== DEFAULT_SECRET) return null;
  const loopback = isLoopbackHost(c.host);
  if (loopback && !c.smtpUrl) return null;
  const where = !loopback ? `serving on ${c.host} (reachable from other machines)` : 'sending mail (SMTP_URL is set)';
  return `refusing to start: PAPERBOY_SECRET is not set, and the default secret "${DEFAULT_SECRET}" is public — ` +
    `anyone could forge subscribers' manage and unsubscribe links and CSRF cookies. It is allowed only on loopback ` +
    `(HOST=127.0.0.1) without SMTP_URL; this config is ${where}.\n` +
    'Set a long random secret and keep it (changing it invalidates links already mailed), for example:\n' +
    '  export PAPERBOY_SECRET=$(openssl rand -hex 32)';
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
  const images = env.PAPERBOY_IMAGES ?? 'proxy';
  if (images !== 'proxy' && images !== 'remote' && images !== 'off') {
    throw new ConfigError(`PAPERBOY_IMAGES must be proxy, remote or off, got "${images}"`);
  }
  if (env.ARXIV_API_URL && !/^https?:\/\//.test(env.ARXIV_API_URL)) throw new ConfigError('ARXIV_API_URL must start with http:// or https://');
  const db = flags.db ?? env.PAPERBOY_DB ?? './data/paperboy.db';
  const harvestTime = env.HARVEST_TIME ?? '06:00';
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(harvestTime)) throw new ConfigError(`HARVEST_TIME must be HH:MM, got "${harvestTime}"`);
  const harvests = parseHarvests(env.HARVEST, env.HARVEST_CATEGORIES, env.HF_ENDPOINT ?? 'https://huggingface.co');
  const indexDir = flags.indexDir || env.PAPERBOY_INDEX_DIR || null;
  return {
    db,
    indexDir,
    port,
    host: flags.host ?? env.HOST ?? '127.0.0.1',
    publicUrl,
    smtpUrl,
    mailFrom: env.MAIL_FROM ?? 'paperboy <paperboy@localhost>',
    secret: env.PAPERBOY_SECRET || DEFAULT_SECRET,
    digestTime,
    timezone,
    demo: flags.demo ?? env.PAPERBOY_DEMO !== '0',
    search,
    images,
    // A SQLite file's images sit beside it; a PostgreSQL database has no folder, so they go under ./data.
    imageCache: env.PAPERBOY_IMAGE_CACHE || join(isPostgresDb(db) ? 'data' : dirname(db), 'images'),
    vectors: env.PAPERBOY_VECTORS !== '0',
    embedModel: flags.embedModel || env.PAPERBOY_EMBED_MODEL || null,
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    arxivApiUrl: env.ARXIV_API_URL || 'https://export.arxiv.org/api/query',
    // 14 days: the Daily Papers rule (a daily list is for new work). 5 a day: enough for a keen reader,
    // too few to flood a list. Both overridable for a lab's own habits.
    submitMaxAgeDays: intSetting(env, 'PAPERBOY_SUBMIT_MAX_AGE_DAYS', 14, 1, 3650),
    submitDailyCap: intSetting(env, 'PAPERBOY_SUBMIT_DAILY_CAP', 5, 1, 1000),
    harvests,
    harvestTime,
  };
}

/** An integer environment setting within [min, max], or its default when unset. */
function intSetting(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  return Number(raw);
}

/** The config with secrets masked, for `doctor` and logs. */
export function redactConfig(c: Config): Record<string, unknown> {
  return {
    ...c,
    db: displayDb(c.db),
    smtpUrl: c.smtpUrl ? c.smtpUrl.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@') : null,
    secret: c.secret === DEFAULT_SECRET ? '(default: set PAPERBOY_SECRET)' : '***',
  };
}

/** Whether a --db / PAPERBOY_DB value is a PostgreSQL URL (else a SQLite file path). */
export function isPostgresDb(db: string): boolean {
  return /^postgres(ql)?:\/\//i.test(db);
}

/** The database address for messages: a PostgreSQL URL without its password. */
export function displayDb(db: string): string {
  if (!isPostgresDb(db)) return db;
  try {
    const u = new URL(db);
    u.password = '';
    return u.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}
