// Webhooks over HTTP on PGlite and PostgreSQL: registration and bad input, outbox deliveries signed per the
// Standard Webhooks spec (checked by an independent verifier written here from the spec with node:crypto,
// not by our signer), retries with backoff until a receiver that fails twice accepts on the third try, the
// delivery log, and @fanz/core's verifyWebhook for receivers.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook } from '@fanz/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, api, eventually, makeStorage, pgSkipReason, type Account, type Running, type Storage } from './helpers.js';
import { bearer, createTier, newParties, pay, startMoneyServer } from './money-helpers.js';

/**
 * Standard Webhooks, "Verifying webhooks": signed content is `${msg_id}.${timestamp}.${payload}`; the key is
 * the base64 part of the secret after "whsec_"; the signature header holds space-delimited `v1,<base64>`
 * entries; reject timestamps too far from now.
 */
function specVerify(body: string, headers: IncomingHttpHeaders, secret: string, nowSeconds = Date.now() / 1000): boolean {
  const id = headers['webhook-id'];
  const ts = headers['webhook-timestamp'];
  const sigHeader = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof ts !== 'string' || typeof sigHeader !== 'string') return false;
  if (Math.abs(nowSeconds - Number(ts)) > 300) return false;
  const key = Buffer.from(secret.split('_')[1]!, 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${ts}.${body}`).digest();
  return sigHeader.split(' ').some((entry) => {
    const [version, sig] = entry.split(',');
    if (version !== 'v1' || !sig) return false;
    const given = Buffer.from(sig, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

interface Received {
  body: string;
  headers: IncomingHttpHeaders;
  answered: number;
}

/** A receiver that answers 500 to the first `failures` requests of every webhook-id, then 200. */
function receiver(failures: number): Promise<{ url: string; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = [];
  const seen = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const id = String(req.headers['webhook-id']);
      const n = (seen.get(id) ?? 0) + 1;
      seen.set(id, n);
      const status = n <= failures ? 500 : 200;
      received.push({ body, headers: req.headers, answered: status });
      res.writeHead(status).end();
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
        received,
        close: () => new Promise((r) => server.close(() => r())),
      }),
    ),
  );
}

describe.each(BACKENDS)('webhooks on %s', (backend) => {
  const skip = backend === 'postgres' && pgSkipReason !== null;
  let storage: Storage;
  let srv: Running;
  let creator: Account;
  let fan: Account;
  let hook: Awaited<ReturnType<typeof receiver>>;
  const secret = 'whsec_' + randomBytes(32).toString('base64');

  beforeAll(async () => {
    if (skip) return;
    storage = makeStorage(backend);
    srv = await startMoneyServer(storage, { webhookAllowPrivate: true });
    ({ creator, fan } = await newParties(srv.url));
    hook = await receiver(2);
  });
  afterAll(async () => {
    if (skip) return;
    await srv?.close();
    await hook?.close();
    await storage?.cleanup();
  });

  it.skipIf(skip)('rejects bad registrations and never shows the secret again', async () => {
    const ok = { url: hook.url, events: ['payment.completed'], secret };
    for (const bad of [
      { ...ok, url: 'ftp://example.test/hook' },
      { ...ok, url: 'not a url' },
      { ...ok, events: ['payment.stolen'] },
      { ...ok, events: [] },
      { ...ok, secret: 'short' },
      { ...ok, extra: true },
    ]) {
      const res = await api(srv.url, 'POST', '/api/v1/webhooks', bad, bearer(creator));
      expect({ bad, status: res.status }).toEqual({ bad, status: 400 });
    }
    expect((await api(srv.url, 'POST', '/api/v1/webhooks', ok, bearer(fan))).status).toBe(403);
    const generated = await api(srv.url, 'POST', '/api/v1/webhooks', { url: hook.url + '/other', events: ['content.uploaded'] }, bearer(creator));
    expect(generated.status).toBe(201);
    expect(generated.body.data.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const list = await api(srv.url, 'GET', '/api/v1/webhooks', undefined, bearer(creator));
    expect(JSON.stringify(list.body)).not.toContain(generated.body.data.secret);
  });

  it.skipIf(skip)('delivers signed events; a receiver failing twice gets the event on the third try', async () => {
    const reg = await api(srv.url, 'POST', '/api/v1/webhooks', { url: hook.url, events: ['payment.completed', 'fan.subscribed'], secret }, bearer(creator));
    expect(reg.status).toBe(201);
    const endpointId = reg.body.data.id;
    const tier = await createTier(srv.url, creator);
    // A declined payment writes nothing to the outbox.
    expect((await pay(srv.url, fan, { subscriptionId: tier.id }, undefined, 'tok_card_declined')).status).toBe(402);
    const paid = await pay(srv.url, fan, { subscriptionId: tier.id });
    expect(paid.status).toBe(201);
    const paymentId = paid.body.data.payment.id;

    await eventually(async () => hook.received.filter((r) => r.answered === 200).length === 2, 'both events delivered');
    const byType = (type: string) => hook.received.filter((r) => JSON.parse(r.body).type === type);
    for (const type of ['payment.completed', 'fan.subscribed']) {
      const tries = byType(type);
      expect(tries.map((t) => t.answered)).toEqual([500, 500, 200]);
      // Every try is the same message (same id and body), freshly timestamped and signed.
      expect(new Set(tries.map((t) => t.headers['webhook-id'])).size).toBe(1);
      expect(new Set(tries.map((t) => t.body)).size).toBe(1);
      for (const t of tries) {
        expect(specVerify(t.body, t.headers, secret)).toBe(true);
        expect(t.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
      }
      const payload = JSON.parse(tries[0]!.body);
      expect(payload.data.paymentId).toBe(paymentId);
      expect(Number.isNaN(Date.parse(payload.timestamp))).toBe(false);
    }
    const paymentEvent = byType('payment.completed')[2]!;
    expect(JSON.parse(paymentEvent.body).data.amount).toEqual({ amount: 1999, currency: 'USD' });
    // The independent check is not a rubber stamp:
    expect(specVerify(paymentEvent.body.replace('1999', '1998'), paymentEvent.headers, secret)).toBe(false);
    expect(specVerify(paymentEvent.body, paymentEvent.headers, 'whsec_' + randomBytes(32).toString('base64'))).toBe(false);

    // The receiver-side helper in @fanz/core agrees.
    expect(verifyWebhook(paymentEvent.body, paymentEvent.headers as Record<string, string>, secret)).toMatchObject({ ok: true });
    expect(verifyWebhook(paymentEvent.body + ' ', paymentEvent.headers as Record<string, string>, secret).ok).toBe(false);
    expect(verifyWebhook(paymentEvent.body, paymentEvent.headers as Record<string, string>, 'whsec_' + randomBytes(32).toString('base64')).ok).toBe(false);
    expect(verifyWebhook(paymentEvent.body, paymentEvent.headers as Record<string, string>, secret, { now: Date.now() + 3600_000 }).ok).toBe(false);
    expect(verifyWebhook(paymentEvent.body, { 'webhook-id': 'x' }, secret).ok).toBe(false);

    // The receiver has answered; the dispatcher records the outcome right after.
    let log = await api(srv.url, 'GET', `/api/v1/webhooks/${endpointId}/deliveries`, undefined, bearer(creator));
    await eventually(async () => {
      log = await api(srv.url, 'GET', `/api/v1/webhooks/${endpointId}/deliveries`, undefined, bearer(creator));
      return log.body.data.deliveries.every((d: { status: string }) => d.status === 'succeeded');
    }, 'both deliveries recorded as succeeded');
    expect(log.status).toBe(200);
    expect(log.body.data.deliveries).toHaveLength(2);
    for (const d of log.body.data.deliveries) {
      expect(d.status).toBe('succeeded');
      expect(d.attempts.map((a: { statusCode: number }) => a.statusCode)).toEqual([500, 500, 200]);
      expect(d.attempts[0].error).toBe('receiver answered 500');
    }
    expect(JSON.stringify(log.body)).not.toContain(secret);
  });

  it.skipIf(skip)('other parts of the server emit events (content.uploaded) through the same outbox', async () => {
    const got = await receiver(0);
    try {
      await api(srv.url, 'POST', '/api/v1/webhooks', { url: got.url, events: ['content.uploaded', 'content.ai_optimized'], secret }, bearer(creator));
      const id = await srv.server.money.emitEvent(creator.id, 'content.uploaded', { mediaId: 'med_1', kind: 'video' });
      await srv.server.money.emitEvent(fan.id, 'content.uploaded', { mediaId: 'med_2' });
      await eventually(async () => got.received.length === 1, 'content.uploaded delivered');
      expect(got.received[0]!.headers['webhook-id']).toBe(id);
      expect(JSON.parse(got.received[0]!.body)).toMatchObject({ type: 'content.uploaded', data: { mediaId: 'med_1' } });
      expect(specVerify(got.received[0]!.body, got.received[0]!.headers, secret)).toBe(true);
    } finally {
      await got.close();
    }
  });

  it.skipIf(skip)('gives up after the configured number of attempts and says so in the delivery log', async () => {
    const dead = await receiver(1000);
    try {
      const reg = await api(srv.url, 'POST', '/api/v1/webhooks', { url: dead.url, events: ['tip.received'], secret }, bearer(creator));
      expect((await pay(srv.url, fan, { tip: { creatorId: creator.id, amount: { amount: 250, currency: 'USD' } } })).status).toBe(201);
      await eventually(async () => {
        const log = await api(srv.url, 'GET', `/api/v1/webhooks/${reg.body.data.id}/deliveries`, undefined, bearer(creator));
        return log.body.data.deliveries[0]?.status === 'failed';
      }, 'delivery to give up');
      expect(dead.received).toHaveLength(5);
    } finally {
      await dead.close();
    }
  });
});
