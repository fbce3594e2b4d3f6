// Routes that name a record in the URL check its id in one place (http/routes.ts idParam): an id that does
// not fit is 400 VALIDATION_ERROR saying which id, with details {param: 'id'}, before any lookup.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, makeStorage, register, startServer, type Account, type Running, type Storage } from './helpers.js';

describe('ids in the URL', () => {
  let storage: Storage;
  let srv: Running;
  let creator: Account;
  let fan: Account;
  beforeAll(async () => {
    storage = makeStorage('pglite');
    srv = await startServer(storage);
    creator = await register(srv.url, 'creator');
    fan = await register(srv.url, 'fan');
  });
  afterAll(async () => {
    await srv?.close();
    await storage?.cleanup();
  });

  const cases: Array<{ who: 'creator' | 'fan'; method: string; path: string; noun: string }> = [
    { who: 'creator', method: 'DELETE', path: '/api/v1/webhooks/whk_nope', noun: 'webhook id' },
    { who: 'creator', method: 'GET', path: '/api/v1/webhooks/..%2Fx/deliveries', noun: 'webhook id' },
    { who: 'creator', method: 'DELETE', path: '/api/v1/api-keys/apk_UPPER', noun: 'API key id' },
    { who: 'creator', method: 'DELETE', path: '/api/v1/finance/payout-schedules/1', noun: 'schedule id' },
    { who: 'creator', method: 'GET', path: '/api/v1/vr/experiences/vr_short', noun: 'experience id' },
    { who: 'fan', method: 'POST', path: '/api/v1/subscriptions/sub_x/cancel', noun: 'subscription id' },
    { who: 'creator', method: 'POST', path: '/api/v1/payments/pay_%20/refund', noun: 'payment id' },
  ];
  for (const c of cases) {
    it(`${c.method} ${c.path} is 400 naming the ${c.noun}`, async () => {
      const token = (c.who === 'creator' ? creator : fan).accessToken;
      const r = await api(srv.url, c.method, c.path, c.method === 'GET' || c.method === 'DELETE' ? undefined : {}, { authorization: `Bearer ${token}` });
      expect(r.status).toBe(400);
      expect(r.body.error).toMatchObject({ code: 'VALIDATION_ERROR', message: `The ${c.noun} in the URL is not valid.`, details: { param: 'id' } });
    });
  }

  it('the PNG route outside the table refuses a bad experience id the same way', async () => {
    const r = await api(srv.url, 'GET', '/api/v1/vr/experiences/nope/qr.png');
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'VALIDATION_ERROR', message: 'The experience id in the URL is not valid.' });
  });
});
