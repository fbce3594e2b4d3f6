// forecast(): daily series in, ETS forecast with 80 % and 95 % prediction intervals out, or a plain
// "not enough history" below 14 days. The model is the AICc-best of the additive ETS family (ets.ts).
import { CoreError } from '../errors';
import { autoEts, forecastEts } from './ets';
import { formatDay, toDailySeries, type MissingDays, type SeriesPoint } from './daily-series';

export const FORECAST_MINIMUM_DAYS = 14;
export const MAX_HORIZON_DAYS = 366;
/** Two-sided standard-normal quantiles for 80 % and 95 % intervals. */
const Z80 = 1.2815515655446004;
const Z95 = 1.959963984540054;

export interface ForecastOptions {
  /** Season length in days (default 7, the week). Seasonal models are tried only with two full seasons. */
  seasonPeriod?: number;
  /** How a day without a row is read: 'zero' (default; money flows) or 'carry' (stocks such as subscriber counts). */
  missing?: MissingDays;
  /** Clamp means and bounds at zero (default true: revenue and counts cannot go negative). */
  nonNegative?: boolean;
  /** Drop zero days before the first non-zero one (default true): no activity yet is not history. */
  trimLeadingZeros?: boolean;
  /** Restrict the candidate models by name, e.g. ["ETS(A,N,N)"]. */
  models?: readonly string[];
}

export interface ForecastPoint {
  date: string;
  mean: number;
  lo80: number;
  hi80: number;
  lo95: number;
  hi95: number;
}

export type ForecastResult =
  | { status: 'ok'; method: string; aicc: number; daysOfData: number; points: ForecastPoint[] }
  | { status: 'not_enough_history'; daysOfData: number; minimumDays: typeof FORECAST_MINIMUM_DAYS };

export function forecast(series: readonly SeriesPoint[], horizonDays: number, opts: ForecastOptions = {}): ForecastResult {
  if (!Number.isInteger(horizonDays) || horizonDays < 1 || horizonDays > MAX_HORIZON_DAYS) {
    throw new CoreError('INVALID_ARGUMENT', `horizonDays must be a whole number from 1 to ${MAX_HORIZON_DAYS}`, { horizonDays });
  }
  const period = opts.seasonPeriod ?? 7;
  if (!Number.isInteger(period) || period < 2 || period > 366) {
    throw new CoreError('INVALID_ARGUMENT', 'seasonPeriod must be a whole number from 2 to 366', { seasonPeriod: period });
  }
  const daily = toDailySeries(series, opts.missing ?? 'zero', opts.trimLeadingZeros ?? true);
  const daysOfData = daily.values.length;
  if (daysOfData < FORECAST_MINIMUM_DAYS) return { status: 'not_enough_history', daysOfData, minimumDays: FORECAST_MINIMUM_DAYS };

  const { best } = autoEts(daily.values, { period, ...(opts.models ? { models: opts.models } : {}) });
  const f = forecastEts(best, horizonDays);
  const clamp = opts.nonNegative ?? true ? (x: number) => Math.max(0, x) : (x: number) => x;
  const lastDay = daily.firstDay + daysOfData - 1;
  const points = f.mean.map((mean, i): ForecastPoint => {
    const sd = Math.sqrt(f.variance[i]!);
    return {
      date: formatDay(lastDay + i + 1),
      mean: clamp(mean),
      lo80: clamp(mean - Z80 * sd),
      hi80: clamp(mean + Z80 * sd),
      lo95: clamp(mean - Z95 * sd),
      hi95: clamp(mean + Z95 * sd),
    };
  });
  return { status: 'ok', method: best.name, aicc: best.aicc, daysOfData, points };
}
