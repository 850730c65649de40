/**
 * `GET /papers/{id}` (ids may hold a slash: "hep-th/9901001", so this is the
 * `/papers/*` wildcard, tried after every fixed `/papers/...` route), its
 * Markdown form `/papers/{id}.md` or `Accept: text/markdown`, and its similar
 * papers `/papers/{id}/similar` (a page; `?fragment=1` gives the list alone,
 * which app.js loads into the paper page).
 *
 * Similar papers come from the lexical engine's similar() — far slower than
 * the rest of the page on a big corpus — so the paper page shows them inline
 * only when the SimilarCache already holds them, and otherwise links to them
 * (fetched by the script after the page has rendered).
 *
 * Goals: one canonical URL per paper (a versioned or "arXiv:"-prefixed id
 * redirects, 301, to the bare id); a 404 that still helps (a link to the
 * paper on arXiv when the id is a real arXiv id). Non-goals: submitting a
 * missing paper (needs accounts).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RouteDeps } from '../app.js';
import { parseArxivId } from '../../domain/arxiv-id.js';
import { notFound } from '../http-error.js';
import { renderPaperMarkdown } from '../api/paper-markdown.js';
import { html } from '../../html/html.js';
import { renderErrorPage } from './error-page.js';
import { paperPath } from './format.js';
import { pageContext, sendHtml } from './page-context.js';
import { renderPaperPage, similarList } from './paper-page.js';
import { SimilarCache } from './similar-cache.js';
import { voteStates } from '../community/vote-control.js';
import { commentsSection } from '../community/comments-view.js';
import { commentViewer } from '../community/comment-viewer.js';
import { saveBoxFor } from '../community/reading-list-routes.js';
import { paperTools } from '../community/paper-tools.js';
import { layout } from './layout.js';
import type { Paper } from '../../domain/paper.js';

/** Similar papers listed beside a paper: enough to browse on, few enough to stay a sidebar. */
export const SIMILAR_COUNT = 5;

/** Local (non-arXiv) paper ids, as ingestion makes them. */
const LOCAL_ID = /^local-[A-Za-z0-9._-]{1,200}$/;

/** True when the client asked for Markdown before (or instead of) HTML. */
export function prefersMarkdown(accept: string | undefined): boolean {
  if (!accept) return false;
  const md = accept.indexOf('text/markdown');
  if (md < 0) return false;
  const htmlAt = accept.indexOf('text/html');
  return htmlAt < 0 || md < htmlAt;
}

type Req = FastifyRequest<{ Params: { '*': string } }>;

export async function paperRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { store, search, config } = deps;
  const cache = new SimilarCache();

  async function similarPapers(id: string): Promise<Paper[]> {
    const now = deps.now().getTime();
    let ids = cache.get(id, now);
    if (!ids) {
      const similar = await search.similar(id, SIMILAR_COUNT);
      ids = similar.map((d) => d.paper.id);
      cache.set(id, ids, now);
      return similar.map((d) => d.paper);
    }
    return store.getPapers(ids);
  }

  function cachedSimilar(id: string): Promise<Paper[]> | null {
    const ids = cache.get(id, deps.now().getTime());
    return ids ? store.getPapers(ids) : null;
  }

  function paperNotFound(req: FastifyRequest, reply: FastifyReply, id: string, isArxiv: boolean) {
    const hint = isArxiv
      ? html`<p>It may not have been imported yet. <a href="${`https://arxiv.org/abs/${id}`}" rel="noopener">Open ${id} on arXiv</a>.</p>`
      : undefined;
    return sendHtml(reply, renderErrorPage(404, `No paper ${id} in this hub.`, { ...pageContext(req), hint }), 404);
  }

  app.get('/papers/*', async (req: Req, reply) => {
    let rest = req.params['*'] ?? '';
    if (rest === '') return reply.redirect('/papers', 301);
    const asSimilar = rest.endsWith('/similar');
    if (asSimilar) rest = rest.slice(0, -'/similar'.length);
    const asMarkdown = !asSimilar && rest.endsWith('.md');
    if (asMarkdown) rest = rest.slice(0, -3);
    let id: string;
    let isArxiv = false;
    if (LOCAL_ID.test(rest)) {
      id = rest;
    } else {
      const parsed = parseArxivId(rest);
      if (!parsed) throw notFound(`Nothing at /papers/${rest}: that is not a paper id (such as 2405.15738 or hep-th/9901001).`);
      isArxiv = true;
      id = parsed.id;
      if (id !== rest) return reply.redirect(paperPath(id) + (asMarkdown ? '.md' : asSimilar ? '/similar' : ''), 301);
    }
    const detail = await store.getPaper(id);
    if (asSimilar) {
      if (!detail) throw notFound(`No paper ${id} in this hub.`);
      const list = similarList(await similarPapers(id));
      const fragment = (req.query as Record<string, unknown>).fragment === '1';
      if (fragment) return reply.type('text/html; charset=utf-8').header('Cache-Control', 'public, max-age=3600').send(list.value);
      const title = `Papers similar to “${detail.paper.title || id}”`;
      return sendHtml(reply, layout({
        title,
        canonical: config.publicUrl + paperPath(id) + '/similar',
        body: html`<h1>${title}</h1>${list}<p><a href="${paperPath(id)}">← Back to the paper</a></p>`,
        ...pageContext(req),
      }));
    }
    const markdown = asMarkdown || prefersMarkdown(req.headers.accept);
    if (!asMarkdown) reply.header('Vary', 'Accept');
    if (!detail) {
      if (markdown) throw notFound(`No paper ${id} in this hub.`);
      return paperNotFound(req, reply, id, isArxiv);
    }
    if (markdown) {
      return reply.type('text/markdown; charset=utf-8').send(renderPaperMarkdown(detail, config.publicUrl));
    }
    const similar = await cachedSimilar(id);
    const vote = (await voteStates(req, reply, deps.votes, [id]))(id);
    const comments = commentsSection(id, await deps.comments.listComments(id), commentViewer(req, reply), detail.numComments);
    const lists = await saveBoxFor(deps, req, reply, id);
    const { tools, authors } = await paperTools(deps, req, reply, detail);
    return sendHtml(reply, renderPaperPage({
      detail, similar, publicUrl: config.publicUrl, images: { mode: config.images, secret: config.secret }, vote, comments, lists, tools, authorLinks: authors,
    }, pageContext(req)));
  });
}
