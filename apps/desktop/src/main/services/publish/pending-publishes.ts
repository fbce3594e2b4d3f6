// "Publish now" from the studio UI, upload first: when a post's media is not on the server yet, the post
// stays a draft, its uploads are queued and the request is remembered (table pending_publishes); each time
// an upload finishes the pending posts whose media is all there are published. Fans never see a post whose
// media is missing. A post the creator meanwhile scheduled, published elsewhere or deleted is dropped.
import type { Post } from '@fanz/core';
import type { CatalogService } from '../catalog/catalog-service.js';
import { mediaToUpload, enqueueUploadsForPosts, type PostUploadDeps } from './post-uploads.js';

export interface PublishRequest {
  post: Post;
  /** True when the post waits for uploads and is published when they finish. */
  waitingForUpload: boolean;
}

const asPublic = (p: Post): Post => ({ ...p, status: 'published' });

export class PendingPublishes {
  constructor(
    private readonly deps: PostUploadDeps,
    private readonly catalog: CatalogService,
  ) {}

  request(postId: string): PublishRequest {
    const post = this.catalog.listPosts().find((p) => p.id === postId);
    if (!post) return { post: this.catalog.publish(postId), waitingForUpload: false }; // throws NOT_FOUND
    if (mediaToUpload(this.deps, [asPublic(post)]).length === 0) {
      this.forget(postId);
      return { post: this.catalog.publish(postId), waitingForUpload: false };
    }
    this.deps.db.prepare('INSERT INTO pending_publishes (post_id, requested_at) VALUES (?, ?) ON CONFLICT (post_id) DO NOTHING').run(postId, Date.now());
    enqueueUploadsForPosts(this.deps, [asPublic(post)]);
    return { post, waitingForUpload: true };
  }

  /** Post ids waiting for their uploads. */
  waiting(): string[] {
    return this.deps.db.prepare('SELECT post_id FROM pending_publishes ORDER BY requested_at').pluck().all() as string[];
  }

  /** Publishes every waiting post whose media is all on the server; returns their ids. */
  flush(): string[] {
    const published: string[] = [];
    if (!this.deps.serverUrl()) return published;
    const posts = new Map(this.catalog.listPosts().map((p) => [p.id, p]));
    for (const id of this.waiting()) {
      const post = posts.get(id);
      if (!post || post.status !== 'draft') {
        this.forget(id);
        continue;
      }
      if (mediaToUpload(this.deps, [asPublic(post)]).length > 0) continue;
      this.catalog.publish(id);
      this.forget(id);
      published.push(id);
    }
    return published;
  }

  private forget(postId: string): void {
    this.deps.db.prepare('DELETE FROM pending_publishes WHERE post_id = ?').run(postId);
  }
}
