// Calendar arithmetic in the creator's local time: the days of a week (Monday first) or of a month grid
// (6 weeks), day keys, and moving a moment by whole days keeping its time of day. Pure.
export function startOfDay(d: Date): Date {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate());
}

/** YYYY-MM-DD in local time (the creator's calendar day). */
export function dayKey(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

export function daysFor(view: 'week' | 'month', anchor: Date): Date[] {
  if (view === 'week') {
    const start = new Date(anchor.getFullYear(), anchor.getMonth(), anchor.getDate() - ((anchor.getDay() + 6) % 7));
    return Array.from({ length: 7 }, (_, i) => new Date(start.getFullYear(), start.getMonth(), start.getDate() + i));
  }
  const first = new Date(anchor.getFullYear(), anchor.getMonth(), 1);
  const start = new Date(first.getFullYear(), first.getMonth(), 1 - ((first.getDay() + 6) % 7));
  return Array.from({ length: 42 }, (_, i) => new Date(start.getFullYear(), start.getMonth(), start.getDate() + i));
}

/** The same local time of day on another day (DST-safe: built from calendar fields, not +24 h). */
export function onDay(day: Date, timeOf: Date): Date {
  return new Date(day.getFullYear(), day.getMonth(), day.getDate(), timeOf.getHours(), timeOf.getMinutes());
}

export function addDays(d: Date, n: number): Date {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + n, d.getHours(), d.getMinutes());
}

/** Where a draft dropped on a day lands: 18:00 local, a common evening posting slot. */
export const DRAFT_DROP_HOUR = 18;
