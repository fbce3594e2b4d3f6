// A payout request from this studio (DESIGN.md data flow 5): the device key signs the canonical JSON of the
// exact body sent, the server verifies that signature against the key registered at sign-in, checks the
// balance and moves the money; only an accepted payout is attested in the device's signed ledger, with the
// ledger head it followed, so the local record and the server's log can be cross-checked later.
// Every signed body carries a fresh random nonce and the signing time: the server refuses a nonce it has
// seen and a timestamp more than 5 minutes off, so a signed request copied from the log cannot be replayed.
// A form submission (its submissionId) keeps one signed body and one Idempotency-Key until its outcome is
// known: a retry after a lost reply resends exactly that request, which the server answers from its stored
// response instead of paying a second time.
import { randomBytes, randomUUID } from 'node:crypto';
import { canonicalJson, fromBase64Url, payoutSchema, type Money } from '@fanz/core';
import { signJson } from '@fanz/core/node';
import { z } from 'zod';
import { PAYOUT_OUTCOME_UNKNOWN, StudioApiError, payoutRequestSchema, type PayoutReceipt, type PayoutRequestInput } from '../../../shared/studio-api.js';
import type { LedgerService } from '../ledger/ledger-service.js';
import type { CatalogService } from '../catalog/catalog-service.js';
import { callServer } from '../account/server-client.js';

export const PAYOUTS_PATH = '/api/v1/finance/payouts';

const moneyOut = z.object({ amount: z.number().int(), currency: z.string() });

/** One submission's signed request, kept while its outcome is unknown. */
interface PendingPayout {
  idempotencyKey: string;
  body: { amount: Money; method: string; schedule: 'immediate'; nonce: string; timestamp: string };
  signature: string;
  keyId: string;
  serverUrl: string;
}

// Per studio session (its CatalogService): submissions whose outcome is not known yet.
const pendingBySession = new WeakMap<CatalogService, Map<string, PendingPayout>>();

function pendingFor(catalog: CatalogService): Map<string, PendingPayout> {
  let m = pendingBySession.get(catalog);
  if (!m) pendingBySession.set(catalog, (m = new Map()));
  return m;
}

export interface PayoutRequestDeps {
  catalog: CatalogService;
  ledger: LedgerService;
  /** How long to wait for the server's answer (30 s); past it the outcome is unknown and the submission kept. */
  serverTimeoutMs?: number;
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
export async function requestPayout(deps: PayoutRequestDeps, input: PayoutRequestInput): Promise<PayoutReceipt> {
  const parsed = payoutRequestSchema.safeParse(input);
  if (!parsed.success) {
    throw new StudioApiError('VALIDATION_ERROR', parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; '));
  }
  const account = deps.catalog.accounts.get();
  if (!account) throw new StudioApiError('NOT_SIGNED_IN', 'sign in to a server first; payouts are paid to your account');
  if (!account.deviceKeyId || !account.deviceSecretKey) {
    throw new StudioApiError('NO_DEVICE_KEY', 'this device has no registered key to sign payouts with; sign out and sign in again');
  }
  const submissionId = parsed.data.submissionId ?? randomUUID();
  const pending = pendingFor(deps.catalog);
  let sent = pending.get(submissionId);
  if (sent && (sent.serverUrl !== account.serverUrl || sent.keyId !== account.deviceKeyId || canonicalJson(sent.body.amount) !== canonicalJson(parsed.data.amount) || sent.body.method !== parsed.data.method)) {
    throw new StudioApiError('VALIDATION_ERROR', 'this payout submission was already sent with another amount, method or account; its outcome is not known yet, so retry it unchanged or start a new one');
  }
  if (!sent) {
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
    sent = { idempotencyKey: `payout-${randomUUID()}`, body, signature, keyId: account.deviceKeyId, serverUrl: account.serverUrl };
    pending.set(submissionId, sent);
  }
  const { body, signature } = sent;
  // Not sent yet when this fails: the submission is kept either way.
  const token = await deps.catalog.getAccessToken();
  let data: unknown;
  try {
    data = await callServer(account.serverUrl, 'POST', PAYOUTS_PATH, {
      body,
      accessToken: token,
      headers: { 'fanz-key-id': sent.keyId, 'fanz-signature': signature, 'idempotency-key': sent.idempotencyKey },
      timeoutMs: deps.serverTimeoutMs ?? 30_000,
    });
  } catch (err) {
    // A refusal is an outcome (nothing moved): forget the submission. Otherwise keep it for the retry.
    if (err instanceof StudioApiError && !PAYOUT_OUTCOME_UNKNOWN.has(err.code)) pending.delete(submissionId);
    throw err instanceof StudioApiError ? explain(err, body.amount) : err;
  }
  pending.delete(submissionId);
  const result = payoutSchema.safeParse(data);
  if (!result.success) throw new StudioApiError('BAD_SERVER_RESPONSE', 'the server accepted the payout but its answer is not a payout; check Earnings');
  const p = result.data;
  // The head before this entry: the request is chained to everything this device attested before it.
  const ledgerHead = deps.ledger.head()?.hash ?? null;
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
