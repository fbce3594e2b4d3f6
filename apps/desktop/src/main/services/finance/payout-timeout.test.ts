// A payout whose answer comes too late must not be paid twice (issue 14 items 5 and 15): the studio gives up
// waiting (its deadline passes while the server has already moved the money), says the outcome is unknown,
// and the form's retry with the same submissionId gets that payout back instead of a second one. The real
// sync server (PGlite) sits behind a proxy that holds the payout answer until the test lets it go.
import { createServer, request, type Server, type ServerResponse } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../../sync-server/src/config.js';
import { buildServer, type FanzServer } from '../../../../../sync-server/src/server.js';
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
/** How many upcoming payout POSTs get their (complete) answer held back. */
let holdPayoutReplies = 0;
const held: Array<() => void> = [];
let serverAnswered: () => void = () => {};

/** Forwards everything; a held payout answer is read in full from the server, then written only on release. */
function startProxy(target: string): Promise<string> {
  const t = new URL(target);
  proxy = createServer((req, res: ServerResponse) => {
    const hold = req.method === 'POST' && req.url === '/api/v1/finance/payouts' && holdPayoutReplies > 0;
    if (hold) holdPayoutReplies--;
    const upstream = request({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
      const chunks: Buffer[] = [];
      up.on('data', (c: Buffer) => chunks.push(c));
      up.on('end', () => {
        const send = () => {
          if (res.destroyed || res.writableEnded) return;
          res.writeHead(up.statusCode ?? 502, up.headers);
          res.end(Buffer.concat(chunks));
        };
        if (!hold) return send();
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

const payoutRows = () => server.db.query<{ id: string }>('SELECT id FROM payouts ORDER BY created_at');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fanz-payouttimeout-'));
  server = await buildServer({ ...loadConfig({}), port: 0, host: '127.0.0.1', dataDir: join(dir, 'server'), logLevel: 'silent' }, { logger: false });
  serverUrl = await server.listen();
  const via = await startProxy(serverUrl);
  db = openDb(join(dir, 'studio'));
  const box = fileSecretBox(dir);
  catalog = new CatalogService({ db, box, defaultServerUrl: via, mode: 'browser', maxBackoffMs: 200, deviceName: 'timeout test' });
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

describe('a payout whose answer comes after the studio stopped waiting', () => {
  it('is an unknown outcome, and the retry of the same submission is paid once', async () => {
    const ledgerBefore = ledger.verify().entries;
    holdPayoutReplies = 1;
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
    expect(await payoutRows()).toHaveLength(1);
    expect(ledger.verify().entries).toBe(ledgerBefore);

    // The second click: same submission, so the same signed request and Idempotency-Key.
    const receipt = await requestPayout({ catalog, ledger }, input);
    const rows = await payoutRows();
    expect(rows).toHaveLength(1);
    expect(receipt.payoutId).toBe(rows[0]!.id);
    expect(ledger.verify()).toMatchObject({ ok: true, entries: ledgerBefore + 1 });

    // The late answer finally leaves the proxy: nobody is waiting for it and nothing changes.
    for (const send of held.splice(0)) send();
    expect(await payoutRows()).toHaveLength(1);
  });
});
