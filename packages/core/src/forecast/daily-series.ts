// Turns caller-supplied {date, value} rows into a gap-free daily array. Dates are calendar days
// ("YYYY-MM-DD", read as UTC). Bad rows are refused with a CoreError naming the row, never skipped.
import { CoreError } from '../errors';

export interface SeriesPoint {
  date: string;
  value: number;
}

const DAY_MS = 86_400_000;
/** Ten years of days: more than any insight range, small enough to fit in milliseconds. */
export const MAX_SERIES_DAYS = 3660;

export function parseDay(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new CoreError('INVALID_ARGUMENT', `"${date}" is not a calendar date (YYYY-MM-DD)`, { date });
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (formatDay(ms / DAY_MS) !== date) throw new CoreError('INVALID_ARGUMENT', `"${date}" is not a real calendar date`, { date });
  return ms / DAY_MS;
}

export function formatDay(dayNumber: number): string {
  return new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
}

export type MissingDays = 'zero' | 'carry';

export interface DailySeries {
  /** Day number (days since 1970-01-01 UTC) of values[0]. */
  firstDay: number;
  values: number[];
}

/**
 * Sorts, checks and fills the series. `missing: 'zero'` (flows such as revenue: no row = nothing earned)
 * or `'carry'` (stocks such as subscriber counts: no row = unchanged). Leading zeros are dropped when
 * `trimLeadingZeros` is set: days before the first activity are not history.
 */
export function toDailySeries(series: readonly SeriesPoint[], missing: MissingDays, trimLeadingZeros: boolean): DailySeries {
  if (!Array.isArray(series)) throw new CoreError('INVALID_ARGUMENT', 'series must be an array of {date, value}');
  const rows = series.map((row, index) => {
    if (typeof row !== 'object' || row === null || typeof row.date !== 'string') {
      throw new CoreError('INVALID_ARGUMENT', `series[${index}] must be {date: "YYYY-MM-DD", value: number}`, { index });
    }
    if (typeof row.value !== 'number' || !Number.isFinite(row.value)) {
      throw new CoreError('INVALID_ARGUMENT', `series[${index}].value must be a finite number`, { index, date: row.date });
    }
    return { day: parseDay(row.date), value: row.value };
  });
  rows.sort((a, b) => a.day - b.day);
  for (let i = 1; i < rows.length; i++) {
    if (rows[i]!.day === rows[i - 1]!.day) {
      throw new CoreError('INVALID_ARGUMENT', `series has two values for ${formatDay(rows[i]!.day)}`, { date: formatDay(rows[i]!.day) });
    }
  }
  let start = 0;
  if (trimLeadingZeros) while (start < rows.length && rows[start]!.value === 0) start++;
  if (start === rows.length) return { firstDay: rows.length ? rows[rows.length - 1]!.day + 1 : 0, values: [] };
  const firstDay = rows[start]!.day;
  const span = rows[rows.length - 1]!.day - firstDay + 1;
  if (span > MAX_SERIES_DAYS) {
    throw new CoreError('INVALID_ARGUMENT', `series spans ${span} days; at most ${MAX_SERIES_DAYS} are accepted`, { span, max: MAX_SERIES_DAYS });
  }
  const values = new Array<number>(span);
  let previous = 0;
  let next = start;
  for (let d = 0; d < span; d++) {
    if (next < rows.length && rows[next]!.day === firstDay + d) {
      previous = rows[next]!.value;
      next++;
      values[d] = previous;
    } else {
      values[d] = missing === 'zero' ? 0 : previous;
    }
  }
  return { firstDay, values };
}
