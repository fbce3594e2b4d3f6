// The studio's API key service against the real sync server (in-process, PGlite): a key created with
// read:catalog reads the catalog and is refused payouts, the list never carries a secret, revoking makes
// the very next request 401, and bad input comes back as field errors the Account screen shows.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../sync-server/src/config.js';
import { buildServer, type FanzServer } from '../../sync-server/src/server.js';
import { createApiKey, listApiKeys, revokeApiKey, type ApiKeysDeps } from '../src/main/services/api-keys/api-keys.js';
import { StudioApiError } from '../src/shared/studio-api.js';

let dir: string;
let server: FanzServer;
let url: string;
let creator: { id: string; token: string };

async function registerAs(role: 'creator' | 'fan'): Promise<{ id: string; token: string }> {
  const n = randomBytes(4).toString('hex');
  const res = await fetch(`${url}/api/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ role, username: `${role}_${n}`, email: `${role}${n}@example.test`, password: 'correct horse battery', displayName: 'Test' }),
  });
  expect(res.status).toBe(201);
  const d = ((await res.json()) as { data: { user: { id: string }; accessToken: string } }).data;
  return { id: d.user.id, token: d.accessToken };
}
const depsFor = (token: string): ApiKeysDeps => ({ serverUrl: url, accessToken: async () => token });
const withKey = (secret: string, path: string, init: RequestInit = {}) =>
  fetch(`${url}${path}`, { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${secret}` } });

async function refusal(p: Promise<unknown>): Promise<StudioApiError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StudioApiError);
  return err as StudioApiError;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fanz-apikeys-'));
  server = await buildServer({ ...loadConfig({}), port: 0, host: '127.0.0.1', dataDir: join(dir, 'server'), logLevel: 'silent' }, { logger: false });
  url = await server.listen();
  creator = await registerAs('creator');
}, 60_000);
afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('studio API key service against the real server', () => {
  it('creates a read:catalog key that reads the catalog, is refused payouts, lists without its secret and is 401 once revoked', async () => {
    const d = depsFor(creator.token);
    const expiresAt = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const k = await createApiKey(d, { name: 'Shop sync', scopes: ['read:catalog'], expiresAt });
    expect(k.secret).toMatch(/^fanz_sk_[A-Za-z0-9_-]{43}$/);
    expect(k).toMatchObject({ name: 'Shop sync', scopes: ['read:catalog'], hint: k.secret.slice(-4), revokedAt: null });
    expect(Date.parse(k.expiresAt!)).toBe(Date.parse(expiresAt));

    const catalog = await withKey(k.secret, `/api/v1/catalog?creatorId=${creator.id}`);
    expect(catalog.status).toBe(200);
    const payout = await withKey(k.secret, '/api/v1/finance/payouts', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ amount: { amount: 100, currency: 'USD' } }),
    });
    expect(payout.status).toBe(403);

    const listed = await listApiKeys(d);
    expect(listed.find((x) => x.id === k.id)).toMatchObject({ name: 'Shop sync', scopes: ['read:catalog'], revokedAt: null });
    expect(JSON.stringify(listed)).not.toContain(k.secret);

    const revoked = await revokeApiKey(d, k.id);
    expect(revoked.revokedAt).not.toBeNull();
    expect((await withKey(k.secret, `/api/v1/catalog?creatorId=${creator.id}`)).status).toBe(401);
    expect((await listApiKeys(d)).find((x) => x.id === k.id)?.revokedAt).not.toBeNull();
  });

  it("a past expiry is the server's field error on expiresAt; someone else's key cannot be revoked", async () => {
    const d = depsFor(creator.token);
    const err = await refusal(createApiKey(d, { name: 'old', scopes: ['read:catalog'], expiresAt: new Date(Date.now() - 60_000).toISOString() }));
    expect(err.code).toBe('VALIDATION_ERROR');
    expect(err.details?.fields?.expiresAt).toMatch(/future/);

    const other = await registerAs('creator');
    const theirs = await createApiKey(depsFor(other.token), { name: 'theirs', scopes: ['read:finance'] });
    const notMine = await refusal(revokeApiKey(d, theirs.id));
    expect(notMine.code).toBe('NOT_FOUND');
    expect((await listApiKeys(depsFor(other.token)))[0]).toMatchObject({ id: theirs.id, revokedAt: null });
  });

  it('a fan is refused (keys are for creators) and an unreachable server says so', async () => {
    const fan = await registerAs('fan');
    expect((await refusal(listApiKeys(depsFor(fan.token)))).code).toBe('FORBIDDEN');
    const gone = await refusal(listApiKeys({ serverUrl: 'http://127.0.0.1:9', accessToken: async () => 'x' }));
    expect(gone.code).toBe('SERVER_UNREACHABLE');
  });
});
