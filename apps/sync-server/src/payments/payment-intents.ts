// Payment intents: PaymentService writes one (pending) before it charges a card and resolves it in the
// payment's own transaction. This sweep settles the ones a crash or a silent gateway left pending: a charge
// that was never recorded is voided at the gateway by its idempotency key, under the same per-key advisory
// lock the recording transaction takes, so a voided charge is never recorded and a recorded one never voided.
import type { Logger } from 'pino';
import type { Database } from '../db/database.js';
import type { PaymentGateway } from './payment-gateway.js';

export class PaymentIntentSweeper {
  constructor(
    private readonly db: Database,
    private readonly gateway: PaymentGateway,
    private readonly logger: Logger,
    private readonly onChargeVoided: (outcome: 'voided' | 'void_failed') => void,
  ) {}

  /**
   * Resolves intents left pending longer than ttlMs (the process died between charge and record, or the
   * gateway never answered): if no intent with the same gateway key was recorded, whatever was charged with
   * that key is voided at the gateway, so no charge outlives its missing record. Returns how many keys it resolved.
   */
  async sweepStaleIntents(ttlMs: number): Promise<number> {
    const stale = await this.db.query<{ gateway_key: string }>(
      `SELECT DISTINCT gateway_key FROM payment_intents WHERE status = 'pending' AND created_at < now() - ($1::bigint * interval '1 millisecond') LIMIT 100`,
      [ttlMs],
    );
    for (const { gateway_key: key } of stale) {
      await this.db.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`intent:${key}`]);
        const recorded = await tx.query(`SELECT 1 FROM payment_intents WHERE gateway_key = $1 AND status = 'recorded'`, [key]);
        if (recorded.length > 0) {
          // A retry with the same key recorded the charge: the dead attempt's intent is only history.
          await tx.query(`UPDATE payment_intents SET status = 'superseded', updated_at = now() WHERE gateway_key = $1 AND status = 'pending'`, [key]);
          return;
        }
        const r = await this.gateway.voidByKey(key);
        if (!r.ok) {
          this.logger.error({ gatewayKey: key, error: r.message }, 'could not void the charge of a stale payment intent; will retry');
          return;
        }
        await tx.query(`UPDATE payment_intents SET status = 'voided', updated_at = now() WHERE gateway_key = $1 AND status = 'pending'`, [key]);
        if (r.voided) {
          this.onChargeVoided('voided');
          this.logger.warn({ gatewayKey: key }, 'stale payment intent: its charge was never recorded and has been voided');
        }
      });
    }
    return stale.length;
  }
}
