// Which media must reach the server because a post holding it is going public (scheduled or published),
// and the enqueueing of `upload` jobs for them. Called when the UI or CLI schedules/publishes a post and
// whenever the catalog document changes (a synced edit from another device schedules a post).
import type { Post } from '@fanz/core';
import type { Db } from '../library/db.js';
import type { Library } from '../library/library.js';
import type { Job, JobQueue } from '../jobs/queue.js';
import { enqueueProcessing } from '../jobs/media-process.js';
import { UPLOAD, uploadedTo } from './upload-job.js';

export interface PostUploadDeps {
  db: Db;
  lib: Library;
  queue: JobQueue;
  serverUrl(): string | null;
}

const goingPublic = (p: Post): boolean => p.status === 'scheduled' || p.status === 'published';

/** Enqueues the upload of one transcoded item unless one is queued or running. */
export function enqueueUpload(d: PostUploadDeps, itemId: string): Job {
  // Uploads outrank transcodes of other items: a post is waiting on them.
  return d.queue.enqueueUnlessActive(UPLOAD, itemId, { payload: { itemId }, maxAttempts: 8, priority: 5 });
}

/**
 * Media of the given posts that is in this library, going public, and not uploaded to the signed-in server.
 * With `automatic`, an item whose last upload job failed is left alone (the Jobs screen offers Retry), so a
 * refused upload (quota, someone else's id) does not loop on every document change.
 */
export function mediaToUpload(d: PostUploadDeps, posts: readonly Post[], o: { automatic?: boolean } = {}): string[] {
  const server = d.serverUrl();
  if (!server) return [];
  const out = new Set<string>();
  for (const p of posts) {
    if (!goingPublic(p)) continue;
    for (const m of p.media) {
      if (out.has(m.mediaId) || !d.lib.getItem(m.mediaId)) continue;
      const done = uploadedTo(d.db, m.mediaId, server);
      // Renditions made after the last completed upload (a re-transcode) go up again.
      if (done && d.lib.renditions(m.mediaId).every((r) => r.createdAt <= done.completedAt)) continue;
      if (o.automatic) {
        const last = d.queue.list({ itemId: m.mediaId, limit: 20 }).find((j) => j.kind === UPLOAD);
        if (last?.state === 'failed' || last?.state === 'cancelled') continue;
      }
      out.add(m.mediaId);
    }
  }
  return [...out];
}

/**
 * Enqueues uploads for every post going public whose media is not on the server yet. Media still waiting for
 * its renditions gets its transcode queued instead (if none is); the caller scans again when a transcode
 * finishes, so the upload never spends its attempts waiting.
 */
export function enqueueUploadsForPosts(d: PostUploadDeps, posts: readonly Post[], o: { automatic?: boolean } = {}): Job[] {
  const jobs: Job[] = [];
  for (const id of mediaToUpload(d, posts, o)) {
    const item = d.lib.getItem(id);
    if (item?.status === 'ready') jobs.push(enqueueUpload(d, id));
    else if (item && item.status !== 'failed') enqueueProcessing(d.queue, id);
  }
  return jobs;
}
