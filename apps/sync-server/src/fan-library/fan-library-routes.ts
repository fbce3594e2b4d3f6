// GET /api/v1/me/purchases and /api/v1/me/subscriptions: the calling fan's own payments and subscriptions,
// newest first, read from the payments, media_access_grants and subscriptions tables. Post titles come from
// the creators' catalog documents (the catalog reader), since the server keeps no copy of posts.
import type { CurrencyCode } from '@fanz/core';
import type { Database } from '../db/database.js';
import type { CatalogReader } from '../catalog/catalog-reader.js';
import type { RouteTable } from '../http/routes.js';
import { fanSubscriptionsSchema, listQuerySchema, purchasesSchema } from './fan-library-schemas.js';

type Num = string | number;
const iso = (d: Date | string) => new Date(d).toISOString();

export function fanLibraryRoutes(routes: RouteTable, deps: { db: Database; catalog: CatalogReader }): void {
  const { db } = deps;

  routes.add({
    method: 'GET',
    url: '/api/v1/me/purchases',
    summary: 'Your pay-per-view purchases and tips, newest first, with whether each purchase still opens its post',
    tag: 'fans',
    access: 'fan',
    query: listQuerySchema,
    response: purchasesSchema,
    handler: async ({ user, query }) => {
      const rows = await db.query<{
        id: string;
        kind: 'pay_per_view' | 'tip';
        status: 'completed' | 'refunded' | 'charged_back';
        product_id: string | null;
        amount: Num;
        currency: string;
        created_at: Date | string;
        creator_id: string;
        username: string | null;
        display_name: string | null;
        grant_expires: Date | string | null;
        grant_revoked: Date | string | null;
        downloads: number | null;
        download_limit: number | null;
      }>(
        `SELECT p.id, p.kind, p.status, p.product_id, p.amount, p.currency, p.created_at, p.creator_id,
                u.username, u.display_name,
                g.expires_at AS grant_expires, g.revoked_at AS grant_revoked, g.downloads, g.download_limit
           FROM payments p
           LEFT JOIN users u ON u.id = p.creator_id
           LEFT JOIN media_access_grants g ON g.payment_id = p.id
          WHERE p.fan_id = $1 AND p.kind IN ('pay_per_view', 'tip') AND p.status <> 'declined'
          ORDER BY p.created_at DESC, p.id DESC
          LIMIT $2`,
        [user.id, query.limit],
      );
      const now = Date.now();
      const purchases = [];
      for (const r of rows) {
        let access: 'active' | 'expired' | 'revoked' | 'used_up' | null = null;
        if (r.kind === 'pay_per_view') {
          if (r.grant_revoked || r.status !== 'completed') access = 'revoked';
          else if (r.grant_expires && Date.parse(iso(r.grant_expires)) <= now) access = 'expired';
          else if (r.downloads !== null && r.download_limit !== null && r.downloads >= r.download_limit) access = 'used_up';
          else access = 'active';
        }
        const post = r.kind === 'pay_per_view' && r.product_id ? await deps.catalog.post(r.product_id) : null;
        purchases.push({
          paymentId: r.id,
          kind: r.kind,
          status: r.status,
          amount: { amount: Number(r.amount), currency: r.currency as CurrencyCode },
          createdAt: iso(r.created_at),
          creator: { id: r.creator_id, username: r.username ?? '', displayName: r.display_name ?? '' },
          post: r.kind === 'pay_per_view' && r.product_id ? { id: r.product_id, title: post?.title ?? null } : null,
          access,
        });
      }
      return { purchases };
    },
  });

  routes.add({
    method: 'GET',
    url: '/api/v1/me/subscriptions',
    summary: 'Your subscriptions (active, expired and revoked), newest first',
    tag: 'fans',
    access: 'fan',
    query: listQuerySchema,
    response: fanSubscriptionsSchema,
    handler: async ({ user, query }) => {
      const rows = await db.query<{
        id: string;
        tier_id: string;
        tier_name: string;
        status: 'active' | 'revoked';
        current_period_end: Date | string;
        created_at: Date | string;
        creator_id: string;
        username: string | null;
        display_name: string | null;
        amount: Num | null;
        currency: string | null;
      }>(
        `SELECT s.id, s.tier_id, s.tier_name, s.status, s.current_period_end, s.created_at, s.creator_id,
                u.username, u.display_name, p.amount, p.currency
           FROM subscriptions s
           LEFT JOIN users u ON u.id = s.creator_id
           LEFT JOIN payments p ON p.id = s.payment_id
          WHERE s.fan_id = $1
          ORDER BY s.created_at DESC, s.id DESC
          LIMIT $2`,
        [user.id, query.limit],
      );
      const now = Date.now();
      return {
        subscriptions: rows.map((r) => ({
          id: r.id,
          tierId: r.tier_id,
          tierName: r.tier_name,
          status: r.status === 'revoked' ? ('revoked' as const) : Date.parse(iso(r.current_period_end)) <= now ? ('expired' as const) : ('active' as const),
          currentPeriodEnd: iso(r.current_period_end),
          startedAt: iso(r.created_at),
          amount: r.amount === null ? null : { amount: Number(r.amount), currency: r.currency as CurrencyCode },
          creator: { id: r.creator_id, username: r.username ?? '', displayName: r.display_name ?? '' },
        })),
      };
    },
  });
}
