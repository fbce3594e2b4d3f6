// Server-side rules of the finance routes. The wire shapes (payout request, payout, schedule, balance) are
// @fanz/core's (packages/core/src/schemas/payments.ts), shared with the studio.
import type { PayoutRequest } from '@fanz/core';

/** How far a signed request's timestamp may be from the server clock, either way. */
export const PAYOUT_MAX_SKEW_MS = 5 * 60_000;

export type PayoutBody = PayoutRequest;
