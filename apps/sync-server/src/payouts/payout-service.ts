// Creator payouts. A request must be signed by one of the creator's registered device keys (Ed25519 over
// the canonical JSON body, headers fanz-key-id / fanz-signature). States: requested -> processing ->
// completed | failed. Requesting moves the amount from the creator's earnings to payouts-in-transit
// under a row lock on the earnings account (after the log_state lock every money transaction takes first),
// so concurrent requests can never overdraw. Completion splits in-transit money into the settled payout
// (net) and the processor's 1% fee; failure returns it to earnings.
// The request is answered once the hold commits; the processor is called after that, in the background,
// and a transient failure schedules the next attempt with exponential backoff (payout-driver.ts re-drives).
import { randomBytes } from 'node:crypto';
import { payoutFee, newId, type Balance, type Money, type Payout, type PayoutSchedule } from '@fanz/core';
import { verifyJson } from '@fanz/core/node';
import type { Logger } from 'pino';
import type { Database, Queryable } from '../db/database.js';
import { ApiError } from '../errors.js';
import type { PayoutMethod, PayoutProcessor } from './payout-processor.js';
import type { TransparencyLog } from '../transparency-log/transparency-log.js';
import { enqueueWebhookEvent } from '../webhooks/webhook-events.js';
import { requestHash, replay, type IdempotencyStore, type OwnedKey } from '../ledger/idempotency.js';
import { accountBalance, accountId, PLATFORM_OWNER, postTransaction } from '../ledger/ledger.js';
import { PAYOUT_MAX_SKEW_MS, type PayoutBody } from './payout-schemas.js';

interface PayoutRow {
  id: string;
  creator_id: string;
  amount: string | number;
  currency: string;
  fee: string | number;
  net: string | number;
  method: PayoutMethod;
  status: 'requested' | 'processing' | 'completed' | 'failed';
  reference_number: string;
  failure_reason: string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

/** How long a payout claimed by one instance's drive pass is left alone by the others (payout-driver.ts). */
const DRIVE_LEASE_MS = 60_000;
const m = (amount: number | string, currency: string): Money => ({ amount: Number(amount), currency }) as Money;

export function payoutView(r: PayoutRow): Payout {
  return {
    payout_id: r.id as Payout['payout_id'],
    status: r.status,
    amount: m(r.amount, r.currency),
    transaction_fee: m(r.fee, r.currency),
    net_amount: m(r.net, r.currency),
    method: r.method,
    tracking: { reference_number: r.reference_number },
    failure_reason: r.failure_reason,
    created_at: new Date(r.created_at).toISOString(),
    updated_at: new Date(r.updated_at).toISOString(),
  };
}

export interface ScheduleRow {
  id: string;
  creator_id: string;
  amount: string | number;
  currency: string;
  method: PayoutMethod;
  every: 'weekly' | 'monthly';
  device_key_id: string;
  signature: string;
  request_body: string;
  next_run_at: Date | string;
  active: boolean;
  created_at: Date | string;
}

export function scheduleView(r: ScheduleRow): PayoutSchedule {
  return {
    schedule_id: r.id,
    schedule: r.every,
    amount: m(r.amount, r.currency),
    method: r.method,
    status: r.active ? ('active' as const) : ('canceled' as const),
    next_run_at: r.active ? new Date(r.next_run_at).toISOString() : null,
    created_at: new Date(r.created_at).toISOString(),
  };
}

export interface SignedRequest {
  keyId: string | undefined;
  signature: string | undefined;
  /** The JSON body exactly as received (before schema defaults), which is what the device signed. */
  rawBody: unknown;
}

export class PayoutService {
  constructor(
    private readonly db: Database,
    private readonly log: TransparencyLog,
    private readonly processors: Record<PayoutMethod, PayoutProcessor>,
    private readonly idempotency: IdempotencyStore,
    private readonly logger: Logger,
    private readonly onCommitted: (queuedDeliveries: number) => void,
    private readonly retry: { retryBaseMs: number; retryMaxMs: number },
  ) {}

  /** Drives in progress in this process, so the request's kick and the timer do not call the processor together. */
  private readonly driving = new Map<string, Promise<PayoutRow>>();

  /** Checks the device signature; returns the key id. 401 INVALID_SIGNATURE otherwise. */
  async verifySignature(creatorId: string, req: SignedRequest): Promise<string> {
    if (!req.keyId || !req.signature) {
      throw new ApiError('INVALID_SIGNATURE', 'Payout requests must be signed by a registered device: send fanz-key-id and fanz-signature headers.');
    }
    const rows = await this.db.query<{ public_key: string }>(
      'SELECT public_key FROM device_keys WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL',
      [req.keyId, creatorId],
    );
    if (!rows[0] || !verifyJson(req.rawBody, req.signature, rows[0].public_key)) {
      throw new ApiError('INVALID_SIGNATURE', 'The fanz-signature does not verify with a registered device key of this account.');
    }
    return req.keyId;
  }

  async request(creatorId: string, body: PayoutBody, signed: SignedRequest, idempotencyKey: string | undefined): Promise<unknown> {
    const keyId = await this.verifySignature(creatorId, signed);
    // The signature covers nonce and timestamp: an old capture is refused by time, a recent one by its nonce.
    const checkSkew = () => {
      const skew = Date.parse(body.timestamp) - Date.now();
      if (Math.abs(skew) > PAYOUT_MAX_SKEW_MS) {
        throw new ApiError('INVALID_SIGNATURE', 'The signed request is too old or from the future (more than 5 minutes from the server clock); sign it again.', {
          reason: 'timestamp_skew',
          serverTime: new Date().toISOString(),
        });
      }
    };
    if (idempotencyKey === undefined) {
      checkSkew();
      return this.run(creatorId, body, keyId, signed.signature!, signed.rawBody, undefined);
    }
    // The stored outcome is answered before the clock check: a late retry of a request that was paid must
    // see that payout, not a refusal that invites signing (and paying) a second one. Replaying moves nothing.
    const claim = await this.idempotency.claim(creatorId, idempotencyKey, requestHash('POST /api/v1/finance/payouts', body));
    if (!claim.owner) {
      // The stored response names the payout (or schedule); a retry sees its current state.
      const stored = replay(claim.response) as { payout_id?: string; schedule_id?: string };
      if (stored.schedule_id) {
        return scheduleView((await this.db.query<ScheduleRow>('SELECT * FROM payout_schedules WHERE id = $1', [stored.schedule_id]))[0]!);
      }
      const row = (await this.db.query<PayoutRow>('SELECT * FROM payouts WHERE id = $1', [stored.payout_id!]))[0]!;
      return payoutView(row);
    }
    const owned: OwnedKey = { userId: creatorId, key: idempotencyKey, token: claim.token };
    try {
      checkSkew();
      return await this.run(creatorId, body, keyId, signed.signature!, signed.rawBody, owned);
    } catch (err) {
      // The key is kept once the hold committed (it is completed in that transaction); abandon only frees a started key.
      await this.idempotency.abandon(owned);
      throw err;
    } finally {
      claim.release();
    }
  }

  private async run(creatorId: string, body: PayoutBody, keyId: string, signature: string, rawBody: unknown, owned: OwnedKey | undefined) {
    if (body.schedule !== 'immediate') return this.createSchedule(creatorId, body, keyId, signature, rawBody, owned);
    const payoutId = newId('po');
    const queued = await this.db.transaction(async (tx) => {
      await this.useNonce(tx, keyId, body, payoutId);
      const deliveries = await this.hold(tx, { creatorId, payoutId, amount: body.amount, method: body.method, keyId, signature, rawBody });
      if (owned !== undefined) await this.idempotency.complete(tx, owned, { status: 201, data: { payout_id: payoutId } });
      return deliveries;
    });
    this.onCommitted(queued);
    const held = (await this.db.query<PayoutRow>('SELECT * FROM payouts WHERE id = $1', [payoutId]))[0]!;
    this.kick(payoutId);
    return payoutView(held);
  }

  /** Drives a payout in the background; a failure is logged and left to the timer (the hold is committed). */
  kick(payoutId: string): void {
    void this.drive(payoutId).catch((err: unknown) => this.logger.error({ err, payout: payoutId }, 'driving a payout failed; will retry'));
  }

  /** Records the signed request's nonce as used, in the caller's transaction; 409 NONCE_REUSED when it was. */
  private async useNonce(tx: Queryable, keyId: string, body: PayoutBody, usedBy: string): Promise<void> {
    const fresh = await tx.query(
      `INSERT INTO payout_nonces (device_key_id, nonce, payout_id, signed_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (device_key_id, nonce) DO NOTHING RETURNING nonce`,
      [keyId, body.nonce, usedBy, new Date(body.timestamp)],
    );
    if (fresh.length === 0) {
      throw new ApiError('NONCE_REUSED', 'This signed payout request was already used; the device must sign a new one (fresh nonce).', { nonce: body.nonce });
    }
  }

  /**
   * Moves `amount` from the creator's earnings to payouts-in-transit under a row lock (no overdraw), with the
   * payout row, its device-signed log entry and webhook, in the caller's transaction. Returns queued deliveries.
   */
  async hold(
    tx: Queryable,
    p: { creatorId: string; payoutId: string; amount: Money; method: PayoutMethod; keyId: string; signature: string; rawBody: unknown; scheduleRun?: { scheduleId: string; period: string } },
  ): Promise<number> {
    const { creatorId, payoutId, amount } = p;
    const { fee, net } = payoutFee(amount);
    const cur = amount.currency;
    const reference = `FZ-${randomBytes(8).toString('hex').toUpperCase()}`;
    const logIndex = await this.log.allocate(tx);
    const earnings = accountId('creator_earnings', creatorId, cur);
    const available = await accountBalance(tx, earnings, true);
    if (available < amount.amount) {
      throw new ApiError('INSUFFICIENT_FUNDS', 'The payout is larger than the available balance.', {
        available: m(available, cur),
        requested: amount,
      });
    }
    const transactionId = newId('txn');
    const legs = [{ debit: earnings, credit: accountId('payouts_in_transit', creatorId, cur), amount: amount.amount }];
    await postTransaction(tx, { id: transactionId, kind: 'payout_hold', referenceId: payoutId, creatorId, currency: cur, logIndex, legs });
    await tx.query(
      `INSERT INTO payouts (id, creator_id, amount, currency, fee, net, method, status, reference_number, device_key_id, signature, request_body)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'requested', $8, $9, $10, $11)`,
      [payoutId, creatorId, amount.amount, cur, fee.amount, net.amount, p.method, reference, p.keyId, p.signature, JSON.stringify(p.rawBody)],
    );
    // A device-signed entry carries the device's own signature over the request (for a standing schedule,
    // the request that set it up, plus which schedule and period this payout is).
    await this.log.append(tx, logIndex, {
      kind: 'payout.requested',
      creatorId,
      payoutId,
      transactionId,
      amount,
      fee,
      net,
      method: p.method,
      transfers: legs,
      device: { keyId: p.keyId, signature: p.signature, request: p.rawBody },
      ...(p.scheduleRun ? { schedule: p.scheduleRun } : {}),
    });
    const { deliveries } = await enqueueWebhookEvent(tx, creatorId, 'creator.payout.requested', { payoutId, amount, fee, net, method: p.method, referenceNumber: reference });
    return deliveries;
  }

  /** A standing weekly/monthly schedule, signed once by the device; the scheduler runs it (payout-schedules.ts). */
  private async createSchedule(creatorId: string, body: PayoutBody, keyId: string, signature: string, rawBody: unknown, owned: OwnedKey | undefined) {
    const scheduleId = newId('psch');
    const row = await this.db.transaction(async (tx) => {
      await this.useNonce(tx, keyId, body, scheduleId);
      const rows = await tx.query<ScheduleRow>(
        `INSERT INTO payout_schedules (id, creator_id, amount, currency, method, every, device_key_id, signature, request_body, next_run_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now() + ($10::text)::interval) RETURNING *`,
        [scheduleId, creatorId, body.amount.amount, body.amount.currency, body.method, body.schedule, keyId, signature, JSON.stringify(rawBody), body.schedule === 'weekly' ? '7 days' : '1 month'],
      );
      if (owned !== undefined) await this.idempotency.complete(tx, owned, { status: 201, data: { schedule_id: scheduleId } });
      return rows[0]!;
    });
    return scheduleView(row);
  }

  /** Moves a requested/processing payout through its processor to completed or failed. Safe to repeat. */
  drive(payoutId: string): Promise<PayoutRow> {
    const running = this.driving.get(payoutId);
    if (running) return running;
    const run = this.driveOnce(payoutId).finally(() => this.driving.delete(payoutId));
    this.driving.set(payoutId, run);
    return run;
  }

  private async driveOnce(payoutId: string): Promise<PayoutRow> {
    await this.db.query(`UPDATE payouts SET status = 'processing', updated_at = now() WHERE id = $1 AND status = 'requested'`, [payoutId]);
    const p = (await this.db.query<PayoutRow>('SELECT * FROM payouts WHERE id = $1', [payoutId]))[0]!;
    if (p.status !== 'processing') return p;
    const result = await this.processors[p.method]
      .send({ reference: p.reference_number, creatorId: p.creator_id, method: p.method, net: m(p.net, p.currency) })
      .catch((err: Error) => ({ ok: false as const, reason: `processor error: ${err.message}`, transient: true }));
    if (!result.ok && 'transient' in result) {
      // Outcome unknown: stay in processing; the next recovery pass asks the (idempotent) processor again.
      const rows = await this.db.query<PayoutRow & { drive_attempts: number; next_drive_at: Date | string }>(
        `UPDATE payouts SET drive_attempts = drive_attempts + 1,
                next_drive_at = now() + (LEAST($2::float8 * power(2, drive_attempts), $3::float8) * interval '1 millisecond'), updated_at = now()
          WHERE id = $1 AND status = 'processing' RETURNING *`,
        [payoutId, this.retry.retryBaseMs, this.retry.retryMaxMs],
      );
      const next = rows[0] ? new Date(rows[0].next_drive_at).toISOString() : null;
      this.logger.warn({ payout: payoutId, reason: result.reason, attempts: rows[0]?.drive_attempts, next }, 'payout processor call failed; will retry');
      return rows[0] ?? p;
    }
    const FINISHED_ELSEWHERE = Symbol('finished elsewhere');
    const queued = await this.db.transaction(async (tx) => {
      const logIndex = await this.log.allocate(tx);
      const rows = await tx.query<PayoutRow>('SELECT * FROM payouts WHERE id = $1 FOR UPDATE', [payoutId]);
      // Another instance finished it. Roll back (throw) rather than commit: the allocated log index must not be used up.
      if (rows[0]!.status !== 'processing') throw FINISHED_ELSEWHERE;
      const cur = p.currency;
      const inTransit = accountId('payouts_in_transit', p.creator_id, cur);
      const transactionId = newId('txn');
      const legs = result.ok
        ? [
            { debit: inTransit, credit: accountId('payouts_settled', p.creator_id, cur), amount: Number(p.net) },
            { debit: inTransit, credit: accountId('processor_fees', PLATFORM_OWNER, cur), amount: Number(p.fee) },
          ].filter((l) => l.amount > 0)
        : [{ debit: inTransit, credit: accountId('creator_earnings', p.creator_id, cur), amount: Number(p.amount) }];
      await postTransaction(tx, {
        id: transactionId,
        kind: result.ok ? 'payout_settle' : 'payout_return',
        referenceId: payoutId,
        creatorId: p.creator_id,
        currency: cur,
        logIndex,
        legs,
      });
      await tx.query(`UPDATE payouts SET status = $2, failure_reason = $3, updated_at = now() WHERE id = $1`, [
        payoutId,
        result.ok ? 'completed' : 'failed',
        result.ok ? null : result.reason,
      ]);
      await this.log.append(tx, logIndex, {
        kind: result.ok ? 'payout.completed' : 'payout.failed',
        creatorId: p.creator_id,
        payoutId,
        transactionId,
        amount: m(p.amount, cur),
        transfers: legs,
        ...(result.ok ? { providerReference: result.providerReference } : { reason: result.reason }),
      });
      const { deliveries } = await enqueueWebhookEvent(tx, p.creator_id, result.ok ? 'creator.payout.processed' : 'creator.payout.failed', {
        payoutId,
        status: result.ok ? 'completed' : 'failed',
        amount: m(p.amount, cur),
        fee: m(p.fee, cur),
        net: m(p.net, cur),
        referenceNumber: p.reference_number,
        logIndex,
      });
      return deliveries;
    }).catch((err: unknown) => {
      if (err === FINISHED_ELSEWHERE) return 0;
      throw err;
    });
    this.onCommitted(queued);
    return (await this.db.query<PayoutRow>('SELECT * FROM payouts WHERE id = $1', [payoutId]))[0]!;
  }

  /**
   * Re-drives open payouts whose next attempt is due (left open by a crash, an unreachable processor or a
   * request whose background drive failed); returns how many were driven. payout-driver.ts calls it on a timer.
   */
  async driveDue(limit = 100): Promise<number> {
    // Claimed, not just read: the due rows are taken with SKIP LOCKED and their next attempt pushed out by a
    // lease in the same statement, so another instance's pass skips them (each payout reaches its processor
    // from one instance). A transient failure sets its own next attempt; a crash leaves the lease to expire.
    const open = await this.db.query<{ id: string }>(
      `UPDATE payouts SET next_drive_at = now() + $2::float8 * interval '1 millisecond'
        WHERE id IN (SELECT id FROM payouts WHERE status IN ('requested', 'processing') AND next_drive_at <= now()
                      ORDER BY next_drive_at LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING id`,
      [limit, DRIVE_LEASE_MS],
    );
    for (const p of open) await this.drive(p.id);
    return open.length;
  }

  async list(creatorId: string): Promise<Payout[]> {
    const rows = await this.db.query<PayoutRow>('SELECT * FROM payouts WHERE creator_id = $1 ORDER BY created_at DESC LIMIT 200', [creatorId]);
    return rows.map(payoutView);
  }

  async balance(creatorId: string): Promise<Balance> {
    const rows = await this.db.query<{ kind: string; currency: string; balance: string | number }>(
      `SELECT kind, currency, balance FROM ledger_accounts WHERE owner_id = $1 AND kind IN ('creator_earnings', 'payouts_in_transit', 'payouts_settled')`,
      [creatorId],
    );
    const lifetime = await this.db.query<{ currency: string; total: string | number }>(
      `SELECT currency, COALESCE(sum(creator_net), 0) AS total FROM payments WHERE creator_id = $1 AND status = 'completed' GROUP BY currency`,
      [creatorId],
    );
    const currencies = new Set([...rows.map((r) => r.currency), ...lifetime.map((r) => r.currency)]);
    const balances = [...currencies].sort().map((cur) => {
      const get = (kind: string) => Number(rows.find((r) => r.kind === kind && r.currency === cur)?.balance ?? 0);
      return {
        currency: cur as Money['currency'],
        available: m(get('creator_earnings'), cur),
        pending: m(get('payouts_in_transit'), cur),
        paidOut: m(get('payouts_settled'), cur),
        lifetimeEarnings: m(lifetime.find((r) => r.currency === cur)?.total ?? 0, cur),
      };
    });
    const main = balances.find((b) => b.currency === 'USD') ?? balances[0];
    const zero = m(0, 'USD');
    return {
      available: main?.available ?? zero,
      pending: main?.pending ?? zero,
      paidOut: main?.paidOut ?? zero,
      lifetimeEarnings: main?.lifetimeEarnings ?? zero,
      balances,
    };
  }
}
