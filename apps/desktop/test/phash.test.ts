// Perceptual hashes: the one-process five-frame sampler agrees with hashing each frame on its own, and
// the distance functions behave.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { dHashFromGray9x8, dHashOfFrame, frameHashDistance, hammingDistance, videoFrameHashes } from '../src/main/services/media/phash.js';
import { ffmpeg, makeTempDir } from './helpers/fixtures.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let clip: string;

beforeAll(async () => {
  tmp = await makeTempDir();
  clip = join(tmp.dir, 'changing.mp4');
  // Content that changes over time (hue rotation + moving pattern), so each sample point hashes differently.
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=25:duration=4,hue=h=t*90:s=3', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', clip]);
}, 60_000);
afterAll(async () => {
  await tmp?.cleanup();
});

describe('perceptual hash', () => {
  it('computes dHash bits from left/right brightness', () => {
    const px = new Uint8Array(72);
    for (let r = 0; r < 8; r++) for (let c = 0; c < 9; c++) px[r * 9 + c] = 255 - c * 10; // falling to the right
    expect(dHashFromGray9x8(px)).toBe('ffffffffffffffff');
    expect(() => dHashFromGray9x8(new Uint8Array(10))).toThrow(/72 gray pixels/);
  });

  it('measures Hamming distance per frame and averages over frames', () => {
    expect(hammingDistance('ffffffffffffffff', '0000000000000000')).toBe(64);
    expect(hammingDistance('f0f0f0f0f0f0f0f0', 'f0f0f0f0f0f0f0f1')).toBe(1);
    expect(frameHashDistance('ff00000000000000,0000000000000000', '0000000000000000,0000000000000000')).toBe(4);
  });

  it('samples five frames in one process, matching frame-by-frame hashing', async () => {
    const joined = await videoFrameHashes(clip, 4);
    const single: string[] = [];
    for (const f of [0.1, 0.3, 0.5, 0.7, 0.9]) single.push(await dHashOfFrame(clip, 4 * f));
    const parts = joined.split(',');
    expect(parts).toHaveLength(5);
    parts.forEach((h, i) => expect(hammingDistance(h, single[i] ?? '')).toBeLessThanOrEqual(3));
    expect(new Set(parts).size).toBeGreaterThan(1);
  });
});
