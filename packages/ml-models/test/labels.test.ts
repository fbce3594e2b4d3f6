import { describe, expect, it } from 'vitest';
import { labelFromProbabilities, publishWarnings, type ClassProbabilities } from '../src/classifier/labels.js';
import { aggregateFrameScores } from '../src/classifier/aggregate.js';

const p = (Drawing: number, Hentai: number, Neutral: number, Porn: number, Sexy: number): ClassProbabilities => ({ Drawing, Hentai, Neutral, Porn, Sexy });

describe('content labels', () => {
  it('maps probability mass to explicit, suggestive and safe with the default thresholds', () => {
    expect(labelFromProbabilities(p(0, 0.1, 0.2, 0.6, 0.1)).label).toBe('explicit');
    expect(labelFromProbabilities(p(0.1, 0.05, 0.4, 0.05, 0.4)).label).toBe('suggestive');
    expect(labelFromProbabilities(p(0.3, 0, 0.65, 0.02, 0.03)).label).toBe('safe');
  });

  it('honours configured thresholds and rejects out-of-range ones', () => {
    const probs = p(0.1, 0.05, 0.6, 0.1, 0.15);
    expect(labelFromProbabilities(probs).label).toBe('safe');
    expect(labelFromProbabilities(probs, { explicit: 0.5, suggestive: 0.2 }).label).toBe('suggestive');
    expect(() => labelFromProbabilities(probs, { explicit: 1.5, suggestive: 0.2 })).toThrow(/must be in \(0, 1\]/);
  });

  it('warns before a non-safe teaser goes public, not for locked posts', () => {
    expect(publishWarnings('suggestive', 'public_teaser')[0]).toMatch(/must be safe/);
    expect(publishWarnings('explicit', 'subscribers')).toEqual([]);
    expect(publishWarnings('safe', 'public_thumbnail')).toEqual([]);
  });

  it('aggregates frames: max and mean per class, where the max is, and the most severe label', () => {
    const agg = aggregateFrameScores([
      { timeSec: 0, probabilities: p(0, 0, 0.9, 0.05, 0.05) },
      { timeSec: 5, probabilities: p(0, 0.1, 0.1, 0.7, 0.1) },
      { timeSec: 10, probabilities: p(0, 0, 0.8, 0.1, 0.1) },
    ]);
    expect(agg.label).toBe('explicit');
    expect(agg.max.Porn).toEqual({ probability: 0.7, timeSec: 5 });
    expect(agg.mean.Neutral).toBeCloseTo(0.6, 10);
    expect(agg.labelFrames).toEqual([5]);
    expect(agg.reason).toMatch(/1 of 3 frames are explicit; first at 5.00 s/);
  });
});
