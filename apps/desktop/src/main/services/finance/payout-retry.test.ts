// A payout whose reply is lost must not be paid twice (issue 14 item 5). The studio talks to the real sync
// server (PGlite) through a proxy that forwards the payout POST to the server and then drops the connection
// before the answer reaches the studio: the money moved, the studio only sees "unreachable". The form's
// retry (same submissionId) must get that payout back, not create a second one; a late retry (after the
// 5-minute signing window) too. The same proxy can instead hold the answer back until the studio's deadline
// has passed (issue 14 item 15): the outcome is unknown, and the retry is still paid once.
import { randomUUID } from 'node:crypto';
import { createServer, request, type Server, type ServerResponse } from 'node:http';
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
import { PAYOUT_OUTCOME_UNKNOWN, StudioApiError } from '../../../shared/studio-api.js';

let dir: string;
let server: FanzServer;
let serverUrl: string;
let proxy: Server;
let db: Db;
let catalog: CatalogService;
let ledger: LedgerService;
/** What happens to the answers of the next payout POSTs: dropped (socket destroyed) or held until released. */
const payoutFaults: Array<'drop' | 'hold'> = [];
const held: Array<() => void> = [];
let serverAnswered: () => void = () => {};

/** Forwards everything; a payout answer with a fault queued is read in full from the server, then dropped or held. */
function startProxy(target: string): Promise<string> {
  const t = new URL(target);
  proxy = createServer((req, res: ServerResponse) => {
    const fault = req.method === 'POST' && req.url === '/api/v1/finance/payouts' ? payoutFaults.shift() : undefined;
    const upstream = request({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
      const chunks: Buffer[] = [];
      up.on('data', (c: Buffer) => chunks.push(c));
      up.on('end', () => {
        const send = () => {
          if (res.destroyed || res.writableEnded) return;
          res.writeHead(up.statusCode ?? 502, up.headers);
          res.end(Buffer.concat(chunks));
        };
        if (fault === 'drop') return req.socket.destroy();
        if (fault !== 'hold') return send();
        held.push(send);
        serverAnswered();
      });
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
  for (const send of held.splice(0)) send();
  catalog?.close();
  db?.close();
  proxy?.closeAllConnections();
  await new Promise((r) => proxy?.close(r));
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a payout retried after a lost reply', () => {
  it('is paid once: the retry with the same submissionId gets the first payout back', async () => {
    const ledgerBefore = ledger.verify().entries;
    payoutFaults.push('drop');
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
    payoutFaults.push('drop');
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

describe('a payout whose answer comes after the studio stopped waiting', () => {
  it('is an unknown outcome, and the retry of the same submission is paid once', async () => {
    const ledgerBefore = ledger.verify().entries;
    const count = (await payoutRows()).length;
    payoutFaults.push('hold');
    const answered = new Promise<void>((r) => (serverAnswered = r));
    const input = { amount: { amount: 900, currency: 'USD' as const }, method: 'bank_transfer' as const, submissionId: 'form-submission-timeout-1' };
    const first = requestPayout({ catalog, ledger, serverTimeoutMs: 300 }, input).then(
      () => null,
      (e: unknown) => e,
    );
    await answered; // the server has paid; its answer waits in the proxy
    const err = (await first) as StudioApiError;
    expect(err).toBeInstanceOf(StudioApiError);
    expect(err.code).toBe('SERVER_TIMEOUT');
    expect(err.message).toMatch(/did not answer within 0\.3 s/);
    expect(PAYOUT_OUTCOME_UNKNOWN.has(err.code)).toBe(true);
    expect(await payoutRows()).toHaveLength(count + 1);
    expect(ledger.verify().entries).toBe(ledgerBefore);

    // The second click: same submission, so the same signed request and Idempotency-Key.
    const receipt = await requestPayout({ catalog, ledger }, input);
    const rows = await payoutRows();
    expect(rows).toHaveLength(count + 1);
    expect(receipt.payoutId).toBe(rows.at(-1)!.id);
    expect(ledger.verify()).toMatchObject({ ok: true, entries: ledgerBefore + 1 });

    // The late answer finally leaves the proxy: nobody is waiting for it and nothing changes.
    for (const send of held.splice(0)) send();
    expect(await payoutRows()).toHaveLength(count + 1);
  });
});
