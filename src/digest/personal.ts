/**
 * The personal part of a digest, for a subscription linked to an account
 * (Subscription.userId): "For you" — the period's papers ranked by a model
 * of what the account upvoted and saved (recommend/user-picks.ts, the model
 * of the home page's "For you"), each with a "because you liked …" line —
 * and the organizations the account follows: their papers in the main list
 * are marked, and their other papers of the period get a section of their own.
 *
 * Goals: picks come from the period's candidates (the papers of the day or
 * week the digest is about), never repeat a paper of the main list, and
 * leave hidden papers out (the Store's reads do); the reference corpus is
 * loaded once per period and papers' terms are cached across subscribers.
 * Non-goals: the trending list (select.ts), HTML (render.ts), who is linked
 * (subscriptions.ts).
 */
import type { Paper } from '../domain/paper.js';
import type { Period } from '../domain/periods.js';
import type { OrganizationStore } from '../store/organization-store.js';
import { TermCache } from '../recommend/recommender.js';
import { loadReference, picksFor, type LikeSources, type Reference } from '../recommend/user-picks.js';
import { matchesOrganization } from './topics.js';
import type { DigestItem } from './select.js';

/**
 * "For you" picks per digest. Default 5; sane range 3–10. Half the main
 * list's ten: the section adds to the trending list without doubling the mail.
 */
export const DIGEST_FOR_YOU_COUNT = 5;
/**
 * Papers of followed organizations listed beyond the main list. Default 5;
 * sane range 3–20. A followed lab rarely has more than a few papers a day;
 * a weekly digest keeps its five most trending.
 */
export const FOLLOWED_MAX = 5;

export interface PersonalSources extends LikeSources {
  organizations: OrganizationStore;
}

export interface ForYouPick {
  item: DigestItem;
  because: Paper | null;
}

export interface PersonalSections {
  /** Names of the organizations the account follows (marks in the main list). */
  followed: string[];
  /** Picks among the period's papers not in the main list; empty when the account liked nothing yet. */
  forYou: ForYouPick[];
  /** Papers of followed organizations in the period that are not in the main list, by trending score. */
  fromFollowed: DigestItem[];
}

/** True when the item's paper belongs to one of the followed organizations. */
export function isFollowed(it: DigestItem, followed: readonly string[]): boolean {
  return followed.length > 0 && matchesOrganization(it.paper, it.org, followed);
}

/** Personal sections for the linked subscribers of one digest run. */
export class PersonalDigests {
  private readonly terms = new TermCache(20_000);
  private readonly references = new Map<string, Promise<Reference>>();

  constructor(private readonly src: PersonalSources) {}

  private reference(period: Period): Promise<Reference> {
    let r = this.references.get(period.to);
    if (!r) this.references.set(period.to, (r = loadReference(this.src.store, period.to)));
    return r;
  }

  /** The sections of one account's digest; `listed` is the main list it goes under. */
  async sectionsFor(userId: number, period: Period, candidates: readonly DigestItem[], listed: readonly DigestItem[]): Promise<PersonalSections> {
    const inList = new Set(listed.map((it) => it.paper.id));
    const rest = candidates.filter((c) => !inList.has(c.paper.id));
    const followed = await this.src.organizations.followedBy(userId);
    // Candidates are in trending order, so the first ones are the followed organizations' most trending papers.
    const fromFollowed = rest.filter((c) => isFollowed(c, followed)).slice(0, FOLLOWED_MAX);
    const shown = new Set(fromFollowed.map((c) => c.paper.id));
    const pool = rest.filter((c) => !shown.has(c.paper.id));
    const byId = new Map(pool.map((c) => [c.paper.id, c]));
    const picks = pool.length === 0 ? null : await picksFor(this.src, userId,
      pool.map((c) => ({ paper: c.paper, upvotes: c.entry.upvotes })), await this.reference(period), DIGEST_FOR_YOU_COUNT, this.terms);
    const forYou = (picks ?? []).map((p) => ({ item: byId.get(p.paper.id)!, because: p.because }));
    return { followed, forYou, fromFollowed };
  }
}
