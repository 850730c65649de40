/**
 * The trending score: one number from upvotes, comments and age, used by
 * /papers/trending, `sort=trending` in the API and the digest.
 *
 * Shape: Hacker-News-style gravity, score = (upvotes + C·comments + 1) /
 * (ageHours + OFFSET)^GRAVITY. Goals: a paper with many upvotes today beats
 * one with slightly more upvotes last week; ties break by recency.
 * Non-goals: personalisation (recommendations are a separate concern).
 */

/**
 * Weight of one comment relative to one upvote. Default 0.5; sane range
 * 0–2. A comment costs more effort than an upvote but is also how people
 * argue about a weak paper, so it counts half.
 */
export const COMMENT_WEIGHT = 0.5;

/**
 * Hours added to the age so a paper submitted a minute ago is not divided by
 * ~0. Default 2; sane range 1–6. Two hours is roughly how long a new entry
 * takes to collect its first upvotes on an active daily list.
 */
export const AGE_OFFSET_HOURS = 2;

/**
 * How fast age pulls a paper down. Default 1.5; sane range 1.2–2. Lower lets
 * last week's hits stay on top for days; higher turns the list over within a
 * day. 1.5 keeps a strong paper visible for about three days, which matches
 * how long a paper keeps being discussed after it joins the daily list.
 */
export const GRAVITY = 1.5;

/**
 * The +1 in the numerator: a fresh paper with no votes yet still ranks by
 * recency instead of all scoring exactly zero.
 */
const BASE_POINTS = 1;

export interface TrendingInput {
  upvotes: number;
  numComments: number;
  /** When the paper joined the daily list (ISO), or its day at 00:00Z. */
  since: string;
}

/** The trending score at time `now` (higher is hotter). */
export function trendingScore(x: TrendingInput, now: Date): number {
  const ageHours = Math.max(0, (now.getTime() - Date.parse(x.since)) / 3_600_000);
  const points = Math.max(0, x.upvotes) + COMMENT_WEIGHT * Math.max(0, x.numComments) + BASE_POINTS;
  return points / Math.pow(ageHours + AGE_OFFSET_HOURS, GRAVITY);
}
