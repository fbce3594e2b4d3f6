// The price the fan saw (`expectedAmount`) against the current price over real HTTP: a tier repriced in
// the creator's catalog, a pay-per-view post repriced, and a tip whose amount differs all answer 409
// PRICE_CHANGED with the current price in details and charge nothing; a matching price pays.
import type * as Y from 'yjs';
import { newId } from '@fanz/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from '../src/payments/payment-gateway.js';
import { makeStorage, type Account, type Running, type Storage } from './helpers.js';
import { createTier, newParties, pay, startMoneyServer } from './money-helpers.js';

describe('expectedAmount on POST /payments', () => {
  let storage: Storage;
  let srv: Running;
  let creator: Account;
  let fan: Account;

  beforeAll(async () => {
    storage = makeStorage('pglite');
    srv = await startMoneyServer(storage);
    ({ creator, fan } = await newParties(srv.url));
  });
  afterAll(async () => {
    await srv?.close();
    await storage?.cleanup();
  });

  const charges = () => (srv.server.money.gateway as TestGateway).chargeCount;

  it('a tier repriced after the fan saw it answers 409 PRICE_CHANGED with the current price and charges nothing', async () => {
    const tier = await createTier(srv.url, creator, 1999);
    await srv.server.docs.edit(`creator:${creator.id}`, (doc) => (doc.getMap('tiers').get(tier.id) as Y.Map<unknown>).set('price', { amount: 2499, currency: 'USD' }));
    const before = charges();
    const res = await pay(srv.url, fan, { subscriptionId: tier.id, expectedAmount: { amount: 1999, currency: 'USD' } }, 'price-1');
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('PRICE_CHANGED');
    expect(res.body.error.details.currentAmount).toEqual({ amount: 2499, currency: 'USD' });
    expect(charges()).toBe(before);
    // The key was not consumed by the refusal: the fan confirms the new price and pays with a fresh body.
    const ok = await pay(srv.url, fan, { subscriptionId: tier.id, expectedAmount: { amount: 2499, currency: 'USD' } }, 'price-2');
    expect(ok.status).toBe(201);
    expect(ok.body.data.payment.amount).toEqual({ amount: 2499, currency: 'USD' });
    expect(charges()).toBe(before + 1);
  });

  it('a pay-per-view post with another price or currency is refused; the tip amount must match too', async () => {
    const postId = newId('post');
    await srv.server.docs.edit(`creator:${creator.id}`, (doc) =>
      doc.getMap('posts').set(postId, { title: 'Extra', visibility: 'pay_per_view', status: 'published', price: { amount: 499, currency: 'USD' } }),
    );
    const before = charges();
    const wrongCurrency = await pay(srv.url, fan, { postId, expectedAmount: { amount: 499, currency: 'EUR' } });
    expect(wrongCurrency.status).toBe(409);
    expect(wrongCurrency.body.error).toMatchObject({ code: 'PRICE_CHANGED', details: { currentAmount: { amount: 499, currency: 'USD' } } });
    const tip = await pay(srv.url, fan, { tip: { creatorId: creator.id, amount: { amount: 500, currency: 'USD' } }, expectedAmount: { amount: 300, currency: 'USD' } });
    expect(tip.status).toBe(409);
    expect(tip.body.error.code).toBe('PRICE_CHANGED');
    expect(charges()).toBe(before);
    const bought = await pay(srv.url, fan, { postId, expectedAmount: { amount: 499, currency: 'USD' } });
    expect(bought.status).toBe(201);
    const bad = await pay(srv.url, fan, { postId, expectedAmount: { amount: 4.99, currency: 'USD' } });
    expect(bad.status).toBe(400);
  });
});
