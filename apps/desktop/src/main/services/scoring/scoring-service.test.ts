// Scores real generated media end to end (ffmpeg decode, onnxruntime classifier, quality, thumbnail) and
// checks that bad input is refused with a clear code and message.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveBinaries } from '../media/binaries.js';
import { readImageHeader } from './image-header.js';
import { scoreMedia } from './scoring-service.js';
import { ScoringError } from './scoring-errors.js';

let dir = '';
const ff = (...args: string[]): void => {
  execFileSync(resolveBinaries().ffmpeg.path, ['-hide_banner', '-v', 'error', '-y', ...args]);
};

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}
function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
function png(width: number, height: number, idat: Buffer): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(idat)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

async function expectScoringError(p: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(ScoringError);
  expect((err as ScoringError).code).toBe(code);
  expect((err as ScoringError).message).toMatch(message);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fanz-scoring-'));
  ff('-f', 'lavfi', '-i', 'testsrc=s=320x240', '-frames:v', '1', join(dir, 'photo.png'));
  // Three visually distinct 1 s scenes: red, test pattern, blue.
  ff(
    '-f', 'lavfi', '-i', 'color=c=red:s=320x240:d=1:r=10',
    '-f', 'lavfi', '-i', 'testsrc=s=320x240:d=1:r=10',
    '-f', 'lavfi', '-i', 'color=c=blue:s=320x240:d=1:r=10',
    '-filter_complex', '[0][1][2]concat=n=3:v=1:a=0,format=yuv420p',
    '-c:v', 'libx264', '-preset', 'ultrafast', join(dir, 'scenes.mp4'),
  );
  ff('-f', 'lavfi', '-i', 'sine=d=1', join(dir, 'audio.wav'));
  writeFileSync(join(dir, 'tiny.png'), png(1, 1, Buffer.from([0, 255, 255, 255]))); // a valid 1x1 white PNG
  const photo = readFileSync(join(dir, 'photo.png'));
  writeFileSync(join(dir, 'corrupt.png'), Buffer.concat([photo.subarray(0, 60), Buffer.alloc(4000, 0x5a)]));
  writeFileSync(join(dir, 'garbage.bin'), Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) % 251)));
  // A tiny file whose valid PNG header claims 20000x20000 (a decompression bomb's shape).
  writeFileSync(join(dir, 'huge.png'), png(20000, 20000, Buffer.alloc(1000)));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('scoring service', () => {
  it('scores a photo: class probabilities, a label with its reason, quality and a thumbnail', async () => {
    const r = await scoreMedia(join(dir, 'photo.png'));
    expect(r.kind).toBe('photo');
    expect(r.frames).toHaveLength(1);
    const sum = Object.values(r.frames[0]!.probabilities).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(1, 4);
    // A synthetic test pattern is a "Drawing" to the model, hence safe.
    expect(r.frames[0]!.probabilities.Drawing).toBeGreaterThan(0.5);
    expect(r.label).toBe('safe');
    expect(r.reason).toMatch(/P\(Porn\)\+P\(Hentai\)\+P\(Sexy\)=0\.\d+ < 0.35/);
    expect(r.frames[0]!.quality.sharpness).toBeGreaterThan(0);
    expect(r.model.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(r.thumbnail?.timeSec).toBe(0);
  });

  it('samples a video evenly and aggregates max/mean per class with the frames they came from', async () => {
    const r = await scoreMedia(join(dir, 'scenes.mp4'), { sampling: { mode: 'even', maxFrames: 6 } });
    expect(r.kind).toBe('video');
    expect(r.frames).toHaveLength(6);
    const times = r.frames.map((f) => f.timeSec);
    expect(times[0]).toBeGreaterThan(0.1);
    expect(times[5]).toBeLessThan(3);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    const neutralMax = Math.max(...r.frames.map((f) => f.probabilities.Neutral));
    expect(r.aggregate.max.Neutral.probability).toBe(neutralMax);
    expect(times).toContain(r.aggregate.max.Neutral.timeSec);
    expect(r.sampling).toMatchObject({ mode: 'even', frames: 6, width: 320, height: 240 });
  });

  it('samples a video at scene changes and writes the chosen thumbnail', async () => {
    const out = join(dir, 'thumb.jpg');
    const r = await scoreMedia(join(dir, 'scenes.mp4'), { sampling: { mode: 'scene', maxFrames: 10 }, thumbnailOut: out });
    const times = r.frames.map((f) => f.timeSec);
    expect(times).toHaveLength(3);
    expect(times[0]).toBeCloseTo(0, 1);
    expect(times[1]).toBeCloseTo(1, 1);
    expect(times[2]).toBeCloseTo(2, 1);
    // The test pattern scene (1 s) is the only sharp frame; flat colours have zero Laplacian variance.
    expect(r.frames.map((f) => f.label)).toEqual(['safe', 'safe', 'safe']);
    expect(r.thumbnail?.timeSec).toBeCloseTo(1, 1);
    expect(r.thumbnail?.file).toBe(out);
    expect(statSync(out).size).toBeGreaterThan(1000);
    expect(r.thumbnail?.reason).toMatch(/sharpness rank 1 of 3 safe frames/);
  });

  it('refuses a 20000x20000 image by its header, before decoding', async () => {
    expect(readImageHeader(readFileSync(join(dir, 'huge.png')))).toEqual({ format: 'png', width: 20000, height: 20000 });
    await expectScoringError(scoreMedia(join(dir, 'huge.png')), 'IMAGE_TOO_LARGE', /declares 20000x20000 pixels.*not decoded/);
  });

  it('refuses a 1x1 image', async () => {
    await expectScoringError(scoreMedia(join(dir, 'tiny.png')), 'IMAGE_TOO_SMALL', /1x1 pixels; scoring needs at least 16x16/);
  });

  it('reports a corrupt image and a file that is no media at all', async () => {
    await expectScoringError(scoreMedia(join(dir, 'corrupt.png')), 'CORRUPT_MEDIA', /could not be decoded/);
    await expectScoringError(scoreMedia(join(dir, 'garbage.bin')), 'CORRUPT_MEDIA', /not a readable media file/);
  });

  it('reports a file with no video stream', async () => {
    await expectScoringError(scoreMedia(join(dir, 'audio.wav')), 'NO_VIDEO_STREAM', /audio-only file/);
  });

  it('reports a missing and an empty file', async () => {
    await expectScoringError(scoreMedia(join(dir, 'nope.mp4')), 'SOURCE_MISSING', /no such file/);
    writeFileSync(join(dir, 'empty.jpg'), '');
    await expectScoringError(scoreMedia(join(dir, 'empty.jpg')), 'SOURCE_EMPTY', /empty/);
  });
});
