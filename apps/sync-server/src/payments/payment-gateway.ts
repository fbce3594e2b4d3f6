// The payment gateway interface the server charges cards through, and the test gateway used by default.
// A real processor goes behind the same interface. Gateways must be idempotent on idempotencyKey: a
// retried charge with the same key returns the first charge instead of charging again.
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { canonicalJson, type Money } from '@fanz/core';
import { generateWebhookSecret } from '../webhooks/standard-webhooks.js';
import { signGatewayNotification, type GatewayNotification } from './gateway-notifications.js';

export interface ChargeRequest {
  amount: Money;
  cardToken: string;
  idempotencyKey: string;
  description: string;
}

export type ChargeResult =
  | { ok: true; chargeId: string }
  | { ok: false; retriable: boolean; code: string; message: string };

export interface PaymentGateway {
  readonly name: string;
  /** Secret the gateway signs its notifications (chargebacks) with; see gateway-notifications.ts. */
  readonly notificationSecret: string;
  charge(req: ChargeRequest): Promise<ChargeResult>;
  /** Returns money to the card; idempotent per charge. */
  refund(chargeId: string, amount: Money): Promise<{ ok: true; refundId: string } | { ok: false; message: string }>;
  /**
   * Cancels a charge that was never recorded (the card is not debited, or is refunded in full); idempotent
   * per charge. A later charge with the same idempotency key reports `charge_voided` instead of succeeding.
   */
  void(chargeId: string, amount: Money): Promise<{ ok: true; voidId: string } | { ok: false; message: string }>;
  /** Voids whatever charge was made with this idempotency key; `voided: false` when none was made. */
  voidByKey(idempotencyKey: string): Promise<{ ok: true; voided: boolean } | { ok: false; message: string }>;
}

/**
 * Test cards: `tok_visa_success` succeeds, `tok_card_declined` is declined, `tok_network_error` always
 * fails retriably, `tok_flaky` fails retriably twice per idempotency key and then succeeds.
 */
export const TEST_CARD_TOKENS = ['tok_visa_success', 'tok_card_declined', 'tok_network_error', 'tok_flaky'] as const;

type GatewayEvent =
  | { t: 'charge'; key: string; chargeId: string; amount: Money }
  | { t: 'void'; chargeId: string; id: string }
  | { t: 'refund'; chargeId: string; id: string };

export class TestGateway implements PaymentGateway {
  readonly name = 'test';
  readonly notificationSecret: string;

  private readonly stateFile: string | undefined;

  /**
   * `stateFile` (TEST_GATEWAY_STATE_FILE): the gateway's own durable record, an append-only JSON-lines file
   * of charges, voids and refunds written before each answer, so it outlives a crash of the server, as a
   * real processor's records do (the fault tests compare it with the database after SIGKILL).
   */
  constructor(options: { notificationSecret?: string; stateFile?: string } = {}) {
    this.notificationSecret = options.notificationSecret ?? generateWebhookSecret();
    this.stateFile = options.stateFile;
    if (this.stateFile && existsSync(this.stateFile)) {
      for (const line of readFileSync(this.stateFile, 'utf8').split('\n')) {
        if (!line.trim()) continue;
        let e: GatewayEvent;
        try {
          e = JSON.parse(line) as GatewayEvent;
        } catch {
          continue; // a line torn by a crash was never acknowledged
        }
        if (e.t === 'charge') this.charges.set(e.key, { chargeId: e.chargeId, amount: e.amount });
        else if (e.t === 'void') this.voids.set(e.chargeId, e.id);
        else this.refunds.set(e.chargeId, e.id);
      }
    }
  }

  private persist(e: GatewayEvent): void {
    if (this.stateFile) appendFileSync(this.stateFile, JSON.stringify(e) + '\n');
  }
  /** Every attempt that reached the gateway, successful or not (tests count these). */
  attempts = 0;
  private readonly charges = new Map<string, { chargeId: string; amount: Money }>();
  private readonly flakyFailures = new Map<string, number>();
  private readonly refunds = new Map<string, string>();
  /** chargeId -> voidId, in the order the voids happened. */
  private readonly voids = new Map<string, string>();

  /** Distinct successful charges (a retried key is counted once). */
  get chargeCount(): number {
    return this.charges.size;
  }

  async charge(req: ChargeRequest): Promise<ChargeResult> {
    this.attempts++;
    // A real network round trip yields the event loop; so does this.
    await new Promise((r) => setImmediate(r));
    const existing = this.charges.get(req.idempotencyKey);
    if (existing && this.voids.has(existing.chargeId)) {
      return { ok: false, retriable: false, code: 'charge_voided', message: 'This charge was voided; pay again with a new idempotency key' };
    }
    if (existing) {
      if (existing.amount.amount !== req.amount.amount || existing.amount.currency !== req.amount.currency) {
        return { ok: false, retriable: false, code: 'idempotency_mismatch', message: 'idempotency key reused with another amount' };
      }
      return { ok: true, chargeId: existing.chargeId };
    }
    switch (req.cardToken) {
      case 'tok_visa_success':
        break;
      case 'tok_card_declined':
        return { ok: false, retriable: false, code: 'card_declined', message: 'Payment declined' };
      case 'tok_network_error':
        return { ok: false, retriable: true, code: 'network_error', message: 'The payment network did not answer' };
      case 'tok_flaky': {
        const n = this.flakyFailures.get(req.idempotencyKey) ?? 0;
        if (n < 2) {
          this.flakyFailures.set(req.idempotencyKey, n + 1);
          return { ok: false, retriable: true, code: 'network_error', message: 'The payment network did not answer' };
        }
        break;
      }
      default:
        return { ok: false, retriable: false, code: 'invalid_card_token', message: 'Unknown test card token' };
    }
    const chargeId = `ch_test_${randomBytes(12).toString('hex')}`;
    this.persist({ t: 'charge', key: req.idempotencyKey, chargeId, amount: req.amount });
    this.charges.set(req.idempotencyKey, { chargeId, amount: req.amount });
    return { ok: true, chargeId };
  }

  /** Charges voided so far (tests check what was voided). */
  get voidCount(): number {
    return this.voids.size;
  }

  voidedCharges(): string[] {
    return [...this.voids.keys()];
  }

  async voidByKey(idempotencyKey: string): Promise<{ ok: true; voided: boolean } | { ok: false; message: string }> {
    const charge = this.charges.get(idempotencyKey);
    if (!charge) return { ok: true, voided: false };
    const r = await this.void(charge.chargeId);
    return r.ok ? { ok: true, voided: true } : r;
  }

  async void(chargeId: string): Promise<{ ok: true; voidId: string } | { ok: false; message: string }> {
    await new Promise((r) => setImmediate(r));
    if (![...this.charges.values()].some((c) => c.chargeId === chargeId)) return { ok: false, message: `no charge ${chargeId}` };
    let voidId = this.voids.get(chargeId);
    if (!voidId) {
      voidId = `void_test_${randomBytes(12).toString('hex')}`;
      this.persist({ t: 'void', chargeId, id: voidId });
      this.voids.set(chargeId, voidId);
    }
    return { ok: true, voidId };
  }

  /**
   * The card network disputed a charge: the signed notification this gateway sends (body as canonical
   * JSON text, and its headers), as a real gateway would POST it to /api/v1/payments/gateway-notifications.
   */
  disputeNotification(chargeId: string, reason = 'fraudulent'): { notification: GatewayNotification; body: string; headers: Record<string, string> } {
    const charge = [...this.charges.values()].find((c) => c.chargeId === chargeId);
    if (!charge) throw new Error(`no charge ${chargeId}`);
    const notification: GatewayNotification = {
      id: `gwevt_${randomBytes(12).toString('hex')}`,
      type: 'charge.disputed',
      chargeId,
      amount: charge.amount,
      reason,
      createdAt: new Date().toISOString(),
    };
    return { notification, body: canonicalJson(notification), headers: { ...signGatewayNotification(notification, this.notificationSecret) } };
  }

  async refund(chargeId: string): Promise<{ ok: true; refundId: string }> {
    let refundId = this.refunds.get(chargeId);
    if (!refundId) {
      refundId = `re_test_${randomBytes(12).toString('hex')}`;
      this.persist({ t: 'refund', chargeId, id: refundId });
      this.refunds.set(chargeId, refundId);
    }
    return { ok: true, refundId };
  }
}
