// A payout whose reply is lost must not be paid twice (issue 14 item 5). The studio talks to the real sync
// server (PGlite) through a proxy that forwards the payout POST to the server and then drops the connection
// before the answer reaches the studio: the money moved, the studio only sees "unreachable". The form's
// retry (same submissionId) must get that payout back, not create a second one; a late retry (after the
// 5-minute signing window) too.
import { randomUUID } from 'node:crypto';
import { createServer, request, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../../sync-server/src/config.js';
import { buildServer, type FanzServer } from '../../../../../sync-server/src/server.js';
import { PAYOUT_MAX_SKEW_MS } from '../../../../../sync-server/src/payouts/payout-schemas.js';
import { signJson } from '@fanz/core/node';
import { fromBase64Url } from '@fanz/core';
import { openDb, type Db } from '../library/db.js';
import { LedgerService } from '../ledger/ledger-service.js';
import { fileSecretBox } from '../account/account-store.js';
import { CatalogService } from '../catalog/catalog-service.js';
import { requestPayout } from './payout-request.js';
import { StudioApiError } from '../../../shared/studio-api.js';

let dir: string;
let server: FanzServer;
let serverUrl: string;
let proxy: Server;
let db: Db;
let catalog: CatalogService;
let ledger: LedgerService;
/** How many upcoming payout POSTs get their reply dropped after the server answered. */
let dropPayoutReplies = 0;

/** Forwards everything to the server; for a payout POST while dropPayoutReplies > 0, waits for the server's full answer, then destroys the client socket. */
function startProxy(target: string): Promise<string> {
  const t = new URL(target);
  proxy = createServer((req, res) => {
    const drop = req.method === 'POST' && req.url === '/api/v1/finance/payouts' && dropPayoutReplies > 0;
    if (drop) dropPayoutReplies--;
    const upstream = request({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
      if (drop) {
        up.resume();
        up.on('end', () => req.socket.destroy());
        return;
      }
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    req.pipe(upstream);
  });
  return new Promise((resolve) => proxy.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(proxy.address() as AddressInfo).port}`)));
}

async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; data: Record<string, unknown> }> {
  const res = await fetch(`${serverUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const json = (await res.json()) as { data: Record<string, unknown> };
  return { status: res.status, data: json.data };
}

async function payoutRows(): Promise<Array<{ id: string; amount: string | number }>> {
  return server.db.query<{ id: string; amount: string | number }>('SELECT id, amount FROM payouts ORDER BY created_at');
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fanz-payoutretry-'));
  server = await buildServer({ ...loadConfig({}), port: 0, host: '127.0.0.1', dataDir: join(dir, 'server'), logLevel: 'silent' }, { logger: false });
  serverUrl = await server.listen();
  const via = await startProxy(serverUrl);
  db = openDb(join(dir, 'studio'));
  const box = fileSecretBox(dir);
  catalog = new CatalogService({ db, box, defaultServerUrl: via, mode: 'browser', maxBackoffMs: 200, deviceName: 'retry test' });
  const n = Math.random().toString(36).slice(2, 10);
  const session = await catalog.register({ serverUrl: via, email: `c${n}@example.test`, password: 'correct horse battery', username: `creator_${n}`, displayName: 'C' });
  ledger = new LedgerService(db, { accounts: catalog.accounts, box });
  const fan = await post('/api/v1/auth/register', { role: 'fan', username: `fan_${n}`, email: `f${n}@example.test`, password: 'correct horse battery', displayName: 'F' });
  const paid = await post(
    '/api/v1/payments',
    { tip: { creatorId: session.user!.id, amount: { amount: 5000, currency: 'USD' } }, paymentMethod: { type: 'test_card', cardToken: 'tok_visa_success' } },
    { authorization: `Bearer ${fan.data.accessToken as string}`, 'idempotency-key': `tip-${n}` },
  );
  expect(paid.status).toBe(201);
});

afterAll(async () => {
  catalog?.close();
  db?.close();
  await new Promise((r) => proxy?.close(r));
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a payout retried after a lost reply', () => {
  it('is paid once: the retry with the same submissionId gets the first payout back', async () => {
    const ledgerBefore = ledger.verify().entries;
    dropPayoutReplies = 1;
    const input = { amount: { amount: 700, currency: 'USD' as const }, method: 'paxum' as const, submissionId: 'form-submission-0001' };
    const lost = await requestPayout({ catalog, ledger }, input).then(
      () => null,
      (e: unknown) => e,
    );
    expect(lost).toBeInstanceOf(StudioApiError);
    expect((lost as StudioApiError).code).toBe('SERVER_UNREACHABLE');
    // The server did move the money; the studio did not hear it and attested nothing yet.
    expect(await payoutRows()).toHaveLength(1);
    expect(ledger.verify().entries).toBe(ledgerBefore);

    const receipt = await requestPayout({ catalog, ledger }, input);
    const rows = await payoutRows();
    expect(rows).toHaveLength(1);
    expect(receipt.payoutId).toBe(rows[0]!.id);
    expect(receipt.amount).toEqual({ amount: 700, currency: 'USD' });
    expect(ledger.verify()).toMatchObject({ ok: true, entries: ledgerBefore + 1 });

    // The submission is finished: the same id again is a new payout (the form makes a new id per submission).
    const again = await requestPayout({ catalog, ledger }, input);
    expect(again.payoutId).not.toBe(receipt.payoutId);
    expect(await payoutRows()).toHaveLength(2);
  });

  it('refuses to send another amount under a submission whose outcome is unknown', async () => {
    dropPayoutReplies = 1;
    const first = { amount: { amount: 300, currency: 'USD' as const }, method: 'paxum' as const, submissionId: 'form-submission-0002' };
    await expect(requestPayout({ catalog, ledger }, first)).rejects.toMatchObject({ code: 'SERVER_UNREACHABLE' });
    const count = (await payoutRows()).length;
    await expect(requestPayout({ catalog, ledger }, { ...first, amount: { amount: 301, currency: 'USD' as const } })).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    expect(await payoutRows()).toHaveLength(count);
    const settled = await requestPayout({ catalog, ledger }, first);
    expect(await payoutRows()).toHaveLength(count);
    expect(settled.amount).toEqual({ amount: 300, currency: 'USD' });
  });

  it('a retry after the signing window still gets the payout that was made, not a refusal', async () => {
    // Signed just inside the 5-minute window, sent, then retried once the window has passed.
    const account = catalog.accounts.get()!;
    const body = {
      amount: { amount: 100, currency: 'USD' },
      method: 'paxum',
      schedule: 'immediate',
      nonce: `late${randomUUID().replaceAll('-', '')}`,
      timestamp: new Date(Date.now() - PAYOUT_MAX_SKEW_MS + 3000).toISOString(),
    };
    const headers = {
      authorization: `Bearer ${await catalog.getAccessToken()}`,
      'fanz-key-id': account.deviceKeyId!,
      'fanz-signature': signJson(body, fromBase64Url(account.deviceSecretKey!)),
      'idempotency-key': `late-${body.nonce}`,
    };
    const first = await post('/api/v1/finance/payouts', body, headers);
    expect(first.status).toBe(201);
    const wait = Date.parse(body.timestamp) + PAYOUT_MAX_SKEW_MS + 50 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const retry = await post('/api/v1/finance/payouts', body, headers);
    expect(retry.status).toBe(201);
    expect(retry.data.payout_id).toBe(first.data.payout_id);
    // A new request signed at that (now stale) time is still refused, with or without a key.
    const stale = { ...body, nonce: `${body.nonce}x` };
    const signature = signJson(stale, fromBase64Url(account.deviceSecretKey!));
    for (const key of [{}, { 'idempotency-key': `late-${stale.nonce}` }] as Array<Record<string, string>>) {
      const refused = await fetch(`${serverUrl}/api/v1/finance/payouts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: headers.authorization, 'fanz-key-id': account.deviceKeyId!, 'fanz-signature': signature, ...key },
        body: JSON.stringify(stale),
      });
      expect(refused.status).toBe(401);
      expect(((await refused.json()) as { error: { details: { reason: string } } }).error.details.reason).toBe('timestamp_skew');
    }
  });
});
