// Import of files and folders into the library: walks folders recursively, skips what the studio cannot
// use (with the reason), hashes content (SHA-256) to de-duplicate, and hands new items to the job queue.
// It reads files and never modifies or moves them.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import type { Library, MediaItem, MediaKind } from './library.js';

export const VIDEO_EXTENSIONS = new Set(['.mp4', '.m4v', '.mov', '.mkv', '.webm', '.avi', '.mts', '.m2ts', '.3gp', '.wmv', '.flv', '.mpg', '.mpeg']);
export const PHOTO_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.bmp', '.tif', '.tiff']);
const KNOWN_UNSUPPORTED: Record<string, string> = {
  '.heic': 'HEIC/HEIF photos are not supported by the bundled ffmpeg; export as JPEG',
  '.heif': 'HEIC/HEIF photos are not supported by the bundled ffmpeg; export as JPEG',
  '.raw': 'camera RAW files are not supported; export as JPEG',
  '.cr2': 'camera RAW files are not supported; export as JPEG',
  '.nef': 'camera RAW files are not supported; export as JPEG',
  '.dng': 'camera RAW files are not supported; export as JPEG',
};

export function kindOf(path: string): MediaKind | null {
  const ext = extname(path).toLowerCase();
  if (VIDEO_EXTENSIONS.has(ext)) return 'video';
  if (PHOTO_EXTENSIONS.has(ext)) return 'photo';
  return null;
}

export interface ImportResult {
  imported: MediaItem[];
  duplicates: Array<{ path: string; existing: MediaItem }>;
  skipped: Array<{ path: string; reason: string }>;
}

export function hashFile(path: string): Promise<string> {
  return new Promise((res, rej) => {
    const h = createHash('sha256');
    createReadStream(path)
      .on('data', (c) => h.update(c))
      .on('error', rej)
      .on('end', () => res(h.digest('hex')));
  });
}

function titleFrom(path: string): string {
  const stem = basename(path, extname(path));
  return stem.replace(/[_]+/g, ' ').trim() || stem;
}

export interface ImportOptions {
  /** Called for each new item, e.g. to enqueue its processing job. */
  onImported?: (item: MediaItem) => void;
  onProgress?: (done: number, path: string) => void;
}

export async function importPaths(lib: Library, paths: string[], o: ImportOptions = {}): Promise<ImportResult> {
  const result: ImportResult = { imported: [], duplicates: [], skipped: [] };
  const seenDirs = new Set<string>();
  let done = 0;

  const importFile = async (path: string, size: number, mtimeMs: number) => {
    const kind = kindOf(path);
    const ext = extname(path).toLowerCase();
    if (!kind) {
      result.skipped.push({ path, reason: KNOWN_UNSUPPORTED[ext] ?? `unsupported file type${ext ? ` ${ext}` : ' (no extension)'}` });
      return;
    }
    if (size === 0) {
      result.skipped.push({ path, reason: 'empty file (0 bytes)' });
      return;
    }
    let hash: string;
    try {
      hash = await hashFile(path);
    } catch (err) {
      result.skipped.push({ path, reason: `cannot read file: ${(err as Error).message}` });
      return;
    }
    const existing = lib.findByHash(hash);
    if (existing) {
      result.duplicates.push({ path, existing });
      return;
    }
    try {
      const item = lib.insertItem({ kind, path, fileName: basename(path), title: titleFrom(path), contentHash: hash, sizeBytes: size, mtimeMs: Math.round(mtimeMs) });
      result.imported.push(item);
      o.onImported?.(item);
    } catch (err) {
      // Another process imported the same content between our lookup and insert.
      const again = lib.findByHash(hash);
      if (again) result.duplicates.push({ path, existing: again });
      else throw err;
    }
  };

  const walk = async (path: string): Promise<void> => {
    let st;
    try {
      st = await stat(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      result.skipped.push({ path, reason: code === 'ENOENT' ? 'no such file or folder' : `cannot read: ${(err as Error).message}` });
      return;
    }
    if (st.isDirectory()) {
      const real = await realpath(path);
      if (seenDirs.has(real)) return; // symlink loop or the same folder given twice
      seenDirs.add(real);
      let entries;
      try {
        entries = await readdir(path, { withFileTypes: true });
      } catch (err) {
        result.skipped.push({ path, reason: `cannot list folder: ${(err as Error).message}` });
        return;
      }
      entries.sort((a, b) => a.name.localeCompare(b.name));
      for (const e of entries) {
        if (e.name.startsWith('.')) continue; // .DS_Store, .git, editor swap files: never media
        await walk(join(path, e.name));
      }
      return;
    }
    if (!st.isFile()) {
      result.skipped.push({ path, reason: 'not a regular file' });
      return;
    }
    await importFile(path, st.size, st.mtimeMs);
    o.onProgress?.(++done, path);
  };

  for (const p of paths) await walk(resolve(p));
  return result;
}
