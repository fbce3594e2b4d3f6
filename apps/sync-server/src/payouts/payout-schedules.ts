// Runs standing payout schedules (weekly, monthly) that a creator's device signed once. Any instance may
// run them: each due schedule is taken with FOR UPDATE SKIP LOCKED, and in one transaction the period's run
// row (primary key schedule + period, so a period pays out at most once across instances and restarts),
// the payout hold and the advance of next_run_at commit together. The amount is a per-period maximum: the
// payout is min(amount, available balance); with nothing available the period is recorded as skipped.
// A payout held here is driven through its processor right after the commit, or by the payout driver later.
import { newId, type Money } from '@fanz/core';
import type { Logger } from 'pino';
import type { Database } from '../db/database.js';
import { ApiError } from '../errors.js';
import { accountBalance, accountId } from '../ledger/ledger.js';
import type { PayoutScheduleOptions } from '../money/money-options.js';
import { scheduleView, type PayoutService, type ScheduleRow } from './payout-service.js';
import { PeriodicPass } from '../scheduler/periodic-pass.js';

export class PayoutSchedules {
  private readonly loop: PeriodicPass;

  constructor(
    private readonly db: Database,
    private readonly payouts: PayoutService,
    private readonly logger: Logger,
    private readonly onCommitted: (queuedDeliveries: number) => void,
    private readonly o: PayoutScheduleOptions,
  ) {
    this.loop = new PeriodicPass(() => this.runDue(), { pollMs: this.o.pollMs, logger: this.logger, failure: 'payout schedule pass failed' });
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Runs every period that is due now (one payout each); returns how many periods ran. Safe concurrently. */
  async runDue(): Promise<number> {
    let ran = 0;
    for (;;) {
      const step = await this.db.transaction(async (tx) => {
        const rows = await tx.query<ScheduleRow>(
          `SELECT * FROM payout_schedules WHERE active AND next_run_at <= now() ORDER BY next_run_at LIMIT 1 FOR UPDATE SKIP LOCKED`,
        );
        const s = rows[0];
        if (!s) return null;
        const period = new Date(s.next_run_at);
        await tx.query(`UPDATE payout_schedules SET next_run_at = next_run_at + ($2::text)::interval WHERE id = $1`, [s.id, s.every === 'weekly' ? '7 days' : '1 month']);
        // Read without a row lock: hold() locks the account after the log lock, the order every money
        // transaction uses (locking it here first could deadlock with a payment). It re-checks the balance.
        const available = await accountBalance(tx, accountId('creator_earnings', s.creator_id, s.currency));
        const amount = Math.min(Number(s.amount), available);
        const payoutId = amount > 0 ? newId('po') : null;
        const claimed = await tx.query(
          `INSERT INTO payout_schedule_runs (schedule_id, period, payout_id, outcome) VALUES ($1, $2, $3, $4) ON CONFLICT (schedule_id, period) DO NOTHING RETURNING period`,
          [s.id, period, payoutId, payoutId ? 'requested' : 'skipped_no_balance'],
        );
        if (claimed.length === 0 || !payoutId) return { payoutId: null, queued: 0 };
        const queued = await this.payouts.hold(tx, {
          creatorId: s.creator_id,
          payoutId,
          amount: { amount, currency: s.currency } as Money,
          method: s.method,
          keyId: s.device_key_id,
          signature: s.signature,
          rawBody: JSON.parse(s.request_body) as unknown,
          scheduleRun: { scheduleId: s.id, period: period.toISOString() },
        });
        return { payoutId, queued };
      });
      if (step === null) return ran;
      ran++;
      this.onCommitted(step.queued);
      if (step.payoutId) await this.payouts.drive(step.payoutId);
    }
  }

  async list(creatorId: string) {
    const rows = await this.db.query<ScheduleRow>('SELECT * FROM payout_schedules WHERE creator_id = $1 ORDER BY created_at DESC LIMIT 100', [creatorId]);
    return rows.map(scheduleView);
  }

  async cancel(creatorId: string, id: string) {
    const rows = await this.db.query<ScheduleRow>('UPDATE payout_schedules SET active = false WHERE id = $1 AND creator_id = $2 RETURNING *', [id, creatorId]);
    if (!rows[0]) throw new ApiError('NOT_FOUND', `No payout schedule ${id}.`);
    return scheduleView(rows[0]);
  }
}
