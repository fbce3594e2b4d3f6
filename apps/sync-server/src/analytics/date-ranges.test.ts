import { describe, expect, it } from 'vitest';
import { monthSplit, previousRange, resolveRange } from './date-ranges.js';

describe('date ranges', () => {
  it('reads presets as the N days ending today (UTC) and the period before as the N days before that', () => {
    const r = resolveRange('last_7_days', new Date('2026-03-03T23:59:00Z'));
    expect(r).toEqual({ from: '2026-02-25', to: '2026-03-03', days: 7 });
    expect(previousRange(r)).toEqual({ from: '2026-02-18', to: '2026-02-24', days: 7 });
    expect(resolveRange({ from: '2024-02-01', to: '2024-02-29' })).toEqual({ from: '2024-02-01', to: '2024-02-29', days: 29 });
  });

  it('splits a range into whole months and edge days', () => {
    const split = (from: string, to: string) => monthSplit({ from, to, days: 0 });
    expect(split('2026-01-15', '2026-03-10')).toEqual({ fullFrom: '2026-02-01', fullTo: '2026-03-01' });
    expect(split('2026-01-01', '2026-01-31')).toEqual({ fullFrom: '2026-01-01', fullTo: '2026-02-01' });
    expect(split('2025-12-01', '2026-12-31')).toEqual({ fullFrom: '2025-12-01', fullTo: '2027-01-01' });
    expect(split('2025-11-30', '2026-11-29')).toEqual({ fullFrom: '2025-12-01', fullTo: '2026-11-01' });
    // No whole month inside: both ends the day after `to`, so the days cover everything.
    expect(split('2026-01-10', '2026-01-20')).toEqual({ fullFrom: '2026-01-21', fullTo: '2026-01-21' });
    expect(split('2026-01-10', '2026-02-20')).toEqual({ fullFrom: '2026-02-21', fullTo: '2026-02-21' });
  });
});
