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
 * appear (the Store leaves them out). Non-goals: recommendations in digests
 * (not built), a page of its own.
 */
import type { FastifyRequest } from 'fastify';
import type { RouteDeps } from '../app.js';
import type { Paper } from '../../domain/paper.js';
import { html, type SafeHtml } from '../../html/html.js';
import { paperPath } from '../pages/format.js';
import { recommend, TermCache, type Candidate } from '../../recommend/recommender.js';
import type { PaperText } from '../../recommend/text-features.js';

/** The last 3 daily lists: what a person catching up after a day or a weekend has not seen. */
export const FOR_YOU_DAYS = 3;
/** Recommendations shown: a short list above the day's list, not a second list. */
export const FOR_YOU_COUNT = 5;
/** The reference corpus (vocabulary and the SVM's negatives): the daily lists of the last 60 days, at most 2,000 papers. */
export const REFERENCE_DAYS = 60;
const REFERENCE_MAX = 2_000;
/** Liked papers the model learns from: the newest 200 upvotes and 200 saves (older tastes fade; training stays small). */
const LIKED_MAX = 200;
/** How long one user's answer is reused while their likes stay the same: a minute (new papers on a list show that much later). */
const CACHE_MS = 60_000;
/** Users whose answers are kept. */
const CACHE_USERS = 1_000;

function text(p: Paper): PaperText {
  return { id: p.id, title: p.title, abstract: p.abstract, authors: p.authors.map((a) => a.name) };
}

function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

export interface ForYouItem {
  paper: Paper;
  because: Paper | null;
}

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
    const { store, votes, readingLists } = this.deps;
    const liked = new Set((await votes.userVotes(userId, LIKED_MAX, 0)).paperIds);
    let saved = 0;
    for (const list of await readingLists.listsOf(userId, true)) {
      for (const id of (await readingLists.items(list.id, LIKED_MAX, 0)).paperIds) {
        if (saved++ >= LIKED_MAX) break;
        liked.add(id);
      }
    }
    if (liked.size === 0) return null;
    const latest = await store.latestDay();
    if (!latest) return [];
    // The last FOR_YOU_DAYS days that have lists (a weekend has none).
    let from = latest;
    for (let i = 1; i < FOR_YOU_DAYS; i++) from = (await store.adjacentDay(from, -1)) ?? from;
    const recent = await store.listDaily({ from, to: latest, sort: 'upvotes', limit: 500, offset: 0 });
    const reference = await store.listDaily({ from: addDays(latest, -REFERENCE_DAYS), to: latest, sort: 'publishedAt', limit: REFERENCE_MAX, offset: 0 });
    const likedPapers = await store.getPapers([...liked]);
    const byId = new Map<string, Paper>([...likedPapers, ...recent.items.map((it) => it.paper)].map((p) => [p.id, p]));
    // Each reference paper once, with its best count: the model weighs popularity by how popular the liked papers are.
    const refUpvotes = new Map<string, number>();
    const refPapers = new Map<string, Paper>();
    for (const it of reference.items) {
      refUpvotes.set(it.paper.id, Math.max(refUpvotes.get(it.paper.id) ?? 0, it.entry.upvotes));
      refPapers.set(it.paper.id, it.paper);
    }
    const candidates: Candidate[] = [];
    const seen = new Set<string>();
    for (const it of recent.items) {
      if (seen.has(it.paper.id)) continue;
      seen.add(it.paper.id);
      candidates.push({ ...text(it.paper), upvotes: it.entry.upvotes });
    }
    const ranked = recommend({
      liked: likedPapers.map((p) => ({ ...text(p), upvotes: refUpvotes.get(p.id) })),
      candidates,
      reference: [...refPapers.values()].map((p) => ({ ...text(p), upvotes: refUpvotes.get(p.id) })),
    }, undefined, this.terms);
    return ranked.slice(0, FOR_YOU_COUNT).map((r) => ({ paper: byId.get(r.id)!, because: r.because ? byId.get(r.because) ?? null : null }));
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
