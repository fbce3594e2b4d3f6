// Shapes of the finance routes (payouts, balance).
import { z } from 'zod';
import { moneySchema, positiveMoneySchema } from '@fanz/core';

export const payoutBodySchema = z.strictObject({
  amount: positiveMoneySchema,
  method: z.enum(['paxum', 'bank_transfer']),
  schedule: z.literal('immediate'),
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

const balanceLine = z.object({ available: moneySchema, pending: moneySchema, paidOut: moneySchema, lifetimeEarnings: moneySchema });
export const balanceResultSchema = balanceLine.extend({ balances: z.array(balanceLine.extend({ currency: z.string() })) });
