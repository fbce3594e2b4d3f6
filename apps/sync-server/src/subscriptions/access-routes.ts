// /api/v1/access: what a fan may see. The subscription check for one creator, and redemption of a
// pay-per-view grant token (each call counts one download against the grant's limit).
import { z } from 'zod';
import type { Database } from '../db/database.js';
import { ApiError } from '../errors.js';
import { accessQuerySchema, accessResultSchema, grantResultSchema } from '../payments/payment-schemas.js';
import type { MediaGrantSigner } from '../payments/media-grants.js';
import type { RouteTable } from '../http/routes.js';

export function accessRoutes(routes: RouteTable, deps: { db: Database; grants: MediaGrantSigner }): void {
  const { db } = deps;
  routes.add({
    method: 'GET',
    url: '/api/v1/access',
    summary: "The calling fan's access to a creator: subscription (tier, expiry) and purchased posts",
    tag: 'access',
    access: 'fan',
    query: accessQuerySchema,
    response: accessResultSchema,
    handler: async ({ query, user }) => {
      const subs = await db.query<{ tier_id: string; tier_name: string; current_period_end: Date | string }>(
        `SELECT tier_id, tier_name, current_period_end FROM subscriptions
          WHERE fan_id = $1 AND creator_id = $2 AND status = 'active' AND current_period_end > now()
          ORDER BY current_period_end DESC LIMIT 1`,
        [user.id, query.creatorId],
      );
      const posts = await db.query<{ post_id: string }>(
        `SELECT DISTINCT post_id FROM media_access_grants
          WHERE fan_id = $1 AND creator_id = $2 AND revoked_at IS NULL AND expires_at > now() AND downloads < download_limit ORDER BY post_id`,
        [user.id, query.creatorId],
      );
      const s = subs[0];
      return {
        has_subscription: s !== undefined,
        subscription_tier: s?.tier_name ?? null,
        subscription_tier_id: s?.tier_id ?? null,
        expires_at: s ? new Date(s.current_period_end).toISOString() : null,
        purchased_posts: posts.map((p) => p.post_id),
      };
    },
  });
  routes.add({
    method: 'GET',
    url: '/api/v1/access/grants/:token',
    summary: 'Redeem a pay-per-view media grant (counts one download)',
    tag: 'access',
    access: 'public',
    response: grantResultSchema,
    handler: async ({ req }) => {
      const token = z.object({ token: z.string().max(300) }).safeParse(req.params);
      const parsed = token.success ? deps.grants.parse(token.data.token) : null;
      if (!parsed) throw new ApiError('FORBIDDEN', 'This media access token is not valid.');
      if (parsed.expiresAt <= Date.now()) throw new ApiError('FORBIDDEN', 'This media access token has expired.');
      const rows = await db.query<{ post_id: string; creator_id: string; downloads: number; download_limit: number; expires_at: Date | string }>(
        `UPDATE media_access_grants SET downloads = downloads + 1
          WHERE id = $1 AND revoked_at IS NULL AND expires_at > now() AND downloads < download_limit
          RETURNING post_id, creator_id, downloads, download_limit, expires_at`,
        [parsed.grantId],
      );
      const g = rows[0];
      if (!g) throw new ApiError('FORBIDDEN', 'This media access grant was revoked or has no downloads left.');
      return {
        grantId: parsed.grantId,
        postId: g.post_id,
        creatorId: g.creator_id,
        downloadsRemaining: g.download_limit - g.downloads,
        expiresAt: new Date(g.expires_at).toISOString(),
      };
    },
  });
}
