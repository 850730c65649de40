/**
 * Health endpoints for load balancers and process managers:
 *   GET /healthz  200 while the process answers (liveness);
 *   GET /readyz   200 when the database answers and the process's own search
 *                 index is built and within READY_LAG_MAX changes of it, else
 *                 503 + Retry-After
 *                 (readiness: send searches elsewhere until it catches up).
 * Both answer JSON and are cheap (an indexed MAX and the feed's head).
 * Non-goals: metrics (a different endpoint), checking SMTP or arXiv.
 */
import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../app.js';

/**
 * Pending changes up to which a process is ready: what one search applies
 * inline anyway (INLINE_CATCH_UP in search/block-max-engine.ts), so a ready
 * process answers every paper at most one request late. Default 1,000.
 */
export const READY_LAG_MAX = 1_000;

export async function healthRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  app.get('/healthz', async (_req, reply) => reply.type('application/json; charset=utf-8').send({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    let lag: number;
    let building: boolean;
    try {
      await deps.store.latestDay();
      lag = (await deps.search.engine.lag?.()) ?? 0;
      building = (await deps.search.engine.building?.()) ?? false;
    } catch {
      // A plain message: the driver's own (an address, a port, a server's words) is for the operator's
      // logs, not for whoever can reach this endpoint.
      reply.header('retry-after', '5');
      return reply.status(503).type('application/json; charset=utf-8')
        .send({ error: { code: 'not_ready', message: 'The database does not answer; this process is not ready to serve.' } });
    }
    if (building) {
      reply.header('retry-after', '5');
      return reply.status(503).type('application/json; charset=utf-8')
        .send({ error: { code: 'not_ready', message: 'This process is building its search index; until then the database\'s full-text search answers, more slowly. It becomes ready by itself.' }, lag, building: true });
    }
    if (lag > READY_LAG_MAX) {
      reply.header('retry-after', '5');
      return reply.status(503).type('application/json; charset=utf-8')
        .send({ error: { code: 'not_ready', message: `The search index is ${lag} changes behind the database; it catches up by itself.` }, lag });
    }
    return reply.type('application/json; charset=utf-8').send({ status: 'ready', lag });
  });
}
