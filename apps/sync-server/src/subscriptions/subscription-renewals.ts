// Automatic subscription renewals with dunning, run by the server on a timer (any instance; rows are
// claimed with FOR UPDATE SKIP LOCKED plus a lease). At the end of a period the saved test card is charged
// the subscribed price with the gateway idempotency key `renew:<subscription>:<period>`, so a crash or a
// second instance can never charge one period twice, and a charge whose record did not commit is found
// again by the same key on the next attempt. Success extends the period in one transaction with the
// transfers, the payment row, the log entry and the webhooks (payment.completed, subscription.renewed).
// A decline makes it past_due (subscription.past_due) and it is retried after retryDelaysMs[0], [1], [2]
// (1, 3 and 7 days after the first failure by default); the last failure lapses it (subscription.canceled,
// reason payment_failed). A fan who cancels keeps access until the period ends and is never charged again.
import { newId, platformSplit, type Money } from '@fanz/core';
import type { Logger } from 'pino';
import type { Database, Queryable } from '../db/database.js';
import { ApiError } from '../errors.js';
import type { ChargeResult, PaymentGateway } from '../payments/payment-gateway.js';
import type { TransparencyLog } from '../transparency-log/transparency-log.js';
import { enqueueWebhookEvent } from '../webhooks/webhook-events.js';
import { recordPayment, recordSubscriptionEnded } from '../analytics/analytics-events.js';
import { accountId, PLATFORM_OWNER, postTransaction, type Leg } from '../ledger/ledger.js';
import type { RenewalOptions } from '../money/money-options.js';
import { PeriodicPass } from '../scheduler/periodic-pass.js';

interface SubRow {
  id: string;
  fan_id: string;
  creator_id: string;
  tier_id: string;
  tier_name: string;
  card_token: string | null;
  amount: string | number;
  currency: string;
  billing_interval: string;
  renewals: number;
  failed_attempts: number;
  renewal: string;
  current_period_end: Date | string;
}

export interface SubscriptionView {
  id: string;
  tierId: string;
  tierName: string;
  renewal: string;
  accessUntil: string;
  price: Money;
}

const BATCH = 20;

export class SubscriptionRenewals {
  private readonly loop: PeriodicPass;

  constructor(
    private readonly db: Database,
    private readonly log: TransparencyLog,
    private readonly gateway: PaymentGateway,
    private readonly logger: Logger,
    private readonly onCommitted: (queuedDeliveries: number) => void,
    private readonly o: RenewalOptions,
  ) {
    this.loop = new PeriodicPass(() => this.runDue(), { pollMs: this.o.pollMs, logger: this.logger, failure: 'renewal pass failed' });
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Charges every renewal that is due now; returns how many were attempted. Safe to run concurrently. */
  async runDue(): Promise<number> {
    let total = 0;
    for (;;) {
      const claimed = await this.db.query<SubRow>(
        `UPDATE subscriptions SET next_attempt_at = now() + ($1::int * interval '1 millisecond')
          WHERE id IN (SELECT id FROM subscriptions
                        WHERE renewal IN ('auto', 'past_due') AND status = 'active' AND next_attempt_at <= now()
                        ORDER BY next_attempt_at LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
          RETURNING id, fan_id, creator_id, tier_id, tier_name, card_token, amount, currency, billing_interval, renewals, failed_attempts, renewal, current_period_end`,
        [this.o.leaseMs],
      );
      for (const s of claimed) await this.renew(s);
      total += claimed.length;
      if (claimed.length < BATCH || this.loop.stopped) return total;
    }
  }

  private async renew(s: SubRow): Promise<void> {
    const amount = { amount: Number(s.amount), currency: s.currency } as Money;
    const period = s.renewals + 1;
    const result: ChargeResult = s.card_token
      ? await this.gateway
          .charge({ amount, cardToken: s.card_token, idempotencyKey: `renew:${s.id}:${period}`, description: `subscription renewal ${s.tier_id}` })
          .catch((err: Error) => ({ ok: false, retriable: true, code: 'gateway_error', message: err.message }))
      : { ok: false, retriable: false, code: 'no_saved_card', message: 'no saved card' };
    if (!result.ok && result.retriable) {
      // Outcome unknown: try again soon with the same key (the gateway returns the charge if it happened).
      await this.db.query(`UPDATE subscriptions SET next_attempt_at = now() + ($2::int * interval '1 millisecond') WHERE id = $1`, [s.id, Math.min(this.o.retryDelaysMs[0] ?? 60_000, 60_000)]);
      this.logger.warn({ subscription: s.id, reason: result.code }, 'renewal charge did not get an answer; will retry');
      return;
    }
    const queued = result.ok ? await this.recordRenewal(s, period, amount, result.chargeId) : await this.recordFailure(s, amount, result.code);
    this.onCommitted(queued);
  }

  private async recordRenewal(s: SubRow, period: number, amount: Money, chargeId: string): Promise<number> {
    return this.db.transaction(async (tx) => {
      const logIndex = await this.log.allocate(tx);
      const rows = await tx.query<{ renewals: number; renewal: string }>('SELECT renewals, renewal FROM subscriptions WHERE id = $1 FOR UPDATE', [s.id]);
      // Recorded already by another runner (same key, so the same charge): nothing to do. Canceled while the
      // charge ran: the fan must not pay, so the charge is voided below. Throwing rolls back the unused log index.
      if (rows[0]!.renewals !== s.renewals) throw new AlreadyRenewed();
      if (rows[0]!.renewal !== 'auto' && rows[0]!.renewal !== 'past_due') throw new CanceledMeanwhile();
      const paymentId = newId('pay');
      const transactionId = newId('txn');
      const { creator, platform } = platformSplit(amount);
      const cur = amount.currency;
      const fanAccount = accountId('fan_funding', s.fan_id, cur);
      const legs: Leg[] = [{ debit: fanAccount, credit: accountId('creator_earnings', s.creator_id, cur), amount: creator.amount }];
      if (platform.amount > 0) legs.push({ debit: fanAccount, credit: accountId('platform_fees', PLATFORM_OWNER, cur), amount: platform.amount });
      await postTransaction(tx, { id: transactionId, kind: 'payment', referenceId: paymentId, creatorId: s.creator_id, currency: cur, logIndex, legs });
      await tx.query(
        `INSERT INTO payments (id, fan_id, creator_id, kind, product_id, amount, currency, platform_fee, creator_net, status, gateway_charge_id, transaction_id, log_index)
         VALUES ($1, $2, $3, 'subscription', $4, $5, $6, $7, $8, 'completed', $9, $10, $11)`,
        [paymentId, s.fan_id, s.creator_id, s.tier_id, amount.amount, cur, platform.amount, creator.amount, chargeId, transactionId, logIndex],
      );
      await tx.query('INSERT INTO subscription_renewals (payment_id, subscription_id, period) VALUES ($1, $2, $3)', [paymentId, s.id, period]);
      await recordPayment(tx, {
        paymentId,
        creatorId: s.creator_id,
        fanId: s.fan_id,
        kind: 'renewal',
        productId: s.tier_id,
        amount,
        creatorNet: creator.amount,
        at: new Date(),
        subscription: { id: s.id, period },
      });
      const updated = await tx.query<{ current_period_end: Date | string }>(
        `UPDATE subscriptions SET current_period_end = GREATEST(current_period_end, now()) + ($2::text)::interval, renewals = $3,
                failed_attempts = 0, renewal = 'auto', next_attempt_at = GREATEST(current_period_end, now()) + ($2::text)::interval
          WHERE id = $1 RETURNING current_period_end`,
        [s.id, s.billing_interval === 'year' ? '1 year' : '1 month', period],
      );
      const accessUntil = new Date(updated[0]!.current_period_end).toISOString();
      await this.log.append(tx, logIndex, {
        kind: 'payment.completed',
        creatorId: s.creator_id,
        fanId: s.fan_id,
        paymentId,
        transactionId,
        paymentKind: 'subscription',
        productId: s.tier_id,
        renewal: { subscriptionId: s.id, period },
        amount,
        transfers: legs,
      });
      const event = { paymentId, kind: 'subscription', fanId: s.fan_id, creatorId: s.creator_id, productId: s.tier_id, amount, creatorNet: creator, logIndex };
      let queued = (await enqueueWebhookEvent(tx, s.creator_id, 'payment.completed', event)).deliveries;
      queued += (await enqueueWebhookEvent(tx, s.creator_id, 'subscription.renewed', { subscriptionId: s.id, fanId: s.fan_id, tierId: s.tier_id, period, amount, paymentId, accessUntil })).deliveries;
      return queued;
    }).catch(async (err: unknown) => {
      if (err instanceof AlreadyRenewed) return 0;
      // Canceled meanwhile, or the record failed: a charge never stays without a record.
      const voided = await this.gateway.void(chargeId, amount).catch((e: Error) => ({ ok: false as const, message: e.message }));
      this.logger.error({ err, subscription: s.id, chargeId, voided: voided.ok }, 'renewal charge not recorded; voided at the gateway');
      if (err instanceof CanceledMeanwhile) return 0;
      throw err;
    });
  }

  private async recordFailure(s: SubRow, amount: Money, reason: string): Promise<number> {
    return this.db.transaction(async (tx) => {
      const rows = await tx.query<{ failed_attempts: number; renewal: string }>('SELECT failed_attempts, renewal FROM subscriptions WHERE id = $1 FOR UPDATE', [s.id]);
      const row = rows[0]!;
      if (row.renewal !== 'auto' && row.renewal !== 'past_due') return 0;
      const failures = row.failed_attempts + 1;
      await tx.query(
        `INSERT INTO payments (id, fan_id, creator_id, kind, product_id, amount, currency, platform_fee, creator_net, status, decline_code)
         VALUES ($1, $2, $3, 'subscription', $4, $5, $6, 0, $5, 'declined', $7)`,
        [newId('pay'), s.fan_id, s.creator_id, s.tier_id, amount.amount, amount.currency, reason],
      );
      const delay = this.o.retryDelaysMs[failures - 1];
      if (delay === undefined) {
        await tx.query(`UPDATE subscriptions SET renewal = 'lapsed', failed_attempts = $2, next_attempt_at = NULL WHERE id = $1`, [s.id, failures]);
        await recordSubscriptionEnded(tx, { subscriptionId: s.id, creatorId: s.creator_id, fanId: s.fan_id, reason: 'lapsed', at: new Date() });
        this.logger.info({ subscription: s.id, failures }, 'subscription lapsed after failed renewals');
        return (await enqueueWebhookEvent(tx, s.creator_id, 'subscription.canceled', { subscriptionId: s.id, fanId: s.fan_id, tierId: s.tier_id, reason: 'payment_failed', failedAttempts: failures })).deliveries;
      }
      await tx.query(
        `UPDATE subscriptions SET renewal = 'past_due', failed_attempts = $2, next_attempt_at = now() + ($3::bigint * interval '1 millisecond') WHERE id = $1`,
        [s.id, failures, delay],
      );
      const nextAttemptAt = new Date(Date.now() + delay).toISOString();
      return (await enqueueWebhookEvent(tx, s.creator_id, 'subscription.past_due', { subscriptionId: s.id, fanId: s.fan_id, tierId: s.tier_id, reason, failedAttempts: failures, nextAttemptAt })).deliveries;
    });
  }

  /** The fan cancels: no further charges, access until the period ends. Idempotent. */
  async cancel(fanId: string, subscriptionId: string): Promise<SubscriptionView> {
    const { view, queued } = await this.db.transaction(async (tx) => {
      const rows = await tx.query<SubRow & { status: string }>('SELECT * FROM subscriptions WHERE id = $1 AND fan_id = $2 FOR UPDATE', [subscriptionId, fanId]);
      const s = rows[0];
      if (!s) throw new ApiError('NOT_FOUND', `No subscription ${subscriptionId}.`);
      let queued = 0;
      if (s.renewal === 'auto' || s.renewal === 'past_due') {
        await tx.query(`UPDATE subscriptions SET renewal = 'canceled', canceled_at = now(), next_attempt_at = NULL WHERE id = $1`, [s.id]);
        await recordSubscriptionEnded(tx, { subscriptionId: s.id, creatorId: s.creator_id, fanId, reason: 'canceled', at: new Date() });
        s.renewal = 'canceled';
        queued = (await enqueueWebhookEvent(tx, s.creator_id, 'subscription.canceled', {
          subscriptionId: s.id,
          fanId,
          tierId: s.tier_id,
          reason: 'fan_canceled',
          accessUntil: new Date(s.current_period_end).toISOString(),
        })).deliveries;
      }
      return { view: viewOf(s), queued };
    });
    this.onCommitted(queued);
    return view;
  }

  async list(fanId: string): Promise<SubscriptionView[]> {
    const rows = await this.db.query<SubRow>(
      `SELECT * FROM subscriptions WHERE fan_id = $1 AND status = 'active' ORDER BY current_period_end DESC LIMIT 200`,
      [fanId],
    );
    return rows.map(viewOf);
  }
}

class AlreadyRenewed extends Error {}
class CanceledMeanwhile extends Error {}

function viewOf(s: SubRow): SubscriptionView {
  return {
    id: s.id,
    tierId: s.tier_id,
    tierName: s.tier_name,
    renewal: s.renewal,
    accessUntil: new Date(s.current_period_end).toISOString(),
    price: { amount: Number(s.amount ?? 0), currency: s.currency ?? 'USD' } as Money,
  };
}

/** Extra writes when a subscription is bought: remember what renewing it needs, and retire older auto-renewals. */
export async function enableRenewal(tx: Queryable, sub: { id: string; fanId: string; creatorId: string; cardToken: string; amount: Money; period: 'month' | 'year' }): Promise<void> {
  await tx.query(
    `UPDATE subscriptions SET renewal = 'none', next_attempt_at = NULL
      WHERE fan_id = $1 AND creator_id = $2 AND id <> $3 AND renewal IN ('auto', 'past_due')`,
    [sub.fanId, sub.creatorId, sub.id],
  );
  await tx.query(
    `UPDATE subscriptions SET renewal = 'auto', card_token = $2, amount = $3, currency = $4, billing_interval = $5, next_attempt_at = current_period_end WHERE id = $1`,
    [sub.id, sub.cardToken, sub.amount.amount, sub.amount.currency, sub.period],
  );
}
