// /api/v1/subscriptions: creators define subscription tiers. A tier lives in the creator's catalog Yjs
// document (map "tiers", tier id -> Y.Map of its fields, as in @fanz/core's catalog-doc), so the desktop sees it on its next sync; payments read it back
// from there through the CatalogReader.
import { newId } from '@fanz/core';
import * as Y from 'yjs';
import { z } from 'zod';
import type { CatalogReader } from '../catalog/catalog-reader.js';
import type { SubscriptionRenewals } from './subscription-renewals.js';
import { moneySchema } from '@fanz/core';
import { createTierSchema, tierSchema } from '../payments/payment-schemas.js';
import type { IdParam, RouteTable } from '../http/routes.js';
import type { DocManager } from '../sync/doc-manager.js';

const subscriptionView = z.object({ id: z.string(), tierId: z.string(), tierName: z.string(), renewal: z.string(), accessUntil: z.string(), price: moneySchema });
const subscriptionId: IdParam = { pattern: /^sub_[0-9a-z]{26}$/, noun: 'subscription id' };

export function subscriptionRoutes(routes: RouteTable, deps: { docs: DocManager; catalog: CatalogReader; renewals: SubscriptionRenewals }): void {
  routes.add({
    method: 'GET',
    url: '/api/v1/subscriptions/mine',
    summary: "The calling fan's subscriptions with their renewal state (auto, past_due, canceled, lapsed) and access end",
    tag: 'subscriptions',
    access: 'fan',
    response: z.object({ subscriptions: z.array(subscriptionView) }),
    handler: async ({ user }) => ({ subscriptions: await deps.renewals.list(user.id) }),
  });
  routes.add({
    method: 'POST',
    url: '/api/v1/subscriptions/:id/cancel',
    summary: 'Cancel renewal of your subscription: no further charges, access until the current period ends',
    tag: 'subscriptions',
    access: 'fan',
    idParam: subscriptionId,
    response: subscriptionView,
    handler: async ({ user, id }) => deps.renewals.cancel(user.id, id),
  });
  routes.add({
    method: 'POST',
    url: '/api/v1/subscriptions',
    summary: "Create a subscription tier (written into the creator's catalog document)",
    tag: 'subscriptions',
    access: 'creator',
    body: createTierSchema,
    response: tierSchema,
    status: 201,
    handler: async ({ body, user }) => {
      const tier = {
        id: newId('tier'),
        creatorId: user.id,
        name: body.name,
        price: body.price,
        interval: body.interval,
        benefits: body.benefits,
        active: true,
        createdAt: new Date().toISOString(),
      };
      // Same layout as @fanz/core's catalog-doc (one Y.Map of fields per tier). core's putTier is not used
      // because its tier schema wants a `cr_` creator id, and server accounts are `usr_` ids.
      await deps.docs.edit(`creator:${user.id}`, (doc) => {
        const fields = new Y.Map<unknown>();
        doc.getMap('tiers').set(tier.id, fields);
        for (const [k, v] of Object.entries(tier)) fields.set(k, v);
      });
      await deps.catalog.remember(tier.id, user.id, 'tier');
      return tier;
    },
  });
  routes.add({
    method: 'GET',
    url: '/api/v1/subscriptions',
    summary: "A creator's active subscription tiers",
    tag: 'subscriptions',
    access: 'public',
    query: z.strictObject({ creatorId: z.string().min(1).max(100) }),
    response: z.object({ tiers: z.array(tierSchema.omit({ createdAt: true })) }),
    handler: async ({ query }) => {
      const catalog = await deps.catalog.catalog(query.creatorId);
      return { tiers: [...catalog.tiers.values()].filter((t) => t.active) };
    },
  });
}
