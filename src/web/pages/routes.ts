/** Placeholder: routes of web/pages/ are registered here. */
import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../app.js';

export async function pageRoutes(app: FastifyInstance, opts: { deps: RouteDeps }): Promise<void> {
  void app;
  void opts;
}
