// Picks the thumbnail frame: only `safe` frames qualify (thumbnails are public); among them the sharpest,
// well-exposed one wins. Returns the reason in words and numbers so the UI can show why.
import type { ContentLabel } from '../classifier/labels.js';
import type { QualityMetrics } from '../quality/quality-metrics.js';

export interface ThumbnailCandidate {
  timeSec: number;
  label: ContentLabel;
  quality: QualityMetrics;
}

export interface ThumbnailChoice {
  timeSec: number;
  score: number;
  reason: string;
}

/** Weighting of sharpness (relative to the sharpest safe frame) against the exposure score. */
export const THUMBNAIL_WEIGHTS = { sharpness: 0.6, exposure: 0.4 } as const;

export function chooseThumbnail(frames: ThumbnailCandidate[]): { choice: ThumbnailChoice | null; reason: string } {
  if (frames.length === 0) return { choice: null, reason: 'no frames to choose from' };
  const safe = frames.filter((f) => f.label === 'safe');
  if (safe.length === 0) {
    return { choice: null, reason: `none of the ${frames.length} sampled frames is labelled safe, so none can be a public thumbnail` };
  }
  // log1p compresses Laplacian variance, which spans orders of magnitude between soft and crisp frames.
  const maxSharp = Math.max(...safe.map((f) => Math.log1p(f.quality.sharpness)));
  let best: { f: ThumbnailCandidate; score: number } | null = null;
  for (const f of safe) {
    const rel = maxSharp > 0 ? Math.log1p(f.quality.sharpness) / maxSharp : 0;
    const score = THUMBNAIL_WEIGHTS.sharpness * rel + THUMBNAIL_WEIGHTS.exposure * f.quality.exposure.score;
    if (!best || score > best.score) best = { f, score };
  }
  const { f, score } = best!;
  const sharpRank = [...safe].sort((a, b) => b.quality.sharpness - a.quality.sharpness).indexOf(f) + 1;
  const clipped = ((f.quality.exposure.clippedHighlights + f.quality.exposure.clippedShadows) * 100).toFixed(1);
  const reason =
    `frame at ${f.timeSec.toFixed(2)} s: safe; sharpness rank ${sharpRank} of ${safe.length} safe frames ` +
    `(Laplacian variance ${f.quality.sharpness.toFixed(0)}), exposure score ${f.quality.exposure.score.toFixed(2)} ` +
    `(${clipped}% clipped)` +
    (safe.length < frames.length ? `; ${frames.length - safe.length} non-safe frames excluded` : '');
  return { choice: { timeSec: f.timeSec, score, reason }, reason };
}
