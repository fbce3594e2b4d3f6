// The creator's public profile on the server (display name, bio, avatar), edited from the studio's Account
// screen: GET/PUT /api/v1/creators/me/profile and PUT /api/v1/creators/me/avatar with the raw image. The
// image is checked here first (size, PNG/JPEG/WebP signature) so a wrong file gets a clear message offline.
import { open, stat } from 'node:fs/promises';
import { StudioApiError, type CreatorProfile } from '../../../shared/studio-api.js';
import { callServer, normalizeServerUrl } from '../account/server-client.js';

export const AVATAR_MAX_BYTES = 2 * 1024 * 1024;

interface ServerProfile {
  id: string;
  username: string;
  displayName: string;
  bio: string;
  avatarUrl: string | null;
}

export interface ProfileDeps {
  serverUrl: string;
  accessToken: () => Promise<string>;
}

function withUrls(serverUrl: string, p: ServerProfile): CreatorProfile {
  const base = normalizeServerUrl(serverUrl);
  return { ...p, avatarUrl: p.avatarUrl ? `${base}${p.avatarUrl}` : null, pageUrl: `${base}/c/${encodeURIComponent(p.username)}` };
}

function imageType(head: Buffer): string | null {
  if (head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  return null;
}

export async function getProfile(d: ProfileDeps): Promise<CreatorProfile> {
  const p = (await callServer(d.serverUrl, 'GET', '/api/v1/creators/me/profile', { accessToken: await d.accessToken() })) as ServerProfile;
  return withUrls(d.serverUrl, p);
}

export async function saveProfile(d: ProfileDeps, body: { displayName: string; bio: string }): Promise<CreatorProfile> {
  const p = (await callServer(d.serverUrl, 'PUT', '/api/v1/creators/me/profile', { body, accessToken: await d.accessToken() })) as ServerProfile;
  return withUrls(d.serverUrl, p);
}

export async function uploadAvatar(d: ProfileDeps, path: string): Promise<CreatorProfile> {
  const st = await stat(path).catch(() => null);
  if (!st?.isFile()) throw new StudioApiError('NOT_FOUND', `no file at ${path}`, { fields: { path: 'no such file' } });
  if (st.size > AVATAR_MAX_BYTES) {
    throw new StudioApiError('VALIDATION_ERROR', `the avatar is ${Math.ceil(st.size / 1024)} kB; the limit is 2 MB (2048 kB)`, { fields: { path: 'at most 2 MB' } });
  }
  const fh = await open(path, 'r');
  let bytes: Buffer;
  try {
    bytes = await fh.readFile();
  } finally {
    await fh.close();
  }
  const type = imageType(bytes);
  if (!type) throw new StudioApiError('VALIDATION_ERROR', 'the avatar must be a PNG, JPEG or WebP image', { fields: { path: 'not a PNG, JPEG or WebP image' } });
  const p = (await callServer(d.serverUrl, 'PUT', '/api/v1/creators/me/avatar', {
    rawBody: { bytes, contentType: type },
    accessToken: await d.accessToken(),
    timeoutMs: 30_000,
  })) as ServerProfile;
  return withUrls(d.serverUrl, p);
}
