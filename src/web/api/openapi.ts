/**
 * The OpenAPI 3.1 description of paperboy's read API, feeds and Markdown
 * view, served at GET /api/openapi.json.
 *
 * Goals: a typed object (so a renamed field fails the type check, not a
 * client), schemas matching hf-shape.ts, and a test that every registered
 * /api route appears here. Non-goals: generating routes or validators from
 * it (params.ts validates; this document describes).
 */

type Schema =
  | { $ref: string; description?: string }
  | {
    type?: string | string[];
    description?: string;
    properties?: Record<string, Schema>;
    required?: string[];
    items?: Schema;
    enum?: readonly string[];
    format?: string;
    pattern?: string;
    minimum?: number;
    maximum?: number;
    minLength?: number;
    maxLength?: number;
    default?: unknown;
    example?: unknown;
    additionalProperties?: boolean | Schema;
    allOf?: Schema[];
  };

interface Parameter {
  name: string;
  in: 'query' | 'path' | 'header';
  required?: boolean;
  description: string;
  schema: Schema;
}

interface MediaType {
  schema: Schema;
  example?: unknown;
}

interface Response {
  description: string;
  headers?: Record<string, { description: string; schema: Schema }>;
  content?: Record<string, MediaType>;
}

interface Operation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  parameters?: Parameter[];
  /** Write operations name the bearer scheme (a personal API token). */
  security?: { bearer: string[] }[];
  requestBody?: { required: boolean; content: Record<string, MediaType> };
  responses: Record<string, Response>;
}

type PathItem = { get?: Operation; post?: Operation; delete?: Operation };

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string; license?: { name: string; identifier: string } };
  servers: { url: string }[];
  tags: { name: string; description: string }[];
  paths: Record<string, PathItem>;
  components: { schemas: Record<string, Schema>; securitySchemes: Record<string, { type: 'http'; scheme: 'bearer'; description: string }> };
}

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const nullable = (type: string): string[] => [type, 'null'];

const error: Response = {
  description: 'Invalid parameter (the message names it)',
  content: { 'application/json': { schema: ref('Error'), example: { error: { code: 'invalid_parameter', message: 'Invalid parameter "limit": expected an integer from 1 to 100, got 500.' } } } },
};
const unauthorized: Response = {
  description: 'No valid personal API token (send Authorization: Bearer pb_…; create one in Settings)',
  headers: { 'WWW-Authenticate': { description: 'Bearer realm="paperboy"', schema: { type: 'string' } } },
  content: { 'application/json': { schema: ref('Error') } },
};
function upvoteOperation(operationId: string, summary: string): Operation {
  return {
    operationId,
    summary,
    description: 'Shown counts are the imported count plus local votes (docs/API.md). Needs a verified user\'s token.',
    tags: ['papers'],
    security: [{ bearer: [] }],
    parameters: [{ name: 'id', in: 'path', required: true, description: 'arXiv id or local id', schema: { type: 'string' } }],
    responses: {
      200: { description: 'The vote as it is now', content: { 'application/json': { schema: ref('VoteAnswer') } } },
      401: unauthorized,
      403: { description: 'The address of the token\'s user is not verified', content: { 'application/json': { schema: ref('Error') } } },
      404: { description: 'No such paper', content: { 'application/json': { schema: ref('Error') } } },
      429: { description: 'Too many votes: wait Retry-After seconds', content: { 'application/json': { schema: ref('Error') } } },
    },
  };
}

const notFound: Response = {
  description: 'No such paper',
  content: { 'application/json': { schema: ref('Error') } },
};

const feedResponse = (kind: 'rss' | 'atom'): Record<string, Response> => ({
  200: {
    description: kind === 'rss' ? 'RSS 2.0 feed' : 'Atom 1.0 feed',
    content: { [kind === 'rss' ? 'application/rss+xml' : 'application/atom+xml']: { schema: { type: 'string' } } },
  },
  400: error,
});

const dateParam: Parameter = { name: 'date', in: 'query', description: 'A day of the daily list, YYYY-MM-DD (selects on submittedOnDailyAt).', schema: { type: 'string', format: 'date', example: '2025-06-02' } };

function feedPaths(): Record<string, { get: Operation }> {
  const out: Record<string, { get: Operation }> = {};
  for (const kind of ['rss', 'atom'] as const) {
    out[`/feeds/daily.${kind}`] = {
      get: {
        operationId: `dailyFeed${kind === 'rss' ? 'Rss' : 'Atom'}`,
        summary: `The daily list as ${kind === 'rss' ? 'RSS 2.0' : 'Atom'} (newest day, or ?date=)`,
        tags: ['feeds'],
        parameters: [dateParam],
        responses: feedResponse(kind),
      },
    };
    out[`/feeds/trending.${kind}`] = {
      get: {
        operationId: `trendingFeed${kind === 'rss' ? 'Rss' : 'Atom'}`,
        summary: `Trending papers as ${kind === 'rss' ? 'RSS 2.0' : 'Atom'}`,
        tags: ['feeds'],
        responses: feedResponse(kind),
      },
    };
    out[`/feeds/orgs/{name}.${kind}`] = {
      get: {
        operationId: `orgFeed${kind === 'rss' ? 'Rss' : 'Atom'}`,
        summary: `An organization's daily-list papers as ${kind === 'rss' ? 'RSS 2.0' : 'Atom'}`,
        tags: ['feeds'],
        parameters: [{ name: 'name', in: 'path', required: true, description: 'Organization handle', schema: { type: 'string', maxLength: 100 } }],
        responses: { ...feedResponse(kind), 404: { description: 'Unknown organization', content: { 'application/json': { schema: ref('Error') } } } },
      },
    };
    out[`/feeds/search.${kind}`] = {
      get: {
        operationId: `searchFeed${kind === 'rss' ? 'Rss' : 'Atom'}`,
        summary: `Search results as ${kind === 'rss' ? 'RSS 2.0' : 'Atom'}`,
        tags: ['feeds'],
        parameters: [{ name: 'q', in: 'query', required: true, description: 'Search query', schema: { type: 'string', minLength: 1, maxLength: 250 } }],
        responses: feedResponse(kind),
      },
    };
  }
  return out;
}

export function openApiDocument(publicUrl: string): OpenApiDocument {
  return {
    openapi: '3.1.0',
    info: {
      title: 'paperboy',
      version: '1',
      description: 'API compatible with the Hugging Face Hub papers API (huggingface_hub `HfApi(endpoint=…)` and `hf papers ls|search|info|read`), plus RSS/Atom feeds and a Markdown view of each paper. See docs/API.md.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: publicUrl }],
    tags: [
      { name: 'papers', description: 'Hub-compatible JSON' },
      { name: 'feeds', description: 'RSS 2.0 and Atom feeds' },
      { name: 'accounts', description: 'Personal API tokens (Authorization: Bearer pb_…)' },
      { name: 'meta', description: 'This document' },
    ],
    paths: {
      '/api/daily_papers': {
        get: {
          operationId: 'listDailyPapers',
          summary: 'The daily list (newest day by default)',
          description: 'With none of date/week/month the newest day that has entries is listed. Without `sort`, a day/week/month is ordered by upvotes and the newest day by submission time (as the Hub CLI documents). A `Link: <…>; rel="next"` header points at the next page.',
          tags: ['papers'],
          parameters: [
            { name: 'p', in: 'query', description: 'Page number from 0', schema: { type: 'integer', minimum: 0, maximum: 10000, default: 0 } },
            { name: 'limit', in: 'query', description: 'Items per page', schema: { type: 'integer', minimum: 1, maximum: 100, default: 50 } },
            dateParam,
            { name: 'week', in: 'query', description: 'ISO week, YYYY-Www', schema: { type: 'string', pattern: '^\\d{4}-W\\d{2}$', example: '2025-W09' } },
            { name: 'month', in: 'query', description: 'Month, YYYY-MM', schema: { type: 'string', pattern: '^\\d{4}-\\d{2}$', example: '2025-02' } },
            { name: 'submitter', in: 'query', description: 'Only entries submitted by this user handle', schema: { type: 'string', maxLength: 100 } },
            { name: 'sort', in: 'query', description: 'publishedAt (newest submission first) or trending (score of domain/trending.ts)', schema: { type: 'string', enum: ['publishedAt', 'trending'] } },
          ],
          responses: {
            200: {
              description: 'Daily-list items',
              headers: { Link: { description: 'RFC 8288 link to the next page (absolute URL), when there is one', schema: { type: 'string' } } },
              content: { 'application/json': { schema: { type: 'array', items: ref('DailyItem') } } },
            },
            400: error,
          },
        },
        post: {
          operationId: 'submitDailyPaper',
          summary: 'Submit a paper to today\'s daily list',
          description: 'Body {"paper": "2406.12345"} (or "arxivId"): an arXiv id or an arXiv / Hugging Face paper link. Metadata comes from the arXiv API. Rules: not on a daily list yet (409), first published within PAPERBOY_SUBMIT_MAX_AGE_DAYS (422; admins exempt), at most PAPERBOY_SUBMIT_DAILY_CAP a day per user (429 until midnight UTC; admins exempt); 404 when arXiv has no such paper, 503 when arXiv cannot be reached (nothing saved).',
          tags: ['papers'],
          security: [{ bearer: [] }],
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', properties: { paper: { type: 'string', maxLength: 300 }, arxivId: { type: 'string', maxLength: 300 } }, additionalProperties: false } } } },
          responses: {
            201: { description: 'The new daily-list item', content: { 'application/json': { schema: ref('DailyItem') } } },
            400: error,
            401: unauthorized,
            404: { description: 'arXiv has no such paper', content: { 'application/json': { schema: ref('Error') } } },
            409: { description: 'Already on a daily list', content: { 'application/json': { schema: ref('Error') } } },
            415: { description: 'Not a JSON body', content: { 'application/json': { schema: ref('Error') } } },
            422: { description: 'Published too long ago', content: { 'application/json': { schema: ref('Error') } } },
            429: { description: 'Daily cap reached (Retry-After: until midnight UTC) or too many requests', content: { 'application/json': { schema: ref('Error') } } },
            503: { description: 'arXiv cannot be reached; try later (Retry-After)', content: { 'application/json': { schema: ref('Error') } } },
          },
        },
      },
      '/api/papers/search': {
        get: {
          operationId: 'searchPapers',
          summary: 'Search papers (title, authors, abstract)',
          tags: ['papers'],
          parameters: [
            { name: 'q', in: 'query', required: true, description: 'Query: words, "phrases", author:, category:, prefix*', schema: { type: 'string', minLength: 1, maxLength: 250 } },
            { name: 'limit', in: 'query', description: 'Number of results', schema: { type: 'integer', minimum: 1, maximum: 120, default: 50 } },
            { name: 'mode', in: 'query', description: 'auto (default): the words, fused with their meaning when fewer than 10 papers have every word; hybrid: words and meaning fused; lexical: BM25 over the words; semantic: the vector index only', schema: { type: 'string', enum: ['auto', 'hybrid', 'lexical', 'semantic'], default: 'auto' } },
          ],
          responses: {
            200: { description: 'Matching papers, best first', content: { 'application/json': { schema: { type: 'array', items: ref('SearchItem') } } } },
            400: error,
          },
        },
      },
      '/api/papers/{id}': {
        get: {
          operationId: 'getPaper',
          summary: 'One paper',
          description: 'Old-style arXiv ids contain a slash (hep-th/9901001) and are accepted as is; a version suffix (v2) or an "arXiv:" prefix resolves to the stored paper.',
          tags: ['papers'],
          parameters: [
            { name: 'id', in: 'path', required: true, description: 'arXiv id or local id', schema: { type: 'string', example: '2502.08025' } },
            { name: 'field', in: 'query', description: '"comments": the paper\'s discussion instead of the paper', schema: { type: 'string', enum: ['comments'] } },
          ],
          responses: {
            200: { description: 'The paper (PaperDetail), or with field=comments its discussion (PaperComments)', content: { 'application/json': { schema: ref('PaperDetail') } } },
            400: error,
            404: notFound,
          },
        },
      },
      '/healthz': {
        get: {
          operationId: 'healthz', summary: 'Liveness: 200 while the process answers', tags: ['health'],
          responses: { 200: { description: '{"status":"ok"}' } },
        },
      },
      '/readyz': {
        get: {
          operationId: 'readyz', summary: 'Readiness: the database answers and the search index is current (within 1,000 changes)', tags: ['health'],
          responses: { 200: { description: '{"status":"ready","lag":N}' }, 503: { description: 'not ready (Retry-After: 5)' } },
        },
      },
      '/api/papers/{id}/similar': {
        get: {
          operationId: 'similarPapers',
          summary: 'Papers like one paper',
          description: 'Ranked by BM25 on the paper\'s most telling words (title words count thrice, words too common or found only in this paper left out); the same papers on every search engine.',
          tags: ['papers'],
          parameters: [
            { name: 'id', in: 'path', required: true, description: 'arXiv id or local id', schema: { type: 'string', example: '2502.08025' } },
            { name: 'limit', in: 'query', description: 'how many papers (1–50, default 10)', schema: { type: 'integer', minimum: 1, maximum: 50, default: 10 } },
          ],
          responses: {
            200: { description: 'Similar papers, best first', content: { 'application/json': { schema: { type: 'array', items: ref('PaperDetail') } } } },
            400: error,
            404: notFound,
          },
        },
      },
      '/papers/{id}.md': {
        get: {
          operationId: 'getPaperMarkdown',
          summary: 'The paper as Markdown (what `hf papers read` prints)',
          description: 'Also served for `Accept: text/markdown` on /papers/{id}.',
          tags: ['papers'],
          parameters: [{ name: 'id', in: 'path', required: true, description: 'arXiv id or local id', schema: { type: 'string' } }],
          responses: {
            200: { description: 'Markdown', content: { 'text/markdown': { schema: { type: 'string' } } } },
            404: notFound,
          },
        },
      },
      '/api/papers/{id}/upvote': {
        post: upvoteOperation('upvote', 'Upvote a paper (idempotent)'),
        delete: upvoteOperation('removeUpvote', 'Remove your upvote (idempotent)'),
      },
      '/api/whoami-v2': {
        get: {
          operationId: 'whoami',
          summary: 'The owner of the API token (as the Hub answers HfApi.whoami)',
          tags: ['accounts'],
          security: [{ bearer: [] }],
          responses: {
            200: { description: 'The token\'s user', content: { 'application/json': { schema: ref('WhoAmI') } } },
            401: unauthorized,
          },
        },
      },
      '/api/openapi.json': {
        get: {
          operationId: 'openApi',
          summary: 'This document',
          tags: ['meta'],
          responses: { 200: { description: 'OpenAPI 3.1', content: { 'application/json': { schema: { type: 'object' } } } } },
        },
      },
      ...feedPaths(),
    },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'A personal API token (pb_…) created in Settings → API tokens' },
      },
      schemas: {
        PaperComments: {
          type: 'object',
          required: ['id', 'numComments', 'comments'],
          properties: {
            id: { type: 'string' },
            numComments: { type: 'integer', minimum: 0, description: 'Imported count + visible local comments' },
            comments: { type: 'array', items: ref('Comment') },
          },
        },
        Comment: {
          type: 'object',
          description: 'Shaped like the Hub\'s discussion comment events; hidden or deleted comments keep their place with empty text',
          required: ['id', 'type', 'parentId', 'createdAt', 'author', 'data'],
          properties: {
            id: { type: 'string' },
            type: { type: 'string', enum: ['comment'] },
            parentId: { type: nullable('string') },
            createdAt: { type: 'string', format: 'date-time' },
            author: { type: ['object', 'null'], properties: { name: { type: 'string' }, type: { type: 'string', enum: ['user'] } } },
            data: {
              type: 'object',
              properties: {
                latest: { type: 'object', properties: { raw: { type: 'string', description: 'Markdown as written' }, html: { type: 'string', description: 'Rendered safely (no raw HTML, links rel="nofollow ugc")' }, updatedAt: { type: 'string', format: 'date-time' } } },
                edited: { type: 'boolean' },
                deleted: { type: 'boolean' },
                hidden: { type: 'boolean' },
                hiddenBy: { type: nullable('string') },
                hiddenReason: { type: 'string' },
              },
            },
          },
        },
        VoteAnswer: {
          type: 'object',
          required: ['paperId', 'upvoted', 'changed', 'upvotes'],
          properties: {
            paperId: { type: 'string' },
            upvoted: { type: 'boolean', description: 'Whether your upvote is on the paper now' },
            changed: { type: 'boolean', description: 'Whether this request changed it' },
            upvotes: { type: 'integer', minimum: 0, description: 'The paper\'s shown count: imported + local votes' },
          },
        },
        WhoAmI: {
          type: 'object',
          required: ['type', 'id', 'name', 'email', 'emailVerified', 'role'],
          properties: {
            type: { type: 'string', enum: ['user'] },
            id: { type: 'string' },
            name: { type: 'string', description: 'Username' },
            fullname: { type: 'string' },
            email: { type: 'string' },
            emailVerified: { type: 'boolean' },
            role: { type: 'string', enum: ['user', 'moderator', 'admin'] },
          },
        },
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: { code: { type: 'string', example: 'invalid_parameter' }, message: { type: 'string' } },
            },
          },
        },
        Author: { type: 'object', required: ['name', 'hidden'], properties: { name: { type: 'string' }, hidden: { type: 'boolean' } } },
        Organization: {
          type: 'object',
          required: ['name', 'fullname'],
          properties: { name: { type: 'string' }, fullname: { type: 'string' }, avatar: { type: nullable('string') } },
        },
        DailySubmitter: {
          type: 'object',
          description: 'paper.submittedOnDailyBy (the handle is `user`)',
          required: ['user', 'fullname', 'type'],
          properties: { user: { type: 'string' }, fullname: { type: 'string' }, avatarUrl: { type: nullable('string') }, type: { type: 'string', enum: ['user'] } },
        },
        ItemSubmitter: {
          type: 'object',
          description: 'submittedBy of a daily item (the handle is `name`)',
          required: ['name', 'fullname', 'type'],
          properties: { name: { type: 'string' }, fullname: { type: 'string' }, avatarUrl: { type: nullable('string') }, type: { type: 'string', enum: ['user'] } },
        },
        Paper: {
          type: 'object',
          required: ['id', 'authors', 'publishedAt', 'title', 'summary', 'upvotes', 'discussionId'],
          properties: {
            id: { type: 'string', example: '2502.08025' },
            authors: { type: 'array', items: ref('Author'), description: 'Empty when only the number of authors is known' },
            publishedAt: { type: nullable('string'), format: 'date-time' },
            submittedOnDailyAt: { type: 'string', format: 'date-time', description: 'When the paper joined the daily list (absent if never)' },
            title: { type: 'string' },
            submittedOnDailyBy: ref('DailySubmitter'),
            summary: { type: 'string', description: 'The abstract' },
            upvotes: { type: 'integer', minimum: 0 },
            discussionId: { type: 'string' },
            ai_summary: { type: 'string' },
            ai_keywords: { type: 'array', items: { type: 'string' } },
            githubRepo: { type: 'string', format: 'uri' },
            githubStars: { type: 'integer' },
            projectPage: { type: 'string', format: 'uri' },
            organization: ref('Organization'),
          },
        },
        PaperDetail: {
          description: 'Paper plus numComments (of its newest daily entry)',
          allOf: [ref('Paper'), { type: 'object', required: ['numComments'], properties: { numComments: { type: 'integer', minimum: 0 } } }],
        },
        DailyItem: {
          type: 'object',
          required: ['paper', 'publishedAt', 'title', 'summary', 'thumbnail', 'numComments', 'isAuthorParticipating'],
          properties: {
            paper: ref('Paper'),
            publishedAt: { type: nullable('string'), format: 'date-time' },
            title: { type: 'string' },
            summary: { type: 'string' },
            thumbnail: { type: 'null', description: 'The Hub serves a social image; paperboy has none' },
            numComments: { type: 'integer', minimum: 0 },
            submittedBy: ref('ItemSubmitter'),
            organization: ref('Organization'),
            isAuthorParticipating: { type: 'boolean' },
          },
        },
        SearchItem: {
          description: 'DailyItem plus highlighted HTML (escaped; matches in <mark>)',
          allOf: [ref('DailyItem'), {
            type: 'object',
            required: ['highlightedTitle', 'highlightedSummary'],
            properties: { highlightedTitle: { type: 'string' }, highlightedSummary: { type: 'string' } },
          }],
        },
      },
    },
  };
}
