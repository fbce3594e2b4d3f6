import { describe, expect, it } from 'vitest';
import { CoreError } from '../errors';
import { seededNormal, syntheticSeries, WEEKLY_REVENUE_SHAPE } from '../../test/synthetic-series';
import { autoEts, fitEts, forecastEts, runFilter, type EtsFit } from './ets';
import { forecast } from './forecast';
import { nelderMead } from './nelder-mead';

const day = (i: number, start = Date.UTC(2026, 0, 1)) => new Date(start + i * 86_400_000).toISOString().slice(0, 10);
const asSeries = (values: readonly number[]) => values.map((value, i) => ({ date: day(i), value }));

describe('forecast: history rules', () => {
  it('says "not enough history" below 14 days and forecasts from 14', () => {
    const values = syntheticSeries({ days: 14, level: 100, trend: 1, weekly: WEEKLY_REVENUE_SHAPE, noiseSd: 5, seed: 3 });
    expect(forecast(asSeries(values.slice(0, 13)), 30)).toEqual({ status: 'not_enough_history', daysOfData: 13, minimumDays: 14 });
    const ok = forecast(asSeries(values), 30);
    expect(ok.status).toBe('ok');
  });

  it('does not count zero days before the first activity as history', () => {
    const values = [...new Array<number>(40).fill(0), 5, 7, 6, 8, 9];
    expect(forecast(asSeries(values), 7)).toMatchObject({ status: 'not_enough_history', daysOfData: 5 });
    expect(forecast(asSeries(new Array<number>(60).fill(0)), 7)).toMatchObject({ status: 'not_enough_history', daysOfData: 0 });
  });

  it('fills missing days with zero for money and carries the last value for counts', () => {
    // Rows only on even days: 'zero' reads the odd days as 0 revenue, 'carry' as an unchanged count.
    const rows = Array.from({ length: 15 }, (_, i) => ({ date: day(2 * i), value: 100 }));
    const zero = forecast(rows, 7, { models: ['ETS(A,N,N)'] });
    const carry = forecast(rows, 7, { missing: 'carry', models: ['ETS(A,N,N)'] });
    expect(zero).toMatchObject({ status: 'ok', daysOfData: 29 });
    expect(carry).toMatchObject({ status: 'ok', daysOfData: 29 });
    if (zero.status !== 'ok' || carry.status !== 'ok') throw new Error('unreachable');
    expect(zero.points[0]!.mean).toBeGreaterThan(30);
    expect(zero.points[0]!.mean).toBeLessThan(70); // half the days earned nothing
    expect(carry.points[0]!.mean).toBeCloseTo(100, 3); // a constant count stays constant
    expect(carry.points[0]!.hi95 - carry.points[0]!.lo95).toBeLessThan(1e-3);
  });

  it('tries no seasonal model with fewer than two full seasons', () => {
    const values = syntheticSeries({ days: 13, level: 100, trend: 0, weekly: WEEKLY_REVENUE_SHAPE, noiseSd: 1, seed: 4 });
    expect(autoEts(values, { period: 7 }).candidates.map((c) => c.name)).toEqual(['ETS(A,N,N)', 'ETS(A,A,N)', 'ETS(A,Ad,N)']);
    const withTwo = syntheticSeries({ days: 14, level: 100, trend: 0, weekly: WEEKLY_REVENUE_SHAPE, noiseSd: 1, seed: 4 });
    expect(autoEts(withTwo, { period: 7 }).candidates.map((c) => c.name)).toContain('ETS(A,N,A)');
    // A 30-day season with 40 days of data: still fewer than two seasons.
    const monthly = autoEts(syntheticSeries({ days: 40, level: 100, trend: 0, weekly: WEEKLY_REVENUE_SHAPE, noiseSd: 1, seed: 4 }), { period: 30 });
    expect(monthly.candidates.every((c) => c.spec.season === 'N')).toBe(true);
  });
});

describe('forecast: model choice by AICc', () => {
  it('picks a seasonal model for a strong weekly pattern and a non-seasonal one without it', () => {
    const weekly = forecast(asSeries(syntheticSeries({ days: 90, level: 200, trend: 0.8, weekly: WEEKLY_REVENUE_SHAPE, noiseSd: 5, seed: 7 })), 30);
    expect(weekly.status === 'ok' && weekly.method).toMatch(/^ETS\(A,(A|Ad|N),A\)$/);
    const flat = forecast(asSeries(syntheticSeries({ days: 90, level: 200, trend: 0, weekly: [0, 0, 0, 0, 0, 0, 0], noiseSd: 5, seed: 7 })), 30);
    expect(flat.status === 'ok' && flat.method).toBe('ETS(A,N,N)');
  });

  it('reports the AICc of the chosen model, the lowest of all candidates', () => {
    const values = syntheticSeries({ days: 60, level: 50, trend: 0.5, weekly: WEEKLY_REVENUE_SHAPE, noiseSd: 6, seed: 11 });
    const { best, candidates } = autoEts(values);
    expect(candidates).toHaveLength(6);
    for (const c of candidates) expect(best.aicc).toBeLessThanOrEqual(c.aicc);
    const r = forecast(asSeries(values), 10);
    expect(r).toMatchObject({ status: 'ok', method: best.name });
    expect(r.status === 'ok' && r.aicc).toBeCloseTo(best.aicc, 6);
  });

  it('the fitted parameters minimise the sum of squared errors (maximum likelihood) better than the start', () => {
    const values = syntheticSeries({ days: 80, level: 100, trend: 1, weekly: WEEKLY_REVENUE_SHAPE, noiseSd: 4, seed: 5 });
    const fit = fitEts(values, { trend: 'A', season: 'A' });
    const near = { ...fit.params, alpha: fit.params.alpha * 0.8 + 0.05, beta: fit.params.beta * 0.5 };
    expect(fit.sse).toBeLessThan(runFilter(values, fit.spec, 7, near).sse);
    expect(Math.sqrt(fit.sigma2)).toBeGreaterThan(3);
    expect(Math.sqrt(fit.sigma2)).toBeLessThan(5.5); // the noise had sd 4
  });
});

function simulateVariance(fit: EtsFit, horizon: number, paths: number, seed: number): number[] {
  const normal = seededNormal(seed);
  const sigma = Math.sqrt(fit.sigma2);
  const { alpha, beta, gamma, phi } = fit.params;
  const sums = new Array<number>(horizon).fill(0);
  const squares = new Array<number>(horizon).fill(0);
  for (let p = 0; p < paths; p++) {
    let l = fit.final.level;
    let b = fit.final.slope;
    const s = fit.final.season.slice();
    for (let h = 0; h < horizon; h++) {
      const t = fit.n + h;
      const damped = fit.spec.trend === 'N' ? 0 : (fit.spec.trend === 'Ad' ? phi : 1) * b;
      const st = fit.spec.season === 'A' ? s[t % 7]! : 0;
      const e = sigma * normal();
      const y = l + damped + st + e;
      l = l + damped + alpha * e;
      b = damped + beta * e;
      if (fit.spec.season === 'A') s[t % 7] = st + gamma * e;
      sums[h]! += y;
      squares[h]! += y * y;
    }
  }
  return sums.map((sum, h) => squares[h]! / paths - (sum / paths) ** 2);
}

describe('forecast: prediction intervals', () => {
  it('the analytic class-1 variances agree with simulating the fitted model', () => {
    const values = syntheticSeries({ days: 100, level: 300, trend: 1.5, weekly: WEEKLY_REVENUE_SHAPE, noiseSd: 12, seed: 21 });
    for (const spec of [{ trend: 'Ad', season: 'A' }, { trend: 'A', season: 'N' }, { trend: 'N', season: 'A' }] as const) {
      const fit = fitEts(values, spec);
      const analytic = forecastEts(fit, 30).variance;
      const simulated = simulateVariance(fit, 30, 6000, 99);
      for (const h of [0, 6, 7, 14, 29]) expect(simulated[h]! / analytic[h]!, `${fit.name} h=${h + 1}`).toBeGreaterThan(0.9);
      for (const h of [0, 6, 7, 14, 29]) expect(simulated[h]! / analytic[h]!, `${fit.name} h=${h + 1}`).toBeLessThan(1.1);
    }
  });

  it('95 % bounds enclose 80 % bounds, which enclose the mean; dates follow the last day', () => {
    const rows = asSeries(syntheticSeries({ days: 45, level: 80, trend: 0.3, weekly: WEEKLY_REVENUE_SHAPE, noiseSd: 8, seed: 2 }));
    const r = forecast(rows, 30);
    if (r.status !== 'ok') throw new Error('expected a forecast');
    expect(r.points).toHaveLength(30);
    expect(r.points[0]!.date).toBe('2026-02-15');
    expect(r.points[29]!.date).toBe('2026-03-16');
    for (const p of r.points) {
      expect(p.lo95).toBeLessThanOrEqual(p.lo80);
      expect(p.lo80).toBeLessThanOrEqual(p.mean);
      expect(p.mean).toBeLessThanOrEqual(p.hi80);
      expect(p.hi80).toBeLessThanOrEqual(p.hi95);
    }
    expect(r.points[29]!.hi95 - r.points[29]!.lo95).toBeGreaterThan(r.points[0]!.hi95 - r.points[0]!.lo95);
  });

  it('clamps means and bounds at zero unless told not to', () => {
    const falling = asSeries(Array.from({ length: 30 }, (_, i) => Math.max(1, 60 - 2 * i) + (i % 3)));
    const clamped = forecast(falling, 30);
    const raw = forecast(falling, 30, { nonNegative: false });
    if (clamped.status !== 'ok' || raw.status !== 'ok') throw new Error('expected forecasts');
    expect(raw.points.some((p) => p.lo95 < 0)).toBe(true);
    for (const p of clamped.points) expect(Math.min(p.mean, p.lo80, p.lo95)).toBeGreaterThanOrEqual(0);
  });
});

describe('forecast: bad input', () => {
  const good = asSeries(new Array<number>(20).fill(3));
  const code = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      expect(e).toBeInstanceOf(CoreError);
      return (e as CoreError).message;
    }
    throw new Error('expected a CoreError');
  };
  it('refuses malformed rows, duplicates, impossible dates and silly horizons with a message', () => {
    expect(code(() => forecast([...good, { date: '2026-13-01', value: 1 }], 7))).toMatch(/not a (real )?calendar date/);
    expect(code(() => forecast([...good, { date: '2026-02-30', value: 1 }], 7))).toMatch(/not a real calendar date/);
    expect(code(() => forecast([...good, { date: '01/02/2026', value: 1 }], 7))).toMatch(/YYYY-MM-DD/);
    expect(code(() => forecast([...good, { date: '2030-01-01', value: Number.NaN }], 7))).toMatch(/finite number/);
    expect(code(() => forecast([...good, { date: good[3]!.date, value: 1 }], 7))).toMatch(/two values for 2026-01-04/);
    expect(code(() => forecast([null as unknown as { date: string; value: number }], 7))).toMatch(/series\[0\]/);
    expect(code(() => forecast(good, 0))).toMatch(/horizonDays/);
    expect(code(() => forecast(good, 1.5))).toMatch(/horizonDays/);
    expect(code(() => forecast(good, 10_000))).toMatch(/horizonDays/);
    expect(code(() => forecast(good, 7, { seasonPeriod: 1 }))).toMatch(/seasonPeriod/);
  });
  it('refuses a series spanning more than ten years instead of stalling', () => {
    expect(code(() => forecast([{ date: '2000-01-01', value: 1 }, { date: '2026-01-01', value: 1 }], 7))).toMatch(/spans 9498 days/);
  });
});

describe('nelderMead', () => {
  it('finds the minimum of the Rosenbrock function', () => {
    const r = nelderMead(([x, y]) => (1 - x!) ** 2 + 100 * (y! - x! * x!) ** 2, [-1.2, 1], { maxEvaluations: 5000, tolerance: 1e-14 });
    expect(r.x[0]).toBeCloseTo(1, 3);
    expect(r.x[1]).toBeCloseTo(1, 3);
  });
});
