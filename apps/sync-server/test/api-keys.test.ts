// API keys over HTTP (issue 17): create/list/revoke, scopes enforced per route (a key never reaches payouts,
// devices, profile settings or the api-keys routes), revocation and expiry on the very next request, the
// per-key and per-creator hourly limits with RateLimit-* headers and 429 + Retry-After, and the OpenAPI
// document declaring every route's scope (and every route under /api/v1 being in it, the byte and tus routes included). A read:analytics key
// reads real insights (a fan's tip). PGlite and PostgreSQL for the key lifecycle; limits on PGlite.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY_SCOPES } from '../src/api-keys/scopes.js';
import { BACKENDS, api, makeStorage, pgSkipReason, register, startServer, type Account, type Running, type Storage } from './helpers.js';

const tok = (a: Account) => ({ authorization: `Bearer ${a.accessToken}` });
const key = (secret: string) => ({ authorization: `Bearer ${secret}` });

async function createKey(url: string, creator: Account, scopes: string[], extra: Record<string, unknown> = {}) {
  const res = await api(url, 'POST', '/api/v1/api-keys', { name: `key ${scopes.join(' ')}`, scopes, ...extra }, tok(creator));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data as { id: string; name: string; scopes: string[]; secret: string; createdAt: string };
}

for (const backend of BACKENDS) {
  const skip = backend === 'postgres' && pgSkipReason;
  if (skip) console.warn(`[api-keys] PostgreSQL part skipped: ${pgSkipReason}`);
  describe.skipIf(!!skip)(`API keys (${backend})`, () => {
    let storage: Storage;
    let s: Running;
    let creator: Account;
    beforeAll(async () => {
      storage = makeStorage(backend);
      s = await startServer(storage);
      creator = await register(s.url, 'creator');
    });
    afterAll(async () => {
      await s?.close();
      await storage?.cleanup();
    });

    it('creates a key whose secret is shown once and stored only as its sha256', async () => {
      const k = await createKey(s.url, creator, ['read:catalog', 'read:finance'], { expiresAt: new Date(Date.now() + 86_400_000).toISOString() });
      expect(k.secret).toMatch(/^fanz_sk_[A-Za-z0-9_-]{43}$/);
      expect(k.id).toMatch(/^apk_/);
      expect(k.scopes).toEqual(['read:catalog', 'read:finance']);
      const list = await api(s.url, 'GET', '/api/v1/api-keys', undefined, tok(creator));
      expect(list.status).toBe(200);
      const listed = list.body.data.find((x: { id: string }) => x.id === k.id);
      expect(listed).toMatchObject({ name: k.name, hint: k.secret.slice(-4), revokedAt: null });
      expect(JSON.stringify(list.body)).not.toContain(k.secret);
      const rows = await s.server.db.query<Record<string, unknown>>('SELECT * FROM api_keys WHERE id = $1', [k.id]);
      expect(rows[0]!.secret_hash).toBe(createHash('sha256').update(k.secret).digest('hex'));
      expect(JSON.stringify(rows)).not.toContain(k.secret);
    });

    it('a read:analytics key reads the real insights; catalog, payouts and webhook changes are 403', async () => {
      // A fan's tip is the number the insights must show, read with the key and equal to the studio's own view.
      const fan = await register(s.url, 'fan');
      const tip = await api(s.url, 'POST', '/api/v1/payments', { tip: { creatorId: creator.id, amount: { amount: 1234, currency: 'EUR' } }, paymentMethod: { type: 'test_card', cardToken: 'tok_visa_success' } }, { ...tok(fan), 'idempotency-key': `tip-${backend}-${fan.id}` });
      expect(tip.status, JSON.stringify(tip.body)).toBe(201);
      const k = await createKey(s.url, creator, ['read:analytics']);
      const body = { creator_id: creator.id, date_range: 'last_7_days', metrics: ['revenue'] };
      const insights = await api(s.url, 'POST', '/api/v1/analytics/creator-insights', body, key(k.secret));
      expect(insights.status, JSON.stringify(insights.body)).toBe(200);
      expect(insights.body.data.revenue_analytics.total_revenue).toEqual({ amount: 1234, currency: 'EUR' });
      expect(insights.body.data.revenue_analytics.top_revenue_sources).toEqual([{ source: 'tips', amount: { amount: 1234, currency: 'EUR' }, percentage: 100 }]);
      expect(insights.headers.get('ratelimit-limit')).toBe('1000');
      const viaToken = await api(s.url, 'POST', '/api/v1/analytics/creator-insights', body, tok(creator));
      expect(insights.body.data.revenue_analytics).toEqual(viaToken.body.data.revenue_analytics);
      // The key reads only its own creator's numbers.
      const other = await register(s.url, 'creator');
      expect((await api(s.url, 'POST', '/api/v1/analytics/creator-insights', { ...body, creator_id: other.id }, key(k.secret))).status).toBe(403);

      const catalog = await api(s.url, 'GET', `/api/v1/catalog?creatorId=${creator.id}`, undefined, key(k.secret));
      expect(catalog.status).toBe(403);
      expect(catalog.body.error).toMatchObject({ code: 'FORBIDDEN', details: { requiredScope: 'read:catalog' } });
      const payout = await api(s.url, 'POST', '/api/v1/finance/payouts', { amount: { amount: 100, currency: 'USD' } }, key(k.secret));
      expect(payout.status).toBe(403);
      expect(payout.body.error.details).toEqual({ apiKeyScope: 'none' });
      expect((await api(s.url, 'GET', '/api/v1/finance/payouts', undefined, key(k.secret))).status).toBe(403);
      const hook = await api(s.url, 'POST', '/api/v1/webhooks', { url: 'https://example.com/h', events: ['payment.succeeded'] }, key(k.secret));
      expect(hook.status).toBe(403);
      expect(hook.body.error.details).toEqual({ requiredScope: 'manage:webhooks' });
      // Deleting a real endpoint with the key is refused too, and the endpoint is still there.
      const made = await api(s.url, 'POST', '/api/v1/webhooks', { url: 'https://1.1.1.1/fanz-hooks', events: ['content.uploaded'] }, tok(creator));
      expect(made.status, JSON.stringify(made.body)).toBe(201);
      const del = await api(s.url, 'DELETE', `/api/v1/webhooks/${made.body.data.id}`, undefined, key(k.secret));
      expect(del.status).toBe(403);
      expect(del.body.error.details).toEqual({ requiredScope: 'manage:webhooks' });
      const hooks = await api(s.url, 'GET', '/api/v1/webhooks', undefined, tok(creator));
      expect(hooks.body.data.endpoints.map((e: { id: string }) => e.id)).toContain(made.body.data.id);
      // Account settings, devices and the keys themselves are closed to every key.
      for (const [m, p] of [['GET', '/api/v1/api-keys'], ['GET', '/api/v1/devices'], ['GET', '/api/v1/creators/me/profile'], ['POST', '/api/v1/auth/logout']] as const) {
        const r = await api(s.url, m, p, m === 'POST' ? {} : undefined, key(k.secret));
        expect(r.status, `${m} ${p}`).toBe(403);
      }
      // Revoked: the very next request is 401.
      expect((await api(s.url, 'DELETE', `/api/v1/api-keys/${k.id}`, undefined, tok(creator))).status).toBe(200);
      const revoked = await api(s.url, 'POST', '/api/v1/analytics/creator-insights', body, key(k.secret));
      expect(revoked.status).toBe(401);
      expect(revoked.body.error.code).toBe('UNAUTHENTICATED');
    });

    it('the allowed calls work: read:catalog on the public catalog, read:finance on the balance', async () => {
      const k = await createKey(s.url, creator, ['read:catalog', 'read:finance']);
      const catalog = await api(s.url, 'GET', `/api/v1/catalog?creatorId=${creator.id}`, undefined, key(k.secret));
      expect(catalog.status, JSON.stringify(catalog.body)).toBe(200);
      expect(catalog.body.data.creatorId).toBe(creator.id);
      expect(catalog.headers.get('ratelimit-limit')).toBe('1000');
      expect(catalog.headers.get('ratelimit-remaining')).toBe('999');
      const balance = await api(s.url, 'GET', '/api/v1/finance/balance', undefined, key(k.secret));
      expect(balance.status, JSON.stringify(balance.body)).toBe(200);
      const viaToken = await api(s.url, 'GET', '/api/v1/finance/balance', undefined, tok(creator));
      expect(balance.body.data).toEqual(viaToken.body.data);
      // The catalog scope does not open webhooks.
      expect((await api(s.url, 'GET', '/api/v1/webhooks', undefined, key(k.secret))).status).toBe(403);
    });

    it('a revoked key is 401 on the next request; an expired or unknown key is 401 too', async () => {
      const k = await createKey(s.url, creator, ['read:catalog']);
      const path = `/api/v1/catalog?creatorId=${creator.id}`;
      expect((await api(s.url, 'GET', path, undefined, key(k.secret))).status).toBe(200);
      const del = await api(s.url, 'DELETE', `/api/v1/api-keys/${k.id}`, undefined, tok(creator));
      expect(del.status).toBe(200);
      expect(del.body.data.revokedAt).toEqual(expect.any(String));
      const after = await api(s.url, 'GET', path, undefined, key(k.secret));
      expect(after.status).toBe(401);
      expect(after.body.error.code).toBe('UNAUTHENTICATED');
      expect(after.body.meta.requestId).toEqual(expect.any(String));

      const e = await createKey(s.url, creator, ['read:catalog']);
      await s.server.db.query(`UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1`, [e.id]);
      expect((await api(s.url, 'GET', path, undefined, key(e.secret))).status).toBe(401);
      expect((await api(s.url, 'GET', path, undefined, key('fanz_sk_' + 'A'.repeat(43)))).status).toBe(401);
    });

    it('refuses bad input, fans, other creators and keys managing keys', async () => {
      const bad = await api(s.url, 'POST', '/api/v1/api-keys', { name: 'x', scopes: ['write:payouts'] }, tok(creator));
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('VALIDATION_ERROR');
      expect((await api(s.url, 'POST', '/api/v1/api-keys', { name: 'x', scopes: [] }, tok(creator))).status).toBe(400);
      const past = await api(s.url, 'POST', '/api/v1/api-keys', { name: 'x', scopes: ['read:catalog'], expiresAt: '2020-01-01T00:00:00Z' }, tok(creator));
      expect(past.status).toBe(400);
      const fan = await register(s.url, 'fan');
      expect((await api(s.url, 'POST', '/api/v1/api-keys', { name: 'x', scopes: ['read:catalog'] }, tok(fan))).status).toBe(403);
      const k = await createKey(s.url, creator, API_KEY_SCOPES as unknown as string[]);
      expect((await api(s.url, 'POST', '/api/v1/api-keys', { name: 'y', scopes: ['read:catalog'] }, key(k.secret))).status).toBe(403);
      const other = await register(s.url, 'creator');
      expect((await api(s.url, 'DELETE', `/api/v1/api-keys/${k.id}`, undefined, tok(other))).status).toBe(404);
      expect((await api(s.url, 'DELETE', '/api/v1/api-keys/nope', undefined, tok(creator))).status).toBe(400);
      // Even a key with every scope never reaches payouts.
      expect((await api(s.url, 'GET', '/api/v1/finance/payout-schedules', undefined, key(k.secret))).status).toBe(403);
    });
  });
}

describe('API key limits (pglite)', () => {
  let storage: Storage;
  let s: Running;
  let creator: Account;
  beforeAll(async () => {
    storage = makeStorage('pglite');
    s = await startServer(storage, { apiKeyRateLimitPerHour: 5, apiKeyUserRateLimitPerHour: 8 });
    creator = await register(s.url, 'creator');
  });
  afterAll(async () => {
    await s?.close();
    await storage?.cleanup();
  });

  it('the request past the hourly limit is 429 with RateLimit-* and Retry-After; other keys are counted apart', async () => {
    const a = await createKey(s.url, creator, ['read:catalog']);
    const path = `/api/v1/catalog?creatorId=${creator.id}`;
    for (let i = 1; i <= 5; i++) {
      const r = await api(s.url, 'GET', path, undefined, key(a.secret));
      expect(r.status).toBe(200);
      expect(r.headers.get('ratelimit-limit')).toBe('5');
      expect(r.headers.get('ratelimit-remaining')).toBe(String(5 - i));
      expect(Number(r.headers.get('ratelimit-reset'))).toBeGreaterThan(3500);
    }
    const over = await api(s.url, 'GET', path, undefined, key(a.secret));
    expect(over.status).toBe(429);
    expect(over.body.error.code).toBe('RATE_LIMITED');
    expect(over.body.error.details).toMatchObject({ limit: 5, retryAfterSeconds: expect.any(Number) });
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(3500);
    expect(over.headers.get('ratelimit-remaining')).toBe('0');
    // A second key of the same creator has its own 5, but the creator's 8 across keys caps it at 3.
    const b = await createKey(s.url, creator, ['read:catalog']);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await api(s.url, 'GET', path, undefined, key(b.secret))).status);
    expect(statuses).toEqual([200, 200, 429, 429]);
    // Token traffic of the creator is not counted against keys.
    expect((await api(s.url, 'GET', '/api/v1/api-keys', undefined, tok(creator))).status).toBe(200);
  });
});

describe('API key limit at the default of 1000 per hour (pglite)', () => {
  let storage: Storage;
  let s: Running;
  beforeAll(async () => {
    storage = makeStorage('pglite');
    s = await startServer(storage, { apiKeyUserRateLimitPerHour: 0 });
  });
  afterAll(async () => {
    await s?.close();
    await storage?.cleanup();
  });

  it('a read:analytics key: 1000 requests in the hour pass and the 1001st is 429 with RateLimit-* and Retry-After', async () => {
    const creator = await register(s.url, 'creator');
    const k = await createKey(s.url, creator, ['read:analytics']);
    const day = new Date().toISOString().slice(0, 10);
    const path = `/api/v1/analytics/rollups?from=${day}&to=${day}`;
    let okCount = 0;
    for (let batch = 0; batch < 50; batch++) {
      const rs = await Promise.all(Array.from({ length: 20 }, () => api(s.url, 'GET', path, undefined, key(k.secret))));
      okCount += rs.filter((r) => r.status === 200).length;
    }
    expect(okCount).toBe(1000);
    const last = await api(s.url, 'GET', path, undefined, key(k.secret));
    expect(last.status).toBe(429);
    expect(last.body.error).toMatchObject({ code: 'RATE_LIMITED', details: { limit: 1000 } });
    expect(last.headers.get('ratelimit-limit')).toBe('1000');
    expect(last.headers.get('ratelimit-remaining')).toBe('0');
    expect(Number(last.headers.get('ratelimit-reset'))).toBeGreaterThan(0);
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(last.headers.get('retry-after'))).toBeLessThanOrEqual(3600);
  }, 60_000);
});

/**
 * `METHOD /path` of every route Fastify serves, read from printRoutes' tree (each line adds its segment to its
 * parent's). HEAD is left out where the node answers GET too (Fastify's automatic HEAD: the GET without a body).
 * printRoutes shows a wildcard route only as `*` after its first parameter (`/api/v1/media/:mediaId*` for
 * `/api/v1/media/:mediaId/s/:token/*`), so `*` stands for any rest of the path when matching below.
 */
function servedRoutes(tree: string): string[] {
  const out: string[] = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^((?:│ {3}| {4})*)(?:├── |└── )(\S+) \(([^)]+)\)/.exec(line);
    if (!m) continue;
    const depth = [...m[1]!].length / 4;
    stack.length = depth;
    stack.push(m[2]!);
    const path = stack.join('');
    const methods = m[3]!.split(', ');
    for (const method of methods) if (method !== 'HEAD' || !methods.includes('GET')) out.push(`${method} ${path}`);
  }
  return out;
}

const servedMatcher = (route: string) => new RegExp(`^${route.replace(/[.?+^$()[\]{}|\\]/g, '\\$&').replace(/\*/g, '.*')}$`);

describe('OpenAPI declares the API key scope of every route', () => {
  let storage: Storage;
  let s: Running;
  beforeAll(async () => {
    storage = makeStorage('pglite');
    s = await startServer(storage);
  });
  afterAll(async () => {
    await s?.close();
    await storage?.cleanup();
  });

  it('x-fanz-scope on every operation, the apiKey scheme, keys refused where they must be', async () => {
    const doc = (await api(s.url, 'GET', '/api/v1/openapi.json')).body;
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    const allowed = new Set<string>([...API_KEY_SCOPES, 'none']);
    let operations = 0;
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, Record<string, unknown>>>)) {
      for (const [method, op] of Object.entries(ops)) {
        operations++;
        expect(allowed.has(op['x-fanz-scope'] as string), `${method} ${path}`).toBe(true);
        const usesKey = JSON.stringify(op.security ?? []).includes('apiKey');
        expect(usesKey, `${method} ${path}`).toBe(op['x-fanz-scope'] !== 'none');
        if (/\/(finance\/payout|devices|api-keys|auth\/|creators\/me)/.test(path)) expect(op['x-fanz-scope'], `${method} ${path}`).toBe('none');
      }
    }
    expect(operations).toBeGreaterThan(30);
    expect(doc.paths['/api/v1/catalog'].get['x-fanz-scope']).toBe('read:catalog');
    expect(doc.paths['/api/v1/webhooks'].post['x-fanz-scope']).toBe('manage:webhooks');
    expect(doc.paths['/api/v1/finance/balance'].get['x-fanz-scope']).toBe('read:finance');
    // The analytics and VR routes, added by their own features, declare theirs too.
    expect(doc.paths['/api/v1/analytics/creator-insights'].post['x-fanz-scope']).toBe('read:analytics');
    expect(doc.paths['/api/v1/analytics/rollups'].get['x-fanz-scope']).toBe('read:analytics');
    expect(doc.paths['/api/v1/vr/experiences'].post['x-fanz-scope']).toBe('write:vr');
    expect(doc.paths['/api/v1/vr/experiences'].get['x-fanz-scope']).toBe('read:catalog');
    expect(doc.paths['/api/v1/vr/experiences/{id}/cancel'].post['x-fanz-scope']).toBe('write:vr');
    expect(doc.paths['/api/v1/vr/experiences/{id}/attendance'].get['x-fanz-scope']).toBe('read:analytics');
    // Buying a ticket moves a fan's money: keys (a creator's) are refused there.
    expect(doc.paths['/api/v1/vr/experiences/{id}/tickets'].post['x-fanz-scope']).toBe('none');
    // Every route the server answers under /api/v1 is an operation of the document (so has a scope), the
    // byte, tus and openapi.json routes off the RouteTable included.
    const documented = new Set(Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p.replace(/\{([^}]+)\}/g, ':$1')}`)));
    const served = servedRoutes(s.server.app.printRoutes({ commonPrefix: false })).filter((r) => r.split(' ')[1]!.startsWith('/api/v1/'));
    const exact = new Set(served.filter((r) => !r.includes('*')));
    const wild = served.filter((r) => r.includes('*')).map((r) => ({ r, re: servedMatcher(r) }));
    expect(wild.map((w) => w.r)).toEqual(['GET /api/v1/media/:mediaId*']);
    expect([...exact].filter((r) => !documented.has(r))).toEqual([]);
    // Each wildcard route is one operation the exact routes do not already account for; together a one-to-one match.
    const byWild = [...documented].filter((d) => !exact.has(d));
    expect(byWild.filter((d) => !wild.some((w) => w.re.test(d)))).toEqual([]);
    expect(byWild).toEqual(['GET /api/v1/media/:mediaId/s/:token/:file']);
    expect(served.length).toBe(operations);
    // The routes answering bytes or speaking tus document their non-envelope answers.
    const media = doc.paths['/api/v1/media/{mediaId}/s/{token}/{file}'].get;
    expect(Object.keys(media.responses)).toEqual(expect.arrayContaining(['200', '206', '416']));
    expect(media.responses['200'].content).toHaveProperty(['application/vnd.apple.mpegurl']);
    expect(doc.paths['/api/v1/vr/experiences/{id}/qr.png'].get.responses['200'].content).toHaveProperty(['image/png']);
    const upload = doc.paths['/api/v1/uploads/{uploadId}'];
    expect(upload.patch.responses['204'].headers).toHaveProperty(['Upload-Offset']);
    expect(Object.keys(upload.patch.responses)).toEqual(expect.arrayContaining(['204', '409', '412', '413', '460']));
    expect(doc.paths['/api/v1/uploads'].post.responses['201'].headers).toHaveProperty(['Location']);
    expect(upload.head['x-fanz-scope']).toBe('none');
  });
});
