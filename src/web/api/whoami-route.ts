/**
 * GET /api/whoami-v2 — who a personal API token belongs to, in the shape of
 * the Hugging Face Hub's answer (`HfApi.whoami()` and `hf auth whoami` read
 * it), so a script can check its token before writing.
 *
 * Non-goals: the Hub's organizations, billing and token-permission fields.
 */
import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../app.js';
import { requireApiUser } from '../auth/current-user.js';

export async function whoamiRoute(app: FastifyInstance, _deps: RouteDeps): Promise<void> {
  app.get('/api/whoami-v2', async (req, reply) => {
    const u = requireApiUser(req, reply);
    return reply.type('application/json; charset=utf-8').send({
      type: 'user',
      id: String(u.id),
      name: u.username,
      fullname: u.username,
      email: u.email,
      emailVerified: u.emailVerified,
      role: u.role,
      orgs: [],
      auth: { type: 'access_token' },
    });
  });
}
