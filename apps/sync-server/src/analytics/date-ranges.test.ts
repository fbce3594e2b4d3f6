import { describe, expect, it } from 'vitest';
import { blockSplit, dayNumber, dayString, monthSplit, previousRange, resolveRange } from './date-ranges.js';

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

  it('cuts a range into aligned 4^l-day blocks and single days that cover each day once', () => {
    // 2026-10-31 is day 20_757 (20_757 % 4 = 1): three single days, two 4-day blocks, one 16-day block, three days.
    expect(blockSplit({ from: '2026-10-31', to: '2026-11-29', days: 30 })).toEqual({
      days: ['2026-10-31', '2026-11-01', '2026-11-02', '2026-11-27', '2026-11-28', '2026-11-29'],
      levels: [1, 1, 2],
      blocks: [5_190, 5_191, 1_298],
    });
    for (const len of [1, 7, 30, 90, 366]) {
      let worst = 0;
      for (let from = dayNumber('2025-01-01'); from < dayNumber('2025-01-01') + 300; from++) {
        const r = { from: dayString(from), to: dayString(from + len - 1), days: len };
        const s = blockSplit(r);
        const covered = [...s.days.map(dayNumber), ...s.levels.flatMap((l, i) => Array.from({ length: 4 ** l }, (_, k) => s.blocks[i]! * 4 ** l + k))].sort((a, b) => a - b);
        expect(covered).toEqual(Array.from({ length: len }, (_, k) => from + k));
        worst = Math.max(worst, s.days.length + s.levels.length);
      }
      // At most 3 pieces per level on each side.
      expect(worst).toBeLessThanOrEqual(len === 30 ? 12 : 2 * 3 * 5);
    }
  });
});
