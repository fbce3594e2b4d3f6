import { describe, expect, it } from 'vitest';
import { qualityBand, qualityScore } from './quality-score.js';

// Raw metrics measured on generated clips (see the calibration note in quality-score.ts).
const measured = {
  flat: { sharpness: 0, exposure: 1, noise: 0 },
  blur6: { sharpness: 4, exposure: 1, noise: 0.1 },
  blur2: { sharpness: 30, exposure: 1, noise: 0.1 },
  bars: { sharpness: 214, exposure: 0.27, noise: 0 },
  sharp720: { sharpness: 287, exposure: 1, noise: 0.4 },
  mandel: { sharpness: 486, exposure: 0.99, noise: 1.5 },
  sharp240: { sharpness: 1274, exposure: 1, noise: 1.2 },
  // The raw value the post editor used to show as "Sharpness 32868%".
  editorBug: { sharpness: 328.68, exposure: 1, noise: 0.5 },
};

describe('quality score', () => {
  it('stays on 0-100 whatever the raw metrics are', () => {
    for (const s of [0, 1, 1e3, 1e6, 1e9]) {
      for (const e of [0, 0.5, 1]) {
        for (const n of [0, 5, 500]) {
          const q = qualityScore({ sharpness: s, exposure: e, noise: n });
          expect(q).toBeGreaterThanOrEqual(0);
          expect(q).toBeLessThanOrEqual(100);
        }
      }
    }
  });

  it('ranks the calibration clips: blurred below sharp, a sharp clip excellent', () => {
    const q = Object.fromEntries(Object.entries(measured).map(([k, v]) => [k, qualityScore(v)]));
    expect(q.blur6).toBeLessThan(q.blur2!);
    expect(q.blur2).toBeLessThan(q.sharp720!);
    expect(q.sharp720).toBeLessThanOrEqual(q.sharp240!);
    expect(qualityBand(q.blur6!)).toBe('Fair');
    expect(qualityBand(q.blur2!)).toBe('Fair');
    expect(qualityBand(q.sharp720!)).toBe('Excellent');
    expect(qualityBand(q.mandel!)).toBe('Excellent');
    // Clipped colour bars are sharp but badly exposed: good, not excellent.
    expect(qualityBand(q.bars!)).toBe('Good');
    expect(q.editorBug).toBe(87);
  });
});
