/**
 * Day, ISO week and month windows for the daily/weekly/monthly lists.
 *
 * All dates are UTC calendar days as "YYYY-MM-DD"; a week is the ISO 8601
 * week ("2025-W01" starts on the Monday of the week holding 4 January).
 * Non-goals: time zones (the digest schedule handles local time).
 */

export type PeriodKind = 'day' | 'week' | 'month';

export interface Period {
  kind: PeriodKind;
  /** "2025-06-02", "2025-W23" or "2025-06". */
  key: string;
  /** First and last day, inclusive. */
  from: string;
  to: string;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const WEEK = /^(\d{4})-W(\d{2})$/;
const MONTH = /^(\d{4})-(\d{2})$/;
const MS_DAY = 86_400_000;

function toDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function dayMs(day: string): number {
  return Date.parse(day + 'T00:00:00Z');
}

/** True for a real calendar day "YYYY-MM-DD". */
export function isDay(s: string): boolean {
  const m = DAY.exec(s);
  return !!m && toDay(Date.UTC(+m[1], +m[2] - 1, +m[3])) === s;
}

/** The UTC day of an ISO timestamp (or of a Date). */
export function dayOf(t: string | Date): string {
  return (typeof t === 'string' ? new Date(t) : t).toISOString().slice(0, 10);
}

export function addDays(day: string, n: number): string {
  return toDay(dayMs(day) + n * MS_DAY);
}

/** ISO week key of a day: "2025-W01". */
export function isoWeekOf(day: string): string {
  const d = new Date(dayMs(day));
  const dow = (d.getUTCDay() + 6) % 7; // Monday = 0
  const thursday = dayMs(day) + (3 - dow) * MS_DAY;
  const year = new Date(thursday).getUTCFullYear();
  const week = 1 + Math.floor((thursday - Date.UTC(year, 0, 1)) / (7 * MS_DAY));
  return `${year}-W${String(week).padStart(2, '0')}`;
}

export function dayPeriod(day: string): Period | null {
  return isDay(day) ? { kind: 'day', key: day, from: day, to: day } : null;
}

export function weekPeriod(key: string): Period | null {
  const m = WEEK.exec(key);
  if (!m) return null;
  const year = +m[1], week = +m[2];
  if (week < 1 || week > 53) return null;
  const jan4 = Date.UTC(year, 0, 4);
  const monday = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * MS_DAY + (week - 1) * 7 * MS_DAY;
  const from = toDay(monday);
  if (isoWeekOf(from) !== key) return null; // week 53 of a 52-week year
  return { kind: 'week', key, from, to: addDays(from, 6) };
}

export function monthPeriod(key: string): Period | null {
  const m = MONTH.exec(key);
  if (!m || +m[2] < 1 || +m[2] > 12) return null;
  const from = `${key}-01`;
  const to = toDay(Date.UTC(+m[1], +m[2], 0));
  return { kind: 'month', key, from, to };
}

export function parsePeriod(kind: PeriodKind, key: string): Period | null {
  return kind === 'day' ? dayPeriod(key) : kind === 'week' ? weekPeriod(key) : monthPeriod(key);
}

/** The period of the same kind holding `day`. */
export function periodContaining(kind: PeriodKind, day: string): Period {
  const key = kind === 'day' ? day : kind === 'week' ? isoWeekOf(day) : day.slice(0, 7);
  return parsePeriod(kind, key)!;
}

/** The previous (-1) or next (+1) period of the same kind. */
export function shiftPeriod(p: Period, by: -1 | 1): Period {
  if (p.kind === 'day') return dayPeriod(addDays(p.from, by))!;
  if (p.kind === 'week') return periodContaining('week', addDays(p.from, 7 * by));
  return periodContaining('month', by < 0 ? addDays(p.from, -1) : addDays(p.to, 1));
}

/** The calendar day of `now` in an IANA time zone, "YYYY-MM-DD". */
export function localDay(now: Date, timeZone: string): string {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}
