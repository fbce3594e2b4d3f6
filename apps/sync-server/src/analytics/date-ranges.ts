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

/** Levels of analytics_post_blocks: block b of level l covers days [b * 4^l, (b + 1) * 4^l) since 1970-01-01. */
export const POST_BLOCK_LEVELS = 4;

/**
 * Cuts a range into the fewest aligned blocks (4^1..4^POST_BLOCK_LEVELS days) plus single days: from the
 * range's first day, the largest block that starts there and ends inside the range, repeatedly.
 */
export function blockSplit(r: DayRange): { days: string[]; levels: number[]; blocks: number[] } {
  const out = { days: [] as string[], levels: [] as number[], blocks: [] as number[] };
  const last = dayNumber(r.to);
  for (let d = dayNumber(r.from); d <= last; ) {
    let level = POST_BLOCK_LEVELS;
    while (level > 0 && (d % 4 ** level !== 0 || d + 4 ** level - 1 > last)) level--;
    if (level === 0) out.days.push(dayString(d));
    else {
      out.levels.push(level);
      out.blocks.push(d / 4 ** level);
    }
    d += 4 ** level;
  }
  return out;
}

function firstOfNextMonth(day: string): string {
  const [y, m] = [Number(day.slice(0, 4)), Number(day.slice(5, 7))];
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
}
