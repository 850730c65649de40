/**
 * `GET /users/{name}`: a user's public profile — who they are (name, role,
 * since when), the papers they submitted to the daily lists, their latest
 * comments (linked to their place in the discussion), and the papers they
 * upvoted when they chose to show them (Settings → Profile; they always see
 * their own, marked as private).
 *
 * Goals: nothing private (no address; hidden or deleted comments are not
 * listed); one query per section; the page works without JavaScript.
 * Authored papers are those whose authorship claims an admin approved.
 * Non-goals: paging
 * past the newest PROFILE_ITEMS of each section, following users.
 * Known limit: "submitted" matches the daily entries' submitter handle, so
 * an imported Hub submitter with the same handle as a local user shows up
 * on that user's profile.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RouteDeps } from '../app.js';
import { html } from '../../html/html.js';
import { notFound } from '../http-error.js';
import { layout } from '../pages/layout.js';
import { pageContext, sendHtml } from '../pages/page-context.js';
import { cardList, paperCard } from '../pages/paper-card.js';
import { formatDay, paperPath, plural, truncate } from '../pages/format.js';
import { stringParam } from '../params.js';
import { voteStates } from './vote-control.js';
import { profilePath } from './profile-path.js';

/** Items per profile section: the newest 20 (a profile is a summary, not an archive). */
export const PROFILE_ITEMS = 20;

/** Every daily list ever. */
const ALL_TIME = { from: '0000-01-01', to: '9999-12-31' };

type Req = FastifyRequest<{ Params: { name: string } }>;

export async function profileRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { store, accounts, comments, votes, config, authorship } = deps;

  app.get('/users/:name', async (req: Req, reply) => {
    const name = stringParam(req.params as Record<string, unknown>, 'name', 100)?.trim() ?? '';
    const user = name ? await accounts.getUserByUsername(name) : null;
    if (!user) throw notFound(`No user named "${name}" here.`);
    if (user.username !== name) return reply.redirect(profilePath(user.username), 301);
    const self = req.user?.id === user.id;
    const showVotes = user.publicVotes || self;
    const [submitted, said, voted, authored] = await Promise.all([
      store.listDaily({ ...ALL_TIME, submitter: user.username, sort: 'publishedAt', limit: PROFILE_ITEMS, offset: 0 }),
      comments.userComments(user.id, PROFILE_ITEMS, 0),
      showVotes ? votes.userVotes(user.id, PROFILE_ITEMS, 0) : Promise.resolve({ paperIds: [], total: 0 }),
      authorship.authoredPapers(user.id, PROFILE_ITEMS, 0),
    ]);
    const wrote = await store.getPapers(authored.paperIds);
    const shown = said.comments.filter((c) => !c.hidden);
    const titles = new Map((await store.getPapers([...new Set([...shown.map((c) => c.paperId), ...voted.paperIds])])).map((p) => [p.id, p.title || p.id]));
    const vote = await voteStates(req, reply, votes, submitted.items.map((it) => it.paper.id));
    const more = (total: number, n: number) => (total > n ? html`<p class="muted">The newest ${n} of ${total}.</p>` : '');
    const body = html`<header class="profile-head"><h1>${user.username}</h1>
<p class="muted">${user.role !== 'user' ? html`<span class="badge">${user.role}</span> ` : ''}Member since ${formatDay(user.createdAt)} · ${plural(submitted.total, 'paper')} submitted · ${plural(said.total, 'comment')}</p>
<p><a href="${`${profilePath(user.username)}/lists`}">Reading lists</a>${self ? html` · <a href="/settings">Edit your settings</a>` : ''}</p></header>
<section aria-labelledby="authored-h"><h2 id="authored-h">Papers by ${user.username}</h2>
${wrote.length ? html`<ul class="similar">${wrote.map((p) => html`<li><a href="${paperPath(p.id)}">${p.title || p.id}</a>${p.publishedAt ? html` <span class="muted">· ${formatDay(p.publishedAt)}</span>` : ''}</li>`)}</ul>` : html`<p class="muted">No authored papers yet${self ? ': claim one from its page ("I am an author of this paper")' : ''}.</p>`}
${more(authored.total, wrote.length)}
</section>
<section aria-labelledby="submitted-h"><h2 id="submitted-h">Submitted papers</h2>
${cardList(submitted.items.map((it) => paperCard(it, { date: 'day', images: { mode: config.images, secret: config.secret }, vote: vote(it.paper.id) })), `${user.username} has not submitted a paper yet.`)}
${more(submitted.total, submitted.items.length)}
</section>
<section aria-labelledby="comments-h"><h2 id="comments-h">Comments</h2>
${shown.length ? html`<ol class="profile-comments">${shown.map((c) => html`<li><a href="${`${paperPath(c.paperId)}#comment-${c.id}`}">${titles.get(c.paperId) ?? c.paperId}</a> <span class="muted">· ${formatDay(c.createdAt)}</span><p>${truncate(c.body.replace(/\s+/g, ' ').trim(), 280)}</p></li>`)}</ol>` : html`<p class="muted">No comments yet.</p>`}
${more(said.total, said.comments.length)}
</section>
${showVotes ? html`<section aria-labelledby="upvoted-h"><h2 id="upvoted-h">Upvoted papers</h2>
${self && !user.publicVotes ? html`<p class="muted">Only you see this list; Settings → Profile can make it public.</p>` : ''}
${voted.paperIds.length ? html`<ul class="similar">${voted.paperIds.map((id) => html`<li><a href="${paperPath(id)}">${titles.get(id) ?? id}</a></li>`)}</ul>` : html`<p class="muted">No upvotes yet.</p>`}
${more(voted.total, voted.paperIds.length)}
</section>` : ''}`;
    return sendHtml(reply, layout({
      title: user.username,
      description: `${user.username} on paperboy: submitted papers and comments.`,
      canonical: config.publicUrl + profilePath(user.username),
      body,
      ...pageContext(req),
    }));
  });
}
