import type { Formatter } from '../format';

/**
 * A `YYYY-MM-DD` day in the notebook's date format (`31.12.1997` for de, as is for en).
 * @param fmt the notebook's formatter
 * @param day the day
 */
export function isoDay(fmt: Formatter, day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? day : fmt.cell(date, 'date');
}

/**
 * A date's month as `YYYY-MM` (UTC), the way the cohort charts label months.
 * @param date a cohort's first day
 */
export function monthOf(date: Date | string): string {
  return (typeof date === 'string' ? date : date.toISOString()).slice(0, 7);
}
