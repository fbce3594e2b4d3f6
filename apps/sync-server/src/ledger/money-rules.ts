// The bounds every price and payment obeys, on every path (REST bodies, tiers and posts synced from the
// studio, tips): a positive integer amount between MIN_PAYMENT_MINOR_UNITS and MAX_PAYMENT_MINOR_UNITS in a
// known ISO 4217 currency; and the plain-text rule for names fans see (no markup, no control characters).
import { plainText, positiveMoneySchema } from '@fanz/core';
import { z } from 'zod';

/**
 * Smallest payment or price we accept, in minor units of any currency (1.00 USD, 100 JPY, 0.100 BHD).
 * Below it the card fee exceeds what the creator gets, and the 10% platform fee rounds to nothing.
 */
export const MIN_PAYMENT_MINOR_UNITS = 100;
/** Largest single payment, price or tip, in minor units (sanity bound, not a business rule). */
export const MAX_PAYMENT_MINOR_UNITS = 100_000_000;

export const payableMoneySchema = positiveMoneySchema
  .refine((m) => m.amount >= MIN_PAYMENT_MINOR_UNITS, { message: `amount must be at least ${MIN_PAYMENT_MINOR_UNITS} minor units` })
  .refine((m) => m.amount <= MAX_PAYMENT_MINOR_UNITS, { message: `amount must be at most ${MAX_PAYMENT_MINOR_UNITS} minor units` });

// eslint-disable-next-line no-control-regex -- rejecting control characters (C0, DEL, C1) is the point
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/;

/** One line of text shown to others: core's plainText (no markup) and no control characters at all, tabs and newlines included. */
export function lineText(max: number, min = 0) {
  return plainText(max, min).refine((s) => !CONTROL.test(s), { message: 'must not contain control characters' });
}

/** A card token or similar opaque reference: printable ASCII only. */
export const opaqueToken = (max: number) => z.string().min(1).max(max).regex(/^[\x21-\x7e]+$/, { message: 'must be printable ASCII' });
