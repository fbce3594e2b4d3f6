// What a failed payment means for the fan, in words, and whether "Try again" may resend the same
// Idempotency-Key (only when the outcome is unknown or nothing was decided: network failure, the payment
// network not answering, a server error). A decline or a refusal is final for that submission.
import { ApiError, NetworkError, errorText } from './api-error';
import { price } from './money';
import type { Money } from './types';

export interface PaymentProblem {
  text: string;
  retrySameKey: boolean;
  /** The current price, when the payment was refused because it changed. */
  currentAmount?: Money;
}

export function paymentProblem(err: unknown): PaymentProblem {
  if (err instanceof NetworkError) return { text: 'We could not reach the server, so we do not know yet whether this went through. Try again: you will not be charged twice.', retrySameKey: true };
  if (err instanceof ApiError) {
    const reason = (err.details as { reason?: string } | null)?.reason;
    if (err.status === 402 || err.code === 'PAYMENT_DECLINED') {
      return {
        text: reason === 'card_declined' ? 'Your card was declined by the bank. Nothing was charged. Try another card.' : `The payment was declined (${reason ?? 'no reason given'}). Nothing was charged.`,
        retrySameKey: false,
      };
    }
    if (err.code === 'PAYMENT_UNAVAILABLE' || err.status === 503) {
      return { text: 'The payment network did not answer. Nothing was charged. Try again in a moment: you will not be charged twice.', retrySameKey: true };
    }
    if (err.code === 'PRICE_CHANGED') {
      const current = (err.details as { currentAmount?: Money } | null)?.currentAmount;
      return { text: `The price changed to ${current ? price(current) : 'a new amount'} since this page loaded. Nothing was charged.`, retrySameKey: false, currentAmount: current };
    }
    if (err.status === 409) return { text: `This payment was refused: ${err.message}`, retrySameKey: false };
    if (err.status >= 500) return { text: 'The server had a problem. Try again: you will not be charged twice.', retrySameKey: true };
  }
  return { text: errorText(err), retrySameKey: false };
}

