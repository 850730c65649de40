/**
 * The server log: request ids, what is logged when, and what is never logged.
 *
 * Goals: every 5xx is logged (JSON lines on stderr by default, one per
 * failure, with the request id the error page shows), whether or not the
 * per-request log is on (`PAPERBOY_LOG=1` adds a line per request); request
 * ids short enough to read aloud and random so they never repeat across
 * restarts; no secret in any line: no cookie or authorization header, no
 * signed-link token (the `token` query parameter), and the configured secret
 * and SMTP password masked wherever an error message might repeat them.
 * Non-goals: log shipping or rotation (the process manager's job), access
 * logs in a standard format.
 */
import { randomBytes } from 'node:crypto';
import { LogController, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import type { Config } from '../config.js';

/** Where log lines go (anything with `write`: stderr by default, a capture in tests). */
export interface LogStream {
  write(line: string): void;
}

/** A request id: 12 hex characters (48 random bits), unique enough for one site's log and short to quote. */
export function newRequestId(): string {
  return randomBytes(6).toString('hex');
}

/** Query parameters whose values are credentials (signed links): masked in logged URLs. */
const SECRET_PARAMS = /([?&](?:token|secret|password)=)[^&#]*/gi;

/** A URL with credential-bearing query values masked. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_PARAMS, '$1***');
}

/** The strings that must never appear in a log line: the signing secret and the SMTP password. */
function secretsOf(config: Config): string[] {
  const out: string[] = [];
  if (config.secret.length >= 4) out.push(config.secret);
  if (config.smtpUrl) {
    try {
      const pass = decodeURIComponent(new URL(config.smtpUrl).password);
      if (pass.length >= 4) out.push(pass);
    } catch {
      // A malformed SMTP_URL was refused at start; nothing to mask.
    }
  }
  return out;
}

function mask(s: string, secrets: string[]): string {
  let out = s;
  for (const secret of secrets) out = out.split(secret).join('***');
  return out;
}

/**
 * Fastify's log controller with one change: a 5xx reaching Fastify's own
 * error handler (if ours ever throws) or a failing serializer is logged even
 * when per-request logging is off.
 */
class AlwaysLogServerErrors extends LogController {
  override defaultErrorLog(error: Error, request: FastifyRequest, reply: FastifyReply): void {
    if (reply.statusCode >= 500) reply.log.error({ req: request, res: reply, err: error }, error?.message);
    else super.defaultErrorLog(error, request, reply);
  }

  override serializerError(error: Error, _request: FastifyRequest, reply: FastifyReply, metadata: { statusCode: number }): void {
    reply.log.error({ err: error, statusCode: metadata.statusCode }, 'The serializer for the given status code failed');
  }
}

/**
 * The logger part of Fastify's options: level `info` with a line per request
 * when `perRequest`, else level `error` (5xx and fatal only).
 */
export function loggerOptions(config: Config, perRequest: boolean, stream: LogStream = process.stderr): Pick<
  FastifyServerOptions, 'logger' | 'logController' | 'genReqId'
> {
  const secrets = secretsOf(config);
  return {
    genReqId: () => newRequestId(),
    logController: new AlwaysLogServerErrors({ disableRequestLogging: !perRequest }),
    logger: {
      level: perRequest ? 'info' : 'error',
      stream,
      serializers: {
        // Method, path (tokens masked) and client address; never headers (cookies, authorization).
        req: (req) => ({ method: req.method, url: redactUrl(req.url ?? ''), remoteAddress: req.ip }),
        err: (err: Error & { code?: unknown }) => ({
          type: String(err?.name ?? 'Error'),
          message: mask(String(err?.message ?? err), secrets),
          stack: mask(String(err?.stack ?? ''), secrets),
          code: typeof err?.code === 'string' ? err.code : undefined,
        }),
      },
    },
  };
}
