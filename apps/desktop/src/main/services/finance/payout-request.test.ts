// Device-signed payout requests against the real sync server (PGlite): a creator signed in through the
// CatalogService (device key registered there) is tipped by a fan, requests a payout that is held with the
// 1% fee and is attested in the device ledger; too large a payout and a wrong device key are refused with
// clear errors and leave the ledger as it was.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair, toBase64Url } from '@fanz/core';
import { verifyJson } from '@fanz/core/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../../sync-server/src/config.js';
import { buildServer, type FanzServer } from '../../../../../sync-server/src/server.js';
import { dispatchApiCall } from '../../api-dispatch.js';
import { openDb, type Db } from '../library/db.js';
import { LedgerService } from '../ledger/ledger-service.js';
import { fileSecretBox } from '../account/account-store.js';
import { CatalogService } from '../catalog/catalog-service.js';
import { requestPayout } from './payout-request.js';
import { StudioApiError, type StudioApi } from '../../../shared/studio-api.js';

let dir: string;
let server: FanzServer;
let url: string;
let db: Db;
let catalog: CatalogService;
let ledger: LedgerService;

async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; data: Record<string, unknown> }> {
  const res = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const json = (await res.json()) as { data: Record<string, unknown> };
  return { status: res.status, data: json.data };
}

async function failure(p: Promise<unknown>): Promise<StudioApiError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StudioApiError);
  return err as StudioApiError;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fanz-payoutreq-'));
  server = await buildServer({ ...loadConfig({}), port: 0, host: '127.0.0.1', dataDir: join(dir, 'server'), logLevel: 'silent' }, { logger: false });
  url = await server.listen();
  db = openDb(join(dir, 'studio'));
  const box = fileSecretBox(dir);
  catalog = new CatalogService({ db, box, defaultServerUrl: url, mode: 'browser', maxBackoffMs: 200, deviceName: 'payout test' });
  const n = Math.random().toString(36).slice(2, 10);
  const session = await catalog.register({ serverUrl: url, email: `c${n}@example.test`, password: 'correct horse battery', username: `creator_${n}`, displayName: 'C' });
  expect(session.deviceKeyId).toBeTruthy();
  ledger = new LedgerService(db, { accounts: catalog.accounts, box });
  const fan = await post('/api/v1/auth/register', { role: 'fan', username: `fan_${n}`, email: `f${n}@example.test`, password: 'correct horse battery', displayName: 'F' });
  const paid = await post(
    '/api/v1/payments',
    { tip: { creatorId: session.user!.id, amount: { amount: 1000, currency: 'USD' } }, paymentMethod: { type: 'test_card', cardToken: 'tok_visa_success' } },
    { authorization: `Bearer ${fan.data.accessToken as string}`, 'idempotency-key': `tip-${n}` },
  );
  expect(paid.status).toBe(201);
});

afterAll(async () => {
  catalog?.close();
  db?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('requestPayout', () => {
  it('signs the request with the device key; the payout completes with the 1% fee and is attested in the ledger', async () => {
    const before = ledger.verify();
    const receipt = await requestPayout({ catalog, ledger }, { amount: { amount: 500, currency: 'USD' }, method: 'paxum' });
    // Answered once the server committed the hold; its processor is called after that.
    expect(receipt).toMatchObject({
      status: 'requested',
      amount: { amount: 500, currency: 'USD' },
      transactionFee: { amount: 5, currency: 'USD' },
      netAmount: { amount: 495, currency: 'USD' },
    });
    expect(receipt.referenceNumber).toMatch(/^FZ-/);

    const after = ledger.verify();
    expect(after.ok).toBe(true);
    expect(after.entries).toBe(before.entries + 1);
    const entry = ledger.entries().at(-1)!;
    expect(entry.kind).toBe('payout.requested');
    expect(entry.seq).toBe(receipt.ledgerSeq);
    const body = entry.body as { payoutId: string; body: unknown; signature: string; keyId: string; ledgerHead: string | null };
    const account = catalog.accounts.get()!;
    expect(body).toMatchObject({ payoutId: receipt.payoutId, keyId: account.deviceKeyId, ledgerHead: before.headHash });
    const signed = body.body as { nonce: string; timestamp: string };
    expect(body.body).toEqual({ amount: { amount: 500, currency: 'USD' }, method: 'paxum', schedule: 'immediate', nonce: signed.nonce, timestamp: signed.timestamp });
    // Bound to a fresh nonce and the signing time, so the attested request cannot be replayed.
    expect(signed.nonce).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(Math.abs(Date.parse(signed.timestamp) - Date.now())).toBeLessThan(60_000);
    const replay = await fetch(`${url}/api/v1/finance/payouts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await catalog.getAccessToken()}`, 'fanz-key-id': account.deviceKeyId!, 'fanz-signature': body.signature },
      body: JSON.stringify(body.body),
    });
    expect(replay.status).toBe(409);
    expect(((await replay.json()) as { error: { code: string } }).error.code).toBe('NONCE_REUSED');

    // The attested signature is the one the server stored and its registered public key verifies it.
    const rows = await server.db.query<{ signature: string; public_key: string }>(
      'SELECT p.signature, k.public_key FROM payouts p JOIN device_keys k ON k.id = p.device_key_id WHERE p.id = $1',
      [receipt.payoutId],
    );
    expect(rows[0]!.signature).toBe(body.signature);
    expect(verifyJson(body.body, body.signature, rows[0]!.public_key)).toBe(true);
  });

  it('refuses a payout above the balance with a clear error and records nothing', async () => {
    const before = ledger.verify();
    const err = await failure(requestPayout({ catalog, ledger }, { amount: { amount: 1_000_000, currency: 'USD' }, method: 'bank_transfer' }));
    expect(err.code).toBe('INSUFFICIENT_FUNDS');
    expect(err.message).toContain('more than your available balance');
    expect(err.message).toContain('1000000 USD');
    expect(ledger.verify()).toEqual(before);
  });

  it('rejects bad input before signing or sending anything', async () => {
    const before = ledger.verify();
    const api = { payoutRequest: (p: Parameters<StudioApi['payoutRequest']>[0]) => requestPayout({ catalog, ledger }, p) } as unknown as StudioApi;
    for (const bad of [
      { amount: { amount: 0, currency: 'USD' }, method: 'paxum' },
      { amount: { amount: -5, currency: 'USD' }, method: 'paxum' },
      { amount: { amount: 1.5, currency: 'USD' }, method: 'paxum' },
      { amount: { amount: 100, currency: 'XXX' }, method: 'paxum' },
      { amount: { amount: 100, currency: 'USD' }, method: 'cash' },
      { amount: { amount: 100, currency: 'USD' } },
    ]) {
      const err = await failure(dispatchApiCall(api, 'payoutRequest', bad));
      expect(err.code).toBe('VALIDATION_ERROR');
      const direct = await failure(requestPayout({ catalog, ledger }, bad as never));
      expect(direct.code).toBe('VALIDATION_ERROR');
    }
    expect(ledger.verify()).toEqual(before);
  });

  it('surfaces a signature the server does not accept (wrong device secret) as a clear 401 and records nothing', async () => {
    const before = ledger.verify();
    const account = catalog.accounts.get()!;
    // The stored secret no longer matches the registered public key.
    catalog.accounts.save({ ...account, deviceSecretKey: toBase64Url(generateKeyPair().secretKey) });
    try {
      const err = await failure(requestPayout({ catalog, ledger }, { amount: { amount: 100, currency: 'USD' }, method: 'paxum' }));
      expect(err.code).toBe('INVALID_SIGNATURE');
      expect(err.message).toContain("did not accept this device's signature");
      // An unreadable secret is refused locally, before any request.
      catalog.accounts.save({ ...account, deviceSecretKey: '!!not base64!!' });
      const local = await failure(requestPayout({ catalog, ledger }, { amount: { amount: 100, currency: 'USD' }, method: 'paxum' }));
      expect(local.code).toBe('NO_DEVICE_KEY');
    } finally {
      catalog.accounts.save(account);
    }
    expect(ledger.verify()).toEqual(before);
    // Only the one good payout moved money.
    const listed = (await server.db.query<{ id: string }>('SELECT id FROM payouts')).length;
    expect(listed).toBe(1);
  });
});
