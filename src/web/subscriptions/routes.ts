/**
 * Subscription routes: `/subscribe` (GET form, POST), `/subscribe/confirm`,
 * `/subscribe/manage` (GET, POST), `/unsubscribe` (GET shows one button, POST
 * is the RFC 8058 one-click endpoint) and `POST /api/subscriptions` (JSON
 * only, and only from this site when a browser sends it).
 *
 * Goals: CSRF on the HTML forms; the signed token alone authenticates
 * confirm / manage / unsubscribe (no login); a rate limit on the two
 * subscribe endpoints; the same answer whether or not an address is known.
 * GET never changes a subscription's state except following a confirmation link
 * (mail scanners prefetch links, which is why unsubscribing needs the POST).
 * Non-goals: the rules (digest/subscriptions.ts), sending digests.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RouteDeps } from '../app.js';
import { badRequest, HttpError } from '../http-error.js';
import { pageContext, sendHtml } from '../pages/page-context.js';
import { mailerFromConfig } from '../../digest/smtp.js';
import { subscriptionLinks } from '../../digest/signed-links.js';
import { parseTopicFields, parseTopicList, TopicError, formatTopicList, MAX_TOPICS, MAX_TOPIC_LENGTH } from '../../digest/topics.js';
import {
  NoticeQueue, confirmSubscription, isFrequency, normalizeEmail, requestSubscription, subscriptionForToken, unsubscribe,
  updatePreferences, MAX_EMAIL_LENGTH, type SubscriptionServiceDeps,
} from '../../digest/subscriptions.js';
import type { Frequency, Topics } from '../../store/subscription-store.js';
import {
  badLinkPage, checkInboxPage, confirmedPage, managePage, subscribeFormPage, topicFields, unsubscribeConfirmPage,
  unsubscribedPage, type FormValues,
} from './subscription-pages.js';

/**
 * Subscribe requests per client address per window. Default 10 per 10
 * minutes; sane range 3–30. A person needs one or two; a script mailing
 * strangers through the form is stopped quickly (each address also gets at
 * most one notice per NOTICE_INTERVAL_MS).
 */
export const SUBSCRIBE_RATE_LIMIT = { max: 10, timeWindow: '10 minutes' };

/**
 * The JSON API's guard against cross-site posts (it has no CSRF token): a
 * JSON body only (a form on another site, or `fetch` in no-cors mode, can only
 * send form-encoded or text bodies; JSON needs a CORS preflight this site
 * never grants), and when a browser says where the post comes from (`Origin`),
 * it must be this site's public address. Tools send no Origin and are unaffected.
 */
function jsonFromThisSite(publicUrl: string) {
  const allowed = new URL(publicUrl).origin;
  return async (req: FastifyRequest) => {
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== allowed) {
      throw new HttpError(403, 'cross_origin',
        `Posts from other sites are refused: Origin "${String(origin).slice(0, 200)}" is not ${allowed}. Subscribe with the form at ${publicUrl}/subscribe, or call this API from a program (which sends no Origin).`);
    }
    const type = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type !== 'application/json') {
      throw new HttpError(415, 'unsupported_media_type',
        `POST /api/subscriptions takes a JSON body: send Content-Type: application/json with {"email": "…", "frequency": "daily" | "weekly", "topics": […]}${type ? `, not ${type.slice(0, 100)}` : ''}.`);
    }
  };
}

interface SubscribeForm {
  email?: string;
  frequency?: string;
  categories?: string;
  keywords?: string;
  organizations?: string;
}

interface TokenQuery {
  token?: string;
}

interface ApiBody {
  email: string;
  frequency: Frequency;
  topics?: string[];
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function formValues(b: SubscribeForm, fallbackFrequency: Frequency = 'daily'): FormValues {
  return {
    email: str(b.email).slice(0, MAX_EMAIL_LENGTH + 10),
    frequency: isFrequency(b.frequency) ? b.frequency : fallbackFrequency,
    categories: str(b.categories).slice(0, 400),
    keywords: str(b.keywords).slice(0, 400),
    organizations: str(b.organizations).slice(0, 400),
  };
}

export async function subscriptionRoutes(app: FastifyInstance, opts: { deps: RouteDeps }): Promise<void> {
  const { deps } = opts;
  const mailer = mailerFromConfig(deps.config);
  const log = (line: string) => app.log.warn(line);
  const service: SubscriptionServiceDeps = {
    subs: deps.subscriptions,
    mailer,
    config: deps.config,
    now: deps.now,
    log,
    verifiedOwner: async (email) => {
      const u = await deps.accounts.getUserByEmail(email);
      return u && u.emailVerifiedAt ? u.id : null;
    },
  };
  const notices = new NoticeQueue(mailer, log);
  app.addHook('onClose', async () => {
    await notices.drain();
    mailer.close();
  });
  // RFC 8058 allows the one-click POST as multipart/form-data; its body carries nothing we need (the token is in the URL).
  app.addContentTypeParser('multipart/form-data', (_req, payload, done) => {
    payload.resume();
    payload.on('end', () => done(null, {}));
    payload.on('error', (err) => done(err, undefined));
  });

  const links = (sub: { id: number; email: string }) => subscriptionLinks(deps.config.publicUrl, deps.config.secret, sub);

  app.get('/subscribe', async (req: FastifyRequest<{ Querystring: SubscribeForm }>, reply) => {
    const csrf = reply.generateCsrf();
    const v = formValues(req.query ?? {});
    // Signed in: the account's address is the one whose digest adds "For you".
    if (req.user && !v.email) v.email = req.user.email;
    return sendHtml(reply, subscribeFormPage(pageContext(req), csrf, v, null, req.user?.email ?? null));
  });

  app.post('/subscribe', {
    preHandler: app.csrfProtection,
    config: { rateLimit: SUBSCRIBE_RATE_LIMIT },
  }, async (req: FastifyRequest<{ Body: SubscribeForm }>, reply) => {
    const body = (req.body ?? {}) as SubscribeForm;
    const v = formValues(body);
    const again = (error: string) => sendHtml(reply, subscribeFormPage(pageContext(req), reply.generateCsrf(), v, error, req.user?.email ?? null), 400);
    const email = normalizeEmail(v.email);
    if (!email) return again('Enter an email address such as you@example.org.');
    if (body.frequency !== undefined && !isFrequency(body.frequency)) return again('Choose daily or weekly.');
    let topics: Topics;
    try {
      topics = parseTopicFields(v);
    } catch (err) {
      if (err instanceof TopicError) return again(err.message);
      throw err;
    }
    await requestSubscription(service, notices, { email, frequency: v.frequency, topics }, req.user);
    return sendHtml(reply, checkInboxPage(pageContext(req), email));
  });

  app.post<{ Body: ApiBody }>('/api/subscriptions', {
    config: { rateLimit: SUBSCRIBE_RATE_LIMIT },
    onRequest: jsonFromThisSite(deps.config.publicUrl),
    schema: {
      body: {
        type: 'object',
        required: ['email', 'frequency'],
        additionalProperties: false,
        properties: {
          email: { type: 'string', minLength: 3, maxLength: MAX_EMAIL_LENGTH },
          frequency: { type: 'string', enum: ['daily', 'weekly'] },
          topics: { type: 'array', maxItems: MAX_TOPICS, items: { type: 'string', maxLength: MAX_TOPIC_LENGTH } },
        },
      },
    },
  }, async (req: FastifyRequest<{ Body: ApiBody }>, reply: FastifyReply) => {
    const email = normalizeEmail(req.body.email);
    if (!email) throw badRequest('invalid_parameter', 'body/email must be an email address such as you@example.org');
    let topics: Topics;
    try {
      topics = parseTopicList(req.body.topics ?? []);
    } catch (err) {
      if (err instanceof TopicError) throw badRequest('invalid_parameter', `body/${err.message}`);
      throw err;
    }
    // With a personal API token, the token's owner is the requester (linked when it is their address).
    await requestSubscription(service, notices, { email, frequency: req.body.frequency, topics }, req.user);
    return reply.status(202).send({
      status: 'confirmation_sent',
      message: 'If the address can receive mail, a confirmation link is on its way; nothing is sent before it is followed.',
      email,
      frequency: req.body.frequency,
      topics: formatTopicList(topics),
    });
  });

  app.get('/subscribe/confirm', async (req: FastifyRequest<{ Querystring: TokenQuery }>, reply) => {
    const r = await confirmSubscription(service, str(req.query.token));
    if (!r.ok) return sendHtml(reply, badLinkPage(pageContext(req), r.reason, 'confirmation'), 400);
    return sendHtml(reply, confirmedPage(pageContext(req), r.sub, links(r.sub).manage));
  });

  app.get('/subscribe/manage', async (req: FastifyRequest<{ Querystring: TokenQuery }>, reply) => {
    const token = str(req.query.token);
    const r = await subscriptionForToken(service, token, 'manage');
    if (!r.ok) return sendHtml(reply, badLinkPage(pageContext(req), r.reason, 'manage'), 400);
    const v = { email: r.sub.email, frequency: r.sub.frequency, ...topicFields(r.sub.topics) };
    return sendHtml(reply, managePage(pageContext(req), reply.generateCsrf(), token, r.sub, v, null));
  });

  app.post('/subscribe/manage', { preHandler: app.csrfProtection }, async (req: FastifyRequest<{ Body: SubscribeForm & TokenQuery }>, reply) => {
    const body = (req.body ?? {}) as SubscribeForm & TokenQuery;
    const token = str(body.token);
    const current = await subscriptionForToken(service, token, 'manage');
    if (!current.ok) return sendHtml(reply, badLinkPage(pageContext(req), current.reason, 'manage'), 400);
    const v = formValues(body, current.sub.frequency);
    let topics: Topics;
    try {
      topics = parseTopicFields(v);
    } catch (err) {
      if (!(err instanceof TopicError)) throw err;
      return sendHtml(reply, managePage(pageContext(req), reply.generateCsrf(), token, current.sub, v, null, err.message), 400);
    }
    const r = await updatePreferences(service, token, { frequency: v.frequency, topics });
    if (!r.ok) return sendHtml(reply, badLinkPage(pageContext(req), r.reason, 'manage'), 400);
    const saved = { email: r.sub.email, frequency: r.sub.frequency, ...topicFields(r.sub.topics) };
    return sendHtml(reply, managePage(pageContext(req), reply.generateCsrf(), token, r.sub, saved, 'Saved.'));
  });

  app.get('/unsubscribe', async (req: FastifyRequest<{ Querystring: TokenQuery }>, reply) => {
    const token = str(req.query.token);
    const r = await subscriptionForToken(service, token, 'unsubscribe');
    if (!r.ok) return sendHtml(reply, badLinkPage(pageContext(req), r.reason, 'unsubscribe'), 400);
    if (r.sub.status === 'unsubscribed') return sendHtml(reply, unsubscribedPage(pageContext(req), r.sub.email, links(r.sub).manage));
    return sendHtml(reply, unsubscribeConfirmPage(pageContext(req), token, r.sub.email));
  });

  // One click (RFC 8058): the token authenticates, so no CSRF token; immediate and idempotent.
  app.post('/unsubscribe', async (req: FastifyRequest<{ Querystring: TokenQuery; Body: TokenQuery | undefined }>, reply) => {
    const body = (req.body && typeof req.body === 'object' ? req.body : {}) as TokenQuery;
    const token = str(req.query.token) || str(body.token);
    const r = await unsubscribe(service, token);
    if (!r.ok) return sendHtml(reply, badLinkPage(pageContext(req), r.reason, 'unsubscribe'), 400);
    return sendHtml(reply, unsubscribedPage(pageContext(req), r.sub.email, links(r.sub).manage));
  });
}
