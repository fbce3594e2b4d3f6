// Perceptual hashes (dHash, 64 bits) of sampled frames, for finding near-duplicates: re-encodes, resizes
// and light edits of the same picture land within a few bits of each other, unrelated pictures ~32 apart.
import { runFfmpegMultiToBuffer, runFfmpegToBuffer } from './ffmpeg-run.js';
import { MediaError } from './errors.js';

/** dHash of a 9x8 grayscale image given as 72 bytes: bit = left pixel brighter than its right neighbour. */
export function dHashFromGray9x8(px: Uint8Array): string {
  if (px.length < 72) throw new MediaError('INVALID_MEDIA', `expected 72 gray pixels for dHash, got ${px.length}`);
  let hex = '';
  for (let row = 0; row < 8; row++) {
    let byte = 0;
    for (let col = 0; col < 8; col++) {
      const left = px[row * 9 + col] ?? 0;
      const right = px[row * 9 + col + 1] ?? 0;
      byte = (byte << 1) | (left > right ? 1 : 0);
    }
    hex += byte.toString(16).padStart(2, '0');
  }
  return hex;
}

const POPCOUNT = Uint8Array.from({ length: 256 }, (_, i) => {
  let n = 0;
  for (let v = i; v; v >>= 1) n += v & 1;
  return n;
});

export function hammingDistance(a: string, b: string): number {
  if (a.length !== b.length) throw new Error('hash length mismatch');
  let d = 0;
  for (let i = 0; i < a.length; i += 2) d += POPCOUNT[parseInt(a.slice(i, i + 2), 16) ^ parseInt(b.slice(i, i + 2), 16)] ?? 0;
  return d;
}

/** Mean distance of two multi-frame hashes (`h1,h2,...`), compared position by position. */
export function frameHashDistance(a: string, b: string): number {
  const xa = a.split(',');
  const xb = b.split(',');
  const n = Math.min(xa.length, xb.length);
  if (n === 0) return 64;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += hammingDistance(xa[i] ?? '', xb[i] ?? '');
  return sum / n;
}

/** dHash of one frame: the first frame of an image, or the frame at `atS` of a video (fast input seek). */
export async function dHashOfFrame(path: string, atS: number | null, preFilter = ''): Promise<string> {
  const input = atS !== null ? ['-ss', atS.toFixed(3)] : [];
  const vf = `${preFilter ? `${preFilter},` : ''}scale=9:8:flags=area,format=gray`;
  const raw = await runFfmpegToBuffer(path, input, ['-map', '0:v:0', '-frames:v', '1', '-vf', vf, '-f', 'rawvideo', '-pix_fmt', 'gray']);
  return dHashFromGray9x8(raw);
}

const SAMPLE_POINTS = [0.1, 0.3, 0.5, 0.7, 0.9];

/**
 * Hashes at 10%, 30%, 50%, 70%, 90% of a video, joined with commas. One ffmpeg process: five inputs with
 * fast seeks, one frame each, stacked into 5 x 72 gray bytes.
 */
export async function videoFrameHashes(path: string, durationS: number): Promise<string> {
  const inputs = SAMPLE_POINTS.map((f) => ({ path, options: ['-ss', Math.max(0, durationS * f).toFixed(3)] }));
  const filter = [
    ...inputs.map((_, i) => `[${i}:v:0]trim=end_frame=1,setpts=PTS-STARTPTS,scale=9:8:flags=area,format=gray[h${i}]`),
    // Stacked into one 9x40 picture: one output frame, no timestamp games between the samples.
    `${inputs.map((_, i) => `[h${i}]`).join('')}vstack=inputs=${inputs.length}[out]`,
  ].join(';');
  const raw = await runFfmpegMultiToBuffer(inputs, filter, ['-map', '[out]', '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'gray']);
  if (raw.length < 72 * inputs.length) throw new MediaError('INVALID_MEDIA', `could not sample ${inputs.length} frames for hashing (got ${Math.floor(raw.length / 72)})`);
  return inputs.map((_, i) => dHashFromGray9x8(raw.subarray(i * 72, (i + 1) * 72))).join(',');
}
