// Turns the body's date_range into inclusive UTC days, and the period before it (same length) for growth.
import type { InsightsBody } from './insights-schemas.js';

const DAY_MS = 86_400_000;
export interface DayRange {
  from: string;
  to: string;
  days: number;
}

export const dayNumber = (d: string): number => Date.parse(`${d}T00:00:00Z`) / DAY_MS;
export const dayString = (n: number): string => new Date(n * DAY_MS).toISOString().slice(0, 10);

export function resolveRange(range: InsightsBody['date_range'], now = new Date()): DayRange {
  if (typeof range === 'string') {
    const days = Number(/^last_(\d+)_days$/.exec(range)![1]);
    const to = dayNumber(now.toISOString().slice(0, 10));
    return { from: dayString(to - days + 1), to: dayString(to), days };
  }
  return { from: range.from, to: range.to, days: dayNumber(range.to) - dayNumber(range.from) + 1 };
}

export function previousRange(r: DayRange): DayRange {
  const from = dayNumber(r.from);
  return { from: dayString(from - r.days), to: dayString(from - 1), days: r.days };
}

/**
 * Splits a range into whole calendar months [fullFrom, fullTo) and the days outside them, for reading
 * month rollups plus the edge days. Without a whole month inside, fullFrom = fullTo = the day after `to`,
 * so "day >= from AND day < fullFrom" covers the whole range and the month part is empty.
 */
export function monthSplit(r: DayRange): { fullFrom: string; fullTo: string } {
  const next = dayString(dayNumber(r.to) + 1);
  const fullFrom = r.from.endsWith('-01') ? r.from : firstOfNextMonth(r.from);
  const fullTo = next.endsWith('-01') ? next : `${r.to.slice(0, 7)}-01`;
  return fullFrom < fullTo ? { fullFrom, fullTo } : { fullFrom: next, fullTo: next };
}

function firstOfNextMonth(day: string): string {
  const [y, m] = [Number(day.slice(0, 4)), Number(day.slice(5, 7))];
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
}
