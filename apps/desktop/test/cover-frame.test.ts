// Choosing a clip's cover from the sprite: the VTT index parses into frames, and a new poster (and the
// blurred preview from it) is made from the original at the chosen time, with real ffmpeg.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSpriteVtt, setCoverFrame } from '../src/main/services/media/cover-frame.js';
import { ffmpeg, makeTempDir, makeVideo } from './helpers/fixtures.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  tmp = await makeTempDir('fanz-cover-');
});
afterAll(() => tmp.cleanup());

describe('cover frame', () => {
  it('reads the sprite index: start time and rectangle of every frame', () => {
    const vtt = 'WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nsprite_001.jpg#xywh=0,0,160,120\n\n00:01:01.500 --> 00:01:02.000\nsprite_002.jpg#xywh=160,120,160,120\n';
    expect(parseSpriteVtt(vtt)).toEqual([
      { timeS: 0, sheet: 'sprite/sprite_001.jpg', x: 0, y: 0, w: 160, h: 120 },
      { timeS: 61.5, sheet: 'sprite/sprite_002.jpg', x: 160, y: 120, w: 160, h: 120 },
    ]);
  });

  it('re-makes the poster and the blurred preview at the chosen time, and refuses a missing original', async () => {
    const clip = await makeVideo(join(tmp.dir, 'clip.mp4'), { width: 320, height: 240, durationS: 3, audio: false });
    const out = join(tmp.dir, 'out');
    await mkdir(out, { recursive: true });
    await ffmpeg(['-ss', '0.1', '-i', clip, '-frames:v', '1', join(out, 'poster.jpg')]);
    await writeFile(join(out, 'preview_blur.jpg'), 'old');
    const before = await readFile(join(out, 'poster.jpg'));
    await setCoverFrame(clip, out, 2.5, { width: 320, height: 240 });
    const after = await readFile(join(out, 'poster.jpg'));
    expect(after.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    expect(after.equals(before)).toBe(false);
    expect((await readFile(join(out, 'preview_blur.jpg'))).subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    await expect(setCoverFrame(join(tmp.dir, 'gone.mp4'), out, 1, { width: 320, height: 240 })).rejects.toThrow(/no longer at/);
    // The failed attempt left the poster as it was.
    expect((await readFile(join(out, 'poster.jpg'))).equals(after)).toBe(true);
  });
});
