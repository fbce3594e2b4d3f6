// Reads what the server holds for a creator's catalog, as a second client would: sign in over REST and
// sync the document with the stock y-websocket WebsocketProvider.
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { catalogDocName, listPosts, type Post } from '@fanz/core';

export interface Creator {
  id: string;
  email: string;
  password: string;
  username: string;
  /** From registration; reused so polling the server copy does not trip the login rate limit. */
  accessToken: string;
}

async function api(serverUrl: string, path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${serverUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await res.json()) as { success: boolean; data: Record<string, unknown>; error?: unknown };
  if (!json.success) throw new Error(`${path}: ${JSON.stringify(json.error)}`);
  return json.data;
}

export async function registerCreator(serverUrl: string, label: string): Promise<Creator> {
  const suffix = Math.random().toString(36).slice(2, 8);
  const c = { email: `${label}-${suffix}@example.test`, password: 'correct horse battery', username: `${label}_${suffix}` };
  const data = await api(serverUrl, '/api/v1/auth/register', { role: 'creator', displayName: label, ...c });
  return { ...c, id: (data.user as { id: string }).id, accessToken: data.accessToken as string };
}

export async function serverPosts(serverUrl: string, creator: Creator): Promise<Post[]> {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(`${serverUrl.replace(/^http/, 'ws')}/sync`, catalogDocName(creator.id), doc, {
    params: { token: creator.accessToken },
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('server copy did not sync within 15 s')), 15_000);
      provider.once('sync', () => {
        clearTimeout(t);
        resolve();
      });
    });
    return listPosts(doc);
  } finally {
    provider.destroy();
    doc.destroy();
  }
}

/** A fan (registered here) tips the creator with the test gateway's always-approved card. */
export async function tipCreator(serverUrl: string, creatorId: string, amount: number): Promise<void> {
  const suffix = Math.random().toString(36).slice(2, 8);
  const fan = await api(serverUrl, '/api/v1/auth/register', {
    role: 'fan',
    displayName: 'Fan',
    email: `fan-${suffix}@example.test`,
    password: 'correct horse battery',
    username: `fan_${suffix}`,
  });
  const res = await fetch(`${serverUrl}/api/v1/payments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${String(fan.accessToken)}`, 'idempotency-key': `tip-${suffix}` },
    body: JSON.stringify({ tip: { creatorId, amount: { amount, currency: 'USD' } }, paymentMethod: { type: 'test_card', cardToken: 'tok_visa_success' } }),
  });
  if (res.status !== 201) throw new Error(`tip failed: ${res.status} ${await res.text()}`);
}
