// Photos against real ffmpeg: EXIF (with GPS) never reaches a rendition, orientation is applied, sizes
// never exceed the source, and the blurred preview exists.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { probe } from '../src/main/services/media/probe.js';
import { processPhoto } from '../src/main/services/media/photo.js';
import { readJpegExif } from '../src/main/services/media/exif.js';
import { hammingDistance } from '../src/main/services/media/phash.js';
import { GPS_MARKER, addExif, edgeEnergy, ffmpeg, ffprobeJson, makeHalfWhiteJpeg, makeTempDir, topBottomLuma } from './helpers/fixtures.js';

let tmp: { dir: string; cleanup: () => Promise<void> };

beforeAll(async () => {
  tmp = await makeTempDir();
});
afterAll(async () => {
  await tmp?.cleanup();
});

async function dims(path: string): Promise<{ width: number; height: number }> {
  const info = (await ffprobeJson(path, ['-show_streams'])) as { streams: Array<{ width: number; height: number }> };
  return { width: info.streams[0]?.width ?? 0, height: info.streams[0]?.height ?? 0 };
}

describe('photo renditions', () => {
  it('strips EXIF and GPS, applies orientation 6 (rotate 90° clockwise), and never upscales', async () => {
    const src = join(tmp.dir, 'phone photo.jpg');
    await makeHalfWhiteJpeg(src, 640, 480);
    await addExif(src, 6);
    const exif = readJpegExif(await readFile(src));
    expect(exif).toEqual({ orientation: 6, hasExif: true, hasGps: true });
    expect((await readFile(src)).includes(GPS_MARKER)).toBe(true);

    const out = join(tmp.dir, 'out-6');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(out);
    const r = await processPhoto(src, await probe(src), out);
    expect(r.orientation).toBe(6);
    expect({ width: r.width, height: r.height }).toEqual({ width: 480, height: 640 });
    // The 640 px long edge fits only the 480 rendition; no 1080 or 2048 upscale.
    expect(r.outputs.map((o) => o.file)).toEqual(['photo_480.webp', 'preview_blur.webp']);
    expect(await dims(join(out, 'photo_480.webp'))).toEqual({ width: 360, height: 480 });

    // Upright: the white left half of the stored picture is now the top half.
    const luma = await topBottomLuma(join(out, 'photo_480.webp'));
    expect(luma.top).toBeGreaterThan(200);
    expect(luma.bottom).toBeLessThan(50);

    for (const f of await readdir(out)) {
      const bytes = await readFile(join(out, f));
      expect(bytes.includes('Exif'), f).toBe(false);
      expect(bytes.includes('EXIF'), f).toBe(false);
      expect(bytes.includes(GPS_MARKER), f).toBe(false);
    }
  });

  it('makes 2048 / 1080 / 480 renditions of a large photo and a blurred preview that hides the picture', async () => {
    const src = join(tmp.dir, 'big.jpg');
    await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=2400x1600', '-frames:v', '1', '-q:v', '3', src]);
    await addExif(src, 1);
    const { mkdir } = await import('node:fs/promises');
    const out = join(tmp.dir, 'out-big');
    await mkdir(out);
    const r = await processPhoto(src, await probe(src), out);
    expect(r.outputs.map((o) => `${o.file}:${o.width}x${o.height}`)).toEqual([
      'photo_2048.webp:2048x1366',
      'photo_1080.webp:1080x720',
      'photo_480.webp:480x320',
      'preview_blur.webp:480x320',
    ]);
    for (const o of r.outputs) expect(await dims(join(out, o.file))).toEqual({ width: o.width, height: o.height });
    // The stored hash is the picture's: a rendition of it hashes within a few bits.
    const { dHashOfFrame } = await import('../src/main/services/media/phash.js');
    expect(hammingDistance(await dHashOfFrame(join(out, 'photo_480.webp'), null), r.phash)).toBeLessThanOrEqual(6);
    // The preview is a smear: almost no detail left compared with the sharp rendition.
    const sharp = await edgeEnergy(join(out, 'photo_480.webp'));
    const blurred = await edgeEnergy(join(out, 'preview_blur.webp'));
    expect(sharp).toBeGreaterThan(50);
    expect(blurred).toBeLessThan(sharp / 5);
  });

  it('rejects a file that is not an image with the reason', async () => {
    const src = join(tmp.dir, 'notes.jpg');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(src, 'this is not a picture\n');
    await expect(probe(src)).rejects.toThrow(/not a readable media file \(no decodable picture/);
  });
});
