// Smaller holes over real HTTP/WebSocket (PGlite): NUL in a query string is 400, /metrics needs its token
// (or a loopback client when none is set), and a Yjs document that would outgrow its quota closes the
// writer's socket with the named code 4413 without storing the update.
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerConfig } from '../src/config.js';
import { CLOSE } from '../src/sync/protocol.js';
import { api, connect, makeStorage, register, startServer, synced, waitFor, type Running, type Storage } from './helpers.js';
import { apiFrom } from './from-address.js';

let storage: Storage | undefined;
let srv: Running | undefined;

async function start(overrides: Partial<ServerConfig> = {}): Promise<Running> {
  storage = makeStorage('pglite');
  srv = await startServer(storage, overrides);
  return srv;
}

afterEach(async () => {
  await srv?.close();
  await storage?.cleanup();
  srv = undefined;
  storage = undefined;
});

describe('ops hardening', () => {
  it('a NUL in a query string is 400 VALIDATION_ERROR, not a 500', async () => {
    const { url } = await start();
    const fan = await register(url, 'fan');
    for (const path of ['/api/v1/subscriptions?creatorId=cr_abc%00def', `/api/v1/access?creatorId=usr_abc%00defgh`, '/api/v1/catalog?creatorId=%00']) {
      const res = await api(url, 'GET', path, undefined, { authorization: `Bearer ${fan.accessToken}` });
      expect({ path, status: res.status, code: res.body.error?.code }).toEqual({ path, status: 400, code: 'VALIDATION_ERROR' });
    }
  });

  it('/metrics with METRICS_TOKEN set answers 401 without the bearer token and 200 with it', async () => {
    const { url } = await start({ metricsToken: 'scrape-secret-123' });
    const anonymous = await api(url, 'GET', '/metrics');
    expect(anonymous.status).toBe(401);
    expect((await api(url, 'GET', '/metrics', undefined, { authorization: 'Bearer wrong' })).status).toBe(401);
    const scraped = await api(url, 'GET', '/metrics', undefined, { authorization: 'Bearer scrape-secret-123' });
    expect(scraped.status).toBe(200);
    expect(scraped.body).toMatch(/http_request_duration_seconds/);
  });

  it('/metrics without a token is for loopback clients only', async () => {
    const { url } = await start({ host: '0.0.0.0' });
    expect((await api(url, 'GET', '/metrics')).status).toBe(200);
    const addr = (await import('node:os')).networkInterfaces();
    const external = Object.values(addr).flat().find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
    if (!external) {
      console.warn('[ops-hardening] no non-loopback IPv4 interface here; the remote /metrics refusal is not exercised');
      return;
    }
    const port = new URL(url).port;
    const remote = await apiFrom(external, `http://${external}:${port}`, 'GET', '/metrics');
    expect(remote.status).toBe(403);
  });

  it('a document that would outgrow its quota closes the writer with 4413 and keeps what was stored', async () => {
    const { url, wsUrl } = await start({ syncDocMaxBytes: 4096 });
    const creator = await register(url, 'creator');
    const client = connect(wsUrl, `creator:${creator.id}`, creator.accessToken);
    let closeCode = 0;
    client.provider.on('connection-close', (event: { code: number } | null) => {
      if (event) closeCode = event.code;
    });
    try {
      await synced(client);
      client.doc.getMap('posts').set('small', 'fits');
      await waitFor(() => client.provider.synced, 'first update');
      await new Promise((r) => setTimeout(r, 200));
      client.doc.getMap('posts').set('big', 'x'.repeat(8000));
      await waitFor(() => closeCode !== 0, 'the quota close');
      expect(closeCode).toBe(CLOSE.QUOTA_EXCEEDED);
      expect(CLOSE.QUOTA_EXCEEDED).toBe(4413);
      const rows = await srv!.server.db.query<{ n: number }>(`SELECT coalesce(sum(length(data)), 0)::int AS n FROM yjs_updates WHERE doc_name = $1`, [`creator:${creator.id}`]);
      expect(rows[0]!.n).toBeLessThan(4096);
    } finally {
      client.destroy();
    }
  });
});
