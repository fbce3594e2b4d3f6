import { describe, expect, it } from 'vitest';
import { earningsByKind, entryText } from './earnings-text';

describe('earnings text', () => {
  it('breaks verified earnings down by kind, after the platform fee, in one currency', () => {
    const usd = (amount: number) => ({ amount, currency: 'USD' });
    const rows = [
      { verified: true, entry: { kind: 'payment.completed', paymentKind: 'tip', amount: usd(500) } },
      { verified: true, entry: { kind: 'payment.completed', paymentKind: 'subscription', amount: usd(999) } },
      { verified: true, entry: { kind: 'payment.completed', paymentKind: 'pay_per_view', amount: usd(1299) } },
      { verified: false, entry: { kind: 'payment.completed', paymentKind: 'tip', amount: usd(10_000) } },
      { verified: true, entry: { kind: 'payment.completed', paymentKind: 'tip', amount: { amount: 700, currency: 'EUR' } } },
      { verified: true, entry: { kind: 'payout.requested', amount: usd(200) } },
    ];
    expect(earningsByKind(rows, 'USD').map((k) => [k.text, k.net])).toEqual([
      ['Subscriptions', 900],
      ['Pay per view', 1170],
      ['Tips', 450],
    ]);
  });
  it('names log entries in words', () => {
    expect(entryText({ kind: 'payment.completed', paymentKind: 'tip' })).toBe('Tip from a fan');
    expect(entryText({ kind: 'payout.requested' })).toBe('Payout requested');
    expect(entryText({ kind: 'something.new' })).toBe('Other entry');
  });
});
