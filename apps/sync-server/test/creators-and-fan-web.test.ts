// Creator profiles (public profile, edits, avatar), a fan's purchases and subscriptions, and the fan web
// app's static serving (immutable assets, no-cache page, CSP, SPA fallback that never swallows the API).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { newId, putPost } from '@fanz/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, type FanzServer } from '../src/server.js';
import { api, makeStorage, register, testConfig, type Account, type Storage } from './helpers.js';
import { bearer, createTier, FAST_MONEY, pay } from './money-helpers.js';

const PNG_1x1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

let storage: Storage;
let webDir: string;
let url: string;
let server: FanzServer;
let close: () => Promise<void>;
let creator: Account;
let fan: Account;
let username: string;

beforeAll(async () => {
  storage = makeStorage('pglite');
  webDir = mkdtempSync(join(tmpdir(), 'fanz-fan-web-'));
  mkdirSync(join(webDir, 'assets'));
  writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>Fans</title><script type="module" src="/assets/app-abc123.js"></script>');
  writeFileSync(join(webDir, 'assets', 'app-abc123.js'), 'console.log("app")'.repeat(100));
  writeFileSync(join(webDir, 'assets', 'app-abc123.js.gz'), gzipSync('console.log("app")'.repeat(100)));
  server = await buildServer(testConfig(storage, { money: FAST_MONEY }), { logger: false, fanWebDir: webDir });
  url = await server.listen();
  close = () => server.close();
  [creator, fan] = await Promise.all([register(url, 'creator'), register(url, 'fan')]);
  username = (await api(url, 'GET', '/api/v1/creators/me/profile', undefined, bearer(creator))).body.data.username;
});

afterAll(async () => {
  await close?.();
  await storage?.cleanup();
  rmSync(webDir, { recursive: true, force: true });
});

describe('creator profiles', () => {
  it('answers the public profile by username without private fields, and 404 for fans and unknown names', async () => {
    const res = await api(url, 'GET', `/api/v1/creators/${username.toUpperCase()}`);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ id: creator.id, username, displayName: 'Test creator', bio: '', avatarUrl: null });
    const fanName = `fan_${Date.now().toString(36)}`;
    const reg = await api(url, 'POST', '/api/v1/auth/register', { role: 'fan', username: fanName, email: `${fanName}@example.test`, password: 'correct horse battery', displayName: 'A fan' });
    expect(reg.status).toBe(201);
    expect((await api(url, 'GET', `/api/v1/creators/${fanName}`)).status).toBe(404);
    expect((await api(url, 'GET', '/api/v1/creators/nobody_here')).status).toBe(404);
    expect((await api(url, 'GET', '/api/v1/creators/bad%20name!')).body.error.code).toBe('NOT_FOUND');
  });

  it('lets the creator change display name and bio, refusing markup, empty bodies and fans', async () => {
    const ok = await api(url, 'PUT', '/api/v1/creators/me/profile', { displayName: 'Maya Lens', bio: 'Sunsets and long walks.' }, bearer(creator));
    expect(ok.status).toBe(200);
    expect(ok.body.data).toMatchObject({ displayName: 'Maya Lens', bio: 'Sunsets and long walks.' });
    expect((await api(url, 'GET', `/api/v1/creators/${username}`)).body.data.bio).toBe('Sunsets and long walks.');
    expect((await api(url, 'PUT', '/api/v1/creators/me/profile', { bio: '<script>x</script>' }, bearer(creator))).status).toBe(400);
    expect((await api(url, 'PUT', '/api/v1/creators/me/profile', {}, bearer(creator))).status).toBe(400);
    expect((await api(url, 'PUT', '/api/v1/creators/me/profile', { bio: 'x' }, bearer(fan))).status).toBe(403);
    expect((await api(url, 'PUT', '/api/v1/creators/me/profile', { bio: 'x' })).status).toBe(401);
  });

  it('stores a sniffed avatar, serves it publicly with caching, and refuses non-images and oversized bodies', async () => {
    const put = (body: Buffer, type: string, who: Account | null = creator) =>
      fetch(`${url}/api/v1/creators/me/avatar`, { method: 'PUT', headers: { 'content-type': type, ...(who ? bearer(who) : {}) }, body });
    const res = await put(PNG_1x1, 'application/octet-stream');
    expect(res.status).toBe(200);
    const profile = ((await res.json()) as { data: { avatarUrl: string } }).data;
    expect(profile.avatarUrl).toMatch(new RegExp(`^/api/v1/creators/${username}/avatar\\?v=[0-9a-f]{16}$`));
    const img = await fetch(url + profile.avatarUrl);
    expect(img.status).toBe(200);
    expect(img.headers.get('content-type')).toBe('image/png');
    expect(img.headers.get('cache-control')).toContain('immutable');
    expect(Buffer.from(await img.arrayBuffer()).equals(PNG_1x1)).toBe(true);
    const again = await fetch(url + profile.avatarUrl, { headers: { 'if-none-match': img.headers.get('etag')! } });
    expect(again.status).toBe(304);

    const text = await put(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), 'image/png');
    expect(text.status).toBe(415);
    expect(((await text.json()) as { error: { code: string } }).error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const big = await put(Buffer.concat([PNG_1x1, Buffer.alloc(2 * 1024 * 1024)]), 'image/png');
    expect(big.status).toBe(413);
    expect((await put(PNG_1x1, 'image/png', fan)).status).toBe(403);
    expect((await put(PNG_1x1, 'image/png', null)).status).toBe(401);
    // Who calls is checked before the body is read: a stranger's oversized body is a 401, not a 413.
    expect((await put(Buffer.alloc(3 * 1024 * 1024), 'image/png', null)).status).toBe(401);
    // The refused uploads left the first avatar in place.
    expect(Buffer.from(await (await fetch(url + profile.avatarUrl)).arrayBuffer()).equals(PNG_1x1)).toBe(true);
  });
});

describe("a fan's purchases and subscriptions", () => {
  it('lists pay-per-view purchases with access, tips and subscriptions, newest first; declines are left out', async () => {
    const empty = await api(url, 'GET', '/api/v1/me/purchases', undefined, bearer(fan));
    expect(empty.body.data.purchases).toEqual([]);
    expect((await api(url, 'GET', '/api/v1/me/subscriptions', undefined, bearer(fan))).body.data.subscriptions).toEqual([]);

    const postId = newId('post');
    const now = new Date().toISOString();
    // Written into the creator's catalog document the way a synced studio edit lands.
    await server.docs.edit(`creator:${creator.id}`, (doc) =>
      putPost(doc, { id: postId, creatorId: creator.id, title: 'Sunset walk', visibility: 'pay_per_view', price: { amount: 1299, currency: 'USD' }, status: 'published', publishedAt: now, createdAt: now, updatedAt: now }),
    );

    expect((await pay(url, fan, { postId }, 'k-declined', 'tok_card_declined')).status).toBe(402);
    expect((await pay(url, fan, { postId }, 'k-ppv')).status).toBe(201);
    expect((await pay(url, fan, { tip: { creatorId: creator.id, amount: { amount: 500, currency: 'USD' } } }, 'k-tip')).status).toBe(201);
    const tier = await createTier(url, creator, 999);
    expect((await pay(url, fan, { subscriptionId: tier.id }, 'k-sub')).status).toBe(201);

    const purchases = (await api(url, 'GET', '/api/v1/me/purchases', undefined, bearer(fan))).body.data.purchases;
    expect(purchases.map((p: { kind: string; amount: { amount: number }; access: string | null }) => [p.kind, p.amount.amount, p.access])).toEqual([
      ['tip', 500, null],
      ['pay_per_view', 1299, 'active'],
    ]);
    expect(purchases[1]).toMatchObject({ post: { id: postId, title: 'Sunset walk' }, creator: { id: creator.id, username, displayName: 'Maya Lens' }, status: 'completed' });

    const subs = (await api(url, 'GET', '/api/v1/me/subscriptions', undefined, bearer(fan))).body.data.subscriptions;
    expect(subs).toHaveLength(1);
    expect(subs[0]).toMatchObject({ tierId: tier.id, tierName: 'Premium', status: 'active', amount: { amount: 999, currency: 'USD' }, creator: { username } });
    expect(Date.parse(subs[0].currentPeriodEnd)).toBeGreaterThan(Date.now());

    // Creators have no fan lists; bad query values are refused.
    expect((await api(url, 'GET', '/api/v1/me/purchases', undefined, bearer(creator))).status).toBe(403);
    expect((await api(url, 'GET', '/api/v1/me/subscriptions?limit=0', undefined, bearer(fan))).status).toBe(400);
  });
});

describe('the fan web app', () => {
  it('serves the page for app paths with no-cache and a strict CSP, and hashed assets immutable and gzipped', async () => {
    for (const path of ['/', '/c/maya', '/me/purchases', '/post/post_x', '/vr/vr_1', '/signin']) {
      const res = await fetch(url + path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      const csp = res.headers.get('content-security-policy')!;
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).toContain("media-src 'self' blob:");
      expect(csp).toContain("connect-src 'self'");
      expect(await res.text()).toContain('<title>Fans</title>');
    }
    const js = await fetch(`${url}/assets/app-abc123.js`, { headers: { 'accept-encoding': 'gzip' } });
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(js.headers.get('content-encoding')).toBe('gzip');
    expect(await js.text()).toBe('console.log("app")'.repeat(100));
  });

  it('never answers the page for server paths or missing files', async () => {
    for (const path of ['/api/v1/nothing', '/api/nothing', '/sync', '/updates/x', '/assets/missing-123.js', '/favicon.ico']) {
      const res = await fetch(url + path);
      expect(res.status, path).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    }
    expect((await fetch(`${url}/health`)).headers.get('content-type')).toContain('application/json');
  });

  it('starts without a built app and says so', async () => {
    const lines: string[] = [];
    const { default: pino } = await import('pino');
    const logger = pino({ level: 'info' }, { write: (l: string) => void lines.push(l) });
    const s2 = makeStorage('pglite');
    const bare = await buildServer(testConfig(s2), { logger, fanWebDir: join(webDir, 'absent') });
    try {
      const u = await bare.listen();
      expect((await fetch(`${u}/health`)).status).toBe(200);
      expect((await fetch(`${u}/`)).status).toBe(404);
      expect(lines.join('')).toContain('fan web app not built');
    } finally {
      await bare.close();
      await s2.cleanup();
    }
  });
});
