/**
 * Which daily entries compete for "trending" when no date, week or month is
 * given (the API's `sort=trending` and the trending feeds).
 *
 * Goals: one window shared by the API and the feeds, ending at the newest
 * day that has entries (not the wall clock, so a server whose imports paused
 * still shows a list). Non-goals: the score itself (domain/trending.ts).
 */
import { addDays } from '../../domain/periods.js';

/**
 * Days of daily lists that can appear in trending, counted back from the
 * newest day with entries. Default 14; sane range 3–30. The trending score
 * halves within about a day and a half (GRAVITY 1.5), so older entries could
 * only rank with extraordinary vote counts; 14 days is also how long after
 * publication a paper can still be submitted to the Hub's daily list, so
 * the window never cuts off a paper that is still gathering votes.
 */
export const TRENDING_WINDOW_DAYS = 14;

/** The trending window ending at `latestDay` (inclusive). */
export function trendingWindow(latestDay: string): { from: string; to: string } {
  return { from: addDays(latestDay, -(TRENDING_WINDOW_DAYS - 1)), to: latestDay };
}
