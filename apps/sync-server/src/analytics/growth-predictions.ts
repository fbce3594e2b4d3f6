// growth_predictions: 30-day revenue and subscriber forecasts from the forecasting module in @fanz/core
// (ETS chosen by AICc, 80 % / 95 % intervals, "not enough history" below 14 days), fed from the rollups.
import type { Queryable } from '../db/database.js';
import { dayNumber, dayString, type DayRange } from './date-ranges.js';
import * as q from './insights-queries.js';

export const FORECAST_HORIZON_DAYS = 30;
/** Days of history the forecasts look back from the range's end. */
const HISTORY_DAYS = 365;

interface Point {
  date: string;
  mean: number;
  lo80: number;
  hi80: number;
  lo95: number;
  hi95: number;
}
type Result = { status: 'ok'; method: string; daysOfData: number; points: Point[] } | { status: 'not_enough_history'; daysOfData: number; minimumDays?: number };
/** The shape of @fanz/core's forecast(). */
export type Forecaster = (series: { date: string; value: number }[], horizonDays: number, opts?: { missing?: 'zero' | 'carry' }) => Result;

function answer(r: Result, integers: boolean) {
  if (r.status !== 'ok') return { status: 'not_enough_history' as const, days_of_data: r.daysOfData, minimum_days: r.minimumDays ?? 14 };
  const f = integers ? Math.round : (x: number) => Math.round(x * 100) / 100;
  return {
    status: 'ok' as const,
    method: r.method,
    days_of_data: r.daysOfData,
    horizon_days: FORECAST_HORIZON_DAYS,
    points: r.points.map((p) => ({ date: p.date, mean: f(p.mean), lo80: f(p.lo80), hi80: f(p.hi80), lo95: f(p.lo95), hi95: f(p.hi95) })),
  };
}

export async function growthPredictions(db: Queryable, forecast: Forecaster, creatorId: string, range: DayRange, currency: string) {
  const history: DayRange = { from: dayString(dayNumber(range.to) - HISTORY_DAYS + 1), to: range.to, days: HISTORY_DAYS };
  const revenue = await q.dailyRevenue(db, creatorId, history, currency);
  // Subscribers are a stock: the running total of starts minus ends, one point per day with a change.
  const changes = await q.dailySubscriberChange(db, creatorId, range.to);
  let running = 0;
  const subscribers = changes.map((c) => ({ date: c.date, value: (running += c.value) })).filter((p) => p.date >= history.from);
  // Both series run to the range's last day: quiet days at the end are history too (zero, or unchanged).
  if (subscribers.length && subscribers.at(-1)!.date < range.to) subscribers.push({ date: range.to, value: running });
  if (revenue.length && revenue.at(-1)!.date < range.to) revenue.push({ date: range.to, value: 0 });
  // Revenue in minor units: means and bounds are whole minor units of `currency`.
  return {
    revenue: answer(forecast(revenue, FORECAST_HORIZON_DAYS, { missing: 'zero' }), true),
    subscribers: answer(forecast(subscribers, FORECAST_HORIZON_DAYS, { missing: 'carry' }), false),
  };
}
