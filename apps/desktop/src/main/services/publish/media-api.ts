// The two media calls of the contract besides tus: what the server already stores of a media id
// (GET /api/v1/media/:id, used to skip files it has with the same sha256) and the final manifest
// (POST /api/v1/media/:id/complete). Responses are validated; the envelope is unwrapped by callServer.
import { z } from 'zod';
import { StudioApiError } from '../../../shared/studio-api.js';
import { callServer } from '../account/server-client.js';
import type { FileRole } from './output-manifest.js';

const storedMedia = z.object({
  mediaId: z.string(),
  creatorId: z.string(),
  kind: z.enum(['video', 'image']).nullable(),
  status: z.enum(['uploading', 'ready']),
  files: z.array(z.object({ path: z.string(), sha256: z.string(), size: z.number() })),
  bytes: z.number(),
});
export type StoredMedia = z.infer<typeof storedMedia>;

/** What the server stores of a media id, or null when it has no file of it (404). */
export async function getStoredMedia(serverUrl: string, accessToken: string, mediaId: string): Promise<StoredMedia | null> {
  try {
    return storedMedia.parse(await callServer(serverUrl, 'GET', `/api/v1/media/${encodeURIComponent(mediaId)}`, { accessToken }));
  } catch (err) {
    if (err instanceof StudioApiError && /NOT_FOUND$/.test(err.code)) return null;
    throw err;
  }
}

export interface CompleteFile {
  path: string;
  sha256: string;
  size: number;
  role: FileRole;
}

export async function completeMedia(
  serverUrl: string,
  accessToken: string,
  mediaId: string,
  body: { kind: 'video' | 'image'; files: CompleteFile[] },
): Promise<{ mediaId: string; status: string }> {
  const data = await callServer(serverUrl, 'POST', `/api/v1/media/${encodeURIComponent(mediaId)}/complete`, { accessToken, body, timeoutMs: 60_000 });
  return z.object({ mediaId: z.string(), status: z.string() }).parse(data);
}
