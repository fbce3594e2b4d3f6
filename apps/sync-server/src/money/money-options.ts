// Settings of the money side (payment retries, idempotency windows, media grants, webhook delivery), with
// defaults and the few that can be set from the environment. Kept apart so config.ts imports only this.
import type { RetryOptions } from '../payments/retry.js';
import type { WebhookDispatchOptions } from '../webhooks/webhook-dispatcher.js';

export interface RenewalOptions {
  /** How often due renewals are looked for. */
  pollMs: number;
  /** Waits before the retries after a failed renewal charge (3 retries over 7 days by default). */
  retryDelaysMs: number[];
  /** A claimed renewal whose runner died is picked up again after this long. */
  leaseMs: number;
}

export interface PayoutScheduleOptions {
  /** How often due standing payout schedules are looked for. */
  pollMs: number;
}

export interface PayoutDriveOptions {
  /** How often open payouts whose next attempt is due are looked for. */
  pollMs: number;
  /** Wait after the first transient processor failure; doubles per failure up to retryMaxMs. */
  retryBaseMs: number;
  retryMaxMs: number;
}

export interface MoneyOptions {
  paymentRetry: RetryOptions;
  /** How long a request waits for another request with the same Idempotency-Key to finish. */
  idempotencyWaitMs: number;
  /** After this long without a response, a started key may be taken over (its owner died). */
  idempotencyStaleMs: number;
  /** Keys (and their stored responses) are kept this long; a retry must come within it. */
  idempotencyRetentionMs: number;
  grantTtlMs: number;
  grantDownloadLimit: number;
  webhooks: WebhookDispatchOptions;
  /** A payment intent still pending after this long (crash between charge and record) has its charge voided. */
  paymentIntentTtlMs: number;
  /** Subscription renewals and dunning (subscription-renewals.ts). */
  renewals: RenewalOptions;
  /** Standing payout schedules (payout-schedules.ts). */
  payoutSchedules: PayoutScheduleOptions;
  /** Re-driving open payouts through their processor (payout-driver.ts). */
  payoutDrive: PayoutDriveOptions;
}

export const DEFAULT_MONEY_OPTIONS: MoneyOptions = {
  paymentRetry: { attempts: 4, baseMs: 200, maxMs: 2000 },
  idempotencyWaitMs: 30_000,
  idempotencyStaleMs: 60_000,
  idempotencyRetentionMs: 7 * 24 * 3600_000,
  grantTtlMs: 7 * 24 * 3600_000,
  grantDownloadLimit: 5,
  // Standard Webhooks recommends retrying for about a day with growing gaps.
  webhooks: { retryBaseMs: 5_000, retryMaxMs: 6 * 3600_000, maxAttempts: 10, timeoutMs: 10_000, pollMs: 1_000 },
  // Retries 1, 3 and 7 days after the first failed renewal charge.
  renewals: { pollMs: 60_000, retryDelaysMs: [1, 2, 4].map((d) => d * 24 * 3600_000), leaseMs: 5 * 60_000 },
  paymentIntentTtlMs: 15 * 60_000,
  payoutSchedules: { pollMs: 60_000 },
  payoutDrive: { pollMs: 5_000, retryBaseMs: 5_000, retryMaxMs: 15 * 60_000 },
};

/** Options as given in ServerConfig: any subset, nested groups too. */
export type MoneyOptionsInput = Partial<Omit<MoneyOptions, 'paymentRetry' | 'webhooks' | 'renewals' | 'payoutSchedules' | 'payoutDrive'>> & {
  payoutSchedules?: Partial<PayoutScheduleOptions>;
  payoutDrive?: Partial<PayoutDriveOptions>;
  paymentRetry?: Partial<RetryOptions>;
  webhooks?: Partial<WebhookDispatchOptions>;
  renewals?: Partial<RenewalOptions>;
};

function envInt(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const v = env[name];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${v}"`);
  return n;
}

/** Money settings from the environment (all optional; unset ones keep DEFAULT_MONEY_OPTIONS). */
export function loadMoneyOptions(env: NodeJS.ProcessEnv): MoneyOptionsInput {
  const out: MoneyOptionsInput = {};
  const stale = envInt(env, 'IDEMPOTENCY_STALE_MS');
  if (stale !== undefined) out.idempotencyStaleMs = stale;
  const webhooks: Partial<WebhookDispatchOptions> = {};
  const base = envInt(env, 'WEBHOOK_RETRY_BASE_MS');
  if (base !== undefined) webhooks.retryBaseMs = base;
  const attempts = envInt(env, 'WEBHOOK_MAX_ATTEMPTS');
  if (attempts !== undefined) webhooks.maxAttempts = Math.max(1, attempts);
  if (Object.keys(webhooks).length) out.webhooks = webhooks;
  const intentTtl = envInt(env, 'PAYMENT_INTENT_TTL_MS');
  if (intentTtl !== undefined) out.paymentIntentTtlMs = Math.max(1000, intentTtl);
  const renewals: Partial<RenewalOptions> = {};
  const renewalPoll = envInt(env, 'RENEWAL_POLL_MS');
  if (renewalPoll !== undefined) renewals.pollMs = Math.max(100, renewalPoll);
  const renewalLease = envInt(env, 'RENEWAL_LEASE_MS');
  if (renewalLease !== undefined) renewals.leaseMs = Math.max(500, renewalLease);
  if (Object.keys(renewals).length) out.renewals = renewals;
  const schedulePoll = envInt(env, 'PAYOUT_SCHEDULE_POLL_MS');
  if (schedulePoll !== undefined) out.payoutSchedules = { pollMs: Math.max(100, schedulePoll) };
  return out;
}
