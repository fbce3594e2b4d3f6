// Checks the text files a player follows (HLS playlists and the sprite WebVTT) before a media is marked
// ready: every URI they name must be relative and name a file of the same manifest. Because the signed
// playback URL covers one folder, a relative URI is what lets a player fetch everything under one
// signature; an absolute URI would leak the viewer out of it (or into someone else's files).
import { resolveRelative } from './media-paths.js';

export const MAX_PLAYLIST_BYTES = 1024 * 1024;

export interface PlaylistIssue {
  path: string;
  uri: string;
  reason: string;
}

/** URIs of an HLS playlist: every non-tag line, and every URI="..." attribute of a tag (EXT-X-MAP, EXT-X-MEDIA, ...). */
export function playlistUris(text: string): string[] {
  const uris: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('#')) {
      for (const m of line.matchAll(/URI="([^"]*)"/g)) uris.push(m[1]!);
    } else uris.push(line);
  }
  return uris;
}

/** Image URIs of a thumbnails WebVTT: the payload lines of each cue (after its `-->` timing line). */
export function vttUris(text: string): string[] {
  const uris: string[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.includes('-->')) continue;
    for (i++; i < lines.length && lines[i]!.trim() !== ''; i++) uris.push(lines[i]!.trim());
  }
  return uris;
}

/** Problems of one playlist or VTT file against the set of listed paths; empty when it is fine. */
export function checkTextFile(path: string, kind: 'playlist' | 'vtt', text: string, listed: ReadonlySet<string>): PlaylistIssue[] {
  const issues: PlaylistIssue[] = [];
  if (kind === 'playlist' && !text.startsWith('#EXTM3U')) return [{ path, uri: '', reason: 'is not an HLS playlist (no #EXTM3U header)' }];
  if (kind === 'vtt' && !text.replace(/^\uFEFF/, '').startsWith('WEBVTT')) return [{ path, uri: '', reason: 'is not a WebVTT file' }];
  for (const uri of kind === 'playlist' ? playlistUris(text) : vttUris(text)) {
    const target = resolveRelative(path, uri);
    if (target === null) issues.push({ path, uri, reason: 'is not a relative URI inside the media folder' });
    else if (!listed.has(target)) issues.push({ path, uri, reason: `names ${target}, which is not in the file list` });
    if (issues.length >= 20) break;
  }
  return issues;
}
