/**
 * Submitting papers to today's daily list: `/submit` (form → preview →
 * `POST /submit/confirm`) and `POST /api/daily_papers` (personal API token).
 *
 * Goals: the rules, with a clear answer each — the input must name an arXiv
 * paper (id, abs/PDF/HTML or Hugging Face URL: 400 otherwise); a paper on
 * any daily list already is a duplicate (409, with a link to that day); at
 * most `submitDailyCap` submissions per user per day (429 until midnight
 * UTC); only papers first published within `submitMaxAgeDays` (422); arXiv
 * has no such paper (404); arXiv cannot be reached (503: nothing is saved,
 * try later). Admins may add any paper, without cap or age limit. Only
 * verified users submit. Metadata comes from the arXiv export API through
 * the polite client (3 s between calls, arXiv's rule); the preview's answer
 * is kept a few minutes so confirming does not ask arXiv again. The paper
 * and its entry are written in one transaction with the duplicate and cap
 * checks (SubmissionStore). Non-goals: moving or removing entries, hiding
 * papers (admin tools not built yet).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RouteDeps } from '../app.js';
import type { Paper } from '../../domain/paper.js';
import { arxivIdFromInput } from '../../domain/arxiv-id.js';
import { PoliteHttpClient } from '../../ingest/http-fetch.js';
import { lookupArxivPaper, type ArxivLookup } from '../../ingest/arxiv-lookup.js';
import { isAdmin } from '../../accounts/rules.js';
import type { SafeHtml } from '../../html/html.js';
import { HttpError } from '../http-error.js';
import { pageContext, sendHtml } from '../pages/page-context.js';
import { formatDay, paperPath } from '../pages/format.js';
import { hfDailyItem } from '../api/hf-shape.js';
import { requireApiUser, requirePageUser, requireVerified, type CurrentUser } from '../auth/current-user.js';
import { communityRateLimit } from './rate-limits.js';
import { duplicateMessage, messageBox, previewPage, submitFormPage } from './submit-pages.js';

/**
 * How long a looked-up paper is kept for its confirmation: 15 minutes (a
 * person reads the preview, then clicks). At most 500 kept: a few hundred KB.
 */
const PREVIEW_TTL_MS = 15 * 60_000;
const PREVIEW_MAX = 500;

/**
 * The arXiv client of a web request: arXiv's 3 s spacing, but a person is
 * waiting, so two attempts, 15 s each, and no Retry-After longer than 15 s
 * (past that the answer is "try later", not a spinning page).
 */
const INTERACTIVE_FETCH = { minDelayMs: 3000, maxAttempts: 2, timeoutMs: 15_000, baseBackoffMs: 1000, maxRetryAfterMs: 15_000 };

type Verdict =
  | { ok: true; paper: Paper; note: string | null }
  | { ok: false; status: number; code: string; text: string; html?: SafeHtml; retryAfterS?: number };

function fail(status: number, code: string, text: string, extra: { html?: SafeHtml; retryAfterS?: number } = {}): Verdict {
  return { ok: false, status, code, text, ...extra };
}

/** Seconds until the next midnight UTC (when the daily cap resets). */
function secondsToMidnight(now: Date): number {
  const next = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  return Math.max(1, Math.ceil((next - now.getTime()) / 1000));
}

class PreviewCache {
  private readonly map = new Map<string, { paper: Paper; at: number }>();
  get(id: string, now: number): Paper | null {
    const hit = this.map.get(id);
    return hit && now - hit.at < PREVIEW_TTL_MS ? hit.paper : null;
  }
  set(id: string, paper: Paper, now: number): void {
    this.map.delete(id);
    this.map.set(id, { paper, at: now });
    while (this.map.size > PREVIEW_MAX) this.map.delete(this.map.keys().next().value as string);
  }
}

export async function submitRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { config, store, submissions } = deps;
  const client = new PoliteHttpClient({ ...INTERACTIVE_FETCH, ...deps.arxivFetch });
  const cache = new PreviewCache();
  const today = () => deps.now().toISOString().slice(0, 10);

  async function lookUp(id: string): Promise<ArxivLookup> {
    const now = deps.now().getTime();
    const cached = cache.get(id, now);
    if (cached) return { kind: 'found', paper: cached };
    const r = await lookupArxivPaper(client, config.arxivApiUrl, id);
    if (r.kind === 'found') cache.set(id, r.paper, now);
    return r;
  }

  /** Every rule for `input` submitted by `user`, arXiv asked last (only when the cheap checks pass). */
  async function evaluate(user: CurrentUser, input: unknown): Promise<Verdict> {
    const text = typeof input === 'string' ? input.trim() : '';
    if (!text) return fail(400, 'invalid_parameter', 'Paste an arXiv id (such as 2406.12345) or a link to the paper.');
    const parsed = text.length <= 300 ? arxivIdFromInput(text) : null;
    if (!parsed) return fail(400, 'invalid_parameter', `"${text.slice(0, 100)}" is not an arXiv id or a link to an arXiv or Hugging Face paper page.`);
    const id = parsed.id;
    if (await deps.curation.hiddenPaper(id)) return fail(409, 'hidden', 'An admin took this paper off the site; it cannot be submitted again.');
    const existing = await store.getPaper(id);
    if (existing && existing.daily.length > 0) {
      const day = existing.daily[0].day;
      return fail(409, 'duplicate', `${id} is already on the daily list of ${day}: ${config.publicUrl}${paperPath(id)}`, { html: duplicateMessage(id, day) });
    }
    const admin = isAdmin(user.role);
    if (!admin) {
      const done = await submissions.submittedOn(user.username, today());
      if (done >= config.submitDailyCap) {
        return fail(429, 'daily_cap', `You submitted ${done} papers today, the most a day (${config.submitDailyCap}). Try again tomorrow (UTC).`, { retryAfterS: secondsToMidnight(deps.now()) });
      }
    }
    const look = await lookUp(id);
    if (look.kind === 'missing') return fail(404, 'not_on_arxiv', `${look.message} Check the id or the link.`);
    if (look.kind === 'unreachable') {
      return fail(503, 'arxiv_unreachable', 'arXiv cannot be reached right now, so nothing was saved. Try again in a few minutes.', { retryAfterS: 60 });
    }
    const p = look.paper;
    const published = p.publishedAt ? Date.parse(p.publishedAt) : NaN;
    const ageDays = (deps.now().getTime() - published) / 86_400_000;
    const tooOld = Number.isNaN(published) || ageDays > config.submitMaxAgeDays;
    if (tooOld && !admin) {
      return fail(422, 'too_old', Number.isNaN(published)
        ? `arXiv gives no publication date for ${id}, so it cannot be checked as new.`
        : `${id} was first published on ${formatDay(p.publishedAt)}, more than ${config.submitMaxAgeDays} days ago: the daily list is for new papers.`);
    }
    return { ok: true, paper: p, note: tooOld ? `First published ${formatDay(p.publishedAt)}, older than ${config.submitMaxAgeDays} days: you may add it as an admin.` : null };
  }

  /** Writes the entry; the store checks duplicates and the cap again, atomically. */
  async function add(user: CurrentUser, paper: Paper): Promise<Verdict> {
    const now = deps.now();
    const r = await submissions.submit(paper, {
      day: today(), submittedAt: now.toISOString(), submitter: { user: user.username, fullname: null, avatarUrl: null },
      dailyCap: isAdmin(user.role) ? null : config.submitDailyCap,
    });
    if (r.kind === 'duplicate') return fail(409, 'duplicate', `${paper.id} is already on the daily list of ${r.day}.`, { html: duplicateMessage(paper.id, r.day) });
    if (r.kind === 'cap') return fail(429, 'daily_cap', `You submitted ${r.count} papers today, the most a day. Try again tomorrow (UTC).`, { retryAfterS: secondsToMidnight(now) });
    if (r.kind === 'hidden') return fail(409, 'hidden', 'An admin took this paper off the site; it cannot be submitted again.');
    return { ok: true, paper, note: null };
  }

  function formAgain(req: FastifyRequest, reply: FastifyReply, value: string, v: Extract<Verdict, { ok: false }>, remaining: number | null) {
    if (v.retryAfterS) reply.header('Retry-After', String(v.retryAfterS));
    return sendHtml(reply, submitFormPage(pageContext(req), {
      csrf: reply.generateCsrf(), value, remaining, maxAgeDays: config.submitMaxAgeDays, error: v.html ?? messageBox(v.text),
    }), v.status);
  }

  async function remainingFor(user: CurrentUser): Promise<number | null> {
    if (isAdmin(user.role)) return null;
    return Math.max(0, config.submitDailyCap - await submissions.submittedOn(user.username, today()));
  }

  app.get('/submit', async (req, reply) => {
    const user = requireVerified(requirePageUser(req));
    return sendHtml(reply, submitFormPage(pageContext(req), {
      csrf: reply.generateCsrf(), value: '', remaining: await remainingFor(user), maxAgeDays: config.submitMaxAgeDays,
    }));
  });

  const body = (req: FastifyRequest, name: string): unknown => ((req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>)[name];

  app.post('/submit', { preHandler: app.csrfProtection, config: { rateLimit: communityRateLimit } }, async (req, reply) => {
    const user = requireVerified(requirePageUser(req, '/submit'));
    const input = body(req, 'paper');
    const v = await evaluate(user, input);
    if (!v.ok) return formAgain(req, reply, typeof input === 'string' ? input.slice(0, 300) : '', v, await remainingFor(user));
    return sendHtml(reply, previewPage(pageContext(req), reply.generateCsrf(), v.paper, v.note));
  });

  app.post('/submit/confirm', { preHandler: app.csrfProtection, config: { rateLimit: communityRateLimit } }, async (req, reply) => {
    const user = requireVerified(requirePageUser(req, '/submit'));
    const input = body(req, 'id');
    const v = await evaluate(user, input);
    const done = v.ok ? await add(user, v.paper) : v;
    if (!done.ok) return formAgain(req, reply, typeof input === 'string' ? input.slice(0, 300) : '', done, await remainingFor(user));
    return reply.redirect(paperPath(done.paper.id), 303);
  });

  app.post('/api/daily_papers', {
    config: { rateLimit: communityRateLimit },
    // Who and what before the body is validated: 401 without a token, 415 for anything but JSON.
    preValidation: async (req, reply) => {
      requireVerified(requireApiUser(req, reply));
      const type = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      if (type !== 'application/json') {
        throw new HttpError(415, 'unsupported_media_type', 'POST /api/daily_papers takes a JSON body: {"paper": "2406.12345"} (an arXiv id or link; "arxivId" works too).');
      }
    },
    schema: {
      body: {
        type: 'object',
        additionalProperties: false,
        properties: { paper: { type: 'string', maxLength: 300 }, arxivId: { type: 'string', maxLength: 300 } },
      },
    },
  }, async (req, reply) => {
    const user = requireVerified(requireApiUser(req, reply));
    const input = body(req, 'paper') ?? body(req, 'arxivId');
    const v = await evaluate(user, input);
    const done = v.ok ? await add(user, v.paper) : v;
    if (!done.ok) {
      if (done.retryAfterS) reply.header('Retry-After', String(done.retryAfterS));
      throw new HttpError(done.status, done.code, done.text);
    }
    const detail = await store.getPaper(done.paper.id);
    const entry = detail?.daily.find((e) => e.day === today()) ?? detail?.daily[0];
    if (!detail || !entry) throw new HttpError(500, 'internal_error', 'The paper was added but could not be read back.');
    return reply.status(201).type('application/json; charset=utf-8').send(hfDailyItem({ paper: detail.paper, entry, org: detail.org }));
  });

}
