// Chargebacks arrive as signed gateway notifications over real HTTP (PGlite): the payment is reversed once
// (creator balance back, access revoked, `payment.charged_back` in the transparency log), a redelivery is
// answered without acting twice, and unsigned, tampered or stale notifications are refused (401).
import { canonicalJson } from '@fanz/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLedger } from '../src/ledger/ledger.js';
import type { TestGateway } from '../src/payments/payment-gateway.js';
import { signGatewayNotification } from '../src/payments/gateway-notifications.js';
import { api, makeStorage, type Account, type Running, type Storage } from './helpers.js';
import { bearer, createTier, newParties, pay, startMoneyServer } from './money-helpers.js';

const NOTIFY = '/api/v1/payments/gateway-notifications';

describe('chargeback notifications', () => {
  let storage: Storage;
  let srv: Running;
  let creator: Account;
  let fan: Account;
  const gateway = () => srv.server.money.gateway as TestGateway;

  beforeAll(async () => {
    storage = makeStorage('pglite');
    srv = await startMoneyServer(storage);
    ({ creator, fan } = await newParties(srv.url));
  });
  afterAll(async () => {
    await srv?.close();
    await storage?.cleanup();
  });

  async function chargeOf(paymentId: string): Promise<string> {
    const rows = await srv.server.db.query<{ gateway_charge_id: string }>('SELECT gateway_charge_id FROM payments WHERE id = $1', [paymentId]);
    return rows[0]!.gateway_charge_id;
  }

  it('a signed dispute reverses the payment once, revokes access and is in the log', async () => {
    const tier = await createTier(srv.url, creator);
    const before = (await api(srv.url, 'GET', '/api/v1/finance/balance', undefined, bearer(creator))).body.data.available;
    const paid = await pay(srv.url, fan, { subscriptionId: tier.id });
    expect(paid.status).toBe(201);
    const paymentId = paid.body.data.payment.id;
    const { body, headers } = gateway().disputeNotification(await chargeOf(paymentId));

    const res = await api(srv.url, 'POST', NOTIFY, body, headers);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ paymentId, status: 'charged_back', duplicate: false });
    expect((await api(srv.url, 'GET', '/api/v1/finance/balance', undefined, bearer(creator))).body.data.available).toEqual(before);
    const access = await api(srv.url, 'GET', `/api/v1/access?creatorId=${creator.id}`, undefined, bearer(fan));
    expect(access.body.data.has_subscription).toBe(false);
    const logged = await srv.server.db.query<{ kind: string }>(`SELECT kind FROM log_entries WHERE entry LIKE $1 ORDER BY idx`, [`%${paymentId}%`]);
    expect(logged.map((r) => r.kind)).toEqual(['payment.completed', 'payment.charged_back']);

    // Redelivery: answered, nothing reversed twice.
    const transactions = async () => (await srv.server.db.query<{ n: number }>('SELECT count(*)::int AS n FROM ledger_transactions'))[0]!.n;
    const count = await transactions();
    const again = await api(srv.url, 'POST', NOTIFY, body, headers);
    expect(again.status).toBe(200);
    expect(again.body.data.duplicate).toBe(true);
    expect(await transactions()).toBe(count);
    expect((await auditLedger(srv.server.db)).ok).toBe(true);
  });

  it('refuses unsigned, tampered, wrongly keyed and stale notifications (401) and moves nothing', async () => {
    const paid = await pay(srv.url, fan, { tip: { creatorId: creator.id, amount: { amount: 800, currency: 'USD' } } });
    const paymentId = paid.body.data.payment.id;
    const { notification, headers } = gateway().disputeNotification(await chargeOf(paymentId));
    const cases: [string, unknown, Record<string, string>][] = [
      ['unsigned', notification, {}],
      ['tampered', { ...notification, reason: 'duplicate' }, headers],
      ['wrong key', notification, { ...signGatewayNotification(notification, 'whsec_' + Buffer.alloc(32, 7).toString('base64')) }],
      ['stale', notification, { ...signGatewayNotification(notification, gateway().notificationSecret, Math.floor(Date.now() / 1000) - 600) }],
    ];
    for (const [what, body, h] of cases) {
      const res = await api(srv.url, 'POST', NOTIFY, canonicalJson(body), h);
      expect({ what, status: res.status, code: res.body.error?.code }).toEqual({ what, status: 401, code: 'INVALID_SIGNATURE' });
    }
    const status = await srv.server.db.query<{ status: string }>('SELECT status FROM payments WHERE id = $1', [paymentId]);
    expect(status[0]!.status).toBe('completed');
    // A signed notification for a charge we never recorded is 404.
    const unknown = { ...notification, id: 'gwevt_unknown0001', chargeId: 'ch_test_doesnotexist' };
    expect((await api(srv.url, 'POST', NOTIFY, canonicalJson(unknown), { ...signGatewayNotification(unknown, gateway().notificationSecret) })).status).toBe(404);
  });
});
