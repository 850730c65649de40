/**
 * Dates as sources write them ("2011-11-08T18:48:36Z", "2024-05-17",
 * "Mon, 2 Apr 2007 19:18:42 GMT", "2024-05-27T03:50:58.348Z") → one ISO 8601
 * UTC form, so merged records compare equal and re-imports are no-ops.
 *
 * Non-goals: guessing time zones (a date without one is read as UTC, which is
 * what arXiv and the Hub mean).
 */

/** ISO 8601 UTC ("2007-04-02T19:18:42.000Z"), or null when absent or unreadable. */
export function isoTimestamp(raw: unknown): string | null {
  if (typeof raw !== 'string' || raw.trim() === '') return null;
  const s = raw.trim();
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(s) ? Date.parse(s + 'T00:00:00Z') : Date.parse(s);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}
