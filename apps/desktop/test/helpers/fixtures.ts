// Test media made at test time with the same ffmpeg the studio resolves: testsrc2 video, sine audio,
// optional container metadata (GPS, creation time), and JPEGs with a hand-built EXIF APP1 segment.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { resolveBinaries } from '../../src/main/services/media/binaries.js';

const run = promisify(execFile);

export async function makeTempDir(prefix = 'fanz-desktop-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export async function ffmpeg(args: string[]): Promise<string> {
  const { stderr } = await run(resolveBinaries().ffmpeg.path, ['-hide_banner', '-nostdin', '-y', ...args], { maxBuffer: 64 * 1024 * 1024 });
  return stderr;
}

export async function ffprobeJson(path: string, args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run(resolveBinaries().ffprobe.path, ['-v', 'error', '-of', 'json', ...args, path], { maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(stdout) as Record<string, unknown>;
}

export interface VideoFixture {
  width: number;
  height: number;
  durationS: number;
  audio?: boolean;
  /** Writes GPS (ISO 6709 `location`) and creation_time into the container. */
  sensitiveMetadata?: boolean;
  rate?: number;
}

export const GPS_LOCATION = '+48.8584+002.2945/';
export const CREATION_TIME = '2021-06-01T12:34:56.000000Z';

export async function makeVideo(path: string, f: VideoFixture): Promise<string> {
  const rate = f.rate ?? 30;
  const args = ['-f', 'lavfi', '-i', `testsrc2=size=${f.width}x${f.height}:rate=${rate}:duration=${f.durationS}`];
  if (f.audio !== false) args.push('-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${f.durationS}`);
  args.push('-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p');
  if (f.audio !== false) args.push('-c:a', 'aac', '-b:a', '96k');
  if (f.sensitiveMetadata) {
    // The keys an iPhone writes (mdta atoms), plus the classic ©xyz location and creation time.
    args.push(
      '-metadata', `location=${GPS_LOCATION}`,
      '-metadata', `com.apple.quicktime.location.ISO6709=${GPS_LOCATION}`,
      '-metadata', `creation_time=${CREATION_TIME}`,
      '-metadata', 'make=TestPhone',
      '-metadata:s:v:0', `creation_time=${CREATION_TIME}`,
      '-movflags', '+use_metadata_tags',
    );
  }
  args.push('-shortest', path);
  await ffmpeg(args);
  return path;
}

/** A JPEG whose left half is white and right half black, so orientation can be checked from pixels. */
export async function makeHalfWhiteJpeg(path: string, width = 640, height = 480): Promise<string> {
  await ffmpeg([
    '-f', 'lavfi', '-i', `color=white:s=${width / 2}x${height}`,
    '-f', 'lavfi', '-i', `color=black:s=${width / 2}x${height}`,
    '-filter_complex', '[0:v][1:v]hstack,format=yuvj420p', '-frames:v', '1', '-q:v', '2', path,
  ]);
  return path;
}

function rational(buf: Buffer, off: number, num: number, den: number): void {
  buf.writeUInt32LE(num, off);
  buf.writeUInt32LE(den, off + 4);
}

/** EXIF APP1 (little-endian TIFF): IFD0 with Orientation and a GPS IFD (lat 48°51'30.24"N, lon 2°17'40.2"E). */
export function buildExifApp1(orientation: number): Buffer {
  const tiff = Buffer.alloc(200);
  tiff.write('II', 0, 'latin1');
  tiff.writeUInt16LE(42, 2);
  tiff.writeUInt32LE(8, 4);
  // IFD0 at 8: 2 entries
  let o = 8;
  tiff.writeUInt16LE(2, o);
  o += 2;
  const gpsIfd = 8 + 2 + 2 * 12 + 4; // 38
  tiff.writeUInt16LE(0x0112, o); tiff.writeUInt16LE(3, o + 2); tiff.writeUInt32LE(1, o + 4); tiff.writeUInt16LE(orientation, o + 8); o += 12;
  tiff.writeUInt16LE(0x8825, o); tiff.writeUInt16LE(4, o + 2); tiff.writeUInt32LE(1, o + 4); tiff.writeUInt32LE(gpsIfd, o + 8); o += 12;
  tiff.writeUInt32LE(0, o);
  // GPS IFD: 4 entries
  o = gpsIfd;
  const latData = gpsIfd + 2 + 4 * 12 + 4; // 92
  const lonData = latData + 24; // 116
  tiff.writeUInt16LE(4, o);
  o += 2;
  tiff.writeUInt16LE(1, o); tiff.writeUInt16LE(2, o + 2); tiff.writeUInt32LE(2, o + 4); tiff.write('N\0', o + 8, 'latin1'); o += 12;
  tiff.writeUInt16LE(2, o); tiff.writeUInt16LE(5, o + 2); tiff.writeUInt32LE(3, o + 4); tiff.writeUInt32LE(latData, o + 8); o += 12;
  tiff.writeUInt16LE(3, o); tiff.writeUInt16LE(2, o + 2); tiff.writeUInt32LE(2, o + 4); tiff.write('E\0', o + 8, 'latin1'); o += 12;
  tiff.writeUInt16LE(4, o); tiff.writeUInt16LE(5, o + 2); tiff.writeUInt32LE(3, o + 4); tiff.writeUInt32LE(lonData, o + 8); o += 12;
  tiff.writeUInt32LE(0, o);
  rational(tiff, latData, 48, 1); rational(tiff, latData + 8, 51, 1); rational(tiff, latData + 16, 3024, 100);
  rational(tiff, lonData, 2, 1); rational(tiff, lonData + 8, 17, 1); rational(tiff, lonData + 16, 4020, 100);
  const body = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff.subarray(0, lonData + 24)]);
  const header = Buffer.alloc(4);
  header.writeUInt16BE(0xffe1, 0);
  header.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([header, body]);
}

/** The GPS latitude seconds rational as stored, to look for in outputs byte by byte. */
export const GPS_MARKER = (() => {
  const b = Buffer.alloc(8);
  rational(b, 0, 3024, 100);
  return b;
})();

/** Inserts an EXIF APP1 segment right after the JPEG's SOI marker. */
export async function addExif(path: string, orientation: number): Promise<void> {
  const jpeg = await readFile(path);
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new Error('not a JPEG');
  await writeFile(path, Buffer.concat([jpeg.subarray(0, 2), buildExifApp1(orientation), jpeg.subarray(2)]));
}

/** Mean luma of the top and bottom halves of an image (0-255). */
export async function topBottomLuma(path: string): Promise<{ top: number; bottom: number }> {
  const { stdout } = await run(
    resolveBinaries().ffmpeg.path,
    ['-hide_banner', '-nostdin', '-v', 'error', '-i', path, '-frames:v', '1', '-vf', 'scale=1:2:flags=area,format=gray', '-f', 'rawvideo', 'pipe:1'],
    { encoding: 'buffer' },
  );
  return { top: stdout[0] ?? 0, bottom: stdout[1] ?? 0 };
}

/** Mean squared difference of neighbouring pixels at 64x64 gray: high for sharp edges, low for a smear
 * (blurring keeps the total variation of a step but spreads it, which squares punish). */
export async function edgeEnergy(path: string): Promise<number> {
  const { stdout } = await run(
    resolveBinaries().ffmpeg.path,
    ['-hide_banner', '-nostdin', '-v', 'error', '-i', path, '-frames:v', '1', '-vf', 'scale=64:64:flags=area,format=gray', '-f', 'rawvideo', 'pipe:1'],
    { encoding: 'buffer' },
  );
  let sum = 0;
  let n = 0;
  for (let y = 0; y < 64; y++) {
    for (let x = 0; x < 63; x++) {
      sum += ((stdout[y * 64 + x] ?? 0) - (stdout[y * 64 + x + 1] ?? 0)) ** 2;
      n++;
    }
  }
  return sum / n;
}

/** Resolves once `cond()` holds (polled every 5 ms); rejects after `ms`. */
export function until(cond: () => boolean, ms = 5000): Promise<void> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const t = setInterval(() => {
      if (cond()) {
        clearInterval(t);
        resolve();
      } else if (Date.now() - start > ms) {
        clearInterval(t);
        reject(new Error('condition not met in time'));
      }
    }, 5);
  });
}
