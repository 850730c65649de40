/**
 * `GET /orgs/{name}`: an organization's papers, newest daily-list entry
 * first, paged, with its RSS feed linked.
 *
 * Goals: 404 only when the name is neither a known organization nor on any
 * paper. The community's part — Follow, members, the admins' edit form —
 * comes from web/community/organization-routes.ts.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RouteDeps } from '../app.js';
import { notFound } from '../http-error.js';
import { html } from '../../html/html.js';
import { layout } from './layout.js';
import { orgPath, plural } from './format.js';
import { imageSrc } from '../images.js';
import { pageContext, sendHtml } from './page-context.js';
import { cardList, paperCard } from './paper-card.js';
import { LIST_PAGE_SIZE, pager, pageCount } from './pager.js';
import { pageParam, stringParam } from '../params.js';
import { subscribeBox } from './subscribe-box.js';
import { voteStates } from '../community/vote-control.js';
import { orgCommunitySection } from '../community/organization-routes.js';

/** Every daily list ever: an organization page spans all time. */
const ALL_TIME = { from: '0000-01-01', to: '9999-12-31' };

type Req = FastifyRequest<{ Params: { name: string }; Querystring: Record<string, unknown> }>;

export async function orgRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { store, config } = deps;

  app.get('/orgs/:name', async (req: Req, reply) => {
    const name = stringParam(req.params as Record<string, unknown>, 'name', 100)?.trim() ?? '';
    const page = pageParam(req.query);
    const [org, res] = await Promise.all([
      store.getOrganization(name),
      store.listDaily({
        ...ALL_TIME, organization: name, sort: 'publishedAt', limit: LIST_PAGE_SIZE, offset: (page - 1) * LIST_PAGE_SIZE,
      }),
    ]);
    if (!org && res.total === 0) throw notFound(`No organization named "${name}" in this hub.`);
    const pages = pageCount(res.total, LIST_PAGE_SIZE);
    if (page > pages) throw notFound(`${name} has ${pages} page(s) of papers; there is no page ${page}.`);
    const display = org?.fullname || name;
    const avatar = imageSrc({ mode: config.images, secret: config.secret }, org?.avatarUrl);
    const path = orgPath(name);
    const feed = `/feeds/orgs/${encodeURIComponent(name)}.rss`;
    const vote = await voteStates(req, reply, deps.votes, res.items.map((it) => it.paper.id));
    const community = await orgCommunitySection(deps, req, reply, org);
    const body = html`<div class="list-head"><div>
<h1>${avatar ? html`<img src="${avatar}" alt="${`${display} logo`}" width="40" height="40" loading="lazy" decoding="async" class="org-avatar">` : ''}${display}</h1>
<p class="muted">${display !== name ? html`${name} · ` : ''}${plural(res.total, 'paper')} on the daily lists · <a href="${feed}">RSS feed</a></p>
</div>${community.follow ? html`<div class="org-follow">${community.follow}</div>` : ''}</div>
${cardList(res.items.map((it) => paperCard(it, { date: 'day', images: { mode: config.images, secret: config.secret }, vote: vote(it.paper.id) })), 'No papers from this organization on the daily lists yet.')}
${pager(path, {}, page, pages)}
${community.members}
${subscribeBox(reply.generateCsrf(), 'weekly')}`;
    return sendHtml(reply, layout({
      title: `${display} papers`,
      description: `Papers from ${display} featured on the daily lists.`,
      canonical: config.publicUrl + path + (page > 1 ? `?page=${page}` : ''),
      alternates: [{ type: 'application/rss+xml', title: `${display} papers (RSS)`, href: feed }],
      body,
      ...pageContext(req),
    }));
  });
}
