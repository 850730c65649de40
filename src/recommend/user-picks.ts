/**
 * One user's picks from a set of candidate papers: what they liked (their
 * upvotes and the papers in their reading lists), a reference corpus of the
 * recent daily lists, and the recommender (recommender.ts) over them, each
 * pick with the liked paper it is most like ("because you liked …").
 *
 * Shared by the home page's "For you" (web/community/for-you.ts: the last
 * daily lists as candidates) and the digest of a subscriber linked to an
 * account (digest/personal.ts: the digest period's papers as candidates).
 * Goals: one definition of "what a user liked" and of the reference corpus;
 * hidden papers and removed entries never appear (the Store's reads leave
 * them out). Non-goals: caching (callers cache), HTML.
 */
import type { Paper } from '../domain/paper.js';
import type { Store } from '../store/store.js';
import type { VoteStore } from '../store/vote-store.js';
import type { ReadingListStore } from '../store/reading-list-store.js';
import { recommend, TermCache, type Candidate } from './recommender.js';
import type { PaperText } from './text-features.js';

/** The reference corpus (vocabulary and the SVM's negatives): the daily lists of the last 60 days, at most 2,000 papers. */
export const REFERENCE_DAYS = 60;
const REFERENCE_MAX = 2_000;
/** Liked papers the model learns from: the newest 200 upvotes and 200 saves (older tastes fade; training stays small). */
export const LIKED_MAX = 200;

export interface LikeSources {
  store: Store;
  votes: VoteStore;
  readingLists: ReadingListStore;
}

/** A candidate: a paper and the community's count for it (imported + local upvotes). */
export interface PickCandidate {
  paper: Paper;
  upvotes: number;
}

export interface UserPick {
  paper: Paper;
  /** The liked paper this one is most like, or null when it shares no term with any. */
  because: Paper | null;
}

/** The reference corpus of a day: each paper of the daily lists up to it, once, with its best count. */
export interface Reference {
  papers: Map<string, Paper>;
  upvotes: Map<string, number>;
}

export function paperText(p: Paper): PaperText {
  return { id: p.id, title: p.title, abstract: p.abstract, authors: p.authors.map((a) => a.name) };
}

function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/** Ids of the papers a user liked: their newest upvotes, then the papers of their reading lists (private ones too). */
export async function likedIds(src: LikeSources, userId: number): Promise<string[]> {
  const liked = new Set((await src.votes.userVotes(userId, LIKED_MAX, 0)).paperIds);
  let saved = 0;
  for (const list of await src.readingLists.listsOf(userId, true)) {
    for (const id of (await src.readingLists.items(list.id, LIKED_MAX, 0)).paperIds) {
      if (saved++ >= LIKED_MAX) break;
      liked.add(id);
    }
  }
  return [...liked];
}

/** The daily lists of the REFERENCE_DAYS days up to `day`. */
export async function loadReference(store: Store, day: string): Promise<Reference> {
  const listed = await store.listDaily({ from: addDays(day, -REFERENCE_DAYS), to: day, sort: 'publishedAt', limit: REFERENCE_MAX, offset: 0 });
  const ref: Reference = { papers: new Map(), upvotes: new Map() };
  for (const it of listed.items) {
    ref.upvotes.set(it.paper.id, Math.max(ref.upvotes.get(it.paper.id) ?? 0, it.entry.upvotes));
    ref.papers.set(it.paper.id, it.paper);
  }
  return ref;
}

/**
 * The candidates ranked for a user who liked `liked` (best first; liked
 * papers are never picked), at most `limit`.
 */
export function rankPicks(
  input: { liked: Paper[]; candidates: PickCandidate[]; reference: Reference }, limit: number, terms: TermCache,
): UserPick[] {
  const byId = new Map<string, Paper>(input.liked.map((p) => [p.id, p]));
  const seen = new Set<string>();
  const candidates: Candidate[] = [];
  for (const c of input.candidates) {
    if (seen.has(c.paper.id)) continue;
    seen.add(c.paper.id);
    if (!byId.has(c.paper.id)) byId.set(c.paper.id, c.paper);
    candidates.push({ ...paperText(c.paper), upvotes: c.upvotes });
  }
  const ranked = recommend({
    liked: input.liked.map((p) => ({ ...paperText(p), upvotes: input.reference.upvotes.get(p.id) })),
    candidates,
    reference: [...input.reference.papers.values()].map((p) => ({ ...paperText(p), upvotes: input.reference.upvotes.get(p.id) })),
  }, undefined, terms);
  return ranked.slice(0, limit).map((r) => ({ paper: byId.get(r.id)!, because: r.because ? byId.get(r.because) ?? null : null }));
}

/** A user's picks among `candidates`: null when they liked nothing yet. */
export async function picksFor(
  src: LikeSources, userId: number, candidates: PickCandidate[], reference: Reference, limit: number, terms: TermCache,
): Promise<UserPick[] | null> {
  const ids = await likedIds(src, userId);
  if (ids.length === 0) return null;
  // Liked papers hidden since are left out by the Store (with none left, the picks follow popularity).
  const liked = await src.store.getPapers(ids);
  return rankPicks({ liked, candidates, reference }, limit, terms);
}
