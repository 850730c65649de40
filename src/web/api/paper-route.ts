/**
 * GET /api/papers/{id} — one paper in the Hub's shape (what
 * `HfApi.paper_info` and `hf papers info` read); 404 JSON when unknown.
 *
 * A wildcard route, because old-style arXiv ids contain a slash
 * ("hep-th/9901001"); the id may also carry a version ("2502.08025v2") or an
 * "arXiv:" prefix, both of which resolve to the stored paper.
 * `?field=comments` answers the paper's discussion instead (as the Hub offers);
 * `/api/papers/{id}/similar?limit=` the papers most like it.
 * Non-goals: the Markdown view (`/papers/{id}.md`, owned by the pages).
 */
import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../app.js';
import type { PaperDetail } from '../../store/store.js';
import { parseArxivId } from '../../domain/arxiv-id.js';
import { notFound } from '../http-error.js';
import { hfPaperDetail } from './hf-shape.js';
import { enumParam, intParam, invalidParameter, type RawQuery } from '../params.js';
import { apiComment } from './comment-shape.js';

/** `/api/papers/{id}/similar?limit=`: 10 by default (a sidebar's worth), at most 50 (the similar query is an OR of a paper's telling words). */
export const SIMILAR_LIMIT_DEFAULT = 10;
export const SIMILAR_LIMIT_MAX = 50;

/** What `?field=` may ask for instead of the paper: its comments. */
export const PAPER_FIELDS = ['comments'] as const;

/** Looks a paper up by what a client sent: the stored id, or an arXiv id with version/prefix. */
export async function findPaper(deps: Pick<RouteDeps, 'store'>, rawId: string): Promise<PaperDetail | null> {
  const exact = await deps.store.getPaper(rawId);
  if (exact) return exact;
  const parsed = parseArxivId(rawId);
  if (parsed && parsed.id !== rawId) return deps.store.getPaper(parsed.id);
  return null;
}

export async function paperRoute(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  app.get('/api/papers/*', async (req, reply) => {
    let id = ((req.params as Record<string, string>)['*'] ?? '').replace(/\/+$/, '');
    const similar = id.endsWith('/similar');
    if (similar) id = id.slice(0, -'/similar'.length);
    if (!id) throw invalidParameter('id', 'give a paper id, as in /api/papers/2502.08025.');
    if (id.length > 200) throw invalidParameter('id', 'a paper id is at most 200 characters.');
    const detail = await findPaper(deps, id);
    const field = enumParam(req.query as RawQuery, 'field', PAPER_FIELDS);
    if (!detail) throw notFound(`No paper "${id}" here. Check the id, or search with /api/papers/search?q=…`);
    if (similar) {
      // Papers like this one, from the search layer's similar() (the same on every engine), in the Hub's paper shape.
      const limit = intParam(req.query as RawQuery, 'limit', 1, SIMILAR_LIMIT_MAX, SIMILAR_LIMIT_DEFAULT);
      const papers = await deps.search.similar(detail.paper.id, limit);
      return reply.type('application/json; charset=utf-8').send(papers.map(hfPaperDetail));
    }
    if (field === 'comments') {
      // The paper's discussion, oldest first, each comment shaped like the Hub's discussion events.
      const comments = (await deps.comments.listComments(detail.paper.id)).map(apiComment);
      return reply.type('application/json; charset=utf-8').send({ id: detail.paper.id, numComments: detail.numComments, comments });
    }
    return reply.type('application/json; charset=utf-8').send(hfPaperDetail(detail));
  });
}
