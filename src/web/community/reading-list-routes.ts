/**
 * Reading lists: save a paper to one of your named lists from its page
 * (`POST /papers/{id}/save`, `/unsave`), your lists at `/users/{name}/lists`
 * (create one there), each list at `/users/{name}/lists/{slug}` with its RSS
 * and Atom feeds (`{slug}.rss`, `{slug}.atom`) and a BibTeX export
 * (`{slug}.bib`); the owner renames it, makes it public or private, removes
 * papers, deletes it.
 *
 * Goals: a private list does not exist for anyone but its owner (404, the
 * same as a missing list — its name is not revealed); only the owner
 * changes a list (the store matches the owner in every write); verified
 * users only; every form with the CSRF token; names stored as written and
 * shown escaped. Non-goals: sharing a private list by secret link,
 * collaborative lists, ordering by hand.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RouteDeps } from '../app.js';
import type { PaperDetail } from '../../store/store.js';
import type { ReadingList } from '../../store/reading-list-store.js';
import type { User } from '../../store/account-store.js';
import { html, type SafeHtml } from '../../html/html.js';
import { HttpError, notFound } from '../http-error.js';
import { layout } from '../pages/layout.js';
import { pageContext, sendHtml } from '../pages/page-context.js';
import { authorLine, formatDay, paperPath, plural } from '../pages/format.js';
import { bibtex } from '../pages/bibtex.js';
import { renderFeed, type FeedFormat } from '../feeds/feed-document.js';
import { requirePageUser, requireVerified, type CurrentUser } from '../auth/current-user.js';
import { profilePath } from './profile-path.js';

/** Lists per user: a shelf, not a database (a bound on a runaway script). */
export const MAX_LISTS = 100;
/** Papers per list: a long syllabus fits; a whole category does not. */
export const MAX_LIST_ITEMS = 1000;
/** Longest list name. */
export const MAX_LIST_NAME = 100;
/** Papers per list page, and per feed. */
const LIST_PAGE = 50;

/** A URL part from a name: lowercase letters, digits and dashes, at most 60 ("Reading group — week 3" → "reading-group-week-3"). */
export function slugify(name: string): string {
  const s = name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60).replace(/-+$/, '');
  return s || 'list';
}

export function listPath(owner: string, slug: string): string {
  return `${profilePath(owner)}/lists/${encodeURIComponent(slug)}`;
}

type Body = Record<string, unknown>;
function bodyOf(req: FastifyRequest): Body {
  return req.body && typeof req.body === 'object' ? req.body as Body : {};
}

function listName(raw: unknown): string {
  const name = typeof raw === 'string' ? raw.trim() : '';
  if (!name) throw new HttpError(400, 'invalid_parameter', 'Give the list a name, such as "Reading group".');
  if ([...name].length > MAX_LIST_NAME) throw new HttpError(400, 'invalid_parameter', `A list name is at most ${MAX_LIST_NAME} characters.`);
  return name;
}

function listIdOf(raw: unknown): number {
  if (typeof raw !== 'string' || !/^[1-9]\d{0,15}$/.test(raw)) throw new HttpError(400, 'invalid_parameter', 'Invalid parameter "list": choose one of your lists.');
  return Number(raw);
}

/** The "your reading lists" box of a paper page (signed-in, verified visitors). */
export function saveBox(paperId: string, lists: ReadingList[], containing: Set<number>, csrf: string): SafeHtml {
  const csrfField = html`<input type="hidden" name="_csrf" value="${csrf}">`;
  const inLists = lists.filter((l) => containing.has(l.id));
  const others = lists.filter((l) => !containing.has(l.id));
  return html`<section aria-labelledby="lists-h" id="lists"><h2 id="lists-h">Your reading lists</h2>
${inLists.length ? html`<ul class="in-lists">${inLists.map((l) => html`<li><a href="${listPath(l.owner, l.slug)}">${l.name}</a>${l.public ? '' : html` <span class="muted">(private)</span>`}
<form method="post" action="${`${paperPath(paperId)}/unsave`}" class="inline">${csrfField}<input type="hidden" name="list" value="${String(l.id)}"><button type="submit" aria-label="${`Remove from ${l.name}`}">Remove</button></form></li>`)}</ul>` : html`<p class="muted">Not in any of your lists.</p>`}
${others.length ? html`<form method="post" action="${`${paperPath(paperId)}/save`}" class="row">${csrfField}
<label class="sr-only" for="save-list">Save to</label><select id="save-list" name="list">${others.map((l) => html`<option value="${String(l.id)}">${l.name}</option>`)}</select>
<button type="submit">Save</button></form>` : ''}
<details><summary>New list</summary><form method="post" action="${`${paperPath(paperId)}/save`}" class="stack">${csrfField}
<input type="hidden" name="list" value="new">
<div class="field"><label for="new-list-name">Name</label><input id="new-list-name" name="name" required maxlength="${MAX_LIST_NAME}"></div>
<label><input type="checkbox" name="public" value="on"> Public (a page, a feed and BibTeX anyone can open)</label>
<button type="submit">Create and save</button></form></details>
</section>`;
}

/** The save box's data for a page request: null for visitors and unverified users. */
export async function saveBoxFor(deps: RouteDeps, req: FastifyRequest, reply: FastifyReply, paperId: string): Promise<SafeHtml | null> {
  const u = req.user;
  if (!u || u.via !== 'session' || !u.emailVerified) return null;
  const [lists, containing] = await Promise.all([deps.readingLists.listsOf(u.id, true), deps.readingLists.listsWithPaper(u.id, paperId)]);
  return saveBox(paperId, lists, new Set(containing), reply.generateCsrf());
}

/** `POST /papers/{id}/save` (list = an id, or "new" with a name) and `/unsave` (list = an id). */
export async function saveForm(deps: RouteDeps, req: FastifyRequest, reply: FastifyReply, detail: PaperDetail, save: boolean): Promise<FastifyReply> {
  const user = requireVerified(requirePageUser(req, `${paperPath(detail.paper.id)}#lists`));
  const b = bodyOf(req);
  const now = deps.now();
  const lists = deps.readingLists;
  let listId: number;
  if (save && b.list === 'new') {
    const name = listName(b.name);
    if ((await lists.listsOf(user.id, true)).length >= MAX_LISTS) throw new HttpError(400, 'invalid_parameter', `You have ${MAX_LISTS} lists, the most; delete one first.`);
    listId = (await lists.createList({ ownerId: user.id, name, slug: slugify(name), public: b.public === 'on', now })).id;
  } else {
    listId = listIdOf(b.list);
  }
  if (save) {
    const r = await lists.addPaper(user.id, listId, detail.paper.id, now, MAX_LIST_ITEMS);
    if (r === 'no_list') throw notFound('You have no such list.');
    if (r === 'no_paper') throw notFound(`No paper ${detail.paper.id} in this hub.`);
    if (r === 'full') throw new HttpError(400, 'invalid_parameter', `A list holds at most ${MAX_LIST_ITEMS} papers; start another.`);
  } else if (!(await lists.removePaper(user.id, listId, detail.paper.id, now))) {
    throw notFound('This paper is not in that list of yours.');
  }
  return reply.redirect(`${paperPath(detail.paper.id)}#lists`, 303);
}

export async function readingListRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { accounts, readingLists, store, config } = deps;

  async function ownerOf(name: unknown): Promise<User> {
    const owner = typeof name === 'string' && name.length <= 100 ? await accounts.getUserByUsername(name) : null;
    if (!owner) throw notFound(`No user named "${String(name).slice(0, 100)}" here.`);
    return owner;
  }

  /** The list, or 404 when missing — or private and not the visitor's. */
  async function visibleList(req: FastifyRequest, owner: User, slug: string): Promise<ReadingList> {
    const list = await readingLists.getList(owner.id, slug);
    if (!list || (!list.public && req.user?.id !== owner.id)) throw notFound(`No list "${slug.slice(0, 100)}" of ${owner.username} here.`);
    return list;
  }

  /** The owner's own list for a write (a session of the owner, verified). */
  async function ownList(req: FastifyRequest, name: unknown, slug: unknown): Promise<{ user: CurrentUser; list: ReadingList }> {
    const owner = await ownerOf(name);
    const user = requireVerified(requirePageUser(req, typeof slug === 'string' ? listPath(owner.username, slug) : '/'));
    if (user.id !== owner.id) throw new HttpError(403, 'forbidden', 'Only the owner of a list can change it.');
    const list = typeof slug === 'string' ? await readingLists.getList(owner.id, slug) : null;
    if (!list) throw notFound('You have no such list.');
    return { user, list };
  }

  async function details(ids: string[]): Promise<PaperDetail[]> {
    const out: PaperDetail[] = [];
    for (const id of ids) {
      const d = await store.getPaper(id);
      if (d) out.push(d);
    }
    return out;
  }

  app.get<{ Params: { name: string } }>('/users/:name/lists', async (req, reply) => {
    const owner = await ownerOf(req.params.name);
    const self = req.user?.id === owner.id;
    const lists = await readingLists.listsOf(owner.id, self);
    const csrf = self ? reply.generateCsrf() : '';
    return sendHtml(reply, layout({
      title: `${owner.username}'s reading lists`,
      body: html`<h1>${owner.username}'s reading lists</h1>
${lists.length ? html`<ul class="reading-lists">${lists.map((l) => html`<li><a href="${listPath(owner.username, l.slug)}">${l.name}</a> <span class="muted">· ${plural(l.size, 'paper')}${l.public ? '' : ' · private'}</span></li>`)}</ul>` : html`<p class="muted">No ${self ? '' : 'public '}lists yet.</p>`}
${self ? html`<form method="post" action="/lists" class="stack"><input type="hidden" name="_csrf" value="${csrf}">
<div class="field"><label for="list-name">New list</label><input id="list-name" name="name" required maxlength="${MAX_LIST_NAME}" placeholder="Reading group"></div>
<label><input type="checkbox" name="public" value="on"> Public</label><button type="submit">Create</button></form>` : ''}
<p><a href="${profilePath(owner.username)}">${owner.username}'s profile</a></p>`,
      ...pageContext(req),
    }));
  });

  app.post('/lists', { preHandler: app.csrfProtection }, async (req, reply) => {
    const user = requireVerified(requirePageUser(req));
    const name = listName(bodyOf(req).name);
    if ((await readingLists.listsOf(user.id, true)).length >= MAX_LISTS) throw new HttpError(400, 'invalid_parameter', `You have ${MAX_LISTS} lists, the most; delete one first.`);
    const list = await readingLists.createList({ ownerId: user.id, name, slug: slugify(name), public: bodyOf(req).public === 'on', now: deps.now() });
    return reply.redirect(listPath(list.owner, list.slug), 303);
  });

  app.get<{ Params: { name: string; file: string }; Querystring: Record<string, unknown> }>('/users/:name/lists/:file', async (req, reply) => {
    const owner = await ownerOf(req.params.name);
    const m = /^(.+?)(?:\.(rss|atom|bib))?$/.exec(req.params.file);
    if (!m) throw notFound();
    const list = await visibleList(req, owner, m[1]);
    const format = m[2] as FeedFormat | 'bib' | undefined;
    const page = Math.max(1, Math.min(1000, Number(req.query.page) || 1));
    if (format === 'bib') {
      const all = await readingLists.items(list.id, MAX_LIST_ITEMS, 0);
      const text = (await details(all.paperIds)).map((d) => bibtex(d.paper, config.publicUrl)).join('\n\n') + '\n';
      return reply.type('application/x-bibtex; charset=utf-8').header('Content-Disposition', `attachment; filename="${list.slug}.bib"`).send(text);
    }
    const { paperIds, total } = await readingLists.items(list.id, LIST_PAGE, format ? 0 : (page - 1) * LIST_PAGE);
    const papers = await details(paperIds);
    const path = listPath(owner.username, list.slug);
    if (format) {
      const xml = renderFeed(format, {
        title: `${list.name} — ${owner.username}'s reading list`,
        description: `Papers ${owner.username} keeps in "${list.name}" on paperboy.`,
        pageUrl: config.publicUrl + path,
        selfUrl: `${config.publicUrl}${path}.${format}`,
        fallbackDate: new Date(list.updatedAt),
      }, papers.map((d) => ({ paper: d.paper, entry: d.daily[0] ?? null, org: d.org })), config.publicUrl);
      return reply.type(format === 'rss' ? 'application/rss+xml; charset=utf-8' : 'application/atom+xml; charset=utf-8').send(xml);
    }
    const own = req.user?.id === owner.id;
    const csrf = own ? reply.generateCsrf() : '';
    const csrfField = html`<input type="hidden" name="_csrf" value="${csrf}">`;
    const pages = Math.max(1, Math.ceil(total / LIST_PAGE));
    return sendHtml(reply, layout({
      title: `${list.name} · ${owner.username}`,
      canonical: list.public ? config.publicUrl + path : undefined,
      alternates: list.public ? [{ type: 'application/rss+xml', title: `${list.name} (RSS)`, href: `${path}.rss` }, { type: 'application/atom+xml', title: `${list.name} (Atom)`, href: `${path}.atom` }] : [],
      body: html`<h1>${list.name}</h1>
<p class="muted">A reading list of <a href="${profilePath(owner.username)}">${owner.username}</a> · ${plural(total, 'paper')} · ${list.public ? 'public' : 'private: only you see it'} · <a href="${`${path}.bib`}">BibTeX</a>${list.public ? html` · <a href="${`${path}.rss`}">RSS</a> · <a href="${`${path}.atom`}">Atom</a>` : ''}</p>
${papers.length ? html`<ol class="reading-list">${papers.map((d) => html`<li><a href="${paperPath(d.paper.id)}">${d.paper.title || d.paper.id}</a>
<span class="muted">${authorLine(d.paper) || ''}${d.paper.publishedAt ? ` · ${formatDay(d.paper.publishedAt)}` : ''}</span>
${own ? html`<form method="post" action="${`${path}/remove`}" class="inline">${csrfField}<input type="hidden" name="paper" value="${d.paper.id}"><button type="submit" aria-label="${`Remove ${d.paper.title} from this list`}">Remove</button></form>` : ''}</li>`)}</ol>` : html`<p class="empty">No papers yet. Save papers from their pages.</p>`}
${pages > 1 ? html`<p class="muted">Page ${page} of ${pages}${page < pages ? html` · <a href="${`${path}?page=${page + 1}`}">next</a>` : ''}</p>` : ''}
${own ? html`<details class="panel"><summary>Edit this list</summary>
<form method="post" action="${`${path}/settings`}" class="stack">${csrfField}
<div class="field"><label for="rl-name">Name</label><input id="rl-name" name="name" value="${list.name}" required maxlength="${MAX_LIST_NAME}"></div>
<label><input type="checkbox" name="public" value="on"${list.public ? html` checked` : ''}> Public</label>
<button type="submit">Save</button></form>
<form method="post" action="${`${path}/delete`}">${csrfField}<button type="submit" class="danger">Delete this list</button></form>
</details>` : ''}`,
      ...pageContext(req),
    }));
  });

  type ListReq = FastifyRequest<{ Params: { name: string; slug: string } }>;

  app.post('/users/:name/lists/:slug/remove', { preHandler: app.csrfProtection }, async (req: ListReq, reply) => {
    const { user, list } = await ownList(req, req.params.name, req.params.slug);
    const paper = bodyOf(req).paper;
    if (typeof paper !== 'string' || !(await readingLists.removePaper(user.id, list.id, paper, deps.now()))) throw notFound('That paper is not in this list.');
    return reply.redirect(listPath(list.owner, list.slug), 303);
  });

  app.post('/users/:name/lists/:slug/settings', { preHandler: app.csrfProtection }, async (req: ListReq, reply) => {
    const { user, list } = await ownList(req, req.params.name, req.params.slug);
    const b = bodyOf(req);
    await readingLists.updateList(user.id, list.id, { name: listName(b.name), public: b.public === 'on' }, deps.now());
    return reply.redirect(listPath(list.owner, list.slug), 303);
  });

  app.post('/users/:name/lists/:slug/delete', { preHandler: app.csrfProtection }, async (req: ListReq, reply) => {
    const { user, list } = await ownList(req, req.params.name, req.params.slug);
    await readingLists.deleteList(user.id, list.id);
    return reply.redirect(`${profilePath(list.owner)}/lists`, 303);
  });
}
