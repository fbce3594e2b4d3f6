// Forecast accuracy and calibration on seeded synthetic series (trend + weekly season + noise), rolling
// origin, 14- and 30-day horizons. Baselines in the same run: naive and seasonal naive (MASE ratios),
// and the time of one forecast() call vs the naive forecast over the same 365-day series.
import { backtest } from '../src/forecast/backtest';
import { forecast } from '../src/forecast/forecast';
import { syntheticSeries, WEEKLY_REVENUE_SHAPE } from '../test/synthetic-series';
import { ratio, report, time } from './timing';

const SERIES = Number(process.env.BENCH_FORECAST_SERIES ?? 8);
for (const horizon of [14, 30]) {
  let held = 0;
  let c80 = 0;
  let c95 = 0;
  const mase = { ets: 0, naive: 0, seasonalNaive: 0 };
  const methods: Record<string, number> = {};
  for (let i = 0; i < SERIES; i++) {
    const y = syntheticSeries({ days: 150, level: 200, trend: 0.4 + 0.2 * i, weekly: WEEKLY_REVENUE_SHAPE, noiseSd: 8 + 2 * i, seed: 1000 + i });
    const r = backtest(y, { horizon, minTrain: 42, step: 7 });
    held += r.heldOutPoints;
    c80 += r.covered80;
    c95 += r.covered95;
    for (const k of ['ets', 'naive', 'seasonalNaive'] as const) mase[k] += r.mase[k] / SERIES;
    for (const [m, n] of Object.entries(r.methods)) methods[m] = (methods[m] ?? 0) + n;
  }
  console.log(`horizon ${horizon} d, ${SERIES} series x 150 d, ${held} held-out points`);
  console.log(`  MASE  ets ${mase.ets.toFixed(3)}  naive ${mase.naive.toFixed(3)}  seasonal naive ${mase.seasonalNaive.toFixed(3)}`);
  console.log(`  RATIO MASE ets/naive: ${(mase.ets / mase.naive).toFixed(2)}   ets/seasonal naive: ${(mase.ets / mase.seasonalNaive).toFixed(2)}`);
  console.log(`  coverage  80 %: ${((100 * c80) / held).toFixed(1)} %   95 %: ${((100 * c95) / held).toFixed(1)} %`);
  console.log(`  models chosen: ${JSON.stringify(methods)}`);
}

const year = syntheticSeries({ days: 365, level: 200, trend: 0.5, weekly: WEEKLY_REVENUE_SHAPE, noiseSd: 12, seed: 7 }).map((value, i) => ({
  date: new Date(Date.UTC(2025, 0, 1 + i)).toISOString().slice(0, 10),
  value,
}));
forecast(year, 30); // warm-up
const CALLS = 10;
const naive = time('naive forecast (last value), 365 d', CALLS, () => {
  for (let c = 0; c < CALLS; c++) year.slice(-1).flatMap((p) => new Array<number>(30).fill(p.value));
});
const ets = time('forecast(): 6 ETS fits + AICc, 365 d', CALLS, () => {
  for (let c = 0; c < CALLS; c++) forecast(year, 30);
});
report(naive);
report(ets);
ratio('naive is cheaper than forecast() by', ets, naive);
