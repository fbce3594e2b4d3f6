// Decodes what the scorers need with ffmpeg: one RGB image for a photo, or RGB frames sampled from a video
// evenly or at scene changes, each with its timestamp. Frames are scaled down first (the classifier sees
// 224x224; quality is compared between frames of the same video), which keeps memory small.
import { spawn } from 'node:child_process';
import type { RgbImage } from '@fanz/ml-models';
import { resolveBinaries } from '../media/binaries.js';
import { ScoringError } from './scoring-errors.js';

export interface SampledFrame {
  timeSec: number;
  image: RgbImage;
}

export type SamplingMode = 'even' | 'scene';

export interface SamplingOptions {
  mode: SamplingMode;
  /** Frames to return at most (even: exactly this many when the video is long enough). */
  maxFrames: number;
  /** ffmpeg scene score (0..1) above which a frame starts a new scene. */
  sceneThreshold: number;
  /** Width of decoded frames; height follows the aspect ratio. */
  width: number;
}

export const DEFAULT_SAMPLING: SamplingOptions = { mode: 'even', maxFrames: 12, sceneThreshold: 0.3, width: 448 };

interface RawRun {
  stdout: Buffer;
  stderr: string;
  code: number | null;
  /** pts_time of every frame showinfo reported, in output order. */
  times: number[];
}

const SHOWINFO_TIME = /\[Parsed_showinfo[^\]]*\][^\n]*?pts_time:\s*([-\d.]+)/;

/**
 * Runs ffmpeg. With `frameBytes`, stdout is cut into frames as it arrives and handed to `onFrame`
 * (nothing else is kept), so a long video never sits in memory whole.
 */
function runRaw(args: string[], signal?: AbortSignal, frameBytes?: number, onFrame?: (frame: Uint8Array, index: number) => void): Promise<RawRun> {
  const { ffmpeg } = resolveBinaries();
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpeg.path, ['-hide_banner', '-nostdin', ...args], { stdio: ['ignore', 'pipe', 'pipe'], signal });
    const out: Buffer[] = [];
    let pending: Buffer = Buffer.alloc(0);
    let frameIndex = 0;
    let err = '';
    let partialLine = '';
    const times: number[] = [];
    child.stdout.on('data', (c: Buffer) => {
      if (!frameBytes || !onFrame) {
        out.push(c);
        return;
      }
      pending = pending.length ? Buffer.concat([pending, c]) : c;
      while (pending.length >= frameBytes) {
        onFrame(Uint8Array.from(pending.subarray(0, frameBytes)), frameIndex++);
        pending = pending.subarray(frameBytes);
      }
    });
    child.stderr.on('data', (c: Buffer) => {
      const text = partialLine + c.toString('utf8');
      const lines = text.split('\n');
      partialLine = lines.pop() ?? '';
      for (const line of lines) {
        const m = SHOWINFO_TIME.exec(line);
        if (m) times.push(Number(m[1]));
        else if (err.length < 100_000) err += `${line}\n`; // keep the diagnostics, not the per-frame chatter
      }
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ stdout: Buffer.concat(out), stderr: err + partialLine, code, times }));
  });
}

function ffmpegReason(stderr: string): string {
  const lines = stderr.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('[Parsed_showinfo'));
  const useful = lines.filter((l) => /error|invalid|corrupt|could not|unable|no such|does not contain|failed/i.test(l));
  return (useful.length ? useful.slice(-2) : lines.slice(-1)).join(' | ').slice(0, 300) || 'no output';
}

/** Even output dimensions that fit `width` (never upscaling), keeping the aspect ratio. */
export function scaledSize(srcW: number, srcH: number, width: number): { width: number; height: number } {
  const w = Math.min(width, srcW);
  const even = (n: number): number => Math.max(2, Math.round(n / 2) * 2);
  return { width: even(w), height: even((w * srcH) / srcW) };
}

/** Decodes a still image to RGB, scaled to fit `maxSide`, with an optional orientation filter first. */
export async function decodeStill(path: string, srcW: number, srcH: number, maxSide: number, orientFilter: string | null, swapAxes: boolean, signal?: AbortSignal): Promise<RgbImage> {
  const [uw, uh] = swapAxes ? [srcH, srcW] : [srcW, srcH];
  const scale = Math.min(1, maxSide / Math.max(uw, uh));
  const width = Math.max(1, Math.round(uw * scale));
  const height = Math.max(1, Math.round(uh * scale));
  const vf = [orientFilter, `scale=${width}:${height}:flags=area`].filter(Boolean).join(',');
  const r = await runRaw(['-v', 'error', '-i', path, '-frames:v', '1', '-vf', vf, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], signal);
  const expected = width * height * 3;
  // A truncated or damaged file can still yield a frame with `-v error` messages; trust only a clean decode.
  if (r.code !== 0 || r.stdout.length < expected || /error|corrupt|invalid/i.test(r.stderr)) {
    throw new ScoringError('CORRUPT_MEDIA', `the image could not be decoded (ffmpeg: ${ffmpegReason(r.stderr)})`);
  }
  return { width, height, data: new Uint8Array(r.stdout.buffer, r.stdout.byteOffset, expected) };
}

/** Samples frames from a video stream of known display size and duration. */
export async function sampleVideoFrames(path: string, displayW: number, displayH: number, durationSec: number, opts: SamplingOptions, signal?: AbortSignal): Promise<SampledFrame[]> {
  const { width, height } = scaledSize(displayW, displayH, opts.width);
  const scale = `scale=${width}:${height}`;
  let vf: string;
  if (opts.mode === 'even') {
    // Buckets of D/N seconds starting half a bucket in: take the first frame of each bucket, so the N
    // samples sit near the middle of N equal parts of the video, without drift.
    const step = Math.max(durationSec, 0.001) / opts.maxFrames;
    const s0 = (step / 2).toFixed(6);
    const st = step.toFixed(6);
    vf = `select='gte(t\\,${s0})*(isnan(prev_selected_t)+gte(floor((t-${s0})/${st})\\,floor((prev_selected_t-${s0})/${st})+1))',${scale},showinfo`;
  } else {
    // The first frame always counts as a scene start; then every frame whose scene score passes the threshold.
    vf = `select='eq(n\\,0)+gt(scene\\,${opts.sceneThreshold})',${scale},showinfo`;
  }
  // Decimate while streaming: keep every `stride`-th frame and double the stride whenever twice the
  // wanted number is held, so memory stays bounded however many scene changes there are.
  const kept: { index: number; data: Uint8Array }[] = [];
  let stride = 1;
  const onFrame = (data: Uint8Array, index: number): void => {
    if (index % stride !== 0) return;
    kept.push({ index, data });
    if (kept.length > 2 * opts.maxFrames) {
      stride *= 2;
      for (let i = kept.length - 1; i >= 0; i--) if (kept[i]!.index % stride !== 0) kept.splice(i, 1);
    }
  };
  const args = ['-i', path, '-map', '0:v:0', '-vf', vf, '-vsync', 'vfr', '-an', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'];
  const r = await runRaw(args, signal, width * height * 3, onFrame);
  if (r.code !== 0) throw new ScoringError('CORRUPT_MEDIA', `the video could not be decoded (ffmpeg: ${ffmpegReason(r.stderr)})`);
  if (kept.length === 0) throw new ScoringError('NO_FRAMES', 'the video stream produced no decodable frames');
  let sampled = kept.map((f) => ({ timeSec: Math.max(0, r.times[f.index] ?? 0), image: { width, height, data: f.data } }));
  if (sampled.length > opts.maxFrames) {
    // Still more than wanted: keep an even spread (always the first).
    const step = sampled.length / opts.maxFrames;
    sampled = Array.from({ length: opts.maxFrames }, (_, i) => sampled[Math.floor(i * step)]!);
  }
  return sampled;
}

/** Writes the frame at `timeSec` as a JPEG (the chosen thumbnail). */
export async function extractFrameJpeg(path: string, timeSec: number, outPath: string, signal?: AbortSignal): Promise<void> {
  const r = await runRaw(['-v', 'error', '-ss', timeSec.toFixed(3), '-i', path, '-frames:v', '1', '-map_metadata', '-1', '-q:v', '3', '-y', outPath], signal);
  if (r.code !== 0) throw new ScoringError('CORRUPT_MEDIA', `could not extract the thumbnail frame (ffmpeg: ${ffmpegReason(r.stderr)})`);
}
