// Request and response shapes of the money routes (zod: validation, types and the OpenAPI document).
// Ids are checked for shape only (users come from the server's id scheme, tiers and posts from the
// desktop's); money is integer minor units with an ISO 4217 currency.
import { z } from 'zod';
import { moneySchema, plainText, vrTicketSchema } from '@fanz/core';
import { lineText, opaqueToken, payableMoneySchema } from '../ledger/money-rules.js';


const id = (what: string) =>
  z.string().regex(/^[a-z]{1,10}_[A-Za-z0-9]{6,60}$/, { message: `expected a ${what} id like "${what}_01h..."` });

const boundedMoney = payableMoneySchema;

export const paymentMethodSchema = z.strictObject({
  type: z.literal('test_card'),
  cardToken: opaqueToken(200),
});

/** The price the fan saw; when it no longer matches the current price the payment is refused (409 PRICE_CHANGED). */
const expectedAmount = moneySchema.optional();

export const paymentBodySchema = z.union([
  z.strictObject({ subscriptionId: id('tier'), paymentMethod: paymentMethodSchema, expectedAmount }),
  z.strictObject({ postId: id('post'), paymentMethod: paymentMethodSchema, expectedAmount }),
  z.strictObject({ tip: z.strictObject({ creatorId: id('usr'), amount: boundedMoney }), paymentMethod: paymentMethodSchema, expectedAmount }),
  z.strictObject({ experienceId: id('vr'), paymentMethod: paymentMethodSchema, expectedAmount }),
]);
export type PaymentBody = z.infer<typeof paymentBodySchema>;

export const paymentResultSchema = z.object({
  payment: z.object({
    id: z.string(),
    status: z.literal('completed'),
    kind: z.enum(['subscription', 'pay_per_view', 'tip', 'vr_ticket']),
    amount: moneySchema,
    platformFee: moneySchema,
    creatorNet: moneySchema,
    creatorId: z.string(),
    productId: z.string().nullable(),
    transactionId: z.string(),
    logIndex: z.int(),
    createdAt: z.string(),
  }),
  subscription: z.object({ id: z.string(), tierId: z.string(), tierName: z.string(), expiresAt: z.string() }).optional(),
  /** A VR ticket bought with this payment; `token` goes in the relay URL (?ticket=). */
  ticket: vrTicketSchema.optional(),
  access_granted: z
    .object({ grantId: z.string(), postId: z.string(), token: z.string(), url: z.string(), expires_at: z.string(), download_limit: z.int() })
    .optional(),
});

export const refundBodySchema = z.strictObject({ reason: plainText(500).optional() });
export const reversalResultSchema = z.object({
  payment: z.object({ id: z.string(), status: z.string(), amount: moneySchema, reversalTransactionId: z.string(), logIndex: z.int() }),
});

export const createTierSchema = z.strictObject({
  name: lineText(80, 1),
  price: boundedMoney,
  interval: z.enum(['month', 'year']),
  benefits: z.array(lineText(200, 1)).max(20).default([]),
});
export const tierSchema = z.object({
  id: z.string(),
  creatorId: z.string(),
  name: z.string(),
  price: moneySchema,
  interval: z.enum(['month', 'year']),
  benefits: z.array(z.string()),
  active: z.boolean(),
  createdAt: z.string(),
});

export const accessQuerySchema = z.strictObject({ creatorId: id('usr') });
export const accessResultSchema = z.object({
  has_subscription: z.boolean(),
  subscription_tier: z.string().nullable(),
  subscription_tier_id: z.string().nullable(),
  expires_at: z.string().nullable(),
  purchased_posts: z.array(z.string()),
});
export const grantResultSchema = z.object({
  grantId: z.string(),
  postId: z.string(),
  creatorId: z.string(),
  downloadsRemaining: z.int(),
  expiresAt: z.string(),
});
