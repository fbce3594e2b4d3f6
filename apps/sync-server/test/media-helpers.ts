// Fixtures for the media tests: a real fMP4 HLS ladder made by the bundled ffmpeg (two rungs, poster,
// blurred preview, sprite + WebVTT, teaser) or a small photo set, uploaded with tus-js-client (the client
// the studio uses) and completed; catalog posts written over sync with the stock y-websocket provider.
import { execFile, execFileSync } from 'node:child_process';
import { request } from 'node:http';
import { promisify } from 'node:util';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import * as tus from 'tus-js-client';
import { catalogDocName, getPost, initCatalogDoc, newId, putPost, type PostInput } from '@fanz/core';
import * as Y from 'yjs';
import { DocStore } from '../src/sync/doc-store.js';
import { api, connect, eventually, synced, type Account, type Running } from './helpers.js';

const require = createRequire(import.meta.url);
export const FFMPEG: string = (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
export const FFPROBE: string = (require('@ffprobe-installer/ffprobe') as { path: string }).path;

const ff = (args: string[]) => execFileSync(FFMPEG, ['-hide_banner', '-loglevel', 'error', '-y', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });

export interface LadderFile {
  path: string;
  role: string;
  sha256: string;
  size: number;
  bytes: Buffer;
}

/** The contract's roles, from a path in the studio's output folder. */
export function roleOf(path: string): string {
  if (path === 'hls/master.m3u8') return 'hls_master';
  if (/^hls\/[^/]+\/index\.m3u8$/.test(path)) return 'hls_variant';
  if (/^hls\/[^/]+\/init[^/]*\.mp4$/.test(path)) return 'hls_init';
  if (path.startsWith('hls/')) return 'hls_segment';
  if (path === 'poster.jpg') return 'poster';
  if (path.startsWith('preview_blur.')) return 'preview';
  if (path === 'sprite/thumbnails.vtt') return 'sprite_vtt';
  if (path.startsWith('sprite/')) return 'sprite';
  if (path === 'teaser.mp4') return 'teaser';
  if (/^photo_.*\.webp$/.test(path)) return 'photo';
  throw new Error(`no role for ${path}`);
}

export function sha256(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

function listFiles(dir: string): LadderFile[] {
  const out: LadderFile[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else {
        const bytes = readFileSync(p);
        const path = relative(dir, p).split('\\').join('/');
        out.push({ path, role: roleOf(path), sha256: sha256(bytes), size: bytes.length, bytes });
      }
    }
  };
  walk(dir);
  return out.sort((a, b) => (a.path < b.path ? -1 : 1));
}

/**
 * A 4 s clip as the studio's output folder: hls/{v0,v1}/ fMP4 rungs + master, poster, preview, sprite, VTT,
 * teaser. Each rung is one `media.mp4` addressed by byte ranges, as the studio writes it.
 */
export function makeVideoLadder(dir: string): LadderFile[] {
  mkdirSync(join(dir, 'hls'), { recursive: true });
  mkdirSync(join(dir, 'sprite'), { recursive: true });
  const src = join(dir, '..', `src-${Date.now()}.mp4`);
  ff(['-f', 'lavfi', '-i', 'testsrc2=size=480x360:rate=24', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', '4',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-g', '24', '-c:a', 'aac', '-shortest', src]);
  ff(['-i', src, '-filter_complex', '[0:v]split=2[a][b];[a]scale=480:360[v0];[b]scale=320:240[v1]',
    '-map', '[v0]', '-map', '0:a', '-map', '[v1]', '-map', '0:a',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-g', '24', '-keyint_min', '24', '-sc_threshold', '0',
    '-b:v:0', '600k', '-b:v:1', '300k', '-c:a', 'aac', '-b:a', '64k', '-map_metadata', '-1', '-fflags', '+bitexact',
    '-f', 'hls', '-hls_time', '1', '-hls_playlist_type', 'vod', '-hls_segment_type', 'fmp4', '-hls_flags', 'independent_segments+single_file',
    '-hls_segment_filename', join(dir, 'hls', 'v%v', 'media.mp4'),
    '-var_stream_map', 'v:0,a:0 v:1,a:1', join(dir, 'hls', 'v%v', 'index.m3u8')]);
  // The studio writes the master playlist itself (this ffmpeg crashes on -master_pl_name), so do we.
  writeFileSync(
    join(dir, 'hls', 'master.m3u8'),
    '#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-INDEPENDENT-SEGMENTS\n' +
      '#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=480x360\nv0/index.m3u8\n' +
      '#EXT-X-STREAM-INF:BANDWIDTH=400000,RESOLUTION=320x240\nv1/index.m3u8\n',
  );
  ff(['-ss', '1', '-i', src, '-frames:v', '1', '-q:v', '4', join(dir, 'poster.jpg')]);
  ff(['-ss', '1', '-i', src, '-frames:v', '1', '-vf', 'scale=160:-2,boxblur=10', join(dir, 'preview_blur.jpg')]);
  ff(['-i', src, '-vf', 'fps=1,scale=160:120,tile=4x1', '-frames:v', '1', join(dir, 'sprite', 'sprite_001.jpg')]);
  const cues = [0, 1, 2, 3].map((i) => `00:00:0${i}.000 --> 00:00:0${i + 1}.000\nsprite_001.jpg#xywh=${i * 160},0,160,120`).join('\n\n');
  writeFileSync(join(dir, 'sprite', 'thumbnails.vtt'), `WEBVTT\n\n${cues}\n`);
  ff(['-i', src, '-t', '1', '-an', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', join(dir, 'teaser.mp4')]);
  return listFiles(dir);
}

/** A photo set as the studio writes it for an image: photo_1080.webp, photo_480.webp, preview_blur.webp. */
export function makePhotoSet(dir: string, color = 'orange'): LadderFile[] {
  mkdirSync(dir, { recursive: true });
  ff(['-f', 'lavfi', '-i', `color=c=${color}:size=1080x720`, '-frames:v', '1', join(dir, 'photo_1080.webp')]);
  ff(['-f', 'lavfi', '-i', `color=c=${color}:size=480x320`, '-frames:v', '1', join(dir, 'photo_480.webp')]);
  ff(['-f', 'lavfi', '-i', `color=c=${color}:size=64x42`, '-frames:v', '1', '-vf', 'boxblur=4', join(dir, 'preview_blur.webp')]);
  return listFiles(dir);
}

export interface TusResult {
  status: number;
  body: string;
  url: string | null;
  error?: Error;
}

export interface UploadOptions {
  sha?: string;
  path?: string;
  chunkSize?: number;
  uploadUrl?: string;
  onProgress?: (sent: number, total: number) => void;
  /** Bytes the server accepted per PATCH. */
  onChunkComplete?: (chunkBytes: number, accepted: number, total: number) => void;
  /** Called with the running upload, so a test can abort it. */
  started?: (u: tus.Upload) => void;
}

/** One file through tus-js-client (Node), resolving with the final status instead of throwing. */
export function tusUpload(url: string, token: string | null, mediaId: string, file: { path: string; sha256: string; bytes: Buffer }, o: UploadOptions = {}): Promise<TusResult> {
  return new Promise((resolve) => {
    const upload = new tus.Upload(file.bytes, {
      endpoint: `${url}/api/v1/uploads`,
      uploadUrl: o.uploadUrl,
      headers: token ? { authorization: `Bearer ${token}` } : {},
      metadata: { mediaId, path: o.path ?? file.path, sha256: o.sha ?? file.sha256 },
      chunkSize: o.chunkSize ?? Infinity,
      retryDelays: [],
      storeFingerprintForResuming: false,
      onProgress: o.onProgress,
      onChunkComplete: o.onChunkComplete,
      onSuccess: () => resolve({ status: 204, body: '', url: upload.url }),
      onError: (error) => {
        const res = (error as tus.DetailedError).originalResponse;
        resolve({ status: res?.getStatus() ?? 0, body: res?.getBody() ?? '', url: upload.url, error });
      },
    });
    o.started?.(upload);
    upload.start();
  });
}

export async function uploadAll(url: string, creator: Account, mediaId: string, files: LadderFile[]): Promise<void> {
  // A few files at a time, as the studio's queue does.
  const queue = [...files];
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let f = queue.shift(); f; f = queue.shift()) {
        const r = await tusUpload(url, creator.accessToken, mediaId, f);
        if (r.status !== 204) throw new Error(`upload of ${f.path} failed: ${r.status} ${r.body} ${r.error?.message ?? ''}`);
      }
    }),
  );
}

export function completeBody(kind: 'video' | 'image', files: LadderFile[]) {
  return { kind, files: files.map((f) => ({ path: f.path, sha256: f.sha256, size: f.size, role: f.role })) };
}

export async function complete(url: string, creator: Account, mediaId: string, kind: 'video' | 'image', files: LadderFile[]) {
  return api(url, 'POST', `/api/v1/media/${mediaId}/complete`, completeBody(kind, files), { authorization: `Bearer ${creator.accessToken}` });
}

/** Writes posts into the creator's catalog doc over sync, as the studio does, and waits until the server stored them. */
export async function writePosts(s: Running, creator: Account, posts: Array<Partial<PostInput> & Pick<PostInput, 'title' | 'visibility' | 'status'>>): Promise<string[]> {
  const client = connect(s.wsUrl, catalogDocName(creator.id), creator.accessToken);
  await synced(client);
  initCatalogDoc(client.doc, creator.id);
  const now = new Date().toISOString();
  const ids: string[] = [];
  for (const p of posts) {
    const id = p.id ?? newId('post');
    putPost(client.doc, { createdAt: now, updatedAt: now, publishedAt: p.status === 'published' ? now : null, ...p, id, creatorId: creator.id } as PostInput);
    ids.push(id);
  }
  const store = new DocStore(s.server.db);
  await eventually(async () => {
    const stored = await store.load(catalogDocName(creator.id));
    const doc = new Y.Doc();
    for (const u of stored.snapshot ? [stored.snapshot, ...stored.updates] : stored.updates) Y.applyUpdate(doc, u);
    const all = ids.every((id) => getPost(doc, id) !== undefined);
    doc.destroy();
    return all;
  }, 'server stored the posts');
  client.destroy();
  return ids;
}

const run = promisify(execFile);

/** ffprobe (the project's) reads a URL: streams and format. Async: the server under test runs in this process. */
export async function probe(url: string): Promise<{ streams: Array<{ codec_type: string; codec_name: string }>; format: { duration?: string } }> {
  const { stdout } = await run(FFPROBE, ['-v', 'error', '-print_format', 'json', '-show_streams', '-show_format', url], { timeout: 60_000 });
  return JSON.parse(stdout);
}

/** Decodes the whole first video stream at a URL with ffprobe (every playlist and segment fetched); returns its frame count. */
export async function countFrames(url: string): Promise<number> {
  const { stdout } = await run(FFPROBE, ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', url], {
    timeout: 120_000,
  });
  return Number(stdout.trim().split(/\s+/)[0]);
}

/** GET with the path sent exactly as given (fetch would normalise `%2e%2e` and `..` away). */
export function rawGet(base: string, path: string): Promise<number> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, method: 'GET' }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}
