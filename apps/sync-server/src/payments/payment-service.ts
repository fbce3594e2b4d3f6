// Fan payments: subscription, pay-per-view and tips. The card is charged through the gateway (with retries
// for retriable failures) and then one DB transaction records everything: double-entry transfers, the
// payment row, the subscription or media grant, the transparency-log entry, the webhook outbox rows and the
// idempotency key's stored response. A declined card records a declined payment and moves no money.
// Refunds and chargebacks reverse the transfers and revoke what was bought, again in one transaction.
import { platformSplit, newId, type Money } from '@fanz/core';
import type { Logger } from 'pino';
import type { Database, Queryable } from '../db/database.js';
import { ApiError } from '../errors.js';
import type { AuthUser } from '../auth/auth-service.js';
import type { GatewayNotification } from './gateway-notifications.js';
import type { PaymentGateway, ChargeResult } from './payment-gateway.js';
import { withRetries, type RetryOptions } from './retry.js';
import type { TransparencyLog } from '../transparency-log/transparency-log.js';
import { enqueueWebhookEvent } from '../webhooks/webhook-events.js';
import { recordPayment, recordReversal, recordSubscriptionEnded, type PaymentKind } from '../analytics/analytics-events.js';
import type { CatalogPost, CatalogReader } from '../catalog/catalog-reader.js';
import { requestHash, replay, type IdempotencyStore, type OwnedKey, type StoredResponse } from '../ledger/idempotency.js';
import { accountId, PLATFORM_OWNER, postTransaction, type Leg } from '../ledger/ledger.js';
import type { MediaGrantSigner } from './media-grants.js';
import type { PaymentBody } from './payment-schemas.js';
import { enableRenewal } from '../subscriptions/subscription-renewals.js';
import type { VrTicketSeats } from './vr-ticket-seats.js';

export interface PaymentServiceOptions {
  retry: RetryOptions;
  grantTtlMs: number;
  grantDownloadLimit: number;
}

interface Purchase {
  kind: 'subscription' | 'pay_per_view' | 'tip' | 'vr_ticket';
  creatorId: string;
  productId: string | null;
  amount: Money;
  tier?: { id: string; name: string; interval: 'month' | 'year' };
}

export interface PaymentServiceDeps {
  db: Database;
  log: TransparencyLog;
  gateway: PaymentGateway;
  idempotency: IdempotencyStore;
  catalog: CatalogReader;
  grants: MediaGrantSigner;
  /** Called after every money commit with the number of webhook deliveries it queued. */
  onCommitted: (queuedDeliveries: number) => void;
  /** Called when a charge could not be recorded and was voided (or the void failed too): a metric. */
  onChargeVoided: (outcome: 'voided' | 'void_failed') => void;
  logger: Logger;
  options: PaymentServiceOptions;
}

/** Published, or scheduled with its time passed (public even before the scheduler flips it): what fans may buy. */
function isReleased(post: CatalogPost, now: number): boolean {
  if (post.status === 'published') return true;
  return post.status === 'scheduled' && post.scheduledAt !== null && Date.parse(post.scheduledAt) <= now;
}

const money = (amount: number | string, currency: string): Money => ({ amount: Number(amount), currency }) as Money;

export class PaymentService {
  private vr: VrTicketSeats | null = null;
  constructor(private readonly d: PaymentServiceDeps) {}

  /** VR tickets are sold here once the VR feature hands over its seat keeper (vr/vr-feature.ts). */
  useVrTickets(seats: VrTicketSeats): void {
    this.vr = seats;
  }

  /** POST /payments. Returns the response data (201) or throws the ApiError to answer with. */
  async pay(user: AuthUser, body: PaymentBody, idempotencyKey: string | undefined): Promise<unknown> {
    if (idempotencyKey === undefined) return this.run(user, body, undefined);
    const claim = await this.d.idempotency.claim(user.id, idempotencyKey, requestHash('POST /api/v1/payments', body));
    if (!claim.owner) return replay(claim.response);
    const owned: OwnedKey = { userId: user.id, key: idempotencyKey, token: claim.token };
    try {
      return await this.run(user, body, owned);
    } catch (err) {
      // Declines were stored with the key; anything else had no definite outcome, so the key is freed.
      if (!(err instanceof ApiError && err.code === 'PAYMENT_DECLINED')) await this.d.idempotency.abandon(owned);
      throw err;
    } finally {
      claim.release();
    }
  }

  private async resolve(body: PaymentBody): Promise<Purchase> {
    if ('subscriptionId' in body) {
      const tier = await this.d.catalog.tier(body.subscriptionId);
      if (!tier || !tier.active) throw new ApiError('NOT_FOUND', `No active subscription tier ${body.subscriptionId}.`);
      return {
        kind: 'subscription',
        creatorId: tier.creatorId,
        productId: tier.id,
        amount: tier.price,
        tier: { id: tier.id, name: tier.name, interval: tier.interval },
      };
    }
    if ('postId' in body) {
      const post = await this.d.catalog.post(body.postId);
      if (!post || !isReleased(post, Date.now())) throw new ApiError('NOT_FOUND', `No post ${body.postId}.`);
      if (post.visibility !== 'pay_per_view' || !post.price || post.price.amount <= 0) {
        throw new ApiError('CONFLICT', `Post ${body.postId} is not sold pay-per-view.`, { visibility: post.visibility });
      }
      return { kind: 'pay_per_view', creatorId: post.creatorId, productId: post.id, amount: post.price };
    }
    if ('experienceId' in body) {
      if (!this.vr) throw new ApiError('NOT_FOUND', `No VR experience ${body.experienceId}.`);
      const e = await this.vr.price(body.experienceId);
      return { kind: 'vr_ticket', creatorId: e.creatorId, productId: e.id, amount: e.price };
    }
    const rows = await this.d.db.query('SELECT 1 FROM users WHERE id = $1 AND role = $2', [body.tip.creatorId, 'creator']);
    if (rows.length === 0) throw new ApiError('NOT_FOUND', `No creator ${body.tip.creatorId}.`);
    return { kind: 'tip', creatorId: body.tip.creatorId, productId: null, amount: body.tip.amount };
  }

  private async run(user: AuthUser, body: PaymentBody, owned: OwnedKey | undefined): Promise<unknown> {
    const purchase = await this.resolve(body);
    const seen = body.expectedAmount;
    if (seen !== undefined && (seen.amount !== purchase.amount.amount || seen.currency !== purchase.amount.currency)) {
      throw new ApiError('PRICE_CHANGED', 'The price changed since it was shown; nothing was charged. Confirm the current price and pay again.', {
        expectedAmount: seen,
        currentAmount: purchase.amount,
      });
    }
    const paymentId = newId('pay');
    if (purchase.kind !== 'vr_ticket') return this.charge(user, body, owned, purchase, paymentId);
    // A ticket's seat is held before the card is charged (409 SOLD_OUT without a charge when none is
    // left) and given back whenever the payment does not complete.
    await this.vr!.hold(purchase.productId!, user.id, paymentId);
    try {
      return await this.charge(user, body, owned, purchase, paymentId);
    } catch (err) {
      await this.vr!.release(paymentId).catch((e: unknown) => this.d.logger.error({ err: e, paymentId }, 'vr seat hold not released; it lapses by itself'));
      throw err;
    }
  }

  private async charge(user: AuthUser, body: PaymentBody, owned: OwnedKey | undefined, purchase: Purchase, paymentId: string): Promise<unknown> {
    const gatewayKey = owned === undefined ? paymentId : `${user.id}:${owned.key}`;
    // Known before charged: a crash from here on leaves a pending intent that the sweep resolves.
    await this.d.db.query(
      `INSERT INTO payment_intents (id, gateway_key, fan_id, creator_id, kind, amount, currency, status) VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending')`,
      [paymentId, gatewayKey, user.id, purchase.creatorId, purchase.kind, purchase.amount.amount, purchase.amount.currency],
    );
    const { result } = await withRetries<ChargeResult>(
      () =>
        this.d.gateway
          .charge({ amount: purchase.amount, cardToken: body.paymentMethod.cardToken, idempotencyKey: gatewayKey, description: `${purchase.kind} ${purchase.productId ?? purchase.creatorId}` })
          .catch((err: Error) => ({ ok: false, retriable: true, code: 'gateway_error', message: err.message })),
      (r) => !r.ok && r.retriable,
      this.d.options.retry,
    );
    if (!result.ok && result.retriable) {
      throw new ApiError('PAYMENT_UNAVAILABLE', 'The payment processor is not answering; nothing was charged. Retry later with the same Idempotency-Key.', { reason: result.code }, { 'retry-after': '5' });
    }
    if (!result.ok) {
      const code = result.code;
      return replay(await this.d.db.transaction((tx) => this.recordDecline(tx, user, purchase, paymentId, code, owned)));
    }
    let recorded: { data: Record<string, unknown>; queued: number } | { declined: StoredResponse };
    try {
      recorded = await this.d.db.transaction(async (tx) => {
        // Serialised with the sweep on this gateway key: a charge it voided is never recorded afterwards.
        await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`intent:${gatewayKey}`]);
        const voided = await tx.query(`SELECT 1 FROM payment_intents WHERE gateway_key = $1 AND status = 'voided'`, [gatewayKey]);
        if (voided.length > 0) return { declined: await this.recordDecline(tx, user, purchase, paymentId, 'charge_voided', owned) };
        await tx.query(`UPDATE payment_intents SET status = 'recorded', updated_at = now() WHERE id = $1`, [paymentId]);
        return this.record(tx, user, purchase, paymentId, result.chargeId, owned, body.paymentMethod.cardToken);
      });
    } catch (err) {
      throw await this.voidUnrecorded(purchase, paymentId, result.chargeId, owned, err);
    }
    if ('declined' in recorded) return replay(recorded.declined);
    this.d.onCommitted(recorded.queued);
    return recorded.data;
  }

  /** A declined payment moves no money: the row, the intent's outcome and the key's stored 402, in one transaction. */
  private async recordDecline(tx: Queryable, user: AuthUser, p: Purchase, paymentId: string, reason: string, owned: OwnedKey | undefined): Promise<StoredResponse> {
    const error: StoredResponse = { status: 402, error: { code: 'PAYMENT_DECLINED', message: 'Payment declined', details: { reason } } };
    await tx.query(
      `INSERT INTO payments (id, fan_id, creator_id, kind, product_id, amount, currency, platform_fee, creator_net, status, decline_code)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $6, 'declined', $8)`,
      [paymentId, user.id, p.creatorId, p.kind, p.productId, p.amount.amount, p.amount.currency, reason],
    );
    await tx.query(`UPDATE payment_intents SET status = 'declined', updated_at = now() WHERE id = $1`, [paymentId]);
    if (owned !== undefined) await this.d.idempotency.complete(tx, owned, error);
    return error;
  }

  /**
   * The card was charged but the record did not commit: a charge must never exist outside a record, so it
   * is voided at the gateway in this same request (a few quick tries), logged and counted. Returns the
   * error to answer with; when the void worked that answer is also stored under the Idempotency-Key.
   */
  private async voidUnrecorded(p: Purchase, paymentId: string, chargeId: string, owned: OwnedKey | undefined, cause: unknown): Promise<ApiError> {
    let voided = false;
    let reason = '';
    for (let attempt = 0; attempt < 3 && !voided; attempt++) {
      const r = await this.d.gateway.void(chargeId, p.amount).catch((err: Error) => ({ ok: false as const, message: err.message }));
      voided = r.ok;
      if (!r.ok) reason = r.message;
    }
    this.d.onChargeVoided(voided ? 'voided' : 'void_failed');
    if (voided) await this.d.db.query(`UPDATE payment_intents SET status = 'voided', updated_at = now() WHERE id = $1`, [paymentId]).catch(() => {});
    const context = { paymentId, chargeId, kind: p.kind, creatorId: p.creatorId, amount: p.amount, err: cause };
    if (!voided) {
      // Needs a person: the card carries a charge that has no record. The log line names it for reconciliation.
      this.d.logger.error({ ...context, voidError: reason }, 'payment could not be recorded and its charge could not be voided');
      return new ApiError('INTERNAL_ERROR', 'The payment could not be recorded and the charge is being reversed; contact support with this request id.');
    }
    this.d.logger.error(context, 'payment could not be recorded; charge voided at the gateway');
    const error = new ApiError(
      'PAYMENT_UNAVAILABLE',
      'The payment could not be recorded, so the charge was voided and nothing was taken. Pay again with a new Idempotency-Key.',
      { charge: 'voided' },
    );
    if (owned !== undefined) {
      const stored: StoredResponse = { status: error.status, error: { code: error.code, message: error.message, details: error.details } };
      await this.d.idempotency.complete(this.d.db, owned, stored).catch(() => {});
    }
    return error;
  }

  private async record(tx: Queryable, user: AuthUser, p: Purchase, paymentId: string, chargeId: string, owned: OwnedKey | undefined, cardToken: string) {
    const logIndex = await this.d.log.allocate(tx);
    const transactionId = newId('txn');
    const { creator, platform } = platformSplit(p.amount);
    const cur = p.amount.currency;
    const fanAccount = accountId('fan_funding', user.id, cur);
    const legs: Leg[] = [{ debit: fanAccount, credit: accountId('creator_earnings', p.creatorId, cur), amount: creator.amount }];
    if (platform.amount > 0) legs.push({ debit: fanAccount, credit: accountId('platform_fees', PLATFORM_OWNER, cur), amount: platform.amount });
    await postTransaction(tx, { id: transactionId, kind: 'payment', referenceId: paymentId, creatorId: p.creatorId, currency: cur, logIndex, legs });
    const created = await tx.query<{ created_at: Date | string }>(
      `INSERT INTO payments (id, fan_id, creator_id, kind, product_id, amount, currency, platform_fee, creator_net, status, gateway_charge_id, transaction_id, log_index)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'completed', $10, $11, $12) RETURNING created_at`,
      [paymentId, user.id, p.creatorId, p.kind, p.productId, p.amount.amount, cur, platform.amount, creator.amount, chargeId, transactionId, logIndex],
    );
    const payment = {
      id: paymentId,
      status: 'completed' as const,
      kind: p.kind,
      amount: p.amount,
      platformFee: platform,
      creatorNet: creator,
      creatorId: p.creatorId,
      productId: p.productId,
      transactionId,
      logIndex,
      createdAt: new Date(created[0]!.created_at).toISOString(),
    };
    const data: Record<string, unknown> = { payment };
    if (p.kind === 'subscription' && p.tier) {
      const subId = newId('sub');
      const rows = await tx.query<{ current_period_end: Date | string }>(
        `INSERT INTO subscriptions (id, fan_id, creator_id, tier_id, tier_name, status, current_period_end, payment_id)
         SELECT $1, $2, $3, $4, $5, 'active',
                GREATEST(now(), COALESCE((SELECT max(current_period_end) FROM subscriptions
                                           WHERE fan_id = $2 AND creator_id = $3 AND status = 'active'), now()))
                + ($6::text)::interval, $7
         RETURNING current_period_end`,
        [subId, user.id, p.creatorId, p.tier.id, p.tier.name, p.tier.interval === 'year' ? '1 year' : '1 month', paymentId],
      );
      data.subscription = { id: subId, tierId: p.tier.id, tierName: p.tier.name, expiresAt: new Date(rows[0]!.current_period_end).toISOString() };
      // The card is saved (test tokens only) so the subscription renews at the period's end (subscription-renewals.ts).
      await enableRenewal(tx, { id: subId, fanId: user.id, creatorId: p.creatorId, cardToken, amount: p.amount, period: p.tier.interval });
    }
    // Analytics in the same transaction as the money: the payment id keys it, so a replay counts once.
    await recordPayment(tx, {
      paymentId,
      creatorId: p.creatorId,
      fanId: user.id,
      kind: p.kind,
      productId: p.productId,
      amount: p.amount,
      creatorNet: creator.amount,
      at: new Date(created[0]!.created_at),
      ...(data.subscription ? { subscription: { id: (data.subscription as { id: string }).id, period: 0 } } : {}),
    });
    if (p.kind === 'pay_per_view') {
      const grantId = newId('grant');
      const expiresAt = Date.now() + this.d.options.grantTtlMs;
      await tx.query(
        `INSERT INTO media_access_grants (id, fan_id, creator_id, post_id, payment_id, expires_at, download_limit) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [grantId, user.id, p.creatorId, p.productId!, paymentId, new Date(expiresAt), this.d.options.grantDownloadLimit],
      );
      const token = this.d.grants.token(grantId, expiresAt);
      data.access_granted = {
        grantId,
        postId: p.productId,
        token,
        url: `/api/v1/access/grants/${token}`,
        expires_at: new Date(expiresAt).toISOString(),
        download_limit: this.d.options.grantDownloadLimit,
      };
    }
    if (p.kind === 'vr_ticket') data.ticket = await this.vr!.confirm(tx, paymentId);
    await this.d.log.append(tx, logIndex, {
      kind: 'payment.completed',
      creatorId: p.creatorId,
      fanId: user.id,
      paymentId,
      transactionId,
      paymentKind: p.kind,
      productId: p.productId,
      amount: p.amount,
      transfers: legs,
    });
    const event = { paymentId, kind: p.kind, fanId: user.id, creatorId: p.creatorId, productId: p.productId, amount: p.amount, creatorNet: creator, logIndex };
    let queued = (await enqueueWebhookEvent(tx, p.creatorId, 'payment.completed', event)).deliveries;
    if (p.kind === 'subscription') queued += (await enqueueWebhookEvent(tx, p.creatorId, 'fan.subscribed', { ...event, subscription: data.subscription })).deliveries;
    if (p.kind === 'tip') queued += (await enqueueWebhookEvent(tx, p.creatorId, 'tip.received', event)).deliveries;
    if (p.kind === 'vr_ticket') {
      const ticket = data.ticket as { ticketId: string; experienceId: string; expiresAt: string };
      const ticketEvent = { ...event, ticketId: ticket.ticketId, experienceId: ticket.experienceId, expiresAt: ticket.expiresAt };
      queued += (await enqueueWebhookEvent(tx, p.creatorId, 'vr.ticket.purchased', ticketEvent)).deliveries;
    }
    if (owned !== undefined) await this.d.idempotency.complete(tx, owned, { status: 201, data });
    return { data, queued };
  }

  /**
   * A chargeback the gateway reported (signature already checked): reverses the payment of that charge once.
   * A redelivered notification (same id) or a payment already charged back answers what happened before.
   */
  async chargebackFromGateway(n: GatewayNotification): Promise<{ notificationId: string; paymentId: string; status: string; duplicate: boolean }> {
    const seen = await this.d.db.query<{ payment_id: string | null }>('SELECT payment_id FROM gateway_notifications WHERE id = $1', [n.id]);
    const rows = await this.d.db.query<{ id: string; status: string }>('SELECT id, status FROM payments WHERE gateway_charge_id = $1', [n.chargeId]);
    const payment = rows[0];
    if (!payment) throw new ApiError('NOT_FOUND', `No payment for charge ${n.chargeId}.`);
    if (seen.length > 0 || payment.status === 'charged_back') {
      return { notificationId: n.id, paymentId: payment.id, status: payment.status, duplicate: true };
    }
    await this.reverse(payment.id, 'chargeback', {});
    await this.d.db.query('INSERT INTO gateway_notifications (id, type, charge_id, payment_id) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING', [n.id, n.type, n.chargeId, payment.id]);
    this.d.logger.warn({ paymentId: payment.id, chargeId: n.chargeId, reason: n.reason }, 'chargeback from the gateway: payment reversed');
    return { notificationId: n.id, paymentId: payment.id, status: 'charged_back', duplicate: false };
  }

  /**
   * Reverses a completed payment (a refund the creator grants, or a chargeback the card network reports):
   * the transfers run backwards, subscriptions and media grants bought with it are revoked, and the log and
   * outbox record it. A creator whose earnings were already paid out goes negative (they owe the platform).
   */
  async reverse(paymentId: string, reason: 'refund' | 'chargeback', actor: { creatorId?: string }): Promise<unknown> {
    const pre = await this.d.db.query<{ creator_id: string; status: string; gateway_charge_id: string | null; amount: string | number; currency: string }>(
      'SELECT creator_id, status, gateway_charge_id, amount, currency FROM payments WHERE id = $1',
      [paymentId],
    );
    const p0 = pre[0];
    if (!p0 || (actor.creatorId !== undefined && p0.creator_id !== actor.creatorId)) throw new ApiError('NOT_FOUND', `No payment ${paymentId}.`);
    if (p0.status !== 'completed') throw new ApiError('CONFLICT', `Payment ${paymentId} is ${p0.status}; only completed payments can be reversed.`);
    if (reason === 'refund' && p0.gateway_charge_id) {
      const r = await this.d.gateway.refund(p0.gateway_charge_id, money(p0.amount, p0.currency));
      if (!r.ok) throw new ApiError('PAYMENT_UNAVAILABLE', 'The payment processor did not accept the refund; nothing changed.');
    }
    const data = await this.d.db.transaction(async (tx) => {
      const logIndex = await this.d.log.allocate(tx);
      const rows = await tx.query<{ fan_id: string; creator_id: string; kind: string; product_id: string | null; amount: string | number; currency: string; platform_fee: string | number; creator_net: string | number; status: string }>(
        'SELECT fan_id, creator_id, kind, product_id, amount, currency, platform_fee, creator_net, status FROM payments WHERE id = $1 FOR UPDATE',
        [paymentId],
      );
      const p = rows[0]!;
      if (p.status !== 'completed') throw new ApiError('CONFLICT', `Payment ${paymentId} is ${p.status}; only completed payments can be reversed.`);
      const cur = p.currency;
      const fanAccount = accountId('fan_funding', p.fan_id, cur);
      const legs: Leg[] = [
        { debit: accountId('creator_earnings', p.creator_id, cur), credit: fanAccount, amount: Number(p.creator_net) },
        { debit: accountId('platform_fees', PLATFORM_OWNER, cur), credit: fanAccount, amount: Number(p.platform_fee) },
      ].filter((l) => l.amount > 0);
      const transactionId = newId('txn');
      await postTransaction(tx, { id: transactionId, kind: reason, referenceId: paymentId, creatorId: p.creator_id, currency: cur, logIndex, legs });
      const status = reason === 'refund' ? 'refunded' : 'charged_back';
      await tx.query('UPDATE payments SET status = $2, updated_at = now() WHERE id = $1', [paymentId, status]);
      const revoked = await tx.query<{ id: string }>(
        `UPDATE subscriptions SET status = 'revoked', next_attempt_at = NULL
          WHERE payment_id = $1 OR id IN (SELECT subscription_id FROM subscription_renewals WHERE payment_id = $1) RETURNING id`,
        [paymentId],
      );
      const at = new Date();
      await recordReversal(tx, {
        paymentId,
        reason,
        creatorId: p.creator_id,
        fanId: p.fan_id,
        kind: p.kind as PaymentKind,
        productId: p.product_id,
        amount: money(p.amount, cur),
        creatorNet: Number(p.creator_net),
        at,
      });
      for (const sub of revoked) await recordSubscriptionEnded(tx, { subscriptionId: sub.id, creatorId: p.creator_id, fanId: p.fan_id, reason: 'revoked', at });
      await tx.query('UPDATE media_access_grants SET revoked_at = now() WHERE payment_id = $1 AND revoked_at IS NULL', [paymentId]);
      await this.vr?.refunded(tx, paymentId);
      await this.d.log.append(tx, logIndex, {
        kind: reason === 'refund' ? 'payment.refunded' : 'payment.charged_back',
        creatorId: p.creator_id,
        fanId: p.fan_id,
        paymentId,
        transactionId,
        amount: money(p.amount, cur),
        transfers: legs,
      });
      const { deliveries } = await enqueueWebhookEvent(tx, p.creator_id, 'payment.refunded', { paymentId, reason, amount: money(p.amount, cur), logIndex });
      return { data: { payment: { id: paymentId, status, amount: money(p.amount, cur), reversalTransactionId: transactionId, logIndex } }, queued: deliveries };
    });
    this.d.onCommitted(data.queued);
    return data.data;
  }
}
