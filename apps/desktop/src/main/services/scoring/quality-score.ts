// The 0-100 quality score creators see on cards, in the item panel and in the Library's quality filter.
// It rolls up the raw metrics local scoring stores (Laplacian variance, exposure 0-1, noise sigma), which
// are not percentages: a sharp 720p frame has a Laplacian variance of ~300, a noise pattern 100,000+.
//
// Calibration (measured with `npm run studio -w @fanz/desktop -- score <file>` on ffmpeg-generated clips,
// 2 s each; see README "Quality score"):
//   flat grey 0 · testsrc2 640x480 gblur sigma 15: 3 · sigma 6: 4 · sigma 2: 30 · smptebars: 214 ·
//   testsrc2 1280x720: 287 · mandelbrot 640x480: 486 · testsrc2 320x240: 1274 · testsrc2 + noise 40: 1863.
// Sharpness is scored on a log scale between SOFT (at or below: visibly blurred, 0) and CRISP (at or above:
// 1); exposure counts as is; noise costs up to a tenth. Bands: 0-39 poor, 40-59 fair, 60-79 good, 80+ excellent.
export const SHARPNESS_SOFT = 5;
export const SHARPNESS_CRISP = 1000;
export const NOISE_BAD = 20;

export interface QualityInputs {
  sharpness: number;
  exposure: number;
  noise: number;
}

const clamp01 = (x: number) => Math.max(0, Math.min(1, x));

/** Sharpness alone on 0-1 (log scale between SOFT and CRISP). */
export function sharpnessPart(sharpness: number): number {
  const lo = Math.log10(1 + SHARPNESS_SOFT);
  const hi = Math.log10(1 + SHARPNESS_CRISP);
  return clamp01((Math.log10(1 + Math.max(0, sharpness)) - lo) / (hi - lo));
}

export function qualityScore(q: QualityInputs): number {
  const noise = 1 - clamp01(q.noise / NOISE_BAD);
  return Math.round(100 * (0.6 * sharpnessPart(q.sharpness) + 0.3 * clamp01(q.exposure) + 0.1 * noise));
}

/** Same as qualityScore, for SQL: null when the item has not been scored. */
export function qualityScoreOrNull(sharpness: number | null, exposure: number | null, noise: number | null): number | null {
  if (sharpness === null || exposure === null || noise === null) return null;
  return qualityScore({ sharpness, exposure, noise });
}

/** The words for a score band (cards, the item panel, the filter). */
export function qualityBand(score: number): 'Poor' | 'Fair' | 'Good' | 'Excellent' {
  return score >= 80 ? 'Excellent' : score >= 60 ? 'Good' : score >= 40 ? 'Fair' : 'Poor';
}
