// POST /api/v1/media/:mediaId/complete: checks a file list against what is stored and what the playlists
// say, before the media becomes `ready`. Order of checks: shape and roles (400), every listed file stored
// with that sha256 and size (409 MEDIA_INCOMPLETE, details.missing), then the text files a player follows:
// at most 1 MiB each, every URI relative and naming a listed file, every byte range inside its file
// (400 INVALID_PLAYLIST).
import { ApiError } from '../errors.js';
import { isPlaylist } from './media-paths.js';
import type { StoredFile } from './media-queries.js';
import type { CompleteBody } from './media-schemas.js';
import type { MediaStorage } from './media-storage.js';
import { checkTextFile, MAX_PLAYLIST_BYTES, type PlaylistIssue } from './playlist-check.js';

function checkRoles(body: CompleteBody): void {
  const count = (role: string) => body.files.filter((f) => f.role === role).length;
  const problems: string[] = [];
  if (body.kind === 'video') {
    if (count('hls_master') !== 1) problems.push('a video needs exactly one hls_master file');
    if (count('poster') < 1) problems.push('a video needs a poster');
  } else if (count('photo') < 1) problems.push('an image needs at least one photo');
  for (const f of body.files) {
    if ((f.role === 'hls_master' || f.role === 'hls_variant') && !isPlaylist(f.path)) problems.push(`${f.path}: an ${f.role} must be an .m3u8 playlist`);
    if (f.role === 'sprite_vtt' && !f.path.endsWith('.vtt')) problems.push(`${f.path}: a sprite_vtt must be a .vtt file`);
  }
  if (problems.length) throw new ApiError('VALIDATION_ERROR', `The file list is not valid: ${problems.join('; ')}.`, { problems });
}

async function readText(storage: MediaStorage, key: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of await storage.read(key)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function checkCompletion(body: CompleteBody, stored: StoredFile[], storage: MediaStorage): Promise<void> {
  checkRoles(body);
  const byPath = new Map(stored.map((f) => [f.path, f]));
  const missing = body.files.filter((f) => {
    const s = byPath.get(f.path);
    return !s || s.sha256 !== f.sha256 || s.size !== f.size;
  });
  if (missing.length) {
    throw new ApiError('MEDIA_INCOMPLETE', `${missing.length} listed file(s) are not stored with that sha256 and size yet; upload them first.`, {
      missing: missing.map((f) => f.path),
    });
  }
  const listed = new Map(body.files.map((f) => [f.path, f.size]));
  const issues: PlaylistIssue[] = [];
  for (const f of body.files) {
    const kind = isPlaylist(f.path) ? 'playlist' : f.path.endsWith('.vtt') ? 'vtt' : null;
    if (!kind) continue;
    if (f.size > MAX_PLAYLIST_BYTES) {
      throw new ApiError('INVALID_PLAYLIST', `${f.path} is ${f.size} bytes; playlists and VTT files may be at most ${MAX_PLAYLIST_BYTES} bytes.`, {
        path: f.path,
        size: f.size,
        maxBytes: MAX_PLAYLIST_BYTES,
      });
    }
    issues.push(...checkTextFile(f.path, kind, await readText(storage, byPath.get(f.path)!.storageKey), listed));
    if (issues.length >= 20) break;
  }
  if (issues.length) {
    const first = issues[0]!;
    throw new ApiError('INVALID_PLAYLIST', `${first.path}: "${first.uri}" ${first.reason}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}.`, {
      issues,
    });
  }
}
