// Who may watch a media (media contract, "Playback"): its creator always; anyone else only through a post
// that is public now and that entitles them: a free post -> any signed-in user; a subscribers post -> an
// active subscription of the creator (a tier in tierIds, or any tier when tierIds is empty); pay-per-view
// -> a media_access_grants row for the post, not revoked and not expired.
import type { PublicPost } from '@fanz/core';
import type { Database } from '../db/database.js';
import { ApiError } from '../errors.js';
import type { MediaCatalog } from './media-catalog.js';

export class MediaAccess {
  constructor(
    private readonly db: Database,
    private readonly catalog: MediaCatalog,
  ) {}

  /** The public posts holding the media, or 404 when there is none (drafts and future posts do not count). */
  async publicPosts(creatorId: string, mediaId: string): Promise<PublicPost[]> {
    const posts = await this.catalog.publicPostsWith(creatorId, mediaId);
    if (posts.length === 0) throw new ApiError('NOT_FOUND', `No media ${mediaId} is published.`);
    return posts;
  }

  /** The post through which `viewerId` may watch, or 403. */
  async entitlingPost(viewerId: string, creatorId: string, posts: PublicPost[]): Promise<string> {
    const free = posts.find((p) => p.visibility === 'free');
    if (free) return free.id;
    const ppv = posts.filter((p) => p.visibility === 'pay_per_view').map((p) => p.id);
    if (ppv.length > 0) {
      const rows = await this.db.query<{ post_id: string }>(
        `SELECT post_id FROM media_access_grants
          WHERE fan_id = $1 AND creator_id = $2 AND post_id = ANY($3::text[]) AND revoked_at IS NULL AND expires_at > now()
          ORDER BY created_at LIMIT 1`,
        [viewerId, creatorId, `{${ppv.join(',')}}`],
      );
      if (rows[0]) return rows[0].post_id;
    }
    const subscriberPosts = posts.filter((p) => p.visibility === 'subscribers');
    if (subscriberPosts.length > 0) {
      const tiers = new Set(
        (
          await this.db.query<{ tier_id: string }>(
            `SELECT DISTINCT tier_id FROM subscriptions WHERE fan_id = $1 AND creator_id = $2 AND status = 'active' AND current_period_end > now()`,
            [viewerId, creatorId],
          )
        ).map((r) => r.tier_id),
      );
      const post = subscriberPosts.find((p) => tiers.size > 0 && (p.tierIds.length === 0 || p.tierIds.some((t) => tiers.has(t))));
      if (post) return post.id;
    }
    throw new ApiError('FORBIDDEN', 'You are not entitled to watch this media: subscribe or buy the post that holds it.');
  }
}
