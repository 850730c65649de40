/** Placeholder: subscribe / confirm / manage / unsubscribe routes (HTML and JSON). */
import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../app.js';

export async function subscriptionRoutes(app: FastifyInstance, opts: { deps: RouteDeps }): Promise<void> {
  void app;
  void opts;
}
