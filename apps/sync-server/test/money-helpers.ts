// Fixtures for the money tests: a server with fast retries and webhook backoff, tiers, paying fans,
// device keys that sign payout requests, and ledger/log checks straight from the database.
import { randomBytes } from 'node:crypto';
import { nodeEd25519, signJson } from '@fanz/core/node';
import { toBase64Url, type KeyPair } from '@fanz/core';
import type { ServerConfig } from '../src/config.js';
import { payoutView } from '../src/payouts/payout-service.js';
import { api, register, startServer, type Account, type Running, type Storage } from './helpers.js';

export const FAST_MONEY: ServerConfig['money'] = {
  paymentRetry: { attempts: 3, baseMs: 5, maxMs: 20 },
  webhooks: { retryBaseMs: 50, retryMaxMs: 200, maxAttempts: 5, timeoutMs: 2000, pollMs: 100 },
};

export function startMoneyServer(storage: Storage, overrides: Partial<ServerConfig> = {}): Promise<Running> {
  return startServer(storage, { money: FAST_MONEY, ...overrides });
}

export const bearer = (a: Account) => ({ authorization: `Bearer ${a.accessToken}` });

export async function createTier(url: string, creator: Account, amount = 1999, currency = 'USD') {
  const res = await api(url, 'POST', '/api/v1/subscriptions', { name: 'Premium', price: { amount, currency }, interval: 'month', benefits: ['All posts'] }, bearer(creator));
  if (res.status !== 201) throw new Error(`tier creation failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data as { id: string; price: { amount: number; currency: string } };
}

export function pay(url: string, fan: Account, body: Record<string, unknown>, key?: string, cardToken = 'tok_visa_success') {
  const headers: Record<string, string> = { ...bearer(fan) };
  if (key !== undefined) headers['idempotency-key'] = key;
  return api(url, 'POST', '/api/v1/payments', { ...body, paymentMethod: { type: 'test_card', cardToken } }, headers);
}

export interface Device {
  keyId: string;
  keys: KeyPair;
}

export async function registerDevice(url: string, creator: Account): Promise<Device> {
  const keys = nodeEd25519.generateKeyPair();
  const res = await api(url, 'POST', '/api/v1/devices', { publicKey: toBase64Url(keys.publicKey), name: 'Studio laptop' }, bearer(creator));
  if (res.status !== 201) throw new Error(`device registration failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { keyId: res.body.data.keyId, keys };
}

/** A payout body as the studio signs it: with a fresh nonce and the current time (replay protection). */
export function freshPayout(body: Record<string, unknown>): Record<string, unknown> {
  return { nonce: randomBytes(16).toString('base64url'), timestamp: new Date().toISOString(), ...body };
}

/** Signs and sends a payout request; a body without a nonce gets a fresh one (see freshPayout). */
export function requestPayout(url: string, creator: Account, device: Device, body: Record<string, unknown>, extra: Record<string, string> = {}) {
  if (!('nonce' in body)) body = freshPayout(body);
  return api(url, 'POST', '/api/v1/finance/payouts', body, {
    ...bearer(creator),
    'fanz-key-id': device.keyId,
    'fanz-signature': signJson(body, device.keys.secretKey),
    ...extra,
  });
}

export async function newParties(url: string): Promise<{ creator: Account; fan: Account }> {
  const [creator, fan] = await Promise.all([register(url, 'creator'), register(url, 'fan')]);
  return { creator, fan };
}

/**
 * The payout once its processor has answered: a request is answered when the hold commits (status
 * `requested`) and the processor is called after that, so tests wait for the final state.
 */
export async function settledPayout(srv: Running, payoutId: string): Promise<ReturnType<typeof payoutView>> {
  for (let i = 0; i < 500; i++) {
    const row = (await srv.server.db.query<{ status: string }>('SELECT status FROM payouts WHERE id = $1', [payoutId]))[0];
    if (row && row.status !== 'requested' && row.status !== 'processing') break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const full = await srv.server.db.query<Parameters<typeof payoutView>[0]>('SELECT * FROM payouts WHERE id = $1', [payoutId]);
  return payoutView(full[0]!);
}
