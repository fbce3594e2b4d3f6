// Earnings in words: balance lines, statement entries of the transparency log, and the breakdown of
// earnings by kind (subscriptions, pay per view, tips) from the verified `payment.completed` entries,
// net of refunds. Pure, tested in earnings-text.test.ts.
import { moneySchema, platformSplit, type Money } from '@fanz/core';

export const BALANCE_TEXT: Record<string, string> = {
  available: 'Available to pay out',
  pending: 'Payouts on the way',
  paidOut: 'Paid out so far',
  lifetimeEarnings: 'Earned in total',
};

export const PAYOUT_METHOD_TEXT: Record<string, string> = { paxum: 'Paxum', bank_transfer: 'Bank transfer' };

const KIND_TEXT: Record<string, string> = { subscription: 'Subscriptions', pay_per_view: 'Pay per view', tip: 'Tips' };

const ENTRY_TEXT: Record<string, string> = {
  'payment.refunded': 'Refund',
  'payment.charged_back': 'Chargeback',
  'payout.requested': 'Payout requested',
  'payout.completed': 'Payout completed',
  'payout.failed': 'Payout failed',
};

export function entryText(entry: Record<string, unknown>): string {
  const kind = String(entry.kind ?? entry.type ?? '');
  if (kind === 'payment.completed') {
    const pk = String(entry.paymentKind ?? '');
    if (pk === 'subscription') return entry.renewal ? 'Subscription renewed' : 'New subscription';
    if (pk === 'tip') return 'Tip from a fan';
    if (pk === 'pay_per_view') return 'Pay-per-view unlock';
    return 'Payment';
  }
  return ENTRY_TEXT[kind] ?? (kind.startsWith('payout') ? 'Payout' : kind.startsWith('payment') ? 'Payment' : 'Other entry');
}

export interface KindTotal {
  kind: 'subscription' | 'pay_per_view' | 'tip';
  text: string;
  /** What the creator receives after the platform fee, in minor units. */
  net: number;
}

/** Earnings per kind in one currency (the balance's), from the log entries this device verified. */
export function earningsByKind(entries: Array<{ entry: Record<string, unknown>; verified: boolean }>, currency: string): KindTotal[] {
  const totals: Record<KindTotal['kind'], number> = { subscription: 0, pay_per_view: 0, tip: 0 };
  for (const { entry, verified } of entries) {
    if (!verified || entry.kind !== 'payment.completed') continue;
    const m = moneySchema.safeParse(entry.amount);
    const kind = entry.paymentKind as KindTotal['kind'];
    if (!m.success || m.data.currency !== currency || !(kind in totals)) continue;
    totals[kind] += platformSplit(m.data as Money).creator.amount;
  }
  return (Object.keys(totals) as KindTotal['kind'][]).map((kind) => ({ kind, text: KIND_TEXT[kind]!, net: totals[kind] }));
}
