// The SDK against a real server: API key auth, typed errors with code and requestId, Idempotency-Key on
// money-moving POSTs, retries only for requests safe to repeat (faults injected in front of the real
// server's answers), the SDK's timeout, 429 from the per-key limit, and webhooks.verify on the server's
// real, signed deliveries.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FanzError, FanzNetworkError, FanzSDK, FanzWebhookError } from '../src/index.js';
import { apiKey, party, startFanz, tier, type Party } from './server.js';

const card = { type: 'test_card', cardToken: 'tok_visa_success' } as const;

/** A fetch in front of the real one that records each attempt and can fail the first `failures` with a network error. */
function faultyFetch(failures: number) {
  const seen: { method: string; url: string; idempotencyKey: string | null }[] = [];
  let left = failures;
  const f = async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input, init);
    seen.push({ method: req.method, url: req.url, idempotencyKey: req.headers.get('idempotency-key') });
    if (left-- > 0) throw new TypeError('fetch failed (injected)');
    return fetch(req);
  };
  return { fetch: f as typeof fetch, seen };
}

describe('FanzSDK against the server', () => {
  let fanz: Awaited<ReturnType<typeof startFanz>>;
  let url: string;
  let creator: Party;
  let fan: Party;
  let tierId: string;
  let fullKey: string;
  beforeAll(async () => {
    fanz = await startFanz();
    url = fanz.s.url;
    [creator, fan] = await Promise.all([party(url, 'creator'), party(url, 'fan')]);
    tierId = await tier(url, creator);
    fullKey = await apiKey(url, creator, ['read:catalog', 'read:finance', 'manage:webhooks']);
  });
  afterAll(async () => fanz?.close());

  it('reads a creator, the catalog and the balance with an API key', async () => {
    const sdk = new FanzSDK({ apiKey: fullKey, baseUrl: url });
    const profile = await sdk.creators.get(creator.username);
    expect(profile).toMatchObject({ id: creator.id, username: creator.username, displayName: 'SDK creator' });
    const catalog = await sdk.content.list(creator.id);
    expect(catalog.creatorId).toBe(creator.id);
    expect(Array.isArray(catalog.posts)).toBe(true);
    const balance = await sdk.payments.balance();
    expect(balance).toEqual((await new FanzSDK({ accessToken: creator.accessToken, baseUrl: url }).payments.balance()));
    const missing = await sdk.content.get(creator.id, 'post_nope').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(FanzError);
    expect((missing as FanzError).code).toBe('NOT_FOUND');
  });

  it('throws typed errors with the server code and request id', async () => {
    const narrow = new FanzSDK({ apiKey: await apiKey(url, creator, ['read:catalog']), baseUrl: url });
    const e = (await narrow.payments.balance().catch((x: unknown) => x)) as FanzError;
    expect(e).toBeInstanceOf(FanzError);
    expect(e).toMatchObject({ code: 'FORBIDDEN', status: 403, details: { requiredScope: 'read:finance' } });
    expect(e.requestId).toMatch(/^req_/);
    const unknown = (await new FanzSDK({ apiKey: 'fanz_sk_' + 'x'.repeat(43), baseUrl: url }).creators.get(creator.username).catch((x: unknown) => x)) as FanzError;
    expect(unknown).toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
    const bad = (await new FanzSDK({ accessToken: fan.accessToken, baseUrl: url })
      .payments.create({ subscriptionId: 'nope', paymentMethod: card } as never)
      .catch((x: unknown) => x)) as FanzError;
    expect(bad).toMatchObject({ code: 'VALIDATION_ERROR', status: 400 });
  });

  it('a payment carries an Idempotency-Key and is retried after a network failure, charged once', async () => {
    const f = faultyFetch(1);
    const sdk = new FanzSDK({ accessToken: fan.accessToken, baseUrl: url, fetch: f.fetch, retryDelay: 10 });
    const paid = await sdk.payments.create({ subscriptionId: tierId, paymentMethod: card });
    expect(paid.payment.status).toBe('completed');
    expect(f.seen).toHaveLength(2);
    expect(f.seen[0]!.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(f.seen[1]!.idempotencyKey).toBe(f.seen[0]!.idempotencyKey);
    // The same key again answers the same payment (the server's idempotency), not a second charge.
    const again = await sdk.payments.create({ subscriptionId: tierId, paymentMethod: card }, { idempotencyKey: f.seen[0]!.idempotencyKey! });
    expect(again.payment.id).toBe(paid.payment.id);
  });

  it('retries GETs, never a POST without an Idempotency-Key', async () => {
    const g = faultyFetch(2);
    const reader = new FanzSDK({ apiKey: fullKey, baseUrl: url, fetch: g.fetch, retries: 2, retryDelay: 10 });
    expect((await reader.creators.get(creator.username)).id).toBe(creator.id);
    expect(g.seen.map((s) => s.method)).toEqual(['GET', 'GET', 'GET']);

    const p = faultyFetch(1);
    const writer = new FanzSDK({ apiKey: fullKey, baseUrl: url, fetch: p.fetch, retries: 3, retryDelay: 10 });
    const err = await writer.webhooks.create({ url: 'http://127.0.0.1:9/hook', events: ['payment.completed'] }).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(FanzNetworkError);
    expect((err as FanzNetworkError).code).toBe('NETWORK_ERROR');
    expect(p.seen).toHaveLength(1);
    expect(p.seen[0]!.idempotencyKey).toBeNull();
  });

  it('gives up after the timeout with a TIMEOUT error', async () => {
    const silent: Server = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const sdk = new FanzSDK({ baseUrl: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`, timeout: 200, retries: 1, retryDelay: 10 });
      const e = await sdk.creators.get('anyone').catch((x: unknown) => x);
      expect(e).toBeInstanceOf(FanzNetworkError);
      expect((e as FanzNetworkError).code).toBe('TIMEOUT');
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });

  it("verifies the server's real webhook deliveries (Standard Webhooks) and refuses tampered ones", async () => {
    const received: { body: string; headers: IncomingHttpHeaders }[] = [];
    const hook: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ body, headers: req.headers });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    try {
      const sdk = new FanzSDK({ apiKey: fullKey, baseUrl: url });
      const endpoint = await sdk.webhooks.create({ url: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hooks`, events: ['payment.completed'] });
      expect((await sdk.webhooks.list()).map((w) => w.id)).toContain(endpoint.id);
      const payer = await party(url, 'fan');
      await new FanzSDK({ accessToken: payer.accessToken, baseUrl: url }).payments.create({ subscriptionId: tierId, paymentMethod: card });
      const deadline = Date.now() + 15_000;
      while (!received.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(received.length).toBeGreaterThan(0);
      const d = received[0]!;
      const receiver = new FanzSDK({ webhookSecret: endpoint.secret });
      const event = await receiver.webhooks.verify<{ type: string; data: { paymentId: string } }>(d.body, d.headers);
      expect(event.type).toBe('payment.completed');
      expect(event.data.paymentId).toMatch(/^pay_/);
      // Headers as a fetch Headers object work too.
      expect(await receiver.webhooks.verify(d.body, new Headers(d.headers as Record<string, string>))).toEqual(event);
      await expect(receiver.webhooks.verify(d.body.replace('payment.completed', 'payment.completeD'), d.headers)).rejects.toBeInstanceOf(FanzWebhookError);
      const wrong = new FanzSDK({ webhookSecret: 'whsec_' + btoa('another secret of 32 bytes......') });
      await expect(wrong.webhooks.verify(d.body, d.headers)).rejects.toThrow(/No webhook signature matches/);
      await expect(receiver.webhooks.verify(d.body, d.headers, { toleranceSeconds: -1 })).rejects.toThrow(/timestamp/);
      await sdk.webhooks.delete(endpoint.id);
    } finally {
      hook.close();
    }
  });
});

describe('FanzSDK and the per-key limit', () => {
  let fanz: Awaited<ReturnType<typeof startFanz>>;
  beforeAll(async () => {
    fanz = await startFanz({ apiKeyRateLimitPerHour: 2 });
  });
  afterAll(async () => fanz?.close());

  it('a 429 whose Retry-After is long is not waited out: RATE_LIMITED with retryAfterSeconds', async () => {
    const creator = await party(fanz.s.url, 'creator');
    const sdk = new FanzSDK({ apiKey: await apiKey(fanz.s.url, creator, ['read:catalog']), baseUrl: fanz.s.url });
    await sdk.creators.get(creator.username);
    await sdk.creators.get(creator.username);
    const e = (await sdk.creators.get(creator.username).catch((x: unknown) => x)) as FanzError;
    expect(e).toMatchObject({ code: 'RATE_LIMITED', status: 429 });
    expect(e.retryAfterSeconds).toBeGreaterThan(3000);
  });
});
