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

export function attachPublishing(studio: Studio, catalog: CatalogService, o: { streams?: number } = {}): Publishing {
  const serverUrl = () => catalog.session().serverUrl;
  studio.queue.register(
    UPLOAD,
    uploadJobHandler({
      db: studio.db,
      lib: studio.lib,
      dataDir: studio.dataDir,
      auth: { serverUrl, accessToken: () => catalog.getAccessToken() },
      ...(o.streams ? { streams: o.streams } : {}),
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
