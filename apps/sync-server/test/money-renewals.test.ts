// Subscription renewals over real HTTP (PGlite): at the end of a period the saved test card is charged and
// the period extended (subscription.renewed webhook, ledger balanced); a card that keeps failing goes
// past_due, is retried 3 times on the dunning schedule and lapses (subscription.past_due x3, then
// subscription.canceled); a fan who cancels keeps access until the period ends and is not charged again;
// concurrent renewal passes charge a period exactly once. "The period ended" is simulated by moving
// current_period_end into the past in the database, as time passing would.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLedger } from '../src/ledger/ledger.js';
import type { TestGateway } from '../src/payments/payment-gateway.js';
import { api, eventually, makeStorage, register, type Account, type Running, type Storage } from './helpers.js';
import { FAST_MONEY, bearer, createTier, pay, startMoneyServer } from './money-helpers.js';

describe('subscription renewals', () => {
  let storage: Storage;
  let srv: Running;
  let creator: Account;
  let tier: { id: string };
  let hook: Server;
  const events: { type: string; data: Record<string, unknown> }[] = [];
  const gateway = () => srv.server.money.gateway as TestGateway;

  beforeAll(async () => {
    hook = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        events.push(JSON.parse(body));
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));
    storage = makeStorage('pglite');
    srv = await startMoneyServer(storage, {
      webhookAllowPrivate: true,
      money: { ...FAST_MONEY, renewals: { pollMs: 100, retryDelaysMs: [150, 150, 150], leaseMs: 10_000 } },
    });
    creator = await register(srv.url, 'creator');
    tier = await createTier(srv.url, creator);
    const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hooks`;
    const reg = await api(srv.url, 'POST', '/api/v1/webhooks', { url, events: ['subscription.renewed', 'subscription.past_due', 'subscription.canceled'] }, bearer(creator));
    expect(reg.status).toBe(201);
  });
  afterAll(async () => {
    await srv?.close();
    await storage?.cleanup();
    await new Promise((r) => hook?.close(r));
  });

  async function subscribe(): Promise<{ fan: Account; subId: string }> {
    const fan = await register(srv.url, 'fan');
    const res = await pay(srv.url, fan, { subscriptionId: tier.id });
    expect(res.status).toBe(201);
    return { fan, subId: res.body.data.subscription.id };
  }
  const endPeriod = (subId: string) =>
    srv.server.db.query(`UPDATE subscriptions SET current_period_end = now() - interval '1 second', next_attempt_at = now() - interval '1 second' WHERE id = $1`, [subId]);
  const completedPayments = async (fan: Account) =>
    (await srv.server.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM payments WHERE fan_id = $1 AND status = 'completed'`, [fan.id]))[0]!.n;
  const eventsOf = (type: string, subId: string) => events.filter((e) => e.type === type && e.data.subscriptionId === subId);

  it('charges the saved card at the end of the period and extends access by a month', async () => {
    const { fan, subId } = await subscribe();
    const mine = await api(srv.url, 'GET', '/api/v1/subscriptions/mine', undefined, bearer(fan));
    expect(mine.body.data.subscriptions[0]).toMatchObject({ id: subId, renewal: 'auto', price: { amount: 1999, currency: 'USD' } });
    await endPeriod(subId);
    expect((await api(srv.url, 'GET', `/api/v1/access?creatorId=${creator.id}`, undefined, bearer(fan))).body.data.has_subscription).toBe(false);
    await eventually(async () => (await completedPayments(fan)) === 2, 'the renewal payment');
    const access = await api(srv.url, 'GET', `/api/v1/access?creatorId=${creator.id}`, undefined, bearer(fan));
    expect(access.body.data.has_subscription).toBe(true);
    expect(Date.parse(access.body.data.expires_at) - Date.now()).toBeGreaterThan(27 * 86400_000);
    await eventually(async () => eventsOf('subscription.renewed', subId).length === 1, 'subscription.renewed');
    expect(eventsOf('subscription.renewed', subId)[0]!.data).toMatchObject({ period: 1, amount: { amount: 1999, currency: 'USD' } });
    const logged = await srv.server.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM log_entries WHERE kind = 'payment.completed' AND entry LIKE $1`, [`%${subId}%`]);
    expect(logged[0]!.n).toBe(1);
    expect((await auditLedger(srv.server.db)).ok).toBe(true);
  });

  it('a failing card goes past_due, is retried three times, then lapses and loses access', async () => {
    const { fan, subId } = await subscribe();
    await srv.server.db.query(`UPDATE subscriptions SET card_token = 'tok_card_declined' WHERE id = $1`, [subId]);
    await endPeriod(subId);
    await eventually(async () => eventsOf('subscription.canceled', subId).length === 1, 'the lapse', 20_000);
    expect(eventsOf('subscription.past_due', subId).map((e) => e.data.failedAttempts)).toEqual([1, 2, 3]);
    expect(eventsOf('subscription.canceled', subId)[0]!.data).toMatchObject({ reason: 'payment_failed', failedAttempts: 4 });
    const declined = await srv.server.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM payments WHERE fan_id = $1 AND status = 'declined'`, [fan.id]);
    expect(declined[0]!.n).toBe(4);
    expect(await completedPayments(fan)).toBe(1);
    const mine = await api(srv.url, 'GET', '/api/v1/subscriptions/mine', undefined, bearer(fan));
    expect(mine.body.data.subscriptions[0].renewal).toBe('lapsed');
    expect((await api(srv.url, 'GET', `/api/v1/access?creatorId=${creator.id}`, undefined, bearer(fan))).body.data.has_subscription).toBe(false);
  });

  it('a canceled subscription keeps access until the period ends and is never charged again', async () => {
    const { fan, subId } = await subscribe();
    const other = await register(srv.url, 'fan');
    expect((await api(srv.url, 'POST', `/api/v1/subscriptions/${subId}/cancel`, undefined, bearer(other))).status).toBe(404);
    const canceled = await api(srv.url, 'POST', `/api/v1/subscriptions/${subId}/cancel`, undefined, bearer(fan));
    expect(canceled.status).toBe(200);
    expect(canceled.body.data.renewal).toBe('canceled');
    expect(Date.parse(canceled.body.data.accessUntil)).toBeGreaterThan(Date.now() + 27 * 86400_000);
    expect((await api(srv.url, 'POST', `/api/v1/subscriptions/${subId}/cancel`, undefined, bearer(fan))).body.data.renewal).toBe('canceled');
    expect((await api(srv.url, 'GET', `/api/v1/access?creatorId=${creator.id}`, undefined, bearer(fan))).body.data.has_subscription).toBe(true);
    await eventually(async () => eventsOf('subscription.canceled', subId).length === 1, 'subscription.canceled');
    expect(eventsOf('subscription.canceled', subId)[0]!.data.reason).toBe('fan_canceled');
    await endPeriod(subId);
    await srv.server.money.renewals.runDue();
    await new Promise((r) => setTimeout(r, 400));
    expect(await completedPayments(fan)).toBe(1);
    expect((await api(srv.url, 'GET', `/api/v1/access?creatorId=${creator.id}`, undefined, bearer(fan))).body.data.has_subscription).toBe(false);
  });

  it('concurrent renewal passes charge one period exactly once', async () => {
    const { fan, subId } = await subscribe();
    const charges = gateway().chargeCount;
    await endPeriod(subId);
    await Promise.all(Array.from({ length: 6 }, () => srv.server.money.renewals.runDue()));
    await eventually(async () => (await completedPayments(fan)) === 2, 'the renewal payment');
    await new Promise((r) => setTimeout(r, 400));
    expect(await completedPayments(fan)).toBe(2);
    expect(gateway().chargeCount).toBe(charges + 1);
    const periods = await srv.server.db.query<{ n: number }>('SELECT count(*)::int AS n FROM subscription_renewals WHERE subscription_id = $1', [subId]);
    expect(periods[0]!.n).toBe(1);
  });
});
