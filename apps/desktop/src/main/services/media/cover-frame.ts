// The creator's choice of a clip's cover: the frames of the scrubbing sprite (parsed from its WebVTT index)
// to choose from, and re-making poster.jpg (and the blurred preview made from it) at the chosen time from
// the original file. The poster is written to a temp file and renamed, so a failure leaves the old one.
import { readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeVideoPreview } from './blur-preview.js';
import { MediaError } from './errors.js';
import { runFfmpeg } from './ffmpeg-run.js';

export interface SpriteFrame {
  timeS: number;
  /** Sheet path inside the output folder, e.g. `sprite/sprite_001.jpg`. */
  sheet: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

function seconds(ts: string): number {
  const [h = '0', m = '0', s = '0'] = ts.split(':');
  return Number(h) * 3600 + Number(m) * 60 + Number(s);
}

/** Cues of `sprite/thumbnails.vtt`: each frame's start time and its rectangle in a sheet. */
export function parseSpriteVtt(text: string): SpriteFrame[] {
  const out: SpriteFrame[] = [];
  const re = /(\d{2}:\d{2}:\d{2}\.\d{3}) --> [^\n]+\n([A-Za-z0-9._-]+)#xywh=(\d+),(\d+),(\d+),(\d+)/g;
  for (const m of text.matchAll(re)) {
    out.push({ timeS: seconds(m[1]!), sheet: `sprite/${m[2]!}`, x: Number(m[3]), y: Number(m[4]), w: Number(m[5]), h: Number(m[6]) });
  }
  return out;
}

export async function spriteFrames(outDir: string): Promise<SpriteFrame[]> {
  const text = await readFile(join(outDir, 'sprite', 'thumbnails.vtt'), 'utf8').catch(() => null);
  return text ? parseSpriteVtt(text) : [];
}

/** Re-makes poster.jpg at `timeS` of the original (same size as before) and the blurred preview from it. */
export async function setCoverFrame(source: string, outDir: string, timeS: number, size: { width: number; height: number }): Promise<void> {
  if (!(await stat(source).catch(() => null))?.isFile()) {
    throw new MediaError('SOURCE_MISSING', `the original file is no longer at ${source}, so a new cover cannot be made from it`);
  }
  const tmp = join(outDir, 'poster.next.jpg');
  try {
    await runFfmpeg({
      inputs: [{ path: source, options: ['-ss', Math.max(0, timeS).toFixed(3)] }],
      outputs: [{ path: tmp, options: ['-map', '0:v:0', '-frames:v', '1', '-vf', `scale=${size.width}:${size.height}`, '-q:v', '3', '-map_metadata', '-1', '-f', 'image2'] }],
    });
    await rename(tmp, join(outDir, 'poster.jpg'));
  } finally {
    await rm(tmp, { force: true });
  }
  await writeVideoPreview(join(outDir, 'poster.jpg'), outDir);
}
