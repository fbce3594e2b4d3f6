// Deterministic generated test images: gradients, noise, shapes, stripes, skin-like blobs, at varied sizes.
import type { RgbImage } from '../src/image.js';

/** mulberry32: a tiny seeded PRNG so fixtures are identical on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function makeImage(width: number, height: number, pixel: (x: number, y: number) => [number, number, number]): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const [r, g, b] = pixel(x, y);
      const i = (y * width + x) * 3;
      data[i] = r;
      data[i + 1] = g;
      data[i + 2] = b;
    }
  return { width, height, data };
}

const clamp = (v: number): number => Math.max(0, Math.min(255, Math.round(v)));

/** A varied image; `kind` cycles through 6 families, `seed` varies colours, sizes and positions. */
export function syntheticImage(seed: number): RgbImage {
  const rnd = prng(seed * 7919 + 17);
  const w = 48 + Math.floor(rnd() * 300);
  const h = 48 + Math.floor(rnd() * 300);
  const c1 = [rnd() * 255, rnd() * 255, rnd() * 255];
  const c2 = [rnd() * 255, rnd() * 255, rnd() * 255];
  switch (seed % 6) {
    case 0: // linear gradient
      return makeImage(w, h, (x, y) => {
        const t = (x / w + y / h) / 2;
        return [clamp(c1[0]! * (1 - t) + c2[0]! * t), clamp(c1[1]! * (1 - t) + c2[1]! * t), clamp(c1[2]! * (1 - t) + c2[2]! * t)];
      });
    case 1: // uniform noise
      return makeImage(w, h, () => [clamp(rnd() * 255), clamp(rnd() * 255), clamp(rnd() * 255)]);
    case 2: {
      // circles on a background
      const circles = Array.from({ length: 5 }, () => ({ x: rnd() * w, y: rnd() * h, r: 5 + rnd() * 60, c: [rnd() * 255, rnd() * 255, rnd() * 255] }));
      return makeImage(w, h, (x, y) => {
        for (const c of circles) if ((x - c.x) ** 2 + (y - c.y) ** 2 < c.r ** 2) return [clamp(c.c[0]!), clamp(c.c[1]!), clamp(c.c[2]!)];
        return [clamp(c1[0]!), clamp(c1[1]!), clamp(c1[2]!)];
      });
    }
    case 3: {
      // stripes / checkerboard
      const period = 2 + Math.floor(rnd() * 30);
      return makeImage(w, h, (x, y) => ((Math.floor(x / period) + Math.floor(y / period)) % 2 ? [clamp(c1[0]!), clamp(c1[1]!), clamp(c1[2]!)] : [clamp(c2[0]!), clamp(c2[1]!), clamp(c2[2]!)]));
    }
    case 4: {
      // skin-toned smooth blobs (pushes probability mass away from Drawing/Neutral)
      const base = [200 + rnd() * 40, 140 + rnd() * 40, 110 + rnd() * 40];
      const fx = 0.01 + rnd() * 0.05;
      const fy = 0.01 + rnd() * 0.05;
      return makeImage(w, h, (x, y) => {
        const s = 0.75 + 0.25 * Math.sin(x * fx) * Math.cos(y * fy);
        return [clamp(base[0]! * s), clamp(base[1]! * s), clamp(base[2]! * s)];
      });
    }
    default: {
      // radial pattern with noise
      return makeImage(w, h, (x, y) => {
        const d = Math.hypot(x - w / 2, y - h / 2) / Math.hypot(w, h);
        const n = (rnd() - 0.5) * 40;
        return [clamp(c1[0]! * (1 - d) + n), clamp(c2[1]! * d + n), clamp(128 + 127 * Math.sin(d * 20) + n)];
      });
    }
  }
}
