import { describe, expect, it } from 'vitest';
import { measureQuality, lumaPlane, sharpnessAndNoise } from '../src/quality/quality-metrics.js';
import { OnnxQualityFilters } from '../src/quality/quality-onnx.js';
import { chooseThumbnail } from '../src/thumbnail/best-thumbnail.js';
import type { RgbImage } from '../src/image.js';
import { makeImage, prng, syntheticImage } from './synthetic-images.js';

function boxBlur(img: RgbImage, radius: number): RgbImage {
  const { width: w, height: h, data } = img;
  const out = new Uint8Array(data.length);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let c = 0; c < 3; c++) {
        let s = 0;
        let n = 0;
        for (let dy = -radius; dy <= radius; dy++)
          for (let dx = -radius; dx <= radius; dx++) {
            const yy = Math.min(h - 1, Math.max(0, y + dy));
            const xx = Math.min(w - 1, Math.max(0, x + dx));
            s += data[(yy * w + xx) * 3 + c]!;
            n++;
          }
        out[(y * w + x) * 3 + c] = Math.round(s / n);
      }
  return { width: w, height: h, data: out };
}

const map = (img: RgbImage, f: (v: number, i: number) => number): RgbImage => ({ ...img, data: Uint8Array.from(img.data, (v, i) => Math.max(0, Math.min(255, Math.round(f(v, i))))) });

const scene = makeImage(160, 120, (x, y) => {
  const inSquare = x > 40 && x < 120 && y > 30 && y < 90;
  return inSquare ? [200, 80, 60] : [(x * 3) % 200 + 30, 120, (y * 2) % 180 + 40];
});

describe('technical quality', () => {
  it('gives a blurred copy lower sharpness', () => {
    expect(measureQuality(boxBlur(scene, 2)).sharpness).toBeLessThan(measureQuality(scene).sharpness * 0.5);
  });

  it('gives an over-exposed copy a worse exposure score with more clipped highlights', () => {
    const over = map(scene, (v) => v * 2.2 + 40);
    const a = measureQuality(scene).exposure;
    const b = measureQuality(over).exposure;
    expect(b.clippedHighlights).toBeGreaterThan(a.clippedHighlights + 0.15);
    expect(b.score).toBeLessThan(a.score);
  });

  it('estimates more noise for a copy with added noise, roughly at the added level', () => {
    const rnd = prng(3);
    const gauss = (): number => Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());
    const flat = makeImage(200, 150, () => [120, 120, 120]);
    const noisy = map(flat, (v) => v + gauss() * 8);
    expect(measureQuality(flat).noise).toBeLessThan(0.5);
    const est = measureQuality(noisy).noise;
    expect(est).toBeGreaterThan(4); // per-channel sigma 8 gives luma sigma ~5.4
    expect(est).toBeLessThan(8);
  });

  it('scores grey as not colourful and saturated colours as colourful', () => {
    const grey = makeImage(50, 50, (x) => [x * 4, x * 4, x * 4]);
    const colour = makeImage(50, 50, (x, y) => ((x + y) % 2 ? [255, 0, 0] : [0, 0, 255]));
    expect(measureQuality(grey).colourfulness).toBeLessThan(1);
    expect(measureQuality(colour).colourfulness).toBeGreaterThan(100);
  });

  it('the ONNX filter graph agrees with the TypeScript filters', async () => {
    const q = await OnnxQualityFilters.open();
    for (const seed of [1, 2, 5]) {
      const img = syntheticImage(seed);
      const luma = lumaPlane(img);
      const ts = sharpnessAndNoise(luma, img.width, img.height);
      const ox = await q.sharpnessAndNoise(luma, img.width, img.height);
      expect(Math.abs(ox.sharpness - ts.sharpness) / Math.max(1, ts.sharpness)).toBeLessThan(1e-3);
      expect(Math.abs(ox.noise - ts.noise) / Math.max(1, ts.noise)).toBeLessThan(1e-3);
    }
    await q.close();
  });
});

describe('best thumbnail', () => {
  it('picks the sharp, well-exposed safe frame and never a non-safe one', () => {
    const sharp = measureQuality(scene);
    const blurred = measureQuality(boxBlur(scene, 3));
    const over = measureQuality(map(scene, (v) => v * 2.5 + 60));
    const { choice } = chooseThumbnail([
      { timeSec: 1, label: 'safe', quality: blurred },
      { timeSec: 2, label: 'explicit', quality: sharp },
      { timeSec: 3, label: 'safe', quality: over },
      { timeSec: 4, label: 'safe', quality: sharp },
    ]);
    expect(choice?.timeSec).toBe(4);
    expect(choice?.reason).toMatch(/safe; sharpness rank 1 of 3 safe frames/);
    expect(choice?.reason).toMatch(/1 non-safe frames excluded/);
  });

  it('returns no thumbnail, with the reason, when no frame is safe', () => {
    const r = chooseThumbnail([{ timeSec: 0, label: 'suggestive', quality: measureQuality(scene) }]);
    expect(r.choice).toBeNull();
    expect(r.reason).toMatch(/none of the 1 sampled frames is labelled safe/);
  });
});
