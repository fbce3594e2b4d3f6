// Payouts over HTTP on PGlite and PostgreSQL: device signatures (401 without a valid one), the 1% fee,
// the state machine with the failure path returning money, idempotent retries, and 50 concurrent payouts
// that together exceed the balance never overdrawing it.
import { signJson } from '@fanz/core/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLedger } from '../src/ledger/ledger.js';
import { BACKENDS, api, makeStorage, pgSkipReason, register, type Account, type Running, type Storage } from './helpers.js';
import { bearer, freshPayout, newParties, pay, registerDevice, requestPayout, settledPayout, startMoneyServer, type Device } from './money-helpers.js';

async function available(srv: Running, creator: Account): Promise<number> {
  const res = await api(srv.url, 'GET', '/api/v1/finance/balance', undefined, bearer(creator));
  return res.body.data.available.amount;
}

describe.each(BACKENDS)('payouts on %s', (backend) => {
  const skip = backend === 'postgres' && pgSkipReason !== null;
  let storage: Storage;
  let srv: Running;
  let creator: Account;
  let fan: Account;
  let device: Device;

  beforeAll(async () => {
    if (skip) return;
    storage = makeStorage(backend);
    srv = await startMoneyServer(storage);
    ({ creator, fan } = await newParties(srv.url));
    device = await registerDevice(srv.url, creator);
    // A 1500.00 tip nets the creator 1350.00 (10% platform fee).
    const tip = await pay(srv.url, fan, { tip: { creatorId: creator.id, amount: { amount: 150000, currency: 'USD' } } });
    expect(tip.status).toBe(201);
  });
  afterAll(async () => {
    if (skip) return;
    await srv?.close();
    await storage?.cleanup();
  });

  it.skipIf(skip)('refuses payouts without a valid device signature (401) and moves nothing', async () => {
    const body = freshPayout({ amount: { amount: 1000, currency: 'USD' }, method: 'paxum', schedule: 'immediate' });
    const before = await available(srv, creator);
    const unsigned = await api(srv.url, 'POST', '/api/v1/finance/payouts', body, bearer(creator));
    expect(unsigned.status).toBe(401);
    expect(unsigned.body.error.code).toBe('INVALID_SIGNATURE');
    const tampered = await api(srv.url, 'POST', '/api/v1/finance/payouts', { ...body, amount: { amount: 2000, currency: 'USD' } }, {
      ...bearer(creator),
      'fanz-key-id': device.keyId,
      'fanz-signature': signJson(body, device.keys.secretKey),
    });
    expect(tampered.status).toBe(401);
    const garbage = await requestPayout(srv.url, creator, device, body, { 'fanz-signature': 'not-a-signature' });
    expect(garbage.status).toBe(401);
    // Another creator's device cannot sign for this creator.
    const intruder = await register(srv.url, 'creator');
    const intruderDevice = await registerDevice(srv.url, intruder);
    const foreign = await requestPayout(srv.url, creator, intruderDevice, body);
    expect(foreign.status).toBe(401);
    expect(await available(srv, creator)).toBe(before);
    // Signed but invalid bodies are still 400.
    for (const bad of [
      { ...body, amount: { amount: 10.5, currency: 'USD' } },
      { ...body, method: 'crypto' },
      { ...body, schedule: 'yearly' },
      { ...body, amount: { amount: 0, currency: 'USD' } },
    ]) {
      expect((await requestPayout(srv.url, creator, device, bad)).status).toBe(400);
    }
  });

  it.skipIf(skip)('pays 1250.00 out with a 1% fee (12.50, net 1237.50) through requested -> processing -> completed', async () => {
    const before = await available(srv, creator);
    const res = await requestPayout(srv.url, creator, device, { amount: { amount: 125000, currency: 'USD' }, method: 'paxum', schedule: 'immediate' });
    expect(res.status).toBe(201);
    // Answered once the hold committed; the processor is called after that.
    expect(res.body.data.status).toBe('requested');
    const p = await settledPayout(srv, res.body.data.payout_id);
    expect(p).toMatchObject({
      status: 'completed',
      transaction_fee: { amount: 1250, currency: 'USD' },
      net_amount: { amount: 123750, currency: 'USD' },
    });
    expect(p.tracking.reference_number).toMatch(/^FZ-[0-9A-F]{16}$/);
    expect(await available(srv, creator)).toBe(before - 125000);
    const list = await api(srv.url, 'GET', '/api/v1/finance/payouts', undefined, bearer(creator));
    expect(list.body.data.payouts[0].payout_id).toBe(p.payout_id);
    const kinds = await srv.server.db.query<{ kind: string }>(
      `SELECT kind FROM log_entries WHERE creator_id = $1 AND entry LIKE $2 ORDER BY idx`,
      [creator.id, `%${p.payout_id}%`],
    );
    expect(kinds.map((k) => k.kind)).toEqual(['payout.requested', 'payout.completed']);
    const fees = await srv.server.db.query<{ balance: string | number }>(`SELECT balance FROM ledger_accounts WHERE id = 'processor_fees:platform:USD'`);
    expect(Number(fees[0]!.balance)).toBe(1250);
  });

  it.skipIf(skip)('a payout the processor rejects (net 10.13) ends failed and returns the money', async () => {
    const before = await available(srv, creator);
    const res = await requestPayout(srv.url, creator, device, { amount: { amount: 1023, currency: 'USD' }, method: 'bank_transfer', schedule: 'immediate' });
    expect(res.status).toBe(201);
    const p = await settledPayout(srv, res.body.data.payout_id);
    expect(p.status).toBe('failed');
    expect(p.failure_reason).toMatch(/rejects/);
    expect(await available(srv, creator)).toBe(before);
  });

  it.skipIf(skip)('a retried payout with the same Idempotency-Key pays once', async () => {
    const before = await available(srv, creator);
    const body = freshPayout({ amount: { amount: 500, currency: 'USD' }, method: 'paxum', schedule: 'immediate' });
    const a = await requestPayout(srv.url, creator, device, body, { 'idempotency-key': 'payout-1' });
    const b = await requestPayout(srv.url, creator, device, body, { 'idempotency-key': 'payout-1' });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.body.data.payout_id).toBe(a.body.data.payout_id);
    expect(await available(srv, creator)).toBe(before - 500);
  });

  it.skipIf(skip)('50 concurrent payouts that together exceed the balance never overdraw it', async () => {
    const start = await available(srv, creator);
    const each = Math.floor(start / 20) + 1; // at most 19 fit
    const results = await Promise.all(
      Array.from({ length: 50 }, () => requestPayout(srv.url, creator, device, { amount: { amount: each, currency: 'USD' }, method: 'paxum', schedule: 'immediate' })),
    );
    const ok = results.filter((r) => r.status === 201);
    const refused = results.filter((r) => r.status === 409);
    expect(ok.length + refused.length).toBe(50);
    expect(ok.length).toBe(Math.floor(start / each));
    expect(refused.every((r) => r.body.error.code === 'INSUFFICIENT_FUNDS')).toBe(true);
    const end = await available(srv, creator);
    expect(end).toBe(start - ok.length * each);
    expect(end).toBeGreaterThanOrEqual(0);
    const negative = await srv.server.db.query(`SELECT id FROM ledger_accounts WHERE kind IN ('creator_earnings', 'payouts_in_transit') AND balance < 0`);
    expect(negative).toEqual([]);
    expect((await auditLedger(srv.server.db)).ok).toBe(true);
  });
});
