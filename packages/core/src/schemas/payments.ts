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
export type PayoutMethod = (typeof PAYOUT_METHODS)[number];
/** requested (money held) -> processing (sent to the processor) -> completed | failed (money returned). */
export const PAYOUT_STATUSES = ['requested', 'processing', 'completed', 'failed'] as const;
export type PayoutStatus = (typeof PAYOUT_STATUSES)[number];
export const PAYOUT_SCHEDULES = ['immediate', 'weekly', 'monthly'] as const;

// The finance routes' wire format (DESIGN.md "API routes"): the server serializes payouts, schedules and
// balances with these schemas and the studio parses its answers with them; there is no other copy.

/**
 * POST /api/v1/finance/payouts body, signed by a device key over its canonical JSON. `immediate` pays now;
 * `weekly`/`monthly` set up a standing schedule. nonce and timestamp make every signed body single-use.
 */
export const payoutRequestSchema = z.strictObject({
  amount: positiveMoneySchema,
  method: z.enum(PAYOUT_METHODS),
  schedule: z.enum(PAYOUT_SCHEDULES),
  /** Fresh random value per request (16-128 base64url characters); the server refuses a nonce it has seen. */
  nonce: z.string().regex(/^[A-Za-z0-9_-]{16,128}$/, { message: 'nonce must be 16-128 base64url characters' }),
  /** When the device signed it (ISO 8601); more than 5 minutes from the server clock is refused. */
  timestamp: z.iso.datetime({ offset: true, error: 'timestamp must be an ISO 8601 date-time' }),
});
export type PayoutRequest = z.infer<typeof payoutRequestSchema>;

/** A payout as the finance routes answer it. */
export const payoutSchema = z.object({
  payout_id: idSchema('po'),
  status: z.enum(PAYOUT_STATUSES),
  amount: positiveMoneySchema,
  /** payoutFee(amount): transaction_fee + net_amount = amount. */
  transaction_fee: nonNegativeMoneySchema,
  net_amount: nonNegativeMoneySchema,
  method: z.enum(PAYOUT_METHODS),
  tracking: z.object({ reference_number: z.string().min(1).max(100) }),
  failure_reason: z.string().nullable(),
  created_at: z.iso.datetime({ offset: true }),
  updated_at: z.iso.datetime({ offset: true }),
});
export type Payout = z.infer<typeof payoutSchema>;

/** A standing weekly/monthly payout schedule as the finance routes answer it. */
export const payoutScheduleSchema = z.object({
  schedule_id: z.string().min(1),
  schedule: z.enum(['weekly', 'monthly']),
  amount: positiveMoneySchema,
  method: z.enum(PAYOUT_METHODS),
  status: z.enum(['active', 'canceled']),
  next_run_at: z.iso.datetime({ offset: true }).nullable(),
  created_at: z.iso.datetime({ offset: true }),
});
export type PayoutSchedule = z.infer<typeof payoutScheduleSchema>;

// Ledger balances (a chargeback after a payout can take `available` below zero).
const balanceLineSchema = z.object({
  /** Earnings that can be paid out now. */
  available: moneySchema,
  /** Held for payouts not finished yet. */
  pending: moneySchema,
  paidOut: moneySchema,
  lifetimeEarnings: moneySchema,
});

/** GET /api/v1/finance/balance: the USD (else first) currency's line at the top, every currency in `balances`. */
export const balanceSchema = balanceLineSchema.extend({
  balances: z.array(balanceLineSchema.extend({ currency: moneySchema.shape.currency })),
});
export type Balance = z.infer<typeof balanceSchema>;
