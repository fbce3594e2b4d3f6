// Builds the money side of the server (ledger-backed payments, payouts, the transparency log, webhooks)
// from the database and the document manager, so server.ts needs two lines: create, then register routes.
import type { Logger } from 'pino';
import type { AuthService } from '../auth/auth-service.js';
import type { Database } from '../db/database.js';
import type { RouteTable } from '../http/routes.js';
import { TestGateway, type PaymentGateway } from '../payments/payment-gateway.js';
import { TestPayoutProcessor } from '../payouts/payout-processor.js';
import { accessRoutes } from '../subscriptions/access-routes.js';
import { payoutRoutes } from '../payouts/payout-routes.js';
import { logRoutes } from '../transparency-log/log-routes.js';
import { paymentRoutes } from '../payments/payment-routes.js';
import { subscriptionRoutes } from '../subscriptions/subscription-routes.js';
import { webhookRoutes } from '../webhooks/webhook-routes.js';
import type { DocManager } from '../sync/doc-manager.js';
import { DocStore } from '../sync/doc-store.js';
import { loadLogKey } from '../transparency-log/log-keys.js';
import { TransparencyLog } from '../transparency-log/transparency-log.js';
import { WebhookDispatcher } from '../webhooks/webhook-dispatcher.js';
import { enqueueWebhookEvent, type WebhookEventType } from '../webhooks/webhook-events.js';
import type { Queryable } from '../db/database.js';
import { CatalogReader } from '../catalog/catalog-reader.js';
import { IdempotencyStore } from '../ledger/idempotency.js';
import { MediaGrantSigner } from '../payments/media-grants.js';
import { PaymentIntentSweeper } from '../payments/payment-intents.js';
import { PaymentService } from '../payments/payment-service.js';
import { LedgerAttestations } from '../ledger-attestations/ledger-attestations.js';
import { ledgerAttestationRoutes } from '../ledger-attestations/ledger-attestation-routes.js';
import { PayoutDriver } from '../payouts/payout-driver.js';
import { PayoutService } from '../payouts/payout-service.js';
import { PayoutSchedules } from '../payouts/payout-schedules.js';
import { SubscriptionRenewals } from '../subscriptions/subscription-renewals.js';
import { DEFAULT_MONEY_OPTIONS, type MoneyOptions, type MoneyOptionsInput } from './money-options.js';

export { DEFAULT_MONEY_OPTIONS, loadMoneyOptions, type MoneyOptions, type MoneyOptionsInput } from './money-options.js';

export interface MoneyServices {
  log: TransparencyLog;
  gateway: PaymentGateway;
  payouts: PayoutService;
  payments: PaymentService;
  catalog: CatalogReader;
  webhooks: WebhookDispatcher;
  /** Renews subscriptions at their period's end, with dunning; fans cancel through it. */
  renewals: SubscriptionRenewals;
  /** Runs standing weekly/monthly payout schedules once per period. */
  payoutSchedules: PayoutSchedules;
  /**
   * Sends a webhook event to the owner's subscribed endpoints (e.g. content.uploaded from the upload
   * routes). Pass the transaction that writes what the event reports, so both commit or neither does.
   */
  emitEvent(ownerId: string, type: WebhookEventType, data: Record<string, unknown>, tx?: Queryable): Promise<string>;
  /** Registers the money routes. */
  routes(table: RouteTable, auth: AuthService): void;
  close(): Promise<void>;
}

export interface MoneyDeps {
  db: Database;
  docs: DocManager;
  /** The server's one document store (its group-commit queue); a new one when absent (tests). */
  store?: DocStore;
  logger: Logger;
  options?: MoneyOptionsInput;
  /** Defaults to the test gateway. */
  gateway?: PaymentGateway;
  /** TEST_GATEWAY_STATE_FILE: the test gateway keeps its records in this file (fault tests). */
  gatewayStateFile?: string;
  /** WEBHOOK_ALLOW_PRIVATE: webhook URLs may target loopback (development and tests). */
  webhookAllowPrivate?: boolean;
  /** Counts charges voided because their payment could not be recorded. */
  onChargeVoided?: (outcome: 'voided' | 'void_failed') => void;
}

export async function createMoneyServices(deps: MoneyDeps): Promise<MoneyServices> {
  const options: MoneyOptions = {
    ...DEFAULT_MONEY_OPTIONS,
    ...deps.options,
    paymentRetry: { ...DEFAULT_MONEY_OPTIONS.paymentRetry, ...deps.options?.paymentRetry },
    webhooks: { ...DEFAULT_MONEY_OPTIONS.webhooks, ...deps.options?.webhooks },
    renewals: { ...DEFAULT_MONEY_OPTIONS.renewals, ...deps.options?.renewals },
    payoutSchedules: { ...DEFAULT_MONEY_OPTIONS.payoutSchedules, ...deps.options?.payoutSchedules },
    payoutDrive: { ...DEFAULT_MONEY_OPTIONS.payoutDrive, ...deps.options?.payoutDrive },
  };
  const { db } = deps;
  const log = new TransparencyLog(db, await loadLogKey(db));
  await log.sync();
  const grants = await MediaGrantSigner.open(db);
  const gateway = deps.gateway ?? new TestGateway({ stateFile: deps.gatewayStateFile });
  const idempotency = new IdempotencyStore(db, { waitMs: options.idempotencyWaitMs, staleMs: options.idempotencyStaleMs });
  const catalog = new CatalogReader(db, deps.store ?? new DocStore(db));
  const addressPolicy = { allowLoopback: deps.webhookAllowPrivate ?? false };
  const webhooks = new WebhookDispatcher(db, deps.logger.child({ component: 'webhooks' }), options.webhooks, addressPolicy);
  // Only a commit that queued deliveries needs a dispatch pass now (the poll catches anything else).
  const onCommitted = (queued: number) => {
    if (queued > 0) webhooks.kick();
  };
  const payments = new PaymentService({
    db,
    log,
    gateway,
    idempotency,
    catalog,
    grants,
    onCommitted,
    onChargeVoided: deps.onChargeVoided ?? (() => {}),
    logger: deps.logger.child({ component: 'payments' }),
    options: { retry: options.paymentRetry, grantTtlMs: options.grantTtlMs, grantDownloadLimit: options.grantDownloadLimit },
  });
  const payouts = new PayoutService(
    db,
    log,
    { paxum: new TestPayoutProcessor('paxum'), bank_transfer: new TestPayoutProcessor('bank_transfer') },
    idempotency,
    deps.logger.child({ component: 'payouts' }),
    onCommitted,
    options.payoutDrive,
  );
  const payoutDriver = new PayoutDriver(payouts, deps.logger.child({ component: 'payout-driver' }), options.payoutDrive);
  const renewals = new SubscriptionRenewals(db, log, gateway, deps.logger.child({ component: 'renewals' }), onCommitted, options.renewals);
  const payoutSchedules = new PayoutSchedules(db, payouts, deps.logger.child({ component: 'payout-schedules' }), onCommitted, options.payoutSchedules);
  webhooks.start();
  renewals.start();
  payoutSchedules.start();
  const prune = () => void idempotency.prune(options.idempotencyRetentionMs).catch((err) => deps.logger.warn({ err }, 'pruning idempotency keys failed'));
  await idempotency.prune(options.idempotencyRetentionMs);
  const pruneTimer = setInterval(prune, 3600_000);
  pruneTimer.unref();
  // Charges a crash left without a record are voided once their intent is older than the TTL.
  const sweeper = new PaymentIntentSweeper(db, gateway, deps.logger.child({ component: 'payment-intents' }), deps.onChargeVoided ?? (() => {}));
  const sweep = () => void sweeper.sweepStaleIntents(options.paymentIntentTtlMs).catch((err) => deps.logger.error({ err }, 'sweeping payment intents failed'));
  sweep();
  const sweepTimer = setInterval(sweep, Math.max(500, Math.floor(options.paymentIntentTtlMs / 4)));
  sweepTimer.unref();
  // Payouts a crash or an unreachable processor left open are re-driven in the background (first pass now).
  payoutDriver.start();
  return {
    log,
    gateway,
    payouts,
    payments,
    catalog,
    webhooks,
    renewals,
    payoutSchedules,
    async emitEvent(ownerId, type, data, tx) {
      const { id, deliveries } = await enqueueWebhookEvent(tx ?? db, ownerId, type, data);
      // Inside a caller's transaction the row is not visible yet; the dispatcher's poll picks it up.
      if (!tx && deliveries > 0) webhooks.kick();
      return id;
    },
    routes(table, auth) {
      subscriptionRoutes(table, { docs: deps.docs, catalog, renewals });
      paymentRoutes(table, payments, gateway.notificationSecret);
      accessRoutes(table, { db, grants });
      payoutRoutes(table, payouts, payoutSchedules);
      ledgerAttestationRoutes(table, new LedgerAttestations(db, log, payouts));
      logRoutes(table, { log, auth });
      webhookRoutes(table, db, addressPolicy);
    },
    async close() {
      clearInterval(pruneTimer);
      clearInterval(sweepTimer);
      await renewals.stop();
      await payoutSchedules.stop();
      await payoutDriver.stop();
      await webhooks.stop();
    },
  };
}
