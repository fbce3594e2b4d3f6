// Shapes of a fan's own lists: what they bought (pay-per-view posts and tips) and their subscriptions.
import { moneySchema } from '@fanz/core';
import { z } from 'zod';

const creatorRef = z.object({ id: z.string(), username: z.string(), displayName: z.string() });

export const purchaseSchema = z.object({
  paymentId: z.string(),
  kind: z.enum(['pay_per_view', 'tip']),
  status: z.enum(['completed', 'refunded', 'charged_back']),
  amount: moneySchema,
  createdAt: z.string(),
  creator: creatorRef,
  /** The bought post (pay-per-view); its title is null when the creator has since deleted it. */
  post: z.object({ id: z.string(), title: z.string().nullable() }).nullable(),
  /** Whether the purchase still opens the post: active, expired, revoked (refund) or used up; null for tips. */
  access: z.enum(['active', 'expired', 'revoked', 'used_up']).nullable(),
});

export const purchasesSchema = z.object({ purchases: z.array(purchaseSchema) });

export const fanSubscriptionSchema = z.object({
  id: z.string(),
  tierId: z.string(),
  tierName: z.string(),
  /** active until currentPeriodEnd; expired after it; revoked by a refund or chargeback. */
  status: z.enum(['active', 'expired', 'revoked']),
  currentPeriodEnd: z.string(),
  startedAt: z.string(),
  amount: moneySchema.nullable(),
  creator: creatorRef,
});

export const fanSubscriptionsSchema = z.object({ subscriptions: z.array(fanSubscriptionSchema) });

export const listQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(100),
});
