/**
 * End to end over a real port: replays the HTTP requests huggingface_hub's
 * HfApi (list_daily_papers, list_papers, paper_info, read_paper) and the
 * `hf papers ls|search|info|read` CLI send (paths, query strings in the
 * client's order and encoding, headers), then parses the answers the way
 * the client's PaperInfo/PaperAuthor/User/Organization constructors do
 * (src/huggingface_hub/hf_api.py; see docs/API.md) and checks every field
 * they read and the CLI prints.
 *
 * The real Python client is not installed on this machine (no PyPI), so the
 * parser is mirrored here line by line, including Python's `a or b`.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { fixtureApp, type TestApp } from './api-fixtures.js';

type Json = Record<string, unknown>;

/** Python truthiness, for the client's `x.pop(k, None) or y.pop(k, None)`. */
function truthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v as object).length > 0;
  return true;
}
const or = (a: unknown, b: () => unknown) => (truthy(a) ? a : b());
function pop(d: Json, k: string, dflt: unknown = null): unknown {
  if (!(k in d)) return dflt;
  const v = d[k];
  delete d[k];
  return v;
}

/** huggingface_hub.utils.parse_datetime: strptime("%Y-%m-%dT%H:%M:%S.%fZ") after padding the fraction. */
function parseDatetime(s: unknown): Date {
  assert.equal(typeof s, 'string');
  assert.match(s as string, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/, `parse_datetime accepts ${String(s)}`);
  return new Date(s as string);
}

interface PyUser { username: unknown; fullname: unknown; avatar_url: unknown }
interface PyOrg { name: unknown; fullname: unknown; avatar_url: unknown }
interface PyPaperInfo {
  id: unknown;
  authors: { name: unknown; hidden: unknown }[] | null;
  published_at: Date | null;
  title: unknown;
  summary: unknown;
  upvotes: unknown;
  discussion_id: unknown;
  comments: unknown;
  submitted_at: Date | null;
  submitted_by: PyUser | null;
  ai_summary: unknown;
  ai_keywords: unknown;
  organization: PyOrg | null;
  project_page: unknown;
  github_repo: unknown;
  github_stars: unknown;
}

const user = (d: Json): PyUser => ({ username: pop(d, 'user', ''), fullname: pop(d, 'fullname', ''), avatar_url: pop(d, 'avatarUrl', '') });
const organization = (d: Json): PyOrg => ({ avatar_url: pop(d, 'avatarUrl', ''), name: pop(d, 'name', ''), fullname: pop(d, 'fullname', '') });

/** Mirror of PaperInfo.__init__(**kwargs). */
function paperInfo(input: Json): PyPaperInfo {
  const kwargs = structuredClone(input);
  const paper = pop(kwargs, 'paper', {}) as Json;
  const id = or(pop(kwargs, 'id'), () => pop(paper, 'id'));
  const authors = or(pop(paper, 'authors'), () => pop(kwargs, 'authors')) as Json[] | null;
  const publishedAt = or(pop(paper, 'publishedAt'), () => pop(kwargs, 'publishedAt'));
  const title = pop(kwargs, 'title');
  const summary = or(pop(paper, 'summary'), () => pop(kwargs, 'summary'));
  const upvotes = or(pop(paper, 'upvotes'), () => pop(kwargs, 'upvotes'));
  const discussionId = or(pop(paper, 'discussionId'), () => pop(kwargs, 'discussionId'));
  const comments = pop(kwargs, 'numComments', 0);
  const submittedAt = or(pop(kwargs, 'publishedAt'), () => pop(kwargs, 'submittedOnDailyAt'));
  const submittedBy = or(pop(kwargs, 'submittedBy'), () => pop(kwargs, 'submittedOnDailyBy')) as Json | null;
  const org = pop(kwargs, 'organization') as Json | null;
  return {
    id,
    authors: truthy(authors) ? authors!.map((a) => ({ name: pop(a, 'name', ''), hidden: pop(a, 'hidden') })) : null,
    published_at: truthy(publishedAt) ? parseDatetime(publishedAt) : null,
    title,
    summary,
    upvotes,
    discussion_id: discussionId,
    comments,
    submitted_at: truthy(submittedAt) ? parseDatetime(submittedAt) : null,
    submitted_by: truthy(submittedBy) ? user({ ...submittedBy! }) : null,
    ai_summary: pop(kwargs, 'ai_summary'),
    ai_keywords: pop(kwargs, 'ai_keywords'),
    organization: truthy(org) ? organization({ ...org! }) : null,
    project_page: pop(kwargs, 'projectPage'),
    github_repo: pop(kwargs, 'githubRepo'),
    github_stars: pop(kwargs, 'githubStars'),
  };
}

/** What `hf papers ls` adds before printing: submitted_by.fullname or submitted_by.username. */
const submittedByName = (p: PyPaperInfo) => (p.submitted_by ? (truthy(p.submitted_by.fullname) ? p.submitted_by.fullname : p.submitted_by.username) || '' : '');

/** Headers httpx sends for HfApi calls (build_hf_headers: user-agent, optional token). */
function hubHeaders(token?: string): Record<string, string> {
  const h: Record<string, string> = {
    'user-agent': 'unknown/None; hf_hub/1.8.0; python/3.12.3; torch/N/A; session_id/3f2c8e0d9b2a4c6e8f1a2b3c4d5e6f70',
    accept: '*/*',
    'accept-encoding': 'gzip, deflate',
    connection: 'keep-alive',
  };
  if (token) h.authorization = `Bearer ${token}`;
  return h;
}
/** paper_info and read_paper go through get_session() without HfApi headers: httpx's own defaults. */
const plainHeaders = { 'user-agent': 'python-httpx/0.28.1', accept: '*/*', 'accept-encoding': 'gzip, deflate', connection: 'keep-alive' };

describe('huggingface_hub client and `hf papers` CLI against a live server', () => {
  let t: TestApp;
  let base: string;
  before(async () => {
    t = await fixtureApp();
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  });
  after(async () => { await t.close(); });

  async function getJson(path: string, headers: Record<string, string>): Promise<{ status: number; body: unknown; res: Response }> {
    const res = await fetch(base + path, { headers });
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    return { status: res.status, body: await res.json(), res };
  }

  it('`hf papers ls` → GET /api/daily_papers?limit=50: newest day, every field the table prints', async () => {
    const { status, body } = await getJson('/api/daily_papers?limit=50', hubHeaders());
    assert.equal(status, 200);
    const infos = (body as Json[]).map(paperInfo);
    assert.deepEqual(infos.map((p) => p.id), ['2506.02003', '2506.02002', '2506.02001']);
    const p = infos.find((x) => x.id === '2506.02001')!;
    // Table headers: id, title, upvotes, comments, published_at, submitted_by_name.
    assert.equal(p.title, 'Vision Language Models Need Better Benchmarks');
    assert.equal(p.upvotes, 8);
    assert.equal(p.comments, 2);
    assert.equal(p.published_at?.toISOString(), '2025-06-02T12:00:00.000Z');
    assert.equal(submittedByName(p), 'AK');
    assert.deepEqual(p.authors?.map((a) => a.name), ['Barbara Liskov', 'Edsger Dijkstra', 'Donald Knuth']);
    assert.equal(p.discussion_id, '2506.02001');
    assert.equal(p.summary, 'We propose a benchmark for vision language models and evaluate twenty models.');
    assert.deepEqual(p.organization, { avatar_url: '', name: 'AcmeAI', fullname: 'Acme AI Research' });
    // The client takes the top-level publishedAt as submitted_at (its quirk); it must parse.
    assert.ok(p.submitted_at instanceof Date);
  });

  it('`hf papers ls --date 2025-06-02 --limit 10` (with a saved token) → upvote order', async () => {
    const { status, body } = await getJson('/api/daily_papers?limit=10&date=2025-06-02', hubHeaders('hf_abcdefghijklmnopqrstuvwxyz012345'));
    assert.equal(status, 200, 'a Bearer token is ignored, never rejected');
    const infos = (body as Json[]).map(paperInfo);
    assert.deepEqual(infos.map((p) => [p.id, p.upvotes]), [['2506.01001', 42], ['2506.01002', 17], ['2506.01003', 3]]);
  });

  it('`hf papers ls --sort trending`, `--week`, `--month`, `--submitter` send the client’s params', async () => {
    const trending = (await getJson('/api/daily_papers?limit=50&sort=trending', hubHeaders())).body as Json[];
    assert.equal(paperInfo(trending[0]).id, '2506.02002');
    const week = (await getJson('/api/daily_papers?limit=50&week=2025-W23', hubHeaders())).body as Json[];
    assert.equal(week.length, 6);
    const month = (await getJson('/api/daily_papers?limit=50&month=2025-06', hubHeaders())).body as Json[];
    assert.equal(month.length, 6);
    const bySubmitter = (await getJson('/api/daily_papers?limit=50&week=2025-W23&submitter=grace', hubHeaders())).body as Json[];
    assert.deepEqual(bySubmitter.map((x) => paperInfo(x).id).sort(), ['2506.01002', '2506.02002']);
  });

  it('list_daily_papers(p=…, limit=…) pages, with Link rel="next" on the public URL', async () => {
    const first = await getJson('/api/daily_papers?p=0&limit=4&week=2025-W23', hubHeaders());
    assert.equal((first.body as Json[]).length, 4);
    assert.match(first.res.headers.get('link') ?? '', /^<http:\/\/papers\.test\/api\/daily_papers\?.*p=1>; rel="next"$/);
    const second = await getJson('/api/daily_papers?p=1&limit=4&week=2025-W23', hubHeaders());
    assert.equal((second.body as Json[]).length, 2);
    assert.equal(second.res.headers.get('link'), null);
  });

  it('papers with only an author count parse with authors None (the client maps [] to None)', async () => {
    const { body } = await getJson('/api/daily_papers?limit=50&date=2025-05-28', hubHeaders());
    const p = paperInfo((body as Json[])[0]);
    assert.equal(p.id, 'hep-th/9901001');
    assert.equal(p.authors, null);
    assert.equal(submittedByName(p), '');
  });

  it('`hf papers search "vision language" --limit 20` → GET /api/papers/search?q=vision+language&limit=20', async () => {
    const { status, body } = await getJson('/api/papers/search?q=vision+language&limit=20', hubHeaders());
    assert.equal(status, 200);
    const items = body as Json[];
    const infos = items.map(paperInfo);
    // Table headers: id, title, summary, upvotes, published_at.
    assert.equal(infos[0].id, '2506.02001');
    assert.equal(infos[0].title, 'Vision Language Models Need Better Benchmarks');
    assert.equal(typeof infos[0].summary, 'string');
    assert.equal(infos[0].upvotes, 8);
    assert.ok(infos[0].published_at instanceof Date);
    assert.match(String(items[0].highlightedTitle), /<mark>Vision<\/mark> <mark>Language<\/mark>/);
  });

  it('`hf papers info 2506.01001` → GET /api/papers/2506.01001: every PaperInfo field', async () => {
    const { status, body } = await getJson('/api/papers/2506.01001', plainHeaders);
    assert.equal(status, 200);
    const p = paperInfo(body as Json);
    assert.equal(p.id, '2506.01001');
    assert.deepEqual(p.authors, [{ name: 'Ada Lovelace', hidden: false }, { name: 'Alan Turing', hidden: false }]);
    assert.equal(p.published_at?.toISOString(), '2025-05-30T17:59:01.000Z');
    assert.equal(p.title, 'Sparse Diffusion Transformers for Fast Image Generation');
    assert.equal(p.upvotes, 42);
    assert.equal(p.discussion_id, '2506.01001');
    assert.equal(p.comments, 5);
    assert.equal(p.submitted_at?.toISOString(), '2025-06-02T03:12:44.120Z');
    assert.deepEqual(p.submitted_by, { username: 'akhaliq', fullname: 'AK', avatar_url: '/avatars/akhaliq.svg' });
    assert.equal(p.ai_summary, 'Sparse attention makes diffusion transformers faster.');
    assert.deepEqual(p.ai_keywords, ['diffusion', 'sparse attention']);
    assert.equal((p.organization as PyOrg).name, 'AcmeAI');
    assert.equal(p.project_page, 'https://acme.example/sdt');
    assert.equal(p.github_repo, 'https://github.com/acme/sdt');
    assert.equal(p.github_stars, 321);
  });

  it('`hf papers info` of an unknown id gets the 404 the CLI turns into "not found on the Hub"', async () => {
    const { status, body } = await getJson('/api/papers/2601.15621', plainHeaders);
    assert.equal(status, 404);
    assert.equal((body as { error: { code: string } }).error.code, 'not_found');
  });

  it('`hf papers read 2506.01001` → GET /papers/2506.01001.md: Markdown text', async () => {
    const res = await fetch(`${base}/papers/2506.01001.md`, { headers: hubHeaders() });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/markdown/);
    const md = await res.text();
    assert.match(md, /^# Sparse Diffusion Transformers for Fast Image Generation/);
    assert.match(md, /## Abstract/);
    const missing = await fetch(`${base}/papers/2601.15621.md`, { headers: hubHeaders() });
    assert.equal(missing.status, 404);
  });
});
