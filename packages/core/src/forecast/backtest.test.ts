import { describe, expect, it } from 'vitest';
import { syntheticSeries, WEEKLY_REVENUE_SHAPE } from '../../test/synthetic-series';
import { backtest } from './backtest';

describe('backtest (rolling origin)', () => {
  // Six seeded series: trend + weekly season + noise, with different slopes and noise levels.
  const reports = Array.from({ length: 6 }, (_, i) =>
    backtest(syntheticSeries({ days: 119, level: 200, trend: 0.4 + 0.3 * i, weekly: WEEKLY_REVENUE_SHAPE, noiseSd: 8 + 3 * i, seed: 100 + i }), {
      horizon: 14,
      minTrain: 42,
      step: 7,
    }),
  );

  it('the AICc-chosen ETS model beats naive on MASE on every generated series', () => {
    for (const r of reports) {
      expect(r.origins).toBe(10);
      expect(r.mase.ets).toBeLessThan(r.mase.naive);
    }
    const mean = (k: 'ets' | 'naive' | 'seasonalNaive') => reports.reduce((a, r) => a + r.mase[k], 0) / reports.length;
    expect(mean('ets')).toBeLessThan(mean('seasonalNaive'));
  });

  it('80 % intervals cover 70-90 % of held-out points over all origins (95 % ones more)', () => {
    const held = reports.reduce((a, r) => a + r.heldOutPoints, 0);
    const c80 = reports.reduce((a, r) => a + r.covered80, 0) / held;
    const c95 = reports.reduce((a, r) => a + r.covered95, 0) / held;
    expect(held).toBe(6 * 10 * 14);
    expect(c80).toBeGreaterThanOrEqual(0.7);
    expect(c80).toBeLessThanOrEqual(0.9);
    expect(c95).toBeGreaterThan(c80);
    expect(c95).toBeGreaterThanOrEqual(0.85);
  });

  it('a random walk is not beaten by much: naive is the right model there, and ETS stays close to it', () => {
    let y = 100;
    const walk = syntheticSeries({ days: 100, level: 0, trend: 0, weekly: [0, 0, 0, 0, 0, 0, 0], noiseSd: 3, seed: 8 }).map((e) => (y += e));
    const r = backtest(walk, { horizon: 7, minTrain: 28 });
    expect(r.mase.ets).toBeLessThan(r.mase.naive * 1.25);
  });

  it('refuses a series shorter than one origin', () => {
    expect(() => backtest([1, 2, 3], { horizon: 7 })).toThrow(/at least minTrain \+ horizon = 35 values/);
  });
});
