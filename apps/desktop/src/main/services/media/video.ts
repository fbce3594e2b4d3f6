// The video pipeline for one source: HLS ladder + sprite (one ffmpeg process, one decode; one media file per
// rung, segments as byte ranges), master playlist, WebVTT scrubbing index, poster, blurred still, blurred
// teaser and frame hashes, all written under `outDir`.
// It never touches the library or the final media folder; the job that calls it moves `outDir` into place.
import { mkdir, readFile, rename, writeFile, access } from 'node:fs/promises';
import { join } from 'node:path';
import { writeVideoPreview, VIDEO_PREVIEW_FILE, PREVIEW_WIDTH } from './blur-preview.js';
import { MediaError } from './errors.js';
import { runFfmpeg } from './ffmpeg-run.js';
import { avcCodecString, measureVariant, parseMediaPlaylist, readInit, renderMasterPlaylist, type MasterVariant } from './hls-playlist.js';
import { buildLadderCommand, planLadder, planSprite, type PlannedRung, type RungSpec } from './ladder.js';
import { videoFrameHashes } from './phash.js';
import type { ProbeResult } from './probe.js';
import { renderSpriteVtt } from './sprite-vtt.js';

export interface VideoOptions {
  /** x264 preset; `veryfast` keeps a laptop responsive, tests pass `ultrafast`. */
  preset?: string;
  rungs?: readonly RungSpec[];
  signal?: AbortSignal;
  onProgress?: (percent: number, etaS: number | null, stage: string) => void;
  onChild?: (pid: number | null) => void;
}

export interface VideoOutput {
  kind: 'hls_master' | 'hls_variant' | 'poster' | 'preview' | 'sprite' | 'sprite_vtt' | 'teaser';
  /** Path relative to outDir, with forward slashes. */
  file: string;
  width?: number;
  height?: number;
  bandwidth?: number;
  codecs?: string;
}

export interface VideoResult {
  outputs: VideoOutput[];
  rungs: PlannedRung[];
  durationS: number;
  phash: string;
}

export const TEASER_S = 6;

async function assertSourcePresent(path: string): Promise<void> {
  try {
    await access(path);
  } catch {
    throw new MediaError('SOURCE_MISSING', `source file vanished during the job: ${path}`);
  }
}

export function displaySize(info: ProbeResult): { width: number; height: number } {
  const v = info.video;
  if (!v) throw new MediaError('INVALID_MEDIA', 'no video stream');
  return v.rotation === 90 || v.rotation === 270 ? { width: v.height, height: v.width } : { width: v.width, height: v.height };
}

export async function processVideo(source: string, info: ProbeResult, outDir: string, opts: VideoOptions = {}): Promise<VideoResult> {
  if (!info.video || info.isStillImage) throw new MediaError('INVALID_MEDIA', 'not a video: the file has no video stream');
  const durationS = info.durationS ?? 0;
  if (!(durationS > 0)) throw new MediaError('INVALID_MEDIA', 'not a playable video: duration is unknown or zero');
  const { width, height } = displaySize(info);
  const preset = opts.preset ?? 'veryfast';
  const rungs = planLadder(width, height, opts.rungs);
  const sprite = planSprite(durationS, width, height);
  const report = (p: number, eta: number | null, stage: string) => opts.onProgress?.(Math.min(100, p), eta, stage);
  const signal = opts.signal;
  const child = opts.onChild ? { onChild: opts.onChild } : {};

  await mkdir(join(outDir, 'hls'), { recursive: true });
  await mkdir(join(outDir, 'sprite'), { recursive: true });
  await assertSourcePresent(source);
  const cmd = buildLadderCommand({ input: source, outDir: join(outDir, 'hls'), rungs, fps: info.video.fps, hasAudio: !!info.audio, preset, sprite });
  // The sprite output lives beside hls/, not inside it.
  const spriteOut = cmd.outputs[1];
  if (spriteOut) spriteOut.path = join(outDir, 'sprite', 'sprite_%03d.jpg');
  await runFfmpeg({
    ...cmd,
    durationS,
    onProgress: (p) => report(p.percent * 0.85, p.etaS, 'ladder'),
    ...(signal ? { signal } : {}),
    ...child,
  });

  const outputs: VideoOutput[] = [];
  const variants: MasterVariant[] = [];
  for (const [i, r] of rungs.entries()) {
    const dir = join(outDir, 'hls', r.name);
    await rename(join(outDir, 'hls', `v${i}`), dir);
    const playlist = parseMediaPlaylist(await readFile(join(dir, 'index.m3u8'), 'utf8'));
    if (!playlist.ended || playlist.segments.length === 0) throw new MediaError('FFMPEG_FAILED', `rung ${r.name} is incomplete`);
    const stats = measureVariant(dir, playlist);
    const init = readInit(dir, playlist);
    const codecs = [avcCodecString(init ?? Buffer.alloc(0)) ?? 'avc1.640028', ...(info.audio ? ['mp4a.40.2'] : [])];
    variants.push({ uri: `${r.name}/index.m3u8`, bandwidth: stats.peakBps, averageBandwidth: stats.averageBps, width: r.width, height: r.height, frameRate: info.video.fps, codecs });
    outputs.push({ kind: 'hls_variant', file: `hls/${r.name}/index.m3u8`, width: r.width, height: r.height, bandwidth: stats.peakBps, codecs: codecs.join(',') });
  }
  await writeFile(join(outDir, 'hls', 'master.m3u8'), renderMasterPlaylist(variants));
  outputs.unshift({ kind: 'hls_master', file: 'hls/master.m3u8', width: rungs[0]?.width ?? width, height: rungs[0]?.height ?? height });

  const sheetName = (i: number) => `sprite_${String(i + 1).padStart(3, '0')}.jpg`;
  await writeFile(join(outDir, 'sprite', 'thumbnails.vtt'), renderSpriteVtt(sprite, durationS, sheetName));
  for (let i = 0; i < sprite.sheets; i++) {
    const file = `sprite/${sheetName(i)}`;
    await access(join(outDir, file)).catch(() => {
      throw new MediaError('FFMPEG_FAILED', `sprite sheet ${file} was not written`);
    });
    outputs.push({ kind: 'sprite', file, width: sprite.cols * sprite.thumbWidth, height: sprite.rows * sprite.thumbHeight });
  }
  outputs.push({ kind: 'sprite_vtt', file: 'sprite/thumbnails.vtt' });

  // Poster: a frame a little into the clip (first frames are often black), at most 1080 on the short side.
  await assertSourcePresent(source);
  const top = rungs[0] ?? { width, height };
  await runFfmpeg({
    inputs: [{ path: source, options: ['-ss', Math.min(durationS * 0.1, 5).toFixed(3)] }],
    outputs: [{ path: join(outDir, 'poster.jpg'), options: ['-map', '0:v:0', '-frames:v', '1', '-vf', `scale=${top.width}:${top.height}`, '-q:v', '3', '-map_metadata', '-1', '-f', 'image2'] }],
    ...(signal ? { signal } : {}),
    ...child,
  });
  outputs.push({ kind: 'poster', file: 'poster.jpg', width: top.width, height: top.height });
  // The blurred still locked posts show publicly (from the poster, so it needs no second seek).
  await writeVideoPreview(join(outDir, 'poster.jpg'), outDir, { ...(signal ? { signal } : {}), ...child });
  outputs.push({ kind: 'preview', file: VIDEO_PREVIEW_FILE, width: PREVIEW_WIDTH, height: Math.round((PREVIEW_WIDTH * top.height) / top.width / 2) * 2 });
  report(87, null, 'poster');

  // Teaser for pay-per-view: a few seconds from 20% in, blurred beyond recognition, no sound.
  await assertSourcePresent(source);
  const teaserLen = Math.min(TEASER_S, durationS);
  const teaserStart = Math.max(0, Math.min(durationS * 0.2, durationS - teaserLen));
  const low = rungs[rungs.length - 1] ?? top;
  await runFfmpeg({
    inputs: [{ path: source, options: ['-ss', teaserStart.toFixed(3), '-t', teaserLen.toFixed(3)] }],
    outputs: [{
      path: join(outDir, 'teaser.mp4'),
      options: ['-map', '0:v:0', '-an', '-vf', `scale=${low.width}:${low.height},gblur=sigma=25`, '-c:v', 'libx264', '-preset', preset, '-crf', '30', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', '-map_metadata', '-1', '-map_chapters', '-1', '-fflags', '+bitexact', '-f', 'mp4'],
    }],
    durationS: teaserLen,
    onProgress: (p) => report(87 + p.percent * 0.08, null, 'teaser'),
    ...(signal ? { signal } : {}),
    ...child,
  });
  outputs.push({ kind: 'teaser', file: 'teaser.mp4', width: low.width, height: low.height });

  await assertSourcePresent(source);
  report(95, null, 'phash');
  const phash = await videoFrameHashes(source, durationS);
  report(100, 0, 'done');
  return { outputs, rungs, durationS, phash };
}
