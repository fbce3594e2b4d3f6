import { describe, expect, it } from 'vitest';
import { daySeconds, forecastFan, postingGrid, revenueBySource, stack, viewsByLocalHour } from './insights-data';

const row = (day: string, source: string, amount: number, reversed = 0, currency = 'USD') => ({ day, source, currency, amount, reversed_amount: reversed });

describe('revenueBySource', () => {
  it('puts each source on its day in major units, net of reversals, zero on quiet days, other currencies left out', () => {
    const s = revenueBySource(
      [row('2026-03-01', 'tips', 500), row('2026-03-03', 'subscriptions', 1999, 1999), row('2026-03-03', 'tips', 250), row('2026-03-02', 'tips', 900, 0, 'EUR')],
      '2026-03-01',
      '2026-03-03',
      'USD',
    );
    expect(s.days).toEqual([daySeconds('2026-03-01'), daySeconds('2026-03-02'), daySeconds('2026-03-03')]);
    expect(s.sources.map((x) => [x.label, x.values])).toEqual([
      ['Subscriptions', [0, 0, 0]],
      ['Tips', [5, 0, 2.5]],
    ]);
    expect(s.totals).toEqual([5, 0, 2.5]);
  });

  it('uses the currency exponent (JPY has none)', () => {
    expect(revenueBySource([row('2026-03-01', 'tips', 500, 0, 'JPY')], '2026-03-01', '2026-03-01', 'JPY').totals).toEqual([500]);
  });

  it('stacks sources as running sums', () => {
    expect(stack([[1, 2], [3, 4], [5, 6]])).toEqual([[1, 2], [4, 6], [9, 12]]);
  });
});

describe('forecastFan', () => {
  const days = ['2026-03-01', '2026-03-02'].map(daySeconds);
  it('joins the fan to the last observed day', () => {
    const f = forecastFan(days, [100, 200], {
      status: 'ok',
      method: 'ETS(A,N,N)',
      days_of_data: 20,
      points: [{ date: '2026-03-03', mean: 30000, lo80: 20000, hi80: 40000, lo95: 10000, hi95: 50000 }],
    }, 0.01)!;
    expect(f.x).toEqual([...days, daySeconds('2026-03-03')]);
    expect(f.history).toEqual([100, 200, null]);
    expect(f.mean).toEqual([null, 200, 300]);
    expect(f.lo95).toEqual([null, 200, 100]);
    expect(f.hi80).toEqual([null, 200, 400]);
  });
  it('draws nothing without a forecast', () => {
    expect(forecastFan(days, [1, 2], { status: 'not_enough_history', days_of_data: 3, minimum_days: 14 })).toBeNull();
  });
});

describe('posting hours', () => {
  it('counts published posts by local weekday (Monday first) and hour; drafts do not count', () => {
    const monday9 = new Date(2026, 2, 2, 9, 15).toISOString(); // 2 March 2026 is a Monday
    const sunday23 = new Date(2026, 2, 8, 23, 5).toISOString();
    const g = postingGrid([
      { status: 'published', publishedAt: monday9 },
      { status: 'published', publishedAt: monday9 },
      { status: 'published', publishedAt: sunday23 },
      { status: 'draft', publishedAt: null },
    ]);
    expect(g.grid[0]![9]).toBe(2);
    expect(g.grid[6]![23]).toBe(1);
    expect(g).toMatchObject({ max: 2, total: 3 });
  });
  it('moves UTC hours to local ones', () => {
    const v = viewsByLocalHour([{ hour_utc: 23, posts: 2, average_views: 7 }, { hour_utc: 5, posts: 0, average_views: 0 }], 120);
    expect(v[1]).toBe(7);
    expect(v.filter((x) => x !== null)).toHaveLength(1);
  });
});
