// Rolling-origin evaluation (Tashman 2000): refit at each origin on everything before it, forecast
// `horizon` days, score against what happened. Baselines: naive (last value) and seasonal naive (value one
// season earlier). Accuracy as MASE (Hyndman & Koehler 2006) scaled per origin by the in-sample one-step
// naive MAE; interval calibration as the share of held-out points inside the 80 % and 95 % intervals.
import { CoreError } from '../errors';
import { autoEts, forecastEts } from './ets';

const Z80 = 1.2815515655446004;
const Z95 = 1.959963984540054;

export interface BacktestOptions {
  horizon: number;
  /** Training length at the first origin (default 28 days). */
  minTrain?: number;
  /** Days between origins (default 7). */
  step?: number;
  period?: number;
}

export interface BacktestReport {
  origins: number;
  horizon: number;
  /** Mean MASE over origins, per method. */
  mase: { ets: number; naive: number; seasonalNaive: number };
  heldOutPoints: number;
  covered80: number;
  covered95: number;
  coverage80: number;
  coverage95: number;
  /** How often each ETS model won the AICc comparison. */
  methods: Record<string, number>;
}

export function backtest(values: readonly number[], opts: BacktestOptions): BacktestReport {
  const m = opts.period ?? 7;
  const h = opts.horizon;
  const minTrain = opts.minTrain ?? 28;
  const step = opts.step ?? 7;
  if (!Number.isInteger(h) || h < 1) throw new CoreError('INVALID_ARGUMENT', 'horizon must be a positive whole number');
  if (minTrain < 14 || minTrain <= m) throw new CoreError('INVALID_ARGUMENT', `minTrain must be at least 14 and more than one season`);
  if (values.length < minTrain + h) {
    throw new CoreError('INVALID_ARGUMENT', `a backtest needs at least minTrain + horizon = ${minTrain + h} values, got ${values.length}`);
  }
  const sums = { ets: 0, naive: 0, seasonalNaive: 0 };
  const methods: Record<string, number> = {};
  let origins = 0;
  let heldOut = 0;
  let covered80 = 0;
  let covered95 = 0;
  for (let origin = minTrain; origin + h <= values.length; origin += step) {
    const train = values.slice(0, origin);
    let scale = 0;
    for (let t = 1; t < origin; t++) scale += Math.abs(train[t]! - train[t - 1]!);
    scale /= origin - 1;
    if (scale === 0) continue; // a flat history cannot scale errors; MASE is undefined there
    const { best } = autoEts(train, { period: m });
    methods[best.name] = (methods[best.name] ?? 0) + 1;
    const f = forecastEts(best, h);
    const errors = { ets: 0, naive: 0, seasonalNaive: 0 };
    for (let i = 0; i < h; i++) {
      const actual = values[origin + i]!;
      const mean = f.mean[i]!;
      const sd = Math.sqrt(f.variance[i]!);
      errors.ets += Math.abs(actual - mean);
      errors.naive += Math.abs(actual - train[origin - 1]!);
      errors.seasonalNaive += Math.abs(actual - train[origin - m + (i % m)]!);
      heldOut++;
      if (Math.abs(actual - mean) <= Z80 * sd) covered80++;
      if (Math.abs(actual - mean) <= Z95 * sd) covered95++;
    }
    sums.ets += errors.ets / h / scale;
    sums.naive += errors.naive / h / scale;
    sums.seasonalNaive += errors.seasonalNaive / h / scale;
    origins++;
  }
  const per = (x: number) => (origins ? x / origins : Number.NaN);
  return {
    origins,
    horizon: h,
    mase: { ets: per(sums.ets), naive: per(sums.naive), seasonalNaive: per(sums.seasonalNaive) },
    heldOutPoints: heldOut,
    covered80,
    covered95,
    coverage80: heldOut ? covered80 / heldOut : Number.NaN,
    coverage95: heldOut ? covered95 / heldOut : Number.NaN,
    methods,
  };
}
