// Connects uploads to a studio and its signed-in account: registers the `upload` job kind on the studio's
// queue (tokens from CatalogService, which refreshes them) and gives the enqueue helpers what they need.
// The UI backend and the CLI both start here, so both upload the same way.
import type { Post } from '@fanz/core';
import type { CatalogService } from '../catalog/catalog-service.js';
import type { Job } from '../jobs/queue.js';
import type { Studio } from '../studio.js';
import { enqueueUpload, enqueueUploadsForPosts, type PostUploadDeps } from './post-uploads.js';
import { UPLOAD, uploadJobHandler } from './upload-job.js';

export interface Publishing {
  deps: PostUploadDeps;
  enqueueUpload(itemId: string): Job;
  /** Uploads for posts going public; `automatic` skips media whose last upload failed (see post-uploads.ts). */
  enqueueForPosts(posts: readonly Post[], o?: { automatic?: boolean }): Job[];
}

/** FANZ_UPLOAD_STREAMS: files sent at once by an upload job (1-16); a bad value is refused, not ignored. */
export function uploadStreamsFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const v = env.FANZ_UPLOAD_STREAMS;
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1 || n > 16) throw new Error(`FANZ_UPLOAD_STREAMS must be an integer from 1 to 16, got "${v}"`);
  return n;
}

export function attachPublishing(studio: Studio, catalog: CatalogService, o: { streams?: number } = {}): Publishing {
  const streams = o.streams ?? uploadStreamsFromEnv();
  const serverUrl = () => catalog.session().serverUrl;
  studio.queue.register(
    UPLOAD,
    uploadJobHandler({
      db: studio.db,
      lib: studio.lib,
      dataDir: studio.dataDir,
      auth: { serverUrl, accessToken: () => catalog.getAccessToken() },
      ...(streams ? { streams } : {}),
    }),
  );
  const deps: PostUploadDeps = { db: studio.db, lib: studio.lib, queue: studio.queue, serverUrl };
  return {
    deps,
    enqueueUpload: (itemId) => enqueueUpload(deps, itemId),
    enqueueForPosts: (posts, eo = {}) => enqueueUploadsForPosts(deps, posts, eo),
  };
}

/** The catalog kind of a library item: photos are `image` posts' media, everything else `video`. */
export function catalogKindOf(studio: Studio): (mediaId: string) => 'video' | 'image' | undefined {
  return (mediaId) => {
    const item = studio.lib.getItem(mediaId);
    if (!item) return undefined;
    return item.kind === 'photo' ? 'image' : 'video';
  };
}
