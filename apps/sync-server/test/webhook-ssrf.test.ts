// SSRF through webhook URLs over real HTTP (PGlite): private, loopback, link-local, unspecified and
// metadata addresses (literal, decimal, IPv6, or a name resolving to one) are refused at registration, and
// at delivery time after DNS resolution, so a name that later resolves to loopback reaches nothing and the
// delivery log does not say what answered. WEBHOOK_ALLOW_PRIVATE (webhookAllowPrivate) admits loopback only.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { newId } from '@fanz/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, eventually, makeStorage, type Account, type Running, type Storage } from './helpers.js';
import { bearer, newParties, startMoneyServer } from './money-helpers.js';

const FORBIDDEN = [
  'http://127.0.0.1:9/hook',
  'http://localhost:9/hook',
  'http://0.0.0.0/hook',
  'http://2130706433/hook',
  'http://0x7f.1/hook',
  'http://[::1]/hook',
  'http://[::ffff:127.0.0.1]/hook',
  'http://169.254.169.254/latest/meta-data',
  'http://10.0.0.5/hook',
  'http://192.168.1.10/hook',
  'http://172.16.0.1/hook',
  'http://100.64.0.1/hook',
  'http://[fd00:ec2::254]/hook',
  'http://[fe80::1]/hook',
];

function listener(): Promise<{ port: number; hits: () => number; close: () => Promise<void> }> {
  let hits = 0;
  const server: Server = createServer((_req, res) => {
    hits++;
    res.writeHead(200).end('internal service answered');
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ port: (server.address() as AddressInfo).port, hits: () => hits, close: () => new Promise((r) => server.close(() => r())) }),
    ),
  );
}

describe('webhook URLs without WEBHOOK_ALLOW_PRIVATE', () => {
  let storage: Storage;
  let srv: Running;
  let creator: Account;

  beforeAll(async () => {
    storage = makeStorage('pglite');
    srv = await startMoneyServer(storage, { webhookAllowPrivate: false });
    ({ creator } = await newParties(srv.url));
  });
  afterAll(async () => {
    await srv?.close();
    await storage?.cleanup();
  });

  it('refuses private, loopback, link-local and metadata targets at registration (400)', async () => {
    for (const url of FORBIDDEN) {
      const res = await api(srv.url, 'POST', '/api/v1/webhooks', { url, events: ['payment.completed'] }, bearer(creator));
      expect({ url, status: res.status, code: res.body.error?.code }).toEqual({ url, status: 400, code: 'VALIDATION_ERROR' });
    }
  });

  it('refuses at delivery after DNS resolution: a name that resolves to loopback reaches nothing', async () => {
    const target = await listener();
    try {
      // As if the name had resolved to a public address at registration and was rebound since.
      const id = newId('whk');
      await srv.server.db.query('INSERT INTO webhook_endpoints (id, owner_id, url, events, secret) VALUES ($1, $2, $3, $4, $5)', [
        id,
        creator.id,
        `http://localhost:${target.port}/hook`,
        JSON.stringify(['tip.received']),
        'whsec_' + Buffer.from('0123456789abcdef0123456789abcdef').toString('base64'),
      ]);
      await srv.server.money.emitEvent(creator.id, 'tip.received', { note: 'ssrf probe' });
      let log: { status: string; attempts: { error: string | null; statusCode: number | null }[] }[] = [];
      await eventually(async () => {
        log = (await api(srv.url, 'GET', `/api/v1/webhooks/${id}/deliveries`, undefined, bearer(creator))).body.data.deliveries;
        return log.length > 0 && log[0]!.attempts.length > 0;
      }, 'a delivery attempt');
      expect(target.hits()).toBe(0);
      const attempt = log[0]!.attempts[0]!;
      expect(attempt.statusCode).toBeNull();
      expect(attempt.error).toMatch(/destination address is not allowed/);
      expect(attempt.error).not.toMatch(/127\.0\.0\.1|::1|answered/);
    } finally {
      await target.close();
    }
  });
});

describe('webhook URLs with WEBHOOK_ALLOW_PRIVATE=1', () => {
  let storage: Storage;
  let srv: Running;
  let creator: Account;

  beforeAll(async () => {
    storage = makeStorage('pglite');
    srv = await startMoneyServer(storage, { webhookAllowPrivate: true });
    ({ creator } = await newParties(srv.url));
  });
  afterAll(async () => {
    await srv?.close();
    await storage?.cleanup();
  });

  it('admits loopback targets but still refuses metadata and private networks', async () => {
    for (const url of ['http://127.0.0.1:9/hook', 'http://localhost:9/hook', 'http://[::1]:9/hook']) {
      expect((await api(srv.url, 'POST', '/api/v1/webhooks', { url, events: ['payment.completed'] }, bearer(creator))).status).toBe(201);
    }
    for (const url of ['http://169.254.169.254/latest/meta-data', 'http://10.0.0.5/hook', 'http://0.0.0.0/hook']) {
      expect((await api(srv.url, 'POST', '/api/v1/webhooks', { url, events: ['payment.completed'] }, bearer(creator))).status).toBe(400);
    }
  });
});
