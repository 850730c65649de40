/**
 * The JSON API (Hub-compatible papers endpoints and the OpenAPI document).
 * Each route lives in its own file; this one wires them to the deps.
 */
import { healthRoutes } from './health-routes.js';
import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../app.js';
import { dailyPapersRoute } from './daily-papers-route.js';
import { openApiDocument } from './openapi.js';
import { paperRoute } from './paper-route.js';
import { searchRoute } from './search-route.js';
import { whoamiRoute } from './whoami-route.js';

export async function apiRoutes(app: FastifyInstance, opts: { deps: RouteDeps }): Promise<void> {
  const { deps } = opts;
  await dailyPapersRoute(app, deps);
  await searchRoute(app, deps);
  await paperRoute(app, deps);
  await whoamiRoute(app, deps);
  await healthRoutes(app, deps);
  const doc = openApiDocument(deps.config.publicUrl);
  app.get('/api/openapi.json', async (_req, reply) => reply.type('application/json; charset=utf-8').send(doc));
}
