/**
 * The HTML site: every server-rendered page route, the theme switch and the
 * static assets, wired to the deps. Each concept has its own file:
 * list-routes.ts (day/week/month/trending), search-routes.ts (`/papers?q=`),
 * paper-routes.ts (`/papers/{id}`), org-routes.ts, image-routes.ts (the
 * image proxy and placeholders), assets.ts.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RouteDeps } from '../app.js';
import { assetRoutes } from './assets.js';
import { listRoutes } from './list-routes.js';
import { orgRoutes } from './org-routes.js';
import { THEME_COOKIE } from './page-context.js';
import { sameSiteTarget } from '../redirect-target.js';
import { paperRoutes } from './paper-routes.js';
import { searchRoutes } from './search-routes.js';
import { imageRoutes } from './image-routes.js';

/** How long a theme choice is remembered: a year (it is a preference, not a session). */
const THEME_MAX_AGE_S = 365 * 24 * 3600;

export async function pageRoutes(app: FastifyInstance, opts: { deps: RouteDeps }): Promise<void> {
  const { deps } = opts;
  await assetRoutes(app);
  const lists = await listRoutes(app, deps);
  await searchRoutes(app, deps, lists);
  await paperRoutes(app, deps);
  await orgRoutes(app, deps);
  await imageRoutes(app, deps);

  // The no-JS theme switch: a form posts theme=auto|light|dark and comes back to the page (303).
  app.post('/theme', async (req: FastifyRequest<{ Body: Record<string, unknown> | undefined }>, reply) => {
    const body = req.body ?? {};
    // Checked before any cookie is set: a refused target changes nothing.
    const back = sameSiteTarget(body.back, 'back');
    const theme = body.theme;
    const secure = deps.config.publicUrl.startsWith('https:');
    if (theme === 'light' || theme === 'dark') {
      reply.setCookie(THEME_COOKIE, theme, { path: '/', maxAge: THEME_MAX_AGE_S, sameSite: 'lax', secure });
    } else {
      reply.clearCookie(THEME_COOKIE, { path: '/' });
    }
    return reply.redirect(back, 303);
  });
}
