// What of an item's output folder (media/<itemId>/) goes to the server, with each file's role, size and
// sha256, per the media contract (/api/v1/media/:id/complete). Only the output folder is read: the original
// file lives elsewhere and is never uploaded. Files that fit no role (stray leftovers) are left out.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

export type FileRole =
  | 'hls_master' | 'hls_variant' | 'hls_init' | 'hls_segment' | 'poster' | 'preview' | 'sprite' | 'sprite_vtt' | 'teaser' | 'photo';

export interface ManifestFile {
  /** Posix path inside the output folder, e.g. `hls/720p/seg_00001.m4s`. */
  path: string;
  abs: string;
  size: number;
  sha256: string;
  role: FileRole;
}

const SEGMENT = /^[A-Za-z0-9._-]+$/;

/** Whether a relative path is one the server accepts (posix, at most 4 plain segments, 200 chars). */
export function isUploadablePath(path: string): boolean {
  const parts = path.split('/');
  return path.length <= 200 && parts.length <= 4 && parts.every((p) => SEGMENT.test(p) && p !== '.' && p !== '..');
}

/**
 * The contract's role of a file by its path, or null when it is not part of the web renditions. A rung's
 * single media file (`hls/<rung>/media.mp4`: init + segments as byte ranges) is an `hls_segment`, as the
 * one-file-per-segment ladders' `seg_*.m4s` were; `init*.mp4` of those older ladders stays `hls_init`.
 */
export function roleOf(path: string): FileRole | null {
  if (!isUploadablePath(path)) return null;
  if (path === 'hls/master.m3u8') return 'hls_master';
  if (/^hls\/[^/]+\/index\.m3u8$/.test(path)) return 'hls_variant';
  if (/^hls\/[^/]+\/init[^/]*\.mp4$/.test(path)) return 'hls_init';
  if (path.startsWith('hls/')) return 'hls_segment';
  if (path === 'poster.jpg') return 'poster';
  if (/^preview_blur\.[a-z]+$/.test(path)) return 'preview';
  if (/^sprite\/[^/]+\.jpg$/.test(path)) return 'sprite';
  if (path === 'sprite/thumbnails.vtt') return 'sprite_vtt';
  if (path === 'teaser.mp4') return 'teaser';
  if (/^photo_[^/]+\.webp$/.test(path)) return 'photo';
  return null;
}

export function sha256File(path: string, signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    const s = createReadStream(path, { highWaterMark: 1 << 20, ...(signal ? { signal } : {}) });
    s.on('data', (c) => hash.update(c));
    s.on('error', reject);
    s.on('end', () => resolve(hash.digest('hex')));
  });
}

/** Every uploadable file of an output folder with its role and size (not hashed yet), sorted by path. */
export async function listOutputFiles(outDir: string): Promise<Array<Omit<ManifestFile, 'sha256'>>> {
  // One recursive listing and the stats in parallel: done one by one, they were ~30 ms of an upload's start.
  const entries = await readdir(outDir, { withFileTypes: true, recursive: true });
  const found = entries
    .filter((e) => e.isFile())
    .map((e) => {
      const path = relative(outDir, join(e.parentPath, e.name)).split(sep).join('/');
      return { path, abs: join(outDir, ...path.split('/')), role: roleOf(path) };
    })
    .filter((f): f is { path: string; abs: string; role: FileRole } => f.role !== null)
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const sizes = await Promise.all(found.map((f) => stat(f.abs).then((st) => st.size)));
  return found.map((f, i) => ({ ...f, size: sizes[i]! }));
}

/** Every uploadable file of an output folder with its role and sha256, sorted by path. */
export async function buildManifest(outDir: string, signal?: AbortSignal): Promise<ManifestFile[]> {
  const files: ManifestFile[] = [];
  for (const f of await listOutputFiles(outDir)) files.push({ ...f, sha256: await sha256File(f.abs, signal) });
  return files;
}

/** One hash over the manifest (paths, sizes, hashes): changes whenever any uploaded file would change. */
export function manifestHash(files: readonly ManifestFile[]): string {
  const h = createHash('sha256');
  for (const f of files) h.update(`${f.path}\0${f.size}\0${f.sha256}\n`);
  return h.digest('hex');
}
