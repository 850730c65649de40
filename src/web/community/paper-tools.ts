/**
 * The community's tools on a paper page, for the signed-in visitor: report
 * the paper, claim to be one of its authors, link it to an organization
 * (admins; submitters who are members), and the admins' curation (hide,
 * move or remove its daily entries). Plus the approved authors, whose names
 * the page links to their profiles.
 *
 * Non-goals: the checks (each form's route checks again: showing a form is
 * never the permission).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RouteDeps } from '../app.js';
import type { PaperDetail } from '../../store/store.js';
import { html, type SafeHtml } from '../../html/html.js';
import { isAdmin } from '../../accounts/rules.js';
import { curationBox, reportBox } from './curation-routes.js';
import { linkOrgBox } from './organization-routes.js';
import { authorLinks, claimBox } from './authorship-routes.js';

export async function paperTools(deps: RouteDeps, req: FastifyRequest, reply: FastifyReply, detail: PaperDetail): Promise<{ tools: SafeHtml | null; authors: Map<string, string> }> {
  const authors = await authorLinks(deps, detail.paper.id);
  const user = req.user && req.user.via === 'session' ? req.user : null;
  if (!user || !user.emailVerified) return { tools: null, authors };
  const csrf = reply.generateCsrf();
  const [claim, org] = await Promise.all([claimBox(deps, user, detail, csrf), linkOrgBox(deps, user, detail, csrf)]);
  const tools = html`<section aria-labelledby="tools-h" class="paper-tools"><h2 id="tools-h">Community</h2>
${claim ?? ''}${org ?? ''}${reportBox(detail.paper.id, csrf)}${isAdmin(user.role) ? curationBox(detail, csrf) : ''}</section>`;
  return { tools, authors };
}
