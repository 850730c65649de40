/** Placeholder: routes of web/api/ are registered here. */
import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../app.js';

export async function apiRoutes(app: FastifyInstance, opts: { deps: RouteDeps }): Promise<void> {
  void app;
  void opts;
}
