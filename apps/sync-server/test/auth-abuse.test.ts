// Abuse limits on the auth routes over real HTTP (PGlite): wrong passwords from elsewhere cannot lock the
// owner out, failures back off exponentially per (email, IP) and are capped per IP, password hashing has a
// bounded queue (503 + Retry-After when full), @fastify/rate-limit caps auth requests per IP, and
// concurrent refreshes with one token inside the grace window all get the same rotated pair.
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerConfig } from '../src/config.js';
import { api, makeStorage, register, startServer, type Running, type Storage } from './helpers.js';
import { apiFrom } from './from-address.js';

let storage: Storage | undefined;
let srv: Running | undefined;

async function start(overrides: Partial<ServerConfig>): Promise<Running> {
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

const login = (from: string, url: string, email: string, password: string) => apiFrom(from, url, 'POST', '/api/v1/auth/login', { email, password });

describe('login limits', () => {
  it('wrong passwords from another address do not lock the owner out of their own address', async () => {
    const { url } = await start({ loginMaxAttempts: 3, loginBackoffBaseMs: 60_000 });
    const victim = await register(url, 'fan');
    const attacker = '127.0.0.2';
    for (let i = 0; i < 3; i++) expect((await login(attacker, url, victim.email, 'not the password')).status).toBe(401);
    const blocked = await login(attacker, url, victim.email, 'not the password');
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('RATE_LIMITED');
    // The attacker is held back even with the right password; the owner from 127.0.0.1 is not.
    expect((await login(attacker, url, victim.email, victim.password)).status).toBe(429);
    const owner = await login('127.0.0.1', url, victim.email, victim.password);
    expect(owner.status).toBe(200);
    expect(owner.body.data.user.id).toBe(victim.id);
  });

  it('backoff after repeated failures doubles per failure (Retry-After grows), and a success from the address clears it', async () => {
    const { url } = await start({ loginMaxAttempts: 2, loginBackoffBaseMs: 1000, loginBackoffMaxMs: 3600_000 });
    const user = await register(url, 'fan');
    const from = '127.0.0.3';
    // The 2nd failure opens a 1 s backoff; each failure after it doubles the next one.
    for (let i = 0; i < 2; i++) expect((await login(from, url, user.email, 'wrong wrong')).status).toBe(401);
    const r1 = await login(from, url, user.email, 'wrong wrong');
    expect(r1.status).toBe(429);
    expect(Number(r1.headers['retry-after'])).toBe(1);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await login(from, url, user.email, 'wrong wrong')).status).toBe(401);
    const r2 = await login(from, url, user.email, 'wrong wrong');
    expect(r2.status).toBe(429);
    expect(Number(r2.headers['retry-after'])).toBe(2);
    await new Promise((r) => setTimeout(r, 2100));
    expect((await login(from, url, user.email, user.password)).status).toBe(200);
    // The success cleared the count: one failure is free again.
    expect((await login(from, url, user.email, 'wrong wrong')).status).toBe(401);
    expect((await login(from, url, user.email, user.password)).status).toBe(200);
  });

  it('one address guessing many emails is capped per IP; other addresses are not', async () => {
    const { url } = await start({ loginIpMaxFailures: 4 });
    const user = await register(url, 'fan');
    const from = '127.0.0.4';
    for (let i = 0; i < 4; i++) expect((await login(from, url, `nobody${i}@example.test`, 'whatever1')).status).toBe(401);
    const capped = await login(from, url, 'nobody-else@example.test', 'whatever1');
    expect(capped.status).toBe(429);
    expect(Number(capped.headers['retry-after'])).toBeGreaterThan(0);
    expect((await login('127.0.0.5', url, user.email, user.password)).status).toBe(200);
  });
});

describe('password hashing and auth request limits', () => {
  it('a full hashing queue answers 503 SERVER_BUSY with Retry-After instead of stalling everyone', async () => {
    const { url } = await start({ passwordHashConcurrency: 1, passwordHashQueue: 2, passwordHashPerIp: 100, authRateLimitMax: 0, loginIpMaxFailures: 1000 });
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => api(url, 'POST', '/api/v1/auth/login', { email: `ghost${i}@example.test`, password: 'whatever1' })));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 401).length).toBeGreaterThanOrEqual(3);
    const busy = results.filter((r) => r.status === 503);
    expect(busy.length).toBeGreaterThan(0);
    expect(busy[0]!.body.error.code).toBe('SERVER_BUSY');
    expect(Number(busy[0]!.headers.get('retry-after'))).toBeGreaterThan(0);
    // Once the queue drains, sign-up works.
    expect((await register(url, 'creator')).id).toMatch(/^cr_/);
  });

  it('one address may hash only a few passwords at once (429); another address still signs up', async () => {
    const { url } = await start({ passwordHashConcurrency: 1, passwordHashQueue: 100, passwordHashPerIp: 3, authRateLimitMax: 0, loginIpMaxFailures: 1000 });
    const bogus = Array.from({ length: 10 }, (_, i) => apiFrom('127.0.0.8', url, 'POST', '/api/v1/auth/login', { email: `ghost${i}@example.test`, password: 'whatever1' }));
    const n = Date.now().toString(36);
    const signup = apiFrom('127.0.0.9', url, 'POST', '/api/v1/auth/register', { role: 'fan', username: `fan_${n}`, email: `fan${n}@example.test`, password: 'correct horse battery', displayName: 'Fan' });
    const results = await Promise.all(bogus);
    const limited = results.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(7);
    expect(limited[0]!.body.error.code).toBe('RATE_LIMITED');
    expect(limited[0]!.headers['retry-after']).toBe('1');
    expect(results.filter((r) => r.status === 401).length).toBeLessThanOrEqual(3);
    expect((await signup).status).toBe(201);
  });

  it('@fastify/rate-limit caps requests to the auth routes per IP with 429 + Retry-After', async () => {
    const { url } = await start({ authRateLimitMax: 3, authRateLimitWindowMs: 60_000 });
    const from = '127.0.0.6';
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof apiFrom>> | undefined;
    for (let i = 0; i < 5; i++) {
      last = await apiFrom(from, url, 'POST', '/api/v1/auth/refresh', { refreshToken: 'garbage' });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    expect(last!.body.error.code).toBe('RATE_LIMITED');
    expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
    // Another address and non-auth routes are not affected.
    expect((await apiFrom('127.0.0.7', url, 'POST', '/api/v1/auth/refresh', { refreshToken: 'garbage' })).status).toBe(401);
    expect((await apiFrom(from, url, 'GET', '/health')).status).toBe(200);
  });
});

describe('refresh grace window', () => {
  it('concurrent refreshes with one token all get the same rotated pair and the session stays alive', async () => {
    const { url } = await start({ refreshGraceMs: 10_000 });
    const user = await register(url, 'creator');
    const results = await Promise.all(Array.from({ length: 4 }, () => api(url, 'POST', '/api/v1/auth/refresh', { refreshToken: user.refreshToken })));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const pairs = new Set(results.map((r) => `${r.body.data.refreshToken}|${r.body.data.accessToken}`));
    expect(pairs.size).toBe(1);
    const next = results[0]!.body.data;
    const me = await api(url, 'GET', '/api/v1/devices', undefined, { authorization: `Bearer ${next.accessToken}` });
    expect(me.status).toBe(200);
    const again = await api(url, 'POST', '/api/v1/auth/refresh', { refreshToken: next.refreshToken });
    expect(again.status).toBe(200);
  });

  it('after the grace window a spent token is reuse: the session is revoked', async () => {
    const { url } = await start({ refreshGraceMs: 200 });
    const user = await register(url, 'fan');
    const first = await api(url, 'POST', '/api/v1/auth/refresh', { refreshToken: user.refreshToken });
    expect(first.status).toBe(200);
    await new Promise((r) => setTimeout(r, 400));
    const reused = await api(url, 'POST', '/api/v1/auth/refresh', { refreshToken: user.refreshToken });
    expect(reused.status).toBe(401);
    expect(reused.body.error.code).toBe('TOKEN_REUSED');
    expect((await api(url, 'POST', '/api/v1/auth/refresh', { refreshToken: first.body.data.refreshToken })).status).toBe(401);
  });
});
