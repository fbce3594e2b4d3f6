// The adaptive HLS ladder: which rungs a source gets, and the single ffmpeg command that encodes all of
// them from one decode (split filter + var_stream_map), plus the scrubbing sprite from the same decode.
// Segments are fragmented MP4 (CMAF): every current player takes them, and the ffprobe builds we ship
// crash on MPEG-TS. Each rung is ONE file (`media.mp4`: init segment, then every media segment) that its
// playlist addresses with EXT-X-MAP/EXT-X-BYTERANGE ranges (HLS version 7), so a ladder uploads as about
// a dozen files instead of one per segment, and players fetch segments as Range requests into it. The
// master playlist is written by us (see hls-playlist.ts) from the measured output.
import { even } from './even-size.js';

/** Apple HLS authoring spec (2023) H.264 bitrates; 480p sits between its 432p (1100k) and 540p (2000k). */
export interface RungSpec {
  name: string;
  /** Short side in pixels (height for landscape, width for portrait). */
  short: number;
  videoKbps: number;
}

export const DEFAULT_RUNGS: readonly RungSpec[] = [
  { name: '1080p', short: 1080, videoKbps: 6000 },
  { name: '720p', short: 720, videoKbps: 3000 },
  { name: '480p', short: 480, videoKbps: 1400 },
  { name: '360p', short: 360, videoKbps: 730 },
];

export const AUDIO_KBPS = 128;
export const SEGMENT_S = 4;
/** Keyframe every 2 s, forced at the same timestamps in every rung so players can switch at any segment. */
export const GOP_S = 2;
/** The one media file of each rung (init + segments, addressed by byte ranges). */
export const RUNG_MEDIA_FILE = 'media.mp4';

export interface PlannedRung extends RungSpec {
  width: number;
  height: number;
  maxKbps: number;
  bufKbits: number;
}

/**
 * Rungs at or below the source's short side; never upscales. A source smaller than the lowest rung gets one
 * rung at its own size, with the bitrate of the lowest rung scaled by its pixel count.
 */
export function planLadder(displayWidth: number, displayHeight: number, rungs: readonly RungSpec[] = DEFAULT_RUNGS): PlannedRung[] {
  if (!(displayWidth > 0 && displayHeight > 0)) throw new Error(`invalid source size ${displayWidth}x${displayHeight}`);
  const portrait = displayHeight > displayWidth;
  const srcShort = Math.min(displayWidth, displayHeight);
  const aspect = displayWidth / displayHeight;
  const size = (short: number) => (portrait ? { width: even(short), height: even(short / aspect) } : { width: even(short * aspect), height: even(short) });
  const withCaps = (r: RungSpec) => ({
    ...r,
    ...size(r.short),
    // Capped VBR: peak 110% of average, 1.5 s of buffer — well inside Apple's 200% peak limit for VOD.
    maxKbps: Math.round(r.videoKbps * 1.1),
    bufKbits: Math.round(r.videoKbps * 1.5),
  });
  const fitting = [...rungs].sort((a, b) => b.short - a.short).filter((r) => r.short <= srcShort);
  if (fitting.length > 0) return fitting.map(withCaps);
  const lowest = [...rungs].sort((a, b) => a.short - b.short)[0];
  if (!lowest) throw new Error('empty ladder');
  const scale = (srcShort * srcShort) / (lowest.short * lowest.short);
  return [withCaps({ name: `${even(srcShort)}p`, short: even(srcShort), videoKbps: Math.max(100, Math.round(lowest.videoKbps * scale)) })];
}

export interface SpritePlan {
  intervalS: number;
  count: number;
  cols: number;
  rows: number;
  thumbWidth: number;
  thumbHeight: number;
  sheets: number;
}

/** About 100 thumbnails at most, one per second for short clips, 10x10 per sheet. */
export function planSprite(durationS: number, displayWidth: number, displayHeight: number): SpritePlan {
  const intervalS = Math.max(1, Math.ceil(durationS / 100));
  const count = Math.max(1, Math.ceil(durationS / intervalS));
  const cols = Math.min(10, count);
  const rows = Math.min(10, Math.ceil(count / cols));
  const thumbWidth = 160;
  const thumbHeight = even((thumbWidth * displayHeight) / displayWidth);
  return { intervalS, count, cols, rows, thumbWidth, thumbHeight, sheets: Math.ceil(count / (cols * rows)) };
}

export interface LadderCommandOptions {
  input: string;
  /** Directory that receives `v0/`, `v1/`, ... (one per rung) and `sprite/`. */
  outDir: string;
  rungs: PlannedRung[];
  fps: number | null;
  hasAudio: boolean;
  preset: string;
  sprite?: SpritePlan;
}

export interface BuiltCommand {
  inputs: Array<{ path: string; options?: string[] }>;
  complexFilter: string;
  outputs: Array<{ path: string; options: string[] }>;
}

/** The one-process ladder: decode once, split, scale per rung, encode, mux into per-rung HLS playlists. */
export function buildLadderCommand(o: LadderCommandOptions): BuiltCommand {
  const n = o.rungs.length;
  const branches = n + (o.sprite ? 1 : 0);
  const filters: string[] = [];
  filters.push(`[0:v:0]split=${branches}${Array.from({ length: branches }, (_, i) => `[s${i}]`).join('')}`);
  o.rungs.forEach((r, i) => filters.push(`[s${i}]scale=${r.width}:${r.height}:flags=bicubic,setsar=1,format=yuv420p[v${i}]`));
  if (o.sprite) {
    const s = o.sprite;
    filters.push(`[s${n}]fps=1/${s.intervalS},scale=${s.thumbWidth}:${s.thumbHeight},tile=${s.cols}x${s.rows}[sprite]`);
  }
  if (o.hasAudio) {
    // EBU R128 loudness normalisation (one pass, so it needs no second decode), -16 LUFS for web playback.
    filters.push(`[0:a:0]loudnorm=I=-16:TP=-1.5:LRA=11,aresample=48000,asplit=${n}${o.rungs.map((_, i) => `[a${i}]`).join('')}`);
  }
  const gop = o.fps ? Math.max(1, Math.round(o.fps * GOP_S)) : 60;
  const hls: string[] = [];
  o.rungs.forEach((r, i) => {
    hls.push('-map', `[v${i}]`);
    if (o.hasAudio) hls.push('-map', `[a${i}]`);
  });
  hls.push(
    '-c:v', 'libx264', '-preset', o.preset, '-profile:v', 'high', '-pix_fmt', 'yuv420p',
    '-g', String(gop), '-keyint_min', String(gop), '-sc_threshold', '0',
    '-force_key_frames', `expr:gte(t,n_forced*${GOP_S})`,
  );
  o.rungs.forEach((r, i) => {
    hls.push(`-b:v:${i}`, `${r.videoKbps}k`, `-maxrate:v:${i}`, `${r.maxKbps}k`, `-bufsize:v:${i}`, `${r.bufKbits}k`);
  });
  if (o.hasAudio) hls.push('-c:a', 'aac', '-b:a', `${AUDIO_KBPS}k`, '-ac', '2');
  hls.push(
    // GPS, creation time, device names: none of it may leave the creator's machine.
    '-map_metadata', '-1', '-map_chapters', '-1', '-fflags', '+bitexact',
    '-f', 'hls', '-hls_time', String(SEGMENT_S), '-hls_playlist_type', 'vod',
    // single_file: one media file per rung; the init segment goes at its start (EXT-X-MAP with a BYTERANGE).
    '-hls_segment_type', 'fmp4', '-hls_flags', 'independent_segments+single_file',
    '-hls_segment_filename', `${o.outDir}/v%v/${RUNG_MEDIA_FILE}`,
    '-var_stream_map', o.rungs.map((_, i) => (o.hasAudio ? `v:${i},a:${i}` : `v:${i}`)).join(' '),
  );
  const outputs = [{ path: `${o.outDir}/v%v/index.m3u8`, options: hls }];
  if (o.sprite) {
    outputs.push({
      path: `${o.outDir}/sprite/sprite_%03d.jpg`,
      options: ['-map', '[sprite]', '-map_metadata', '-1', '-q:v', '4', '-f', 'image2'],
    });
  }
  return { inputs: [{ path: o.input }], complexFilter: filters.join(';'), outputs };
}
