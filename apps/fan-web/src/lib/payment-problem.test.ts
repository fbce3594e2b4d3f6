import { describe, expect, it } from 'vitest';
import { ApiError, NetworkError } from './api-error';
import { paymentProblem } from './payment-problem';

describe('payment problems in words', () => {
  it('a declined card is final: new key next time, nothing charged', () => {
    const p = paymentProblem(new ApiError(402, 'PAYMENT_DECLINED', 'Payment declined', { reason: 'card_declined' }));
    expect(p).toEqual({ text: 'Your card was declined by the bank. Nothing was charged. Try another card.', retrySameKey: false, currentAmount: undefined });
  });

  it('other 402 reasons are named', () => {
    expect(paymentProblem(new ApiError(402, 'PAYMENT_DECLINED', 'Payment declined', { reason: 'invalid_card_token' })).text).toContain('invalid_card_token');
  });

  it('the payment network not answering (503) and a lost answer keep the key for the retry', () => {
    const down = paymentProblem(new ApiError(503, 'PAYMENT_UNAVAILABLE', 'not answering', { reason: 'network_error' }));
    expect(down.retrySameKey).toBe(true);
    expect(down.text).toContain('payment network did not answer');
    const lost = paymentProblem(new NetworkError(new TypeError('Failed to fetch')));
    expect(lost.retrySameKey).toBe(true);
    expect(lost.text).toContain('will not be charged twice');
    expect(paymentProblem(new ApiError(500, 'INTERNAL_ERROR', 'oops')).retrySameKey).toBe(true);
  });

  it('a changed price (409 PRICE_CHANGED) says the new price and hands it back', () => {
    const p = paymentProblem(
      new ApiError(409, 'PRICE_CHANGED', 'The price changed', { expectedAmount: { amount: 499, currency: 'USD' }, currentAmount: { amount: 599, currency: 'USD' } }),
    );
    expect(p.retrySameKey).toBe(false);
    expect(p.currentAmount).toEqual({ amount: 599, currency: 'USD' });
    expect(p.text).toMatch(/price changed to \$5\.99 .*Nothing was charged/);
  });

  it('a yen price has no decimals', () => {
    const p = paymentProblem(new ApiError(409, 'PRICE_CHANGED', 'x', { currentAmount: { amount: 1299, currency: 'JPY' } }));
    expect(p.text).toMatch(/¥1,299/);
  });

  it('other refusals carry the server message', () => {
    expect(paymentProblem(new ApiError(409, 'CONFLICT', 'Idempotency-Key reused with another request')).text).toBe(
      'This payment was refused: Idempotency-Key reused with another request',
    );
    expect(paymentProblem(new ApiError(401, 'UNAUTHENTICATED', 'x')).text).toBe('Please sign in again: your session has ended.');
  });
});
