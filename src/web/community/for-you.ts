/**
 * "For you" on the home page of a signed-in user: the papers of the last
 * FOR_YOU_DAYS daily lists ranked by a model of what they upvoted and saved
 * (recommend/recommender.ts), the best FOR_YOU_COUNT with a "because you
 * liked …" line each.
 *
 * Goals: the home page stays fast — the answer is kept per user for
 * CACHE_MS unless they voted or saved since (then it is computed again), the
 * reference corpus's terms stay in a TermCache across users; a user with nothing liked yet is
 * told how to get recommendations; hidden papers and removed entries never
 * appear (the Store leaves them out). The model and what "liked" means are
 * recommend/user-picks.ts, shared with the digest (digest/personal.ts).
 * Non-goals: a page of its own.
 */
import type { FastifyRequest } from 'fastify';
import type { RouteDeps } from '../app.js';
import { html, type SafeHtml } from '../../html/html.js';
import { paperPath } from '../pages/format.js';
import { TermCache } from '../../recommend/recommender.js';
import { loadReference, picksFor, type UserPick } from '../../recommend/user-picks.js';

/** The last 3 daily lists: what a person catching up after a day or a weekend has not seen. */
export const FOR_YOU_DAYS = 3;
/** Recommendations shown: a short list above the day's list, not a second list. */
export const FOR_YOU_COUNT = 5;
/** How long one user's answer is reused while their likes stay the same: a minute (new papers on a list show that much later). */
const CACHE_MS = 60_000;
/** Users whose answers are kept. */
const CACHE_USERS = 1_000;

export type ForYouItem = UserPick;

export class ForYou {
  private readonly terms = new TermCache(20_000);
  private readonly answers = new Map<number, { at: number; key: string; items: ForYouItem[] | null }>();

  constructor(private readonly deps: RouteDeps) {}

  /** The user's recommendations, or null when they have liked nothing yet. */
  async itemsFor(userId: number): Promise<ForYouItem[] | null> {
    const now = this.deps.now().getTime();
    const key = await this.likesKey(userId);
    const hit = this.answers.get(userId);
    if (hit && hit.key === key && now - hit.at < CACHE_MS) return hit.items;
    const items = await this.compute(userId);
    this.answers.delete(userId);
    this.answers.set(userId, { at: now, key, items });
    while (this.answers.size > CACHE_USERS) this.answers.delete(this.answers.keys().next().value as number);
    return items;
  }

  /**
   * What the answer depends on besides time: the newest day with lists, the
   * user's newest upvote and how many, their saved papers — so a vote or a
   * save shows in the next page view, not a minute later.
   */
  private async likesKey(userId: number): Promise<string> {
    const { store, votes, readingLists } = this.deps;
    const [latest, v, lists] = await Promise.all([store.latestDay(), votes.userVotes(userId, 1, 0), readingLists.listsOf(userId, true)]);
    return `${latest}|${v.total}:${v.paperIds[0] ?? ''}|${lists.map((l) => `${l.id}:${l.size}:${l.updatedAt}`).join(',')}`;
  }

  private async compute(userId: number): Promise<ForYouItem[] | null> {
    const { store } = this.deps;
    const latest = await store.latestDay();
    // The last FOR_YOU_DAYS days that have lists (a weekend has none).
    let from = latest;
    if (latest) for (let i = 1; i < FOR_YOU_DAYS; i++) from = (await store.adjacentDay(from!, -1)) ?? from;
    const recent = latest ? await store.listDaily({ from: from!, to: latest, sort: 'upvotes', limit: 500, offset: 0 }) : { items: [] };
    const reference = latest ? await loadReference(store, latest) : { papers: new Map(), upvotes: new Map() };
    const candidates = recent.items.map((it) => ({ paper: it.paper, upvotes: it.entry.upvotes }));
    return picksFor(this.deps, userId, candidates, reference, FOR_YOU_COUNT, this.terms);
  }
}

/** The "For you" box of the home page (null for visitors). */
export async function forYouSection(forYou: ForYou, req: FastifyRequest): Promise<SafeHtml | null> {
  if (!req.user) return null;
  const items = await forYou.itemsFor(req.user.id);
  if (items === null) {
    return html`<section class="for-you panel" aria-labelledby="for-you-h"><h2 id="for-you-h">For you</h2>
<p class="muted">Upvote or save a few papers: this box then ranks the latest daily lists by what you liked.</p></section>`;
  }
  if (items.length === 0) return null;
  return html`<section class="for-you panel" aria-labelledby="for-you-h"><h2 id="for-you-h">For you</h2>
<ol class="similar">${items.map((it) => html`<li><a href="${paperPath(it.paper.id)}">${it.paper.title || it.paper.id}</a>${it.because ? html`<p class="because">because you liked <a href="${paperPath(it.because.id)}">${it.because.title || it.because.id}</a></p>` : ''}</li>`)}</ol>
</section>`;
}
