// Payout signatures cannot be replayed (over real HTTP, PGlite): the device signs a fresh nonce and a
// timestamp with the body; a second use of a nonce is 409 NONCE_REUSED whatever the Idempotency-Key, a
// signed request copied from the transparency log is refused the same way, and a timestamp more than
// 5 minutes off is 401. A retry with the same Idempotency-Key still gets its payout back.
import { signJson } from '@fanz/core/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, makeStorage, type Account, type Running, type Storage } from './helpers.js';
import { bearer, freshPayout, newParties, pay, registerDevice, requestPayout, startMoneyServer, type Device } from './money-helpers.js';

describe('payout replay protection', () => {
  let storage: Storage;
  let srv: Running;
  let creator: Account;
  let device: Device;

  const available = async () => (await api(srv.url, 'GET', '/api/v1/finance/balance', undefined, bearer(creator))).body.data.available.amount as number;

  beforeAll(async () => {
    storage = makeStorage('pglite');
    srv = await startMoneyServer(storage);
    let fan: Account;
    ({ creator, fan } = await newParties(srv.url));
    device = await registerDevice(srv.url, creator);
    expect((await pay(srv.url, fan, { tip: { creatorId: creator.id, amount: { amount: 100000, currency: 'USD' } } })).status).toBe(201);
  });
  afterAll(async () => {
    await srv?.close();
    await storage?.cleanup();
  });

  it('the same signed request sent again (another or no Idempotency-Key) is 409 NONCE_REUSED and moves nothing', async () => {
    const body = freshPayout({ amount: { amount: 1000, currency: 'USD' }, method: 'paxum', schedule: 'immediate' });
    const first = await requestPayout(srv.url, creator, device, body, { 'idempotency-key': 'po-a' });
    expect(first.status).toBe(201);
    const after = await available();
    // A legitimate retry with the same key gets the same payout.
    const retry = await requestPayout(srv.url, creator, device, body, { 'idempotency-key': 'po-a' });
    expect(retry.status).toBe(201);
    expect(retry.body.data.payout_id).toBe(first.body.data.payout_id);
    for (const extra of [{ 'idempotency-key': 'po-b' }, {}] as Record<string, string>[]) {
      const replayed = await requestPayout(srv.url, creator, device, body, extra);
      expect(replayed.status).toBe(409);
      expect(replayed.body.error.code).toBe('NONCE_REUSED');
    }
    expect(await available()).toBe(after);
  });

  it('a signed request read from the transparency log cannot be sent again', async () => {
    const paid = await requestPayout(srv.url, creator, device, { amount: { amount: 700, currency: 'USD' }, method: 'paxum', schedule: 'immediate' });
    expect(paid.status).toBe(201);
    const head = await api(srv.url, 'GET', '/api/v1/log/tree-head');
    const entries = await api(srv.url, 'GET', `/api/v1/log/entries?start=0&end=${head.body.data.treeSize - 1}`, undefined, bearer(creator));
    const all = entries.body.data.entries as { entry?: { kind?: string; payoutId?: string; device?: { keyId: string; signature: string; request: Record<string, unknown> } } }[];
    const requested = all
      .map((e) => e.entry ?? {})
      .find((e) => e.kind === 'payout.requested' && e.payoutId === paid.body.data.payout_id);
    expect(requested?.device?.signature).toBeTruthy();
    const before = await available();
    const replayed = await api(srv.url, 'POST', '/api/v1/finance/payouts', requested!.device!.request, {
      ...bearer(creator),
      'fanz-key-id': requested!.device!.keyId,
      'fanz-signature': requested!.device!.signature,
    });
    expect(replayed.status).toBe(409);
    expect(replayed.body.error.code).toBe('NONCE_REUSED');
    expect(await available()).toBe(before);
  });

  it('a timestamp more than 5 minutes from the server clock is 401; a body without nonce or timestamp is 400', async () => {
    for (const offset of [-6 * 60_000, 6 * 60_000]) {
      const body = { nonce: `skew${offset > 0 ? 'ahead' : 'behind'}0123456789`, timestamp: new Date(Date.now() + offset).toISOString(), amount: { amount: 300, currency: 'USD' }, method: 'paxum', schedule: 'immediate' };
      const res = await requestPayout(srv.url, creator, device, body);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('INVALID_SIGNATURE');
      expect(res.body.error.details).toMatchObject({ reason: 'timestamp_skew' });
    }
    const noNonce = { amount: { amount: 300, currency: 'USD' }, method: 'paxum', schedule: 'immediate', timestamp: new Date().toISOString() };
    const res = await api(srv.url, 'POST', '/api/v1/finance/payouts', noNonce, { ...bearer(creator), 'fanz-key-id': device.keyId, 'fanz-signature': signJson(noNonce, device.keys.secretKey) });
    expect(res.status).toBe(400);
  });
});
