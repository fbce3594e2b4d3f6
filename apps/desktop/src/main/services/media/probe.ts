// Reads a file's container and stream facts with ffprobe (through fluent-ffmpeg) and reduces them to what
// the library stores. A file ffprobe cannot read is rejected here with the reason ffprobe gave.
import ffmpeg from 'fluent-ffmpeg';
import { resolveBinaries } from './binaries.js';
import { MediaError } from './errors.js';

export interface ProbeResult {
  container: string;
  durationS: number | null;
  sizeBytes: number | null;
  video: null | {
    codec: string;
    profile: string | null;
    level: number | null;
    width: number;
    height: number;
    fps: number | null;
    /** Display rotation in degrees (phone videos), already applied by ffmpeg's autorotate. */
    rotation: number;
  };
  audio: null | { codec: string; profile: string | null; sampleRate: number | null; channels: number | null };
  /** Container tags (creation_time, location, ...), to prove they do not reach the outputs. */
  tags: Record<string, string>;
  /** True when the only "video" is a still image (JPEG, PNG, WebP). */
  isStillImage: boolean;
}

interface RawStream {
  codec_type?: string;
  codec_name?: string;
  profile?: string | number;
  level?: number | string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  sample_rate?: number | string;
  channels?: number;
  duration?: number | string;
  nb_frames?: number | string;
  tags?: Record<string, string>;
  side_data_list?: Array<{ rotation?: number }>;
  [key: string]: unknown;
}

const STILL_CODECS = new Set(['mjpeg', 'png', 'webp', 'bmp', 'tiff', 'gif', 'jpeg2000']);

function rate(r: string | undefined): number | null {
  if (!r) return null;
  const [n, d] = r.split('/').map(Number);
  if (!n || !d) return null;
  return n / d;
}

function num(v: unknown): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : null;
}

export function probe(path: string): Promise<ProbeResult> {
  const { ffprobe } = resolveBinaries();
  return new Promise((resolve, reject) => {
    ffmpeg.setFfprobePath(ffprobe.path);
    ffmpeg.ffprobe(path, (err: Error | null, raw: unknown) => {
      const data = (raw ?? { streams: [], format: {} }) as { streams: RawStream[]; format: Record<string, unknown> };
      if (err) {
        // ffprobe's stderr ends with "[demuxer @ 0x..] detail" lines and then "<path>: summary".
        const lines = err.message.split('\n').map((l) => l.trim()).filter((l) => l && !/^ffprobe exited with code/.test(l));
        const detail = lines.filter((l) => /^\[[^\]]+ @ 0x[0-9a-f]+\]/.test(l)).map((l) => l.replace(/^\[[^\]]+\]\s*/, '')).filter((l) => !/misdetection possible/.test(l));
        const summary = (lines[lines.length - 1] ?? 'unreadable').replace(`${path}: `, '');
        const reason = [...new Set([...detail.slice(-1), summary])].join('; ');
        const missing = /No such file or directory/i.test(err.message);
        reject(new MediaError(missing ? 'SOURCE_MISSING' : 'INVALID_MEDIA', missing ? `source file is gone: ${path}` : `not a readable media file (ffprobe: ${reason})`));
        return;
      }
      const streams = data.streams ?? [];
      const v = streams.find((s) => s.codec_type === 'video' && !(s as { disposition?: { attached_pic?: number } }).disposition?.attached_pic);
      const a = streams.find((s) => s.codec_type === 'audio');
      const format = data.format ?? {};
      // fluent-ffmpeg gathers `TAG:key=value` lines into a `tags` object on the format and on each stream.
      const tags: Record<string, string> = {};
      const formatTags = (format.tags ?? {}) as Record<string, unknown>;
      for (const [k, val] of Object.entries(formatTags)) tags[k] = String(val);
      for (const [i, st] of streams.entries()) {
        for (const [k, val] of Object.entries(st.tags ?? {})) tags[`stream${i}.${k}`] = String(val);
      }
      const rotateTag = v ? num(v.tags?.rotate) : null;
      // ffprobe >= 5 prints the display matrix as a [SIDE_DATA] block, which fluent-ffmpeg flattens into
      // a `rotation` key on the stream; -of json would give side_data_list.
      const sideRotation = num(v?.rotation) ?? v?.side_data_list?.find((d) => typeof d.rotation === 'number')?.rotation;
      // Display-matrix rotation is counter-clockwise in ffprobe; the rotate tag is clockwise.
      const rotation = rotateTag ?? (sideRotation !== undefined && sideRotation !== null ? -sideRotation : 0);
      const container = String(format.format_name ?? 'unknown');
      // The image2 demuxer "opens" any bytes named .jpg; a picture without a size was never decoded.
      if (v && !(num(v.width) && num(v.height))) {
        reject(new MediaError('INVALID_MEDIA', 'not a readable media file (no decodable picture in it)'));
        return;
      }
      if (!v && !a) {
        reject(new MediaError('INVALID_MEDIA', 'not a readable media file (no audio or video stream)'));
        return;
      }
      const isStillImage = !!v && STILL_CODECS.has(String(v.codec_name)) && (/image2|_pipe|webp/.test(container) || num(format.duration) === null);
      resolve({
        container,
        durationS: num(format.duration) ?? (v ? num(v.duration) : null),
        sizeBytes: num(format.size),
        video: v
          ? {
              codec: String(v.codec_name),
              profile: v.profile !== undefined && v.profile !== 'unknown' ? String(v.profile) : null,
              level: num(v.level),
              width: num(v.width) ?? 0,
              height: num(v.height) ?? 0,
              fps: rate(v.avg_frame_rate) ?? rate(v.r_frame_rate),
              rotation: ((rotation % 360) + 360) % 360,
            }
          : null,
        audio: a
          ? { codec: String(a.codec_name), profile: a.profile !== undefined ? String(a.profile) : null, sampleRate: num(a.sample_rate), channels: num(a.channels) }
          : null,
        tags,
        isStillImage,
      });
    });
  });
}
