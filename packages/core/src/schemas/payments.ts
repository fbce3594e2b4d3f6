// Money movements: fan payments (subscription, pay-per-view, tip) and creator payouts, plus the request
// bodies of the routes that create them (DESIGN.md "API routes"). Amounts are Money (integer minor units).
import { z } from 'zod';
import { idSchema } from '../ids';
import { moneySchema, nonNegativeMoneySchema, positiveMoneySchema } from '../money';
import { timestampSchema } from './common';

export const PAYMENT_KINDS = ['subscription', 'pay_per_view', 'tip'] as const;
export const PAYMENT_STATUSES = ['pending', 'completed', 'declined', 'refunded'] as const;

export const paymentSchema = z.object({
  id: idSchema('pay'),
  fanId: idSchema('fan'),
  creatorId: idSchema('cr'),
  kind: z.enum(PAYMENT_KINDS),
  tierId: idSchema('tier').nullable().default(null),
  postId: idSchema('post').nullable().default(null),
  amount: positiveMoneySchema,
  /** platformSplit(amount): fee rounded down, creator share rounded up; they sum to amount. */
  platformFee: nonNegativeMoneySchema,
  creatorNet: nonNegativeMoneySchema,
  status: z.enum(PAYMENT_STATUSES),
  transactionId: idSchema('txn').nullable().default(null),
  /** Index of the payment's entry in the transparency log, once logged. */
  logIndex: z.int().min(0).nullable().default(null),
  createdAt: timestampSchema,
});
export type Payment = z.infer<typeof paymentSchema>;

export const paymentMethodSchema = z.strictObject({
  type: z.literal('test_card'),
  cardToken: z.string().min(1).max(200),
});

/** POST /api/v1/payments body: exactly one of subscriptionId, postId or tip. */
export const paymentRequestSchema = z.union([
  z.strictObject({ subscriptionId: idSchema('tier'), paymentMethod: paymentMethodSchema }),
  z.strictObject({ postId: idSchema('post'), paymentMethod: paymentMethodSchema }),
  z.strictObject({
    tip: z.strictObject({ creatorId: idSchema('cr'), amount: positiveMoneySchema }),
    paymentMethod: paymentMethodSchema,
  }),
]);
export type PaymentRequest = z.infer<typeof paymentRequestSchema>;

export const PAYOUT_METHODS = ['paxum', 'bank_transfer'] as const;
export const PAYOUT_STATUSES = ['pending', 'processing', 'paid', 'failed'] as const;

/** POST /api/v1/finance/payouts body (signed by a device key over its canonical JSON). */
export const payoutRequestSchema = z.strictObject({
  amount: positiveMoneySchema,
  method: z.enum(PAYOUT_METHODS),
  schedule: z.literal('immediate'),
});
export type PayoutRequest = z.infer<typeof payoutRequestSchema>;

export const payoutSchema = z.object({
  id: idSchema('po'),
  creatorId: idSchema('cr'),
  amount: positiveMoneySchema,
  /** payoutFee(amount): fee rounded down; fee + net = amount. */
  fee: nonNegativeMoneySchema,
  net: nonNegativeMoneySchema,
  method: z.enum(PAYOUT_METHODS),
  status: z.enum(PAYOUT_STATUSES),
  referenceNumber: z.string().min(1).max(100),
  /** The device key that signed the request. */
  deviceKeyId: z.string().min(1),
  logIndex: z.int().min(0).nullable().default(null),
  createdAt: timestampSchema,
});
export type Payout = z.infer<typeof payoutSchema>;

/** A creator's balance as the finance API reports it. */
export const balanceSchema = z.object({
  available: moneySchema,
  pending: moneySchema,
  lifetimeEarnings: moneySchema,
});
export type Balance = z.infer<typeof balanceSchema>;
