import { describe, expect, it } from 'vitest';
import { percentages } from './shares.js';

const total = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) * 100);

describe('percentages (largest remainder)', () => {
  it('sums to exactly 100 where rounding each would not', () => {
    expect(percentages([1, 1, 1])).toEqual([33.34, 33.33, 33.33]);
    expect(total(percentages([1, 1, 1]))).toBe(10_000);
    expect(percentages([3998, 500, 499])).toEqual([80.01, 10.01, 9.98]);
    for (const parts of [[7, 7, 7, 7, 7, 7], [1, 2, 3, 4, 5, 6, 7], [999_999, 1], [5]]) expect(total(percentages(parts))).toBe(10_000);
  });

  it('gives each part within 0.01 of its exact share', () => {
    const parts = [123_457, 98_765, 4_321, 1];
    const sum = parts.reduce((a, b) => a + b, 0);
    percentages(parts).forEach((p, i) => expect(Math.abs(p - (parts[i]! / sum) * 100)).toBeLessThanOrEqual(0.01));
  });

  it('treats negative parts as nothing, and all-nothing as zeros', () => {
    expect(percentages([100, -20])).toEqual([100, 0]);
    expect(percentages([0, 0])).toEqual([0, 0]);
    expect(percentages([-5])).toEqual([0]);
    expect(percentages([])).toEqual([]);
  });
});
