// The studio reads the real server's balance and payouts with @fanz/core's schemas (issue 14 item 1), and a
// payout list the server fails to give is an error in words, not "no payouts" (item 13). The server runs
// on PGlite; a proxy in front of it makes the payout list answer 503 for the failure case.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
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
import { readFinance } from './finance-client.js';
import { requestPayout } from './payout-request.js';

let dir: string;
let server: FanzServer;
let url: string;
let failing: Server;
let failingUrl: string;
let db: Db;
let catalog: CatalogService;
let ledger: LedgerService;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fanz-finance-'));
  server = await buildServer({ ...loadConfig({}), port: 0, host: '127.0.0.1', dataDir: join(dir, 'server'), logLevel: 'silent' }, { logger: false });
  url = await server.listen();
  const t = new URL(url);
  failing = createServer((req, res) => {
    if (req.url === '/api/v1/finance/payouts') {
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ success: false, error: { code: 'SERVER_BUSY', message: 'The server is busy; try again shortly.' }, meta: {} }));
      return;
    }
    req.pipe(request({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    }));
  });
  failingUrl = await new Promise<string>((r) => failing.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${(failing.address() as AddressInfo).port}`)));
  db = openDb(join(dir, 'studio'));
  const box = fileSecretBox(dir);
  catalog = new CatalogService({ db, box, defaultServerUrl: url, mode: 'browser', maxBackoffMs: 200, deviceName: 'finance test' });
  const n = Math.random().toString(36).slice(2, 10);
  const session = await catalog.register({ serverUrl: url, email: `c${n}@example.test`, password: 'correct horse battery', username: `creator_${n}`, displayName: 'C' });
  ledger = new LedgerService(db, { accounts: catalog.accounts, box });
  const fan = (await (await fetch(`${url}/api/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ role: 'fan', username: `fan_${n}`, email: `f${n}@example.test`, password: 'correct horse battery', displayName: 'F' }),
  })).json()) as { data: { accessToken: string } };
  const tip = await fetch(`${url}/api/v1/payments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${fan.data.accessToken}`, 'idempotency-key': `tip-${n}` },
    body: JSON.stringify({ tip: { creatorId: session.user!.id, amount: { amount: 3000, currency: 'USD' } }, paymentMethod: { type: 'test_card', cardToken: 'tok_visa_success' } }),
  });
  expect(tip.status).toBe(201);
});

afterAll(async () => {
  catalog?.close();
  db?.close();
  await new Promise((r) => failing?.close(r));
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('readFinance', () => {
  it('parses the real balance and payouts with core schemas', async () => {
    const receipt = await requestPayout({ catalog, ledger }, { amount: { amount: 1000, currency: 'USD' }, method: 'bank_transfer' });
    const f = await readFinance(url, await catalog.getAccessToken());
    expect(f.payoutsError).toBeNull();
    expect(f.balance.available).toEqual({ amount: 1700, currency: 'USD' });
    expect(f.balance.balances).toHaveLength(1);
    expect(f.payouts).toHaveLength(1);
    expect(f.payouts[0]).toMatchObject({ payout_id: receipt.payoutId, method: 'bank_transfer', amount: { amount: 1000, currency: 'USD' } });
  });

  it('says the payouts could not be loaded instead of showing none', async () => {
    const f = await readFinance(failingUrl, await catalog.getAccessToken());
    expect(f.balance.available.currency).toBe('USD');
    expect(f.payouts).toEqual([]);
    expect(f.payoutsError).toContain('could not be loaded');
    expect(f.payoutsError).toContain('busy');
  });
});
