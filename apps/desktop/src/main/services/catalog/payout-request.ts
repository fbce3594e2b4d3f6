// A payout request from this studio (DESIGN.md data flow 5): the device key signs the canonical JSON of the
// exact body sent, the server verifies that signature against the key registered at sign-in, checks the
// balance and moves the money; only an accepted payout is attested in the device's signed ledger, with the
// ledger head it followed, so the local record and the server's log can be cross-checked later.
// Every signed body carries a fresh random nonce and the signing time: the server refuses a nonce it has
// seen and a timestamp more than 5 minutes off, so a signed request copied from the log cannot be replayed.
import { randomBytes, randomUUID } from 'node:crypto';
import { fromBase64Url, type Money } from '@fanz/core';
import { signJson } from '@fanz/core/node';
import { z } from 'zod';
import { StudioApiError, payoutRequestSchema, type PayoutReceipt, type PayoutRequestInput } from '../../../shared/studio-api.js';
import type { LedgerService } from '../ledger/ledger-service.js';
import type { CatalogService } from './catalog-service.js';
import { callServer } from './server-client.js';

export const PAYOUTS_PATH = '/api/v1/finance/payouts';

const moneyOut = z.object({ amount: z.number().int(), currency: z.string() });
// What the desktop relies on from the server's answer (DESIGN.md finance routes).
const payoutResult = z.object({
  payout_id: z.string().min(1),
  status: z.enum(['requested', 'processing', 'completed', 'failed']),
  amount: moneyOut,
  transaction_fee: moneyOut,
  net_amount: moneyOut,
  tracking: z.object({ reference_number: z.string() }),
  failure_reason: z.string().nullable().optional(),
});

export interface PayoutRequestDeps {
  catalog: CatalogService;
  ledger: LedgerService;
}

function show(m: unknown): string {
  const p = moneyOut.safeParse(m);
  return p.success ? `${p.data.amount} ${p.data.currency} minor units` : 'unknown';
}

/** The server's refusals, reworded for the creator; the server's code is kept so the UI can branch on it. */
function explain(err: StudioApiError, requested: Money): StudioApiError {
  switch (err.code) {
    case 'INSUFFICIENT_FUNDS':
      return new StudioApiError(
        'INSUFFICIENT_FUNDS',
        `Payout refused: ${show(requested)} is more than your available balance (${show(err.details?.available)}). Nothing was moved.`,
        err.details,
      );
    case 'INVALID_SIGNATURE':
      return new StudioApiError(
        'INVALID_SIGNATURE',
        `Payout refused: the server did not accept this device's signature (${err.message}). Sign out and sign in again to register a new device key.`,
        err.details,
      );
    default:
      return err;
  }
}

/**
 * Signs and sends one payout request; on success appends `payout.requested` to the device ledger.
 * Any refusal throws a StudioApiError and leaves the ledger untouched.
 */
export async function requestPayout(deps: PayoutRequestDeps, input: PayoutRequestInput, idempotencyKey: string = `payout-${randomUUID()}`): Promise<PayoutReceipt> {
  const parsed = payoutRequestSchema.safeParse(input);
  if (!parsed.success) {
    throw new StudioApiError('VALIDATION_ERROR', parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; '));
  }
  const account = deps.catalog.accounts.get();
  if (!account) throw new StudioApiError('NOT_SIGNED_IN', 'sign in to a server first; payouts are paid to your account');
  if (!account.deviceKeyId || !account.deviceSecretKey) {
    throw new StudioApiError('NO_DEVICE_KEY', 'this device has no registered key to sign payouts with; sign out and sign in again');
  }
  let secretKey: Uint8Array;
  try {
    secretKey = fromBase64Url(account.deviceSecretKey);
  } catch {
    throw new StudioApiError('NO_DEVICE_KEY', "this device's stored key is unreadable; sign out and sign in again to register a new one");
  }
  const body = {
    amount: parsed.data.amount,
    method: parsed.data.method,
    schedule: 'immediate' as const,
    nonce: randomBytes(18).toString('base64url'),
    timestamp: new Date().toISOString(),
  };
  let signature: string;
  try {
    signature = signJson(body, secretKey);
  } catch (err) {
    throw new StudioApiError('NO_DEVICE_KEY', `this device's stored key cannot sign (${(err as Error).message}); sign out and sign in again`);
  }
  const token = await deps.catalog.getAccessToken();
  let data: unknown;
  try {
    data = await callServer(account.serverUrl, 'POST', PAYOUTS_PATH, {
      body,
      accessToken: token,
      headers: { 'fanz-key-id': account.deviceKeyId, 'fanz-signature': signature, 'idempotency-key': idempotencyKey },
      timeoutMs: 30_000,
    });
  } catch (err) {
    throw err instanceof StudioApiError ? explain(err, body.amount) : err;
  }
  const result = payoutResult.safeParse(data);
  if (!result.success) throw new StudioApiError('BAD_SERVER_RESPONSE', 'the server accepted the payout but its answer is not a payout; check Earnings');
  const p = result.data;
  // The head before this entry: the request is chained to everything this device attested before it.
  const ledgerHead = deps.ledger.verify().headHash;
  const entry = deps.ledger.append('payout.requested', {
    serverUrl: account.serverUrl,
    payoutId: p.payout_id,
    body,
    signature,
    keyId: account.deviceKeyId,
    ledgerHead,
  });
  return {
    payoutId: p.payout_id,
    status: p.status,
    amount: p.amount,
    transactionFee: p.transaction_fee,
    netAmount: p.net_amount,
    referenceNumber: p.tracking.reference_number,
    failureReason: p.failure_reason ?? null,
    ledgerSeq: entry.seq,
  };
}
