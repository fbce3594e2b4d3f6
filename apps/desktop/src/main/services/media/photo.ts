// Web renditions of a photo: upright (EXIF orientation applied), long edge 2048 / 1080 / 480 px WebP
// (never upscaled), a heavily blurred preview for locked posts, and a dHash. No metadata survives: ffmpeg
// does not carry EXIF into WebP, and `-map_metadata -1` drops container tags.
import { join } from 'node:path';
import { readJpegExif, orientationFilter, orientationSwapsAxes } from './exif.js';
import { runFfmpeg } from './ffmpeg-run.js';
import { dHashOfFrame } from './phash.js';
import type { ProbeResult } from './probe.js';
import { MediaError } from './errors.js';
import { readHead } from './file-head.js';
import { even } from './even-size.js';

export const PHOTO_SIZES = [2048, 1080, 480] as const;

export interface PhotoOutput {
  kind: 'photo' | 'preview';
  file: string;
  width: number;
  height: number;
}

export interface PhotoResult {
  outputs: PhotoOutput[];
  width: number;
  height: number;
  orientation: number;
  phash: string;
}

export async function processPhoto(source: string, info: ProbeResult, outDir: string, signal?: AbortSignal): Promise<PhotoResult> {
  if (!info.video) throw new MediaError('INVALID_MEDIA', 'not a readable image: no picture stream');
  // EXIF sits in the first 64 KiB of a JPEG (APP1 is limited to 64 KiB).
  const exif = readJpegExif(await readHead(source, 128 * 1024));
  const orient = orientationFilter(exif.orientation);
  const swap = orientationSwapsAxes(exif.orientation);
  const width = swap ? info.video.height : info.video.width;
  const height = swap ? info.video.width : info.video.height;
  const longEdge = Math.max(width, height);
  const sizes = PHOTO_SIZES.filter((s) => s <= longEdge);
  if (sizes.length === 0) sizes.push(longEdge as (typeof PHOTO_SIZES)[number]);
  const dims = (edge: number) =>
    width >= height ? { width: even(edge), height: even((edge * height) / width) } : { width: even((edge * width) / height), height: even(edge) };

  const previewDims = dims(Math.min(480, longEdge));
  const branches = sizes.length + 1;
  const filters = [
    `[0:v:0]${orient ? `${orient},` : ''}format=yuv420p,split=${branches}${Array.from({ length: branches }, (_, i) => `[p${i}]`).join('')}`,
    ...sizes.map((s, i) => {
      const d = dims(s);
      return `[p${i}]scale=${d.width}:${d.height}:flags=lanczos[o${i}]`;
    }),
    // Blur strong enough that nothing is recognisable, then shrink/grow to smear what detail is left.
    `[p${sizes.length}]scale=${previewDims.width}:${previewDims.height},gblur=sigma=30,scale=32:-2,scale=${previewDims.width}:${previewDims.height}:flags=bilinear[blur]`,
  ];
  const outputs: PhotoOutput[] = sizes.map((s) => ({ kind: 'photo', file: `photo_${s}.webp`, ...dims(s) }));
  outputs.push({ kind: 'preview', file: 'preview_blur.webp', ...previewDims });
  await runFfmpeg({
    inputs: [{ path: source }],
    complexFilter: filters.join(';'),
    outputs: outputs.map((o, i) => ({
      path: join(outDir, o.file),
      options: ['-map', i < sizes.length ? `[o${i}]` : '[blur]', '-map_metadata', '-1', '-frames:v', '1', '-c:v', 'libwebp', '-quality', o.kind === 'preview' ? '50' : '82', '-f', 'webp'],
    })),
    ...(signal ? { signal } : {}),
  });
  const phash = await dHashOfFrame(source, null, orient ?? '');
  return { outputs, width, height, orientation: exif.orientation, phash };
}
