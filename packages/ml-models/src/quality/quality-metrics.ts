// Technical quality of one photo or frame, in plain TypeScript (one pass per metric over the luma plane).
// Chosen over the ONNX graph in quality-onnx.ts after measuring (bench/quality.bench.ts): see README.
import { assertRgbImage, type RgbImage } from '../image.js';

export interface QualityMetrics {
  /** Variance of the 4-neighbour Laplacian of luma (0-255 scale). Higher = sharper. */
  sharpness: number;
  exposure: {
    /** Share of pixels with luma >= 250 (blown highlights). */
    clippedHighlights: number;
    /** Share of pixels with luma <= 5 (crushed shadows). */
    clippedShadows: number;
    meanLuma: number;
    /** 1 = no clipping and a mid-tone mean; falls with clipping and with a mean near black or white. */
    score: number;
  };
  /** Estimated std-dev of Gaussian noise in luma (Immerkaer 1996). */
  noise: number;
  /** Hasler & Suesstrunk (2003) colourfulness; ~0 grey, >100 very colourful. */
  colourfulness: number;
}

export const HIGHLIGHT_CLIP = 250;
export const SHADOW_CLIP = 5;

/** Rec. 601 luma as floats. */
export function lumaPlane(img: RgbImage): Float32Array {
  assertRgbImage(img);
  const n = img.width * img.height;
  const out = new Float32Array(n);
  const d = img.data;
  for (let i = 0, j = 0; i < n; i++, j += 3) out[i] = 0.299 * d[j]! + 0.587 * d[j + 1]! + 0.114 * d[j + 2]!;
  return out;
}

export function exposureFromLuma(luma: Float32Array): QualityMetrics['exposure'] {
  let hi = 0;
  let lo = 0;
  let sum = 0;
  for (let i = 0; i < luma.length; i++) {
    const v = luma[i]!;
    sum += v;
    if (v >= HIGHLIGHT_CLIP) hi++;
    else if (v <= SHADOW_CLIP) lo++;
  }
  const n = luma.length;
  const meanLuma = sum / n;
  const clipped = (hi + lo) / n;
  // Clipping costs the most; a mean far from mid-grey costs a little (a dark mood shot is not a defect).
  const meanPenalty = Math.abs(meanLuma - 128) / 128;
  const score = Math.max(0, Math.min(1, (1 - Math.min(1, clipped * 4)) * (1 - 0.5 * meanPenalty * meanPenalty)));
  return { clippedHighlights: hi / n, clippedShadows: lo / n, meanLuma, score };
}

/** Laplacian variance and Immerkaer noise over interior pixels, in one pass. */
export function sharpnessAndNoise(luma: Float32Array, width: number, height: number): { sharpness: number; noise: number } {
  if (width < 3 || height < 3) return { sharpness: 0, noise: 0 };
  let sum = 0;
  let sumSq = 0;
  let absNoise = 0;
  for (let y = 1; y < height - 1; y++) {
    const row = y * width;
    for (let x = 1; x < width - 1; x++) {
      const i = row + x;
      const c = luma[i]!;
      const n = luma[i - width]!;
      const s = luma[i + width]!;
      const w = luma[i - 1]!;
      const e = luma[i + 1]!;
      const lap = n + s + w + e - 4 * c;
      sum += lap;
      sumSq += lap * lap;
      // Immerkaer mask [1 -2 1; -2 4 -2; 1 -2 1]: cancels edges and flat areas, leaves noise.
      const corners = luma[i - width - 1]! + luma[i - width + 1]! + luma[i + width - 1]! + luma[i + width + 1]!;
      absNoise += Math.abs(corners - 2 * (n + s + w + e) + 4 * c);
    }
  }
  const count = (width - 2) * (height - 2);
  const mean = sum / count;
  return { sharpness: sumSq / count - mean * mean, noise: (Math.sqrt(Math.PI / 2) * absNoise) / (6 * count) };
}

export function colourfulness(img: RgbImage): number {
  const d = img.data;
  const n = img.width * img.height;
  let sRg = 0;
  let sRg2 = 0;
  let sYb = 0;
  let sYb2 = 0;
  for (let j = 0; j < d.length; j += 3) {
    const r = d[j]!;
    const g = d[j + 1]!;
    const b = d[j + 2]!;
    const rg = r - g;
    const yb = 0.5 * (r + g) - b;
    sRg += rg;
    sRg2 += rg * rg;
    sYb += yb;
    sYb2 += yb * yb;
  }
  const mRg = sRg / n;
  const mYb = sYb / n;
  const vRg = Math.max(0, sRg2 / n - mRg * mRg);
  const vYb = Math.max(0, sYb2 / n - mYb * mYb);
  return Math.sqrt(vRg + vYb) + 0.3 * Math.sqrt(mRg * mRg + mYb * mYb);
}

export function measureQuality(img: RgbImage): QualityMetrics {
  const luma = lumaPlane(img);
  const { sharpness, noise } = sharpnessAndNoise(luma, img.width, img.height);
  return { sharpness, exposure: exposureFromLuma(luma), noise, colourfulness: colourfulness(img) };
}
