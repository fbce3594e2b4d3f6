// Shapes of the finance routes (payouts, balance).
import { z } from 'zod';
import { moneySchema, positiveMoneySchema } from '@fanz/core';

/** How far a signed request's timestamp may be from the server clock, either way. */
export const PAYOUT_MAX_SKEW_MS = 5 * 60_000;

export const payoutBodySchema = z.strictObject({
  amount: positiveMoneySchema,
  method: z.enum(['paxum', 'bank_transfer']),
  /** `immediate` pays now; `weekly`/`monthly` set up a standing schedule the server runs once per period. */
  schedule: z.enum(['immediate', 'weekly', 'monthly']),
  /** Fresh random value per request (16-128 base64url characters); the server refuses a nonce it has seen. */
  nonce: z.string().regex(/^[A-Za-z0-9_-]{16,128}$/, { message: 'nonce must be 16-128 base64url characters' }),
  /** When the device signed it (ISO 8601); more than 5 minutes from the server clock is refused. */
  timestamp: z.iso.datetime({ offset: true, error: 'timestamp must be an ISO 8601 date-time' }),
});
export type PayoutBody = z.infer<typeof payoutBodySchema>;

export const payoutResultSchema = z.object({
  payout_id: z.string(),
  status: z.enum(['requested', 'processing', 'completed', 'failed']),
  amount: moneySchema,
  transaction_fee: moneySchema,
  net_amount: moneySchema,
  method: z.enum(['paxum', 'bank_transfer']),
  tracking: z.object({ reference_number: z.string() }),
  failure_reason: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

export const scheduleResultSchema = z.object({
  schedule_id: z.string(),
  schedule: z.enum(['weekly', 'monthly']),
  amount: moneySchema,
  method: z.enum(['paxum', 'bank_transfer']),
  status: z.enum(['active', 'canceled']),
  next_run_at: z.string().nullable(),
  created_at: z.string(),
});

const balanceLine = z.object({ available: moneySchema, pending: moneySchema, paidOut: moneySchema, lifetimeEarnings: moneySchema });
export const balanceResultSchema = balanceLine.extend({ balances: z.array(balanceLine.extend({ currency: z.string() })) });
