// REST API on PGlite and PostgreSQL: envelopes, health/ready/metrics/OpenAPI, validation of bad input,
// register/login/refresh/logout (rotation, reuse detection, rate limit), device keys, CORS.
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { BACKENDS, JWT_SECRET, api, makeStorage, pgSkipReason, register, startServer, type Account, type Running, type Storage } from './helpers.js';

function ed25519PublicKey(): string {
  const { publicKey } = generateKeyPairSync('ed25519');
  return publicKey.export({ format: 'jwk' }).x as string;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

function expectError(res: { status: number; body: { success: boolean; error: { code: string; message: string }; meta: { requestId: string; timestamp: string } } }, status: number, code: string) {
  expect({ status: res.status, code: res.body.error?.code }).toEqual({ status, code });
  expect(res.body.success).toBe(false);
  expect(res.body.error.message.length).toBeGreaterThan(0);
  expect(res.body.meta.requestId).toMatch(/^req_/);
  expect(Number.isNaN(Date.parse(res.body.meta.timestamp))).toBe(false);
}

describe.each(BACKENDS)('REST API on %s', (backend) => {
  const skip = backend === 'postgres' && pgSkipReason !== null;
  let storage: Storage;
  let srv: Running;
  let creator: Account;
  let fan: Account;

  beforeAll(async () => {
    if (skip) return;
    storage = makeStorage(backend);
    // No refresh grace window here: reuse detection is tested right after rotation (auth-abuse.test.ts covers the window).
    srv = await startServer(storage, { corsOrigins: ['https://studio.example'], bodyLimit: 64 * 1024, refreshGraceMs: 0 });
    [creator, fan] = await Promise.all([register(srv.url, 'creator'), register(srv.url, 'fan')]);
  });
  afterAll(async () => {
    if (skip) return;
    await srv?.close();
    await storage?.cleanup();
  });

  it.skipIf(skip)('GET /health reports the services and GET /ready says ready', async () => {
    const health = await api(srv.url, 'GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('healthy');
    expect(health.body.services.map((s: { name: string }) => s.name)).toEqual(['database', 'sync']);
    expect(health.body.services[0].engine).toBe(backend);
    const ready = await api(srv.url, 'GET', '/ready');
    expect(ready.status).toBe(200);
  });

  it.skipIf(skip)('serves Prometheus metrics and an OpenAPI document built from the zod schemas', async () => {
    await api(srv.url, 'GET', '/health');
    const metrics = await api(srv.url, 'GET', '/metrics');
    expect(metrics.status).toBe(200);
    for (const name of ['http_request_duration_seconds_bucket', 'sync_open_sockets', 'sync_loaded_docs', 'db_pool_connections']) {
      expect(metrics.body).toContain(name);
    }
    const doc = await api(srv.url, 'GET', '/api/v1/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    const register = doc.body.paths['/api/v1/auth/register'].post;
    const schema = register.requestBody.content['application/json'].schema;
    expect(schema.required).toEqual(expect.arrayContaining(['role', 'username', 'email', 'password', 'displayName']));
    expect(schema.additionalProperties).toBe(false);
    expect(doc.body.paths['/api/v1/devices'].post.security).toEqual([{ bearer: [] }]);
  });

  it.skipIf(skip)('register answers 201 with user and tokens in the success envelope; duplicates are 409', async () => {
    const res = await api(srv.url, 'POST', '/api/v1/auth/register', {
      role: 'creator',
      username: 'Dup_User_' + backend,
      email: `dup-${backend}@example.test`,
      password: 'long enough password',
      displayName: 'Dup',
      bio: 'Plain bio',
      categories: ['fitness', 'travel-vlog'],
    });
    expect(res.status).toBe(201);
    expect(res.body.success).toBe(true);
    expect(res.body.data.user).toMatchObject({ role: 'creator', username: 'Dup_User_' + backend });
    expect(res.body.data.user.id).toMatch(/^cr_/);
    const again = await api(srv.url, 'POST', '/api/v1/auth/register', {
      role: 'fan',
      username: 'another_' + backend,
      email: `DUP-${backend}@example.test`,
      password: 'long enough password',
      displayName: 'Dup',
    });
    expectError(again, 409, 'CONFLICT');
    expect(again.body.error.details.field).toBe('email');
  });

  it.skipIf(skip)('rejects bad input with clear errors: wrong types, unknown fields, HTML, malformed JSON, huge bodies', async () => {
    const base = { role: 'fan', username: 'valid_name', email: 'v@example.test', password: 'long enough password', displayName: 'V' };
    const wrongTypes = await api(srv.url, 'POST', '/api/v1/auth/register', { ...base, role: 5, password: 12345678 });
    expectError(wrongTypes, 400, 'VALIDATION_ERROR');
    const paths = wrongTypes.body.error.details.issues.map((i: { path: string[] }) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['role', 'password']));

    const unknown = await api(srv.url, 'POST', '/api/v1/auth/register', { ...base, isAdmin: true });
    expectError(unknown, 400, 'VALIDATION_ERROR');
    expect(unknown.body.error.message).toContain('isAdmin');

    const html = await api(srv.url, 'POST', '/api/v1/auth/register', { ...base, displayName: '<script>alert(1)</script>' });
    expectError(html, 400, 'VALIDATION_ERROR');
    const htmlBio = await api(srv.url, 'POST', '/api/v1/auth/register', { ...base, bio: 'hi <img src=x onerror=alert(1)>' });
    expectError(htmlBio, 400, 'VALIDATION_ERROR');
    const badUsername = await api(srv.url, 'POST', '/api/v1/auth/register', { ...base, username: 'a b' });
    expectError(badUsername, 400, 'VALIDATION_ERROR');
    const badEmail = await api(srv.url, 'POST', '/api/v1/auth/register', { ...base, email: 'not-an-email' });
    expectError(badEmail, 400, 'VALIDATION_ERROR');
    const badCategory = await api(srv.url, 'POST', '/api/v1/auth/register', { ...base, categories: ['Not A Slug'] });
    expectError(badCategory, 400, 'VALIDATION_ERROR');

    expectError(await api(srv.url, 'POST', '/api/v1/auth/login', '{"email": "x@example.test", '), 400, 'INVALID_JSON');
    expectError(await api(srv.url, 'POST', '/api/v1/auth/login', '[1,2,3]'), 400, 'VALIDATION_ERROR');
    expectError(await api(srv.url, 'POST', '/api/v1/auth/login', 'email=x', { 'content-type': 'text/plain' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    const huge = JSON.stringify({ email: 'x@example.test', password: 'p'.repeat(200 * 1024) });
    expectError(await api(srv.url, 'POST', '/api/v1/auth/login', huge), 413, 'PAYLOAD_TOO_LARGE');
    expectError(await api(srv.url, 'GET', '/api/v1/nope'), 404, 'NOT_FOUND');

    // Nothing was created by any of it, and the server still answers.
    const rows = await srv.server.db.query('SELECT 1 FROM users WHERE email = $1', ['v@example.test']);
    expect(rows.length).toBe(0);
    expect((await api(srv.url, 'GET', '/health')).status).toBe(200);
  });

  it.skipIf(skip)('login works, wrong passwords are 401, and after 5 failures from one address the next is 429 with Retry-After', async () => {
    const user = await register(srv.url, 'fan');
    const good = await api(srv.url, 'POST', '/api/v1/auth/login', { email: user.email.toUpperCase(), password: user.password });
    expect(good.status).toBe(200);
    expect(good.body.data.user.id).toBe(user.id);
    for (let i = 0; i < 5; i++) {
      expectError(await api(srv.url, 'POST', '/api/v1/auth/login', { email: user.email, password: 'wrong password' }), 401, 'INVALID_CREDENTIALS');
    }
    const limited = await api(srv.url, 'POST', '/api/v1/auth/login', { email: user.email, password: user.password });
    expectError(limited, 429, 'RATE_LIMITED');
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    // Other identifiers are not affected.
    const other = await api(srv.url, 'POST', '/api/v1/auth/login', { email: creator.email, password: creator.password });
    expect(other.status).toBe(200);
  });

  it.skipIf(skip)('refresh rotates tokens; reusing a spent refresh token revokes the whole family', async () => {
    const user = await register(srv.url, 'creator');
    const first = await api(srv.url, 'POST', '/api/v1/auth/refresh', { refreshToken: user.refreshToken });
    expect(first.status).toBe(200);
    const second = await api(srv.url, 'POST', '/api/v1/auth/refresh', { refreshToken: first.body.data.refreshToken });
    expect(second.status).toBe(200);
    const latest = second.body.data;
    expect((await api(srv.url, 'GET', '/api/v1/devices', undefined, bearer(latest.accessToken))).status).toBe(200);

    // An attacker replays the first (already rotated) token: the family dies.
    expectError(await api(srv.url, 'POST', '/api/v1/auth/refresh', { refreshToken: user.refreshToken }), 401, 'TOKEN_REUSED');
    expectError(await api(srv.url, 'POST', '/api/v1/auth/refresh', { refreshToken: latest.refreshToken }), 401, 'UNAUTHENTICATED');
    expectError(await api(srv.url, 'GET', '/api/v1/devices', undefined, bearer(latest.accessToken)), 401, 'UNAUTHENTICATED');
    expectError(await api(srv.url, 'GET', '/api/v1/devices', undefined, bearer(user.accessToken)), 401, 'UNAUTHENTICATED');

    // A fresh login starts a new, working family.
    const again = await api(srv.url, 'POST', '/api/v1/auth/login', { email: user.email, password: user.password });
    expect(again.status).toBe(200);
    expect((await api(srv.url, 'GET', '/api/v1/devices', undefined, bearer(again.body.data.accessToken))).status).toBe(200);
    expectError(await api(srv.url, 'POST', '/api/v1/auth/refresh', { refreshToken: again.body.data.accessToken }), 401, 'UNAUTHENTICATED');
    expectError(await api(srv.url, 'POST', '/api/v1/auth/refresh', { refreshToken: 'garbage' }), 401, 'UNAUTHENTICATED');
  });

  it.skipIf(skip)('logout revokes the session: its access and refresh tokens stop working', async () => {
    const user = await register(srv.url, 'fan');
    const out = await api(srv.url, 'POST', '/api/v1/auth/logout', { refreshToken: user.refreshToken }, bearer(user.accessToken));
    expect(out.status).toBe(200);
    expect(out.body).toEqual({ success: true, data: { loggedOut: true } });
    expectError(await api(srv.url, 'POST', '/api/v1/auth/logout', {}, bearer(user.accessToken)), 401, 'UNAUTHENTICATED');
    expectError(await api(srv.url, 'POST', '/api/v1/auth/refresh', { refreshToken: user.refreshToken }), 401, 'UNAUTHENTICATED');
    expectError(await api(srv.url, 'POST', '/api/v1/auth/logout', {}), 401, 'UNAUTHENTICATED');

    // With only the refresh token (e.g. the access token expired), logout still ends the session.
    const again = await api(srv.url, 'POST', '/api/v1/auth/login', { email: user.email, password: user.password });
    expect((await api(srv.url, 'POST', '/api/v1/auth/logout', { refreshToken: again.body.data.refreshToken })).status).toBe(200);
    expectError(await api(srv.url, 'GET', '/api/v1/devices', undefined, bearer(again.body.data.accessToken)), 401, 'UNAUTHENTICATED');
  });

  it.skipIf(skip)('creators register Ed25519 device keys; fans, strangers and expired tokens cannot', async () => {
    const publicKey = ed25519PublicKey();
    const res = await api(srv.url, 'POST', '/api/v1/devices', { publicKey, name: 'Studio laptop' }, bearer(creator.accessToken));
    expect(res.status).toBe(201);
    expect(res.body.data.keyId).toMatch(/^key_/);
    const list = await api(srv.url, 'GET', '/api/v1/devices', undefined, bearer(creator.accessToken));
    expect(list.body.data.devices).toEqual([expect.objectContaining({ keyId: res.body.data.keyId, publicKey, name: 'Studio laptop' })]);

    expectError(await api(srv.url, 'POST', '/api/v1/devices', { publicKey, name: 'Again' }, bearer(creator.accessToken)), 409, 'CONFLICT');
    expectError(await api(srv.url, 'POST', '/api/v1/devices', { publicKey: ed25519PublicKey(), name: 'x' }, bearer(fan.accessToken)), 403, 'FORBIDDEN');
    expectError(await api(srv.url, 'POST', '/api/v1/devices', { publicKey: ed25519PublicKey(), name: 'x' }), 401, 'UNAUTHENTICATED');
    expectError(await api(srv.url, 'POST', '/api/v1/devices', { publicKey: 'short', name: 'x' }, bearer(creator.accessToken)), 400, 'VALIDATION_ERROR');
    expectError(await api(srv.url, 'POST', '/api/v1/devices', { publicKey: ed25519PublicKey(), name: '<b>x</b>' }, bearer(creator.accessToken)), 400, 'VALIDATION_ERROR');
    expectError(await api(srv.url, 'POST', '/api/v1/devices', { publicKey: ed25519PublicKey(), name: 'x', admin: 1 }, bearer(creator.accessToken)), 400, 'VALIDATION_ERROR');
    expectError(await api(srv.url, 'GET', '/api/v1/devices', undefined, { authorization: 'Token abc' }), 401, 'UNAUTHENTICATED');

    const expired = await new SignJWT({ typ: 'access', role: 'creator', sid: 'ses_gone' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(creator.id)
      .setIssuer('fanz-sync-server')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 3600)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(new TextEncoder().encode(JWT_SECRET));
    expectError(await api(srv.url, 'GET', '/api/v1/devices', undefined, bearer(expired)), 401, 'TOKEN_EXPIRED');
  });

  it.skipIf(skip)('answers CORS preflights only for configured origins', async () => {
    const allowed = await fetch(`${srv.url}/api/v1/auth/login`, {
      method: 'OPTIONS',
      headers: { origin: 'https://studio.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://studio.example');
    const denied = await fetch(`${srv.url}/api/v1/auth/login`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(denied.headers.get('access-control-allow-origin')).toBeNull();
  });
});
