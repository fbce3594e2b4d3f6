// Checks the text files a player follows (HLS playlists and the sprite WebVTT) before a media is marked
// ready: every URI they name must be relative and name a file of the same manifest. Because the signed
// playback URL covers one folder, a relative URI is what lets a player fetch everything under one
// signature; an absolute URI would leak the viewer out of it (or into someone else's files). Byte ranges
// (EXT-X-BYTERANGE, EXT-X-MAP BYTERANGE: single-file rungs) must lie inside the listed size of the file
// they name, so no player is ever sent to a range the server would answer with 416.
import { HlsPlaylistError, parseMediaPlaylist, type PlaylistByteRange } from '@fanz/core';
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

/** Byte ranges of a media playlist that do not fit the listed size of their file (or do not parse). */
function rangeIssues(path: string, text: string, listed: ReadonlyMap<string, number>): PlaylistIssue[] {
  if (!text.includes('BYTERANGE')) return [];
  let playlist;
  try {
    playlist = parseMediaPlaylist(text);
  } catch (err) {
    if (err instanceof HlsPlaylistError) return [{ path, uri: '', reason: `has a malformed byte range (${err.message})` }];
    throw err;
  }
  const issues: PlaylistIssue[] = [];
  const check = (uri: string, range: PlaylistByteRange | null) => {
    const target = range ? resolveRelative(path, uri) : null;
    const size = target === null ? undefined : listed.get(target);
    if (!range || size === undefined) return; // no range, or the URI itself is reported elsewhere
    const where = `${range.length}@${range.offset}`;
    if (range.length === 0) issues.push({ path, uri, reason: `has an empty byte range ${where}` });
    else if (range.offset + range.length > size) issues.push({ path, uri, reason: `has the byte range ${where}, beyond the end of ${target} (${size} bytes)` });
  };
  if (playlist.initUri) check(playlist.initUri, playlist.initRange);
  for (const s of playlist.segments) {
    check(s.uri, s.byteRange);
    if (issues.length >= 20) break;
  }
  return issues;
}

/** Problems of one playlist or VTT file against the listed paths (path -> size); empty when it is fine. */
export function checkTextFile(path: string, kind: 'playlist' | 'vtt', text: string, listed: ReadonlyMap<string, number>): PlaylistIssue[] {
  const issues: PlaylistIssue[] = [];
  if (kind === 'playlist' && !text.startsWith('#EXTM3U')) return [{ path, uri: '', reason: 'is not an HLS playlist (no #EXTM3U header)' }];
  if (kind === 'vtt' && !text.replace(/^\uFEFF/, '').startsWith('WEBVTT')) return [{ path, uri: '', reason: 'is not a WebVTT file' }];
  for (const uri of kind === 'playlist' ? playlistUris(text) : vttUris(text)) {
    const target = resolveRelative(path, uri);
    if (target === null) issues.push({ path, uri, reason: 'is not a relative URI inside the media folder' });
    else if (!listed.has(target)) issues.push({ path, uri, reason: `names ${target}, which is not in the file list` });
    if (issues.length >= 20) break;
  }
  if (kind === 'playlist' && issues.length < 20) issues.push(...rangeIssues(path, text, listed));
  return issues.slice(0, 20);
}
