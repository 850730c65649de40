/** Placeholder: routes of web/feeds/ are registered here. */
import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../app.js';

export async function feedRoutes(app: FastifyInstance, opts: { deps: RouteDeps }): Promise<void> {
  void app;
  void opts;
}
