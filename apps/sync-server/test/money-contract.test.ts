// The finance wire contract (issue 14 item 1): real answers of the running server (PGlite) parse with
// @fanz/core's schemas, the ones the studio parses with (payout-request.ts, studio-backend.ts). A field
// renamed or a status added on one side only fails here.
import { balanceSchema, payoutRequestSchema, payoutScheduleSchema, payoutSchema, PAYOUT_METHODS, PAYOUT_STATUSES } from '@fanz/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { api, makeStorage, type Account, type Running, type Storage } from './helpers.js';
import { bearer, freshPayout, newParties, pay, registerDevice, requestPayout, settledPayout, startMoneyServer, type Device } from './money-helpers.js';

let storage: Storage;
let srv: Running;
let creator: Account;
let device: Device;

beforeAll(async () => {
  storage = makeStorage('pglite');
  srv = await startMoneyServer(storage);
  const parties = await newParties(srv.url);
  creator = parties.creator;
  device = await registerDevice(srv.url, creator);
  const tip = await pay(srv.url, parties.fan, { tip: { creatorId: creator.id, amount: { amount: 20000, currency: 'USD' } } });
  expect(tip.status).toBe(201);
});
afterAll(async () => {
  await srv?.close();
  await storage?.cleanup();
});

describe('finance answers parse with @fanz/core schemas', () => {
  it('balance, payout (requested, then completed and failed), payout list, schedule and schedule list', async () => {
    const balance = await api(srv.url, 'GET', '/api/v1/finance/balance', undefined, bearer(creator));
    expect(balance.status).toBe(200);
    const b = balanceSchema.parse(balance.body.data);
    expect(b.available).toEqual({ amount: 18000, currency: 'USD' });
    expect(b.balances.map((l) => l.currency)).toEqual(['USD']);

    // What the studio signs is a valid core payout request.
    const body = freshPayout({ amount: { amount: 1000, currency: 'USD' }, method: 'paxum', schedule: 'immediate' });
    expect(payoutRequestSchema.safeParse(body).success).toBe(true);
    const created = await requestPayout(srv.url, creator, device, body);
    expect(created.status).toBe(201);
    const p = payoutSchema.parse(created.body.data);
    expect(p).toMatchObject({ status: 'requested', amount: { amount: 1000, currency: 'USD' }, transaction_fee: { amount: 10, currency: 'USD' }, net_amount: { amount: 990, currency: 'USD' } });
    expect(payoutSchema.parse(await settledPayout(srv, p.payout_id)).status).toBe('completed');
    const failed = await requestPayout(srv.url, creator, device, { amount: { amount: 1023, currency: 'USD' }, method: 'bank_transfer', schedule: 'immediate' });
    expect(payoutSchema.parse(await settledPayout(srv, failed.body.data.payout_id)).status).toBe('failed');

    const listed = await api(srv.url, 'GET', '/api/v1/finance/payouts', undefined, bearer(creator));
    const payouts = z.object({ payouts: z.array(payoutSchema) }).parse(listed.body.data).payouts;
    expect(payouts.map((x) => x.status).sort()).toEqual(['completed', 'failed']);
    expect(new Set(payouts.map((x) => x.method))).toEqual(new Set(PAYOUT_METHODS));
    for (const x of payouts) expect(PAYOUT_STATUSES).toContain(x.status);

    const weekly = await requestPayout(srv.url, creator, device, { amount: { amount: 500, currency: 'USD' }, method: 'paxum', schedule: 'weekly' });
    expect(weekly.status).toBe(201);
    expect(payoutScheduleSchema.parse(weekly.body.data)).toMatchObject({ schedule: 'weekly', status: 'active' });
    const schedules = await api(srv.url, 'GET', '/api/v1/finance/payout-schedules', undefined, bearer(creator));
    expect(z.object({ schedules: z.array(payoutScheduleSchema) }).parse(schedules.body.data).schedules).toHaveLength(1);

    const after = balanceSchema.parse((await api(srv.url, 'GET', '/api/v1/finance/balance', undefined, bearer(creator))).body.data);
    expect(after).toMatchObject({ available: { amount: 17000 }, pending: { amount: 0 }, paidOut: { amount: 990 } });
  });
});
