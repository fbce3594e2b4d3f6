// File paths inside a media's output folder, as the studio names them (hls/720p/seg_00001.m4s,
// poster.jpg, ...): what a valid path is, which content type a path is served with, and how a playlist's
// relative URI resolves against the playlist's own path. Paths arrive from the network, so nothing here
// trusts them: no `..`, no leading `/`, no percent-encoding (the alphabet has no `%`), at most 4 segments.
import { z } from 'zod';

export const MAX_PATH_CHARS = 200;
export const MAX_PATH_SEGMENTS = 4;
const SEGMENT = /^[A-Za-z0-9._-]+$/;

/** Why `path` is not a valid media file path, or null when it is. */
export function pathProblem(path: string): string | null {
  if (path.length === 0) return 'is empty';
  if (path.length > MAX_PATH_CHARS) return `is longer than ${MAX_PATH_CHARS} characters`;
  if (path.startsWith('/')) return 'must be relative (no leading "/")';
  const segments = path.split('/');
  if (segments.length > MAX_PATH_SEGMENTS) return `has more than ${MAX_PATH_SEGMENTS} segments`;
  for (const s of segments) {
    if (s === '') return 'has an empty segment';
    if (s === '.' || s === '..') return 'may not contain "." or ".." segments';
    if (!SEGMENT.test(s)) return 'may contain only letters, digits, ".", "_" and "-" in each segment (no encoded characters)';
  }
  return null;
}

export const mediaPathSchema = z.string().superRefine((p, ctx) => {
  const problem = pathProblem(p);
  if (problem) ctx.addIssue({ code: 'custom', message: `the path ${problem}` });
});

const CONTENT_TYPES: Record<string, string> = {
  m3u8: 'application/vnd.apple.mpegurl',
  mp4: 'video/mp4',
  m4s: 'video/iso.segment',
  m4a: 'audio/mp4',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  avif: 'image/avif',
  vtt: 'text/vtt',
};

export function contentTypeOf(path: string): string {
  const ext = path.slice(path.lastIndexOf('.') + 1).toLowerCase();
  const type = CONTENT_TYPES[ext] ?? 'application/octet-stream';
  return type.startsWith('text/') ? `${type}; charset=utf-8` : type;
}

export function isPlaylist(path: string): boolean {
  return path.toLowerCase().endsWith('.m3u8');
}

/**
 * The media path a URI inside the file at `fromPath` points to, or null when the URI is not a plain
 * relative reference that stays inside the media folder (absolute URLs, `/x`, `//host`, queries,
 * percent-encoding and escapes above the root all answer null). A `#fragment` (VTT sprites) is dropped.
 */
export function resolveRelative(fromPath: string, uri: string): string | null {
  const ref = uri.split('#')[0]!;
  if (ref === '' || ref.startsWith('/') || /^[A-Za-z][A-Za-z0-9+.-]*:/.test(ref) || /[?%\\]/.test(ref)) return null;
  const parts = fromPath.split('/').slice(0, -1);
  for (const seg of ref.split('/')) {
    if (seg === '..') {
      if (parts.length === 0) return null;
      parts.pop();
    } else if (seg !== '.' && seg !== '') parts.push(seg);
    else if (seg === '') return null;
  }
  const resolved = parts.join('/');
  return pathProblem(resolved) === null ? resolved : null;
}
