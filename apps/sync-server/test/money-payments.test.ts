// Payments over real HTTP on PGlite and PostgreSQL: the seed's subscription flow with the documented split,
// declined and unavailable cards, tips, pay-per-view grants, idempotency (replays, conflicts, 200 concurrent
// requests with one key), refunds and chargebacks, and bad input.
import * as Y from 'yjs';
import { newId } from '@fanz/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLedger } from '../src/ledger/ledger.js';
import type { TestGateway } from '../src/payments/payment-gateway.js';
import { BACKENDS, api, makeStorage, pgSkipReason, type Account, type Running, type Storage } from './helpers.js';
import { bearer, createTier, newParties, pay, startMoneyServer } from './money-helpers.js';

async function ledgerCounts(srv: Running) {
  const rows = await srv.server.db.query<{ t: number; x: number; l: number }>(
    'SELECT (SELECT count(*)::int FROM ledger_transactions) AS t, (SELECT count(*)::int FROM ledger_transfers) AS x, (SELECT count(*)::int FROM log_entries) AS l',
  );
  return rows[0]!;
}

describe.each(BACKENDS)('payments on %s', (backend) => {
  const skip = backend === 'postgres' && pgSkipReason !== null;
  let storage: Storage;
  let srv: Running;
  let creator: Account;
  let fan: Account;
  // A second creator and a fan who never subscribes to the first creator (registration is slow: scrypt).
  let creator2: Account;
  let fan2: Account;
  let tier: { id: string };

  beforeAll(async () => {
    if (skip) return;
    storage = makeStorage(backend);
    srv = await startMoneyServer(storage);
    [{ creator, fan }, { creator: creator2, fan: fan2 }] = await Promise.all([newParties(srv.url), newParties(srv.url)]);
    tier = await createTier(srv.url, creator);
  });
  afterAll(async () => {
    if (skip) return;
    await srv?.close();
    await storage?.cleanup();
  });

  it.skipIf(skip)('a 19.99 subscription completes, credits creator 18.00 and platform 1.99, and grants access', async () => {
    const res = await pay(srv.url, fan, { subscriptionId: tier.id }, 'sub-1');
    expect(res.status).toBe(201);
    const p = res.body.data.payment;
    expect(p).toMatchObject({ status: 'completed', amount: { amount: 1999, currency: 'USD' }, kind: 'subscription' });
    // @fanz/core platformSplit: the 10% fee is floored (199.9 -> 199), the creator gets the rest (1800).
    expect(p.platformFee).toEqual({ amount: 199, currency: 'USD' });
    expect(p.creatorNet).toEqual({ amount: 1800, currency: 'USD' });
    expect(p.platformFee.amount + p.creatorNet.amount).toBe(1999);
    expect(p.transactionId).toMatch(/^txn_/);
    expect(Number.isInteger(p.logIndex)).toBe(true);

    const balance = await api(srv.url, 'GET', '/api/v1/finance/balance', undefined, bearer(creator));
    expect(balance.status).toBe(200);
    expect(balance.body.data.available).toEqual({ amount: 1800, currency: 'USD' });
    expect(balance.body.data.lifetimeEarnings).toEqual({ amount: 1800, currency: 'USD' });

    const access = await api(srv.url, 'GET', `/api/v1/access?creatorId=${creator.id}`, undefined, bearer(fan));
    expect(access.status).toBe(200);
    expect(access.body.data.has_subscription).toBe(true);
    expect(access.body.data.subscription_tier).toBe('Premium');
    expect(access.body.data.subscription_tier_id).toBe(tier.id);
    const expires = Date.parse(access.body.data.expires_at);
    expect(expires - Date.now()).toBeGreaterThan(27 * 86400_000);
    expect(expires - Date.now()).toBeLessThan(32 * 86400_000);

    const platform = await srv.server.db.query<{ balance: string | number }>(`SELECT balance FROM ledger_accounts WHERE id = 'platform_fees:platform:USD'`);
    expect(Number(platform[0]!.balance)).toBe(199);
    const audit = await auditLedger(srv.server.db);
    expect(audit.ok).toBe(true);
    expect(audit.totals.USD).toBe(0);
  });

  it.skipIf(skip)('the money routes are in the OpenAPI document', async () => {
    const doc = await api(srv.url, 'GET', '/api/v1/openapi.json');
    expect(doc.status).toBe(200);
    for (const path of ['/api/v1/payments', '/api/v1/subscriptions', '/api/v1/access', '/api/v1/finance/payouts', '/api/v1/finance/balance', '/api/v1/log/tree-head', '/api/v1/log/proofs/inclusion', '/api/v1/webhooks']) {
      expect(Object.keys(doc.body.paths)).toContain(path);
    }
  });

  it.skipIf(skip)('the tier is in the creator catalog document, and a tier written there by the desktop can be bought', async () => {
    const [c2, f2] = [creator2, fan2];
    const tierId = newId('tier');
    await srv.server.docs.edit(`creator:${c2.id}`, (doc: Y.Doc) =>
      doc.getMap('tiers').set(tierId, { id: tierId, name: 'Gold', price: { amount: 500, currency: 'EUR' }, interval: 'month', benefits: [], active: true }),
    );
    const res = await pay(srv.url, f2, { subscriptionId: tierId });
    expect(res.status).toBe(201);
    expect(res.body.data.payment.amount).toEqual({ amount: 500, currency: 'EUR' });
    expect(res.body.data.payment.creatorNet).toEqual({ amount: 450, currency: 'EUR' });
    const listed = await api(srv.url, 'GET', `/api/v1/subscriptions?creatorId=${creator.id}`);
    expect(listed.body.data.tiers.map((t: { id: string }) => t.id)).toEqual([tier.id]);
  });

  it.skipIf(skip)('a declined card answers 402 "Payment declined": no access, no payout money, no ledger movement', async () => {
    const other = fan2;
    const before = await ledgerCounts(srv);
    const res = await pay(srv.url, other, { subscriptionId: tier.id }, 'declined-1', 'tok_card_declined');
    expect(res.status).toBe(402);
    expect(res.body.error.code).toBe('PAYMENT_DECLINED');
    expect(res.body.error.message).toBe('Payment declined');
    expect(await ledgerCounts(srv)).toEqual(before);
    const access = await api(srv.url, 'GET', `/api/v1/access?creatorId=${creator.id}`, undefined, bearer(other));
    expect(access.body.data).toMatchObject({ has_subscription: false, subscription_tier: null, expires_at: null });
    // The same key replays the decline without asking the gateway again.
    const gateway = srv.server.money.gateway as TestGateway;
    const attempts = gateway.attempts;
    const again = await pay(srv.url, other, { subscriptionId: tier.id }, 'declined-1', 'tok_card_declined');
    expect(again.status).toBe(402);
    expect(gateway.attempts).toBe(attempts);
  });

  it.skipIf(skip)('a network error is retried, then answers 503 with nothing charged; a flaky network succeeds on retry', async () => {
    const gateway = srv.server.money.gateway as TestGateway;
    const before = await ledgerCounts(srv);
    const attempts = gateway.attempts;
    const res = await pay(srv.url, fan, { tip: { creatorId: creator.id, amount: { amount: 300, currency: 'USD' } } }, 'net-1', 'tok_network_error');
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('PAYMENT_UNAVAILABLE');
    expect(gateway.attempts - attempts).toBe(3);
    expect(await ledgerCounts(srv)).toEqual(before);
    const flaky = await pay(srv.url, fan, { tip: { creatorId: creator.id, amount: { amount: 300, currency: 'USD' } } }, 'flaky-1', 'tok_flaky');
    expect(flaky.status).toBe(201);
    expect(flaky.body.data.payment.kind).toBe('tip');
    expect(flaky.body.data.payment.creatorNet).toEqual({ amount: 270, currency: 'USD' });
  });

  it.skipIf(skip)('200 concurrent requests with one idempotency key charge once and all get the same payment', async () => {
    const f = fan;
    const gateway = srv.server.money.gateway as TestGateway;
    const charges = gateway.chargeCount;
    const payments = async () =>
      (await srv.server.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM payments WHERE fan_id = $1`, [f.id]))[0]!.n;
    const before = await payments();
    const results = await Promise.all(Array.from({ length: 200 }, () => pay(srv.url, f, { subscriptionId: tier.id }, 'same-key-200')));
    expect(results.map((r) => r.status)).toEqual(Array(200).fill(201));
    expect(new Set(results.map((r) => r.body.data.payment.id)).size).toBe(1);
    expect(gateway.chargeCount - charges).toBe(1);
    expect((await payments()) - before).toBe(1);
  });

  it.skipIf(skip)('the same key with a different request is 409; an invalid key is 400', async () => {
    const first = await pay(srv.url, fan, { tip: { creatorId: creator.id, amount: { amount: 100, currency: 'USD' } } }, 'reuse-1');
    expect(first.status).toBe(201);
    const replayed = await pay(srv.url, fan, { tip: { creatorId: creator.id, amount: { amount: 100, currency: 'USD' } } }, 'reuse-1');
    expect(replayed.status).toBe(201);
    expect(replayed.body.data.payment.id).toBe(first.body.data.payment.id);
    const other = await pay(srv.url, fan, { tip: { creatorId: creator.id, amount: { amount: 101, currency: 'USD' } } }, 'reuse-1');
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('CONFLICT');
    const bad = await pay(srv.url, fan, { tip: { creatorId: creator.id, amount: { amount: 100, currency: 'USD' } } }, 'bad key with spaces');
    expect(bad.status).toBe(400);
  });

  it.skipIf(skip)('rejects bad payment input with clear 400/403/404 errors and moves no money', async () => {
    const before = await ledgerCounts(srv);
    const cases: [Record<string, unknown>, number][] = [
      [{ tip: { creatorId: creator.id, amount: { amount: 19.99, currency: 'USD' } } }, 400],
      [{ tip: { creatorId: creator.id, amount: { amount: -5, currency: 'USD' } } }, 400],
      [{ tip: { creatorId: creator.id, amount: { amount: 5, currency: 'XXX' } } }, 400],
      [{ subscriptionId: tier.id, postId: 'post_abcdefgh' }, 400],
      [{}, 400],
      [{ subscriptionId: newId('tier') }, 404],
      [{ tip: { creatorId: fan.id, amount: { amount: 500, currency: 'USD' } } }, 404],
      [{ postId: newId('post') }, 404],
    ];
    for (const [body, status] of cases) {
      const res = await pay(srv.url, fan, body);
      expect({ body, status: res.status }).toEqual({ body, status });
      expect(res.body.success).toBe(false);
    }
    const asCreator = await api(srv.url, 'POST', '/api/v1/payments', { subscriptionId: tier.id, paymentMethod: { type: 'test_card', cardToken: 'tok_visa_success' } }, bearer(creator));
    expect(asCreator.status).toBe(403);
    const anonymous = await api(srv.url, 'POST', '/api/v1/payments', { subscriptionId: tier.id, paymentMethod: { type: 'test_card', cardToken: 'tok_visa_success' } });
    expect(anonymous.status).toBe(401);
    expect(await ledgerCounts(srv)).toEqual(before);
  });

  it.skipIf(skip)('a pay-per-view purchase returns a signed, expiring grant with a download limit', async () => {
    const postId = newId('post');
    await srv.server.docs.edit(`creator:${creator.id}`, (doc) => {
      const post = new Y.Map<unknown>();
      doc.getMap('posts').set(postId, post);
      post.set('title', 'Behind the scenes');
      post.set('visibility', 'pay_per_view');
      post.set('status', 'published');
      post.set('price', { amount: 499, currency: 'USD' });
    });
    const f = fan2;
    const res = await pay(srv.url, f, { postId });
    expect(res.status).toBe(201);
    const grant = res.body.data.access_granted;
    expect(grant).toMatchObject({ postId, download_limit: 5 });
    expect(Date.parse(grant.expires_at)).toBeGreaterThan(Date.now());
    const access = await api(srv.url, 'GET', `/api/v1/access?creatorId=${creator.id}`, undefined, bearer(f));
    expect(access.body.data.purchased_posts).toEqual([postId]);
    for (let i = 4; i >= 0; i--) {
      const r = await api(srv.url, 'GET', grant.url);
      expect(r.status).toBe(200);
      expect(r.body.data).toMatchObject({ postId, downloadsRemaining: i });
    }
    expect((await api(srv.url, 'GET', grant.url)).status).toBe(403);
    const forged = grant.token.slice(0, -2) + (grant.token.endsWith('AA') ? 'BB' : 'AA');
    expect((await api(srv.url, 'GET', `/api/v1/access/grants/${forged}`)).status).toBe(403);
    // A free post is not for sale.
    const freeId = newId('post');
    await srv.server.docs.edit(`creator:${creator.id}`, (doc) => doc.getMap('posts').set(freeId, { title: 'Free', visibility: 'free', status: 'published', price: null }));
    expect((await pay(srv.url, f, { postId: freeId })).status).toBe(409);
  });

  it.skipIf(skip)('a refund reverses the transfers and revokes access; a chargeback does the same; neither twice', async () => {
    const f = fan2;
    const before = await api(srv.url, 'GET', '/api/v1/finance/balance', undefined, bearer(creator));
    const paid = await pay(srv.url, f, { subscriptionId: tier.id });
    expect(paid.status).toBe(201);
    const id = paid.body.data.payment.id;
    const wrongCreator = creator2;
    expect((await api(srv.url, 'POST', `/api/v1/payments/${id}/refund`, {}, bearer(wrongCreator))).status).toBe(404);
    const refund = await api(srv.url, 'POST', `/api/v1/payments/${id}/refund`, { reason: 'requested by fan' }, bearer(creator));
    expect(refund.status).toBe(200);
    expect(refund.body.data.payment.status).toBe('refunded');
    const after = await api(srv.url, 'GET', '/api/v1/finance/balance', undefined, bearer(creator));
    expect(after.body.data.available).toEqual(before.body.data.available);
    const access = await api(srv.url, 'GET', `/api/v1/access?creatorId=${creator.id}`, undefined, bearer(f));
    expect(access.body.data.has_subscription).toBe(false);
    expect((await api(srv.url, 'POST', `/api/v1/payments/${id}/refund`, {}, bearer(creator))).status).toBe(409);

    const paid2 = await pay(srv.url, f, { subscriptionId: tier.id });
    await srv.server.money.payments.reverse(paid2.body.data.payment.id, 'chargeback', {});
    const access2 = await api(srv.url, 'GET', `/api/v1/access?creatorId=${creator.id}`, undefined, bearer(f));
    expect(access2.body.data.has_subscription).toBe(false);
    const status = await srv.server.db.query<{ status: string }>('SELECT status FROM payments WHERE id = $1', [paid2.body.data.payment.id]);
    expect(status[0]!.status).toBe('charged_back');
    expect((await auditLedger(srv.server.db)).ok).toBe(true);
  });
});
