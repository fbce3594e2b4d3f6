// Turns the saved/fetched insights into what the Insights charts draw: per-day revenue by source (money in
// major units for the axes, from minor units), the forecast fan joined to the daily history, and the
// 7x24 posting-hours grid in the creator's own time zone. Pure; the numbers stay the server's.
import { currencyExponent, isCurrencyCode, type Post } from '@fanz/core';
import type { ForecastAnswer, RollupRowView } from '../../shared/insights-api';

export const SOURCE_LABELS: Record<string, string> = {
  subscriptions: 'Subscriptions',
  pay_per_view: 'Pay-per-view',
  tips: 'Tips',
  vr_tickets: 'VR tickets',
};
export const SOURCE_ORDER = ['subscriptions', 'pay_per_view', 'tips', 'vr_tickets'] as const;

const DAY_S = 86_400;

/** Unix seconds of a calendar day "YYYY-MM-DD" at 00:00 UTC (uPlot's x values are seconds). */
export function daySeconds(day: string): number {
  return Date.parse(`${day}T00:00:00Z`) / 1000;
}

export function toMajor(minor: number, currency: string): number {
  return minor / 10 ** (isCurrencyCode(currency) ? currencyExponent(currency) : 2);
}

export interface SourceSeries {
  /** Every day of the range, in seconds. */
  days: number[];
  /** Net revenue (paid minus reversed) per source per day, major units; only sources that earned. */
  sources: Array<{ source: string; label: string; values: number[]; total: number }>;
  /** The daily totals over all sources. */
  totals: number[];
}

/** Revenue by source per day over [from, to], in `currency` only (other currencies are not added in). */
export function revenueBySource(rows: readonly RollupRowView[], from: string, to: string, currency: string): SourceSeries {
  const first = daySeconds(from);
  const count = Math.max(0, Math.round((daySeconds(to) - first) / DAY_S) + 1);
  const days = Array.from({ length: count }, (_, i) => first + i * DAY_S);
  const bySource = new Map<string, number[]>();
  for (const r of rows) {
    if (r.currency !== currency) continue;
    const i = Math.round((daySeconds(r.day) - first) / DAY_S);
    if (i < 0 || i >= count) continue;
    const values = bySource.get(r.source) ?? new Array<number>(count).fill(0);
    values[i]! += toMajor(r.amount - r.reversed_amount, currency);
    bySource.set(r.source, values);
  }
  const known = [...SOURCE_ORDER, ...[...bySource.keys()].filter((s) => !(SOURCE_ORDER as readonly string[]).includes(s)).sort()];
  const sources = known
    .filter((s) => bySource.has(s))
    .map((source) => {
      const values = bySource.get(source)!;
      return { source, label: SOURCE_LABELS[source] ?? source, values, total: values.reduce((a, b) => a + b, 0) };
    });
  const totals = days.map((_, i) => sources.reduce((a, s) => a + s.values[i]!, 0));
  return { days, sources, totals };
}

/** Running sums for a stacked bar chart: stack[k][i] = sources 0..k on day i. */
export function stack(series: readonly number[][]): number[][] {
  const out: number[][] = [];
  series.forEach((values, k) => out.push(values.map((v, i) => v + (k > 0 ? out[k - 1]![i]! : 0))));
  return out;
}

export interface FanData {
  x: number[];
  history: Array<number | null>;
  mean: Array<number | null>;
  lo80: Array<number | null>;
  hi80: Array<number | null>;
  lo95: Array<number | null>;
  hi95: Array<number | null>;
}

/**
 * The history (up to its last day) followed by the forecast; the fan starts at the last observed point so
 * line and fan meet. `scale` turns the forecast's units into the chart's (minor -> major units for money).
 */
export function forecastFan(historyDays: readonly number[], history: readonly number[], f: ForecastAnswer, scale = 1): FanData | null {
  if (f.status !== 'ok' || f.points.length === 0) return null;
  const points = f.points.map((p) => ({ x: daySeconds(p.date), mean: p.mean * scale, lo80: p.lo80 * scale, hi80: p.hi80 * scale, lo95: p.lo95 * scale, hi95: p.hi95 * scale }));
  const before = historyDays.map((d, i) => ({ d, v: history[i]! })).filter((h) => h.d < points[0]!.x);
  const x = [...before.map((h) => h.d), ...points.map((p) => p.x)];
  const pad = (n: number) => new Array<number | null>(n).fill(null);
  const last = before.at(-1);
  const lead = (k: keyof (typeof points)[number]) => [...pad(Math.max(0, before.length - 1)), ...(last ? [last.v] : []), ...points.map((p) => p[k])];
  return {
    x,
    history: [...before.map((h) => h.v), ...pad(points.length)],
    mean: lead('mean'),
    lo80: lead('lo80'),
    hi80: lead('hi80'),
    lo95: lead('lo95'),
    hi95: lead('hi95'),
  };
}

export const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

/** Posts published per weekday (Mon first) and hour, in the time zone of this computer. */
export function postingGrid(posts: readonly Pick<Post, 'status' | 'publishedAt'>[]): { grid: number[][]; max: number; total: number } {
  const grid = WEEKDAYS.map(() => new Array<number>(24).fill(0));
  let total = 0;
  for (const p of posts) {
    if (p.status !== 'published' || !p.publishedAt) continue;
    const d = new Date(p.publishedAt);
    if (Number.isNaN(d.getTime())) continue;
    grid[(d.getDay() + 6) % 7]![d.getHours()]! += 1;
    total++;
  }
  return { grid, max: Math.max(0, ...grid.flat()), total };
}

/** The server's average views per post by UTC hour, moved to local hours (whole-hour zones; half-hour
 *  zones land on the hour that holds most of it). Hours without posts are null. */
export function viewsByLocalHour(rows: ReadonlyArray<{ hour_utc: number; posts: number; average_views: number }>, offsetMinutes = -new Date().getTimezoneOffset()): Array<number | null> {
  const out = new Array<number | null>(24).fill(null);
  const shift = Math.round(offsetMinutes / 60);
  for (const r of rows) if (r.posts > 0) out[(((r.hour_utc + shift) % 24) + 24) % 24] = r.average_views;
  return out;
}

export function percentText(fraction: number | undefined): string {
  return fraction === undefined ? 'not measured yet' : `${(fraction * 100).toFixed(fraction < 0.1 ? 1 : 0)} %`;
}
