// A real sync server for the SDK tests (in-process, PGlite in a temp dir, port 0) and the parties they need.
import { randomBytes } from 'node:crypto';
import { api, makeStorage, startServer, type Running, type Storage } from '../../../apps/sync-server/test/helpers.js';
import type { ServerConfig } from '../../../apps/sync-server/src/config.js';

export { api };

export interface Party {
  id: string;
  username: string;
  accessToken: string;
}

export async function startFanz(overrides: Partial<ServerConfig> = {}): Promise<{ s: Running; storage: Storage; close(): Promise<void> }> {
  const storage = makeStorage('pglite', { fresh: true });
  const s = await startServer(storage, {
    webhookAllowPrivate: true,
    money: {
      paymentRetry: { attempts: 3, baseMs: 5, maxMs: 20 },
      webhooks: { retryBaseMs: 50, retryMaxMs: 200, maxAttempts: 5, timeoutMs: 2000, pollMs: 100 },
    },
    ...overrides,
  });
  return { s, storage, close: async () => (await s.close(), await storage.cleanup()) };
}

export async function party(url: string, role: 'creator' | 'fan'): Promise<Party> {
  const username = `${role}_${randomBytes(5).toString('hex')}`;
  const res = await api(url, 'POST', '/api/v1/auth/register', { role, username, email: `${username}@example.test`, password: 'correct horse battery', displayName: `SDK ${role}` });
  if (res.status !== 201) throw new Error(`register: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.data.user.id, username, accessToken: res.body.data.accessToken };
}

export async function apiKey(url: string, creator: Party, scopes: string[]): Promise<string> {
  const res = await api(url, 'POST', '/api/v1/api-keys', { name: 'sdk test', scopes }, { authorization: `Bearer ${creator.accessToken}` });
  if (res.status !== 201) throw new Error(`api key: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data.secret;
}

export async function tier(url: string, creator: Party): Promise<string> {
  const res = await api(url, 'POST', '/api/v1/subscriptions', { name: 'Premium', price: { amount: 1999, currency: 'USD' }, interval: 'month', benefits: ['All posts'] }, { authorization: `Bearer ${creator.accessToken}` });
  if (res.status !== 201) throw new Error(`tier: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data.id;
}
