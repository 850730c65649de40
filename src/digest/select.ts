/**
 * Which papers go into a digest: the period's top N by the trending score,
 * narrowed by the subscriber's categories and organizations and boosted by
 * their keywords.
 *
 * Goals: one store query per period (candidates), then a cheap in-memory pass
 * per subscriber, so 10,000 subscribers cost one query; a ranking clock pinned
 * to the end of the period so a re-run after a crash picks the same papers.
 * Non-goals: rendering (render.ts), what an account adds (personal.ts).
 */
import type { Organization, Paper, DailyEntry } from '../domain/paper.js';
import { addDays, periodContaining, type Period } from '../domain/periods.js';
import { trendingScore } from '../domain/trending.js';
import type { Store } from '../store/store.js';
import type { Frequency, Topics } from '../store/subscription-store.js';
import { countKeywordMatches, matchesCategory, matchesOrganization } from './topics.js';

/**
 * Papers per digest. Default 10; sane range 3–30. Ten fits one screen of a
 * phone mail client twice over and matches what the Daily Papers mails show.
 */
export const DEFAULT_DIGEST_SIZE = 10;

/**
 * Extra weight per matched keyword: score × (1 + KEYWORD_BOOST × matches).
 * Default 1 (one match doubles the score); sane range 0.25–3. Trending scores
 * within a day differ by small factors, so doubling lifts a relevant paper
 * over similar ones without burying the day's clear hit.
 */
export const KEYWORD_BOOST = 1;

/**
 * Matches counted toward the boost. Default 3; sane range 1–5. Stops a paper
 * that repeats every keyword from outranking everything by keyword count alone.
 */
export const MAX_BOOSTED_MATCHES = 3;

/**
 * How many of the period's top trending papers are candidates. Default 1000;
 * sane range 200–5000. A week of an active daily list is ~350 papers; 1000
 * keeps a narrow topic filter supplied without loading a whole archive.
 */
export const CANDIDATE_LIMIT = 1000;

export interface DigestItem {
  paper: Paper;
  entry: DailyEntry;
  org: Organization | null;
  /** Trending score at the ranking clock, after the keyword boost. */
  score: number;
}

export function periodKind(frequency: Frequency): 'day' | 'week' {
  return frequency === 'daily' ? 'day' : 'week';
}

/** The period of a frequency holding `day`. */
export function digestPeriod(frequency: Frequency, day: string): Period {
  return periodContaining(periodKind(frequency), day);
}

/** The trending clock: the end of the period, or now when the period is still running. */
export function rankingClock(period: Period, now: Date): Date {
  const end = new Date(`${addDays(period.to, 1)}T00:00:00.000Z`);
  return end < now ? end : now;
}

/** The period's papers ranked by trending score, each paper once (a paper on two days keeps its best). */
export async function loadCandidates(store: Store, period: Period, now: Date): Promise<DigestItem[]> {
  const clock = rankingClock(period, now);
  const page = await store.listDaily({ from: period.from, to: period.to, sort: 'trending', limit: CANDIDATE_LIMIT, offset: 0, now: clock });
  const seen = new Set<string>();
  const out: DigestItem[] = [];
  for (const it of page.items) {
    if (seen.has(it.paper.id)) continue;
    seen.add(it.paper.id);
    const score = trendingScore({ upvotes: it.entry.upvotes, numComments: it.entry.numComments,
      since: it.entry.submittedAt ?? `${it.entry.day}T00:00:00.000Z` }, clock);
    out.push({ paper: it.paper, entry: it.entry, org: it.org, score });
  }
  return out;
}

/** The subscriber's digest from the period's candidates. */
export function selectForTopics(candidates: readonly DigestItem[], topics: Topics, size = DEFAULT_DIGEST_SIZE): DigestItem[] {
  const narrow = topics.categories.length + topics.organizations.length > 0;
  const picked: DigestItem[] = [];
  for (const c of candidates) {
    if (narrow && !matchesCategory(c.paper, topics.categories) && !matchesOrganization(c.paper, c.org, topics.organizations)) continue;
    const matches = Math.min(MAX_BOOSTED_MATCHES, countKeywordMatches(c.paper, topics.keywords));
    picked.push(matches ? { ...c, score: c.score * (1 + KEYWORD_BOOST * matches) } : c);
  }
  // Stable sort: equal scores keep the store's trending order.
  return picked.sort((a, b) => b.score - a.score).slice(0, size);
}
