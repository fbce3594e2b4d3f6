// Weeks of earlier payments for a creator, written with the server's own analytics recorder (the function
// the payment routes call in their transaction), dated in the past: the payment routes can only make
// payments "now", and a forecast needs at least 14 days of history. Seeded, so every run is the same.
import { recordPayment, recordSubscriptionEnded } from '../../../sync-server/src/analytics/analytics-events.js';
import type { Database } from '../../../sync-server/src/db/database.js';

const DAY_MS = 86_400_000;
const WEEKLY = [0.7, 0.8, 0.9, 1, 1.2, 1.5, 1.1];

function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface History {
  days: number;
  /** Minor units of USD recorded in all. */
  total: number;
  tips: number;
  subscriptions: number;
  subscriberStarts: number;
  subscriberEnds: number;
}

/** Records `days` days of tips and subscription starts (and some ends) ending yesterday (UTC). */
export async function recordHistory(db: Database, creatorId: string, fanId: string, days = 60, seed = 7): Promise<History> {
  const rand = seeded(seed);
  const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  const h: History = { days, total: 0, tips: 0, subscriptions: 0, subscriberStarts: 0, subscriberEnds: 0 };
  const open: string[] = [];
  for (let back = days; back >= 1; back--) {
    const dayStart = today - back * DAY_MS;
    const weekday = new Date(dayStart).getUTCDay();
    const trend = 1 + (days - back) / days;
    const tip = Math.round(1500 * trend * WEEKLY[weekday]! * (0.8 + 0.4 * rand()));
    const at = (hour: number) => new Date(dayStart + hour * 3_600_000 + Math.floor(rand() * 3_000_000));
    await db.transaction(async (tx) => {
      await recordPayment(tx, { paymentId: `hist_tip_${seed}_${back}`, creatorId, fanId, kind: 'tip', productId: null, amount: { amount: tip, currency: 'USD' }, creatorNet: Math.ceil(tip * 0.9), at: at(18) });
      h.tips += tip;
      if (back % 3 === 0) {
        const id = `hist_sub_${seed}_${back}`;
        await recordPayment(tx, { paymentId: `hist_subpay_${seed}_${back}`, creatorId, fanId, kind: 'subscription', productId: null, amount: { amount: 999, currency: 'USD' }, creatorNet: 900, at: at(12), subscription: { id, period: 0 } });
        h.subscriptions += 999;
        h.subscriberStarts++;
        open.push(id);
      }
      if (back % 10 === 5 && open.length > 1) {
        await recordSubscriptionEnded(tx, { subscriptionId: open.shift()!, creatorId, fanId, reason: 'canceled', at: at(20) });
        h.subscriberEnds++;
      }
    });
  }
  h.total = h.tips + h.subscriptions;
  return h;
}
