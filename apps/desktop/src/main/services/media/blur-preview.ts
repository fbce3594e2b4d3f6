// The blurred still of a video (`preview_blur.jpg`): the poster, blurred and then squeezed through 32 px so
// nothing is recognisable, with every tag dropped. Shown publicly for locked posts, so it must not leak.
// The pipeline writes it beside the poster; items transcoded before it existed get it derived from
// poster.jpg by the upload job (same function, same output).
import { join } from 'node:path';
import { runFfmpeg } from './ffmpeg-run.js';

export const VIDEO_PREVIEW_FILE = 'preview_blur.jpg';
/** Width of the blurred still (a 32 px smear upscaled; the source size does not matter). */
export const PREVIEW_WIDTH = 480;

export async function writeVideoPreview(
  posterPath: string,
  outDir: string,
  o: { signal?: AbortSignal; onChild?: (pid: number | null) => void } = {},
): Promise<{ file: string; path: string }> {
  const path = join(outDir, VIDEO_PREVIEW_FILE);
  await runFfmpeg({
    inputs: [{ path: posterPath }],
    outputs: [{
      path,
      options: [
        '-map', '0:v:0', '-frames:v', '1',
        '-vf', `scale=${PREVIEW_WIDTH}:-2,gblur=sigma=30,scale=32:-2,scale=${PREVIEW_WIDTH}:-2:flags=bilinear,format=yuvj420p`,
        '-q:v', '6', '-map_metadata', '-1', '-fflags', '+bitexact', '-flags:v', '+bitexact', '-f', 'image2',
      ],
    }],
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.onChild ? { onChild: o.onChild } : {}),
  });
  return { file: VIDEO_PREVIEW_FILE, path };
}
