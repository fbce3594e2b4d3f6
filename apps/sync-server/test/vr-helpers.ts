// Fixtures for the VR tests: a server with VR options (relay limits, a movable clock), experiences, fans
// holding tickets, and a real `ws` room client that records what the relay sends.
import { decodePoseBatch, type BatchEntry } from '@fanz/core';
import WebSocket from 'ws';
import type { ServerConfig } from '../src/config.js';
import { buildServer } from '../src/server.js';
import type { VrFeatureOptions } from '../src/vr/vr-feature.js';
import { api, register, testConfig, waitFor, type Account, type Json, type Running, type Storage } from './helpers.js';
import { bearer, createTier, FAST_MONEY, pay } from './money-helpers.js';

export async function startVrServer(storage: Storage, vr: VrFeatureOptions = {}, overrides: Partial<ServerConfig> = {}): Promise<Running> {
  const server = await buildServer(testConfig(storage, { money: FAST_MONEY, ...overrides }), { logger: false, vr });
  const url = await server.listen();
  return { server, url, wsUrl: url.replace(/^http/, 'ws'), close: () => server.close() };
}

export function experienceBody(over: { capacity?: number; startInMs?: number; durationMinutes?: number; price?: number | null; tier?: string } = {}) {
  const access: Record<string, unknown> = {};
  if (over.price !== null) access.price = { amount: over.price ?? 1500, currency: 'USD' };
  if (over.tier) access.tier_requirement = over.tier;
  return {
    type: 'virtual_meetup',
    title: 'Friday lounge',
    environment: { theme: 'lounge', capacity: over.capacity ?? 10, interactive_elements: ['chat', 'emotes'] },
    scheduling: { start_time: new Date(Date.now() + (over.startInMs ?? 0)).toISOString(), duration_minutes: over.durationMinutes ?? 60, timezone: 'Europe/Berlin' },
    access_control: access,
  };
}

export async function createExperience(url: string, creator: Account, body: Json): Promise<Json> {
  const res = await api(url, 'POST', '/api/v1/vr/experiences', body, bearer(creator));
  if (res.status !== 201) throw new Error(`experience creation failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data;
}

/** A creator with a tier and a tier-gated experience (tier holders in free, others pay). */
export async function tierRoom(url: string, over: Parameters<typeof experienceBody>[0] = {}) {
  const creator = await register(url, 'creator');
  const tier = await createTier(url, creator, 999);
  const created = await createExperience(url, creator, experienceBody({ ...over, tier: tier.id }));
  return { creator, tierId: tier.id, experienceId: created.experience_id as string, created };
}

/** A fan who subscribed to the tier and took the free ticket. */
export async function tierGuest(url: string, tierId: string, experienceId: string): Promise<{ fan: Account; ticket: Json }> {
  const fan = await register(url, 'fan');
  const sub = await pay(url, fan, { subscriptionId: tierId });
  if (sub.status !== 201) throw new Error(`subscription failed: ${sub.status} ${JSON.stringify(sub.body)}`);
  const res = await api(url, 'POST', `/api/v1/vr/experiences/${experienceId}/tickets`, undefined, bearer(fan));
  if (res.status !== 201) throw new Error(`ticket failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { fan, ticket: res.body.data.ticket };
}

export interface RoomClient {
  ws: WebSocket;
  /** Resolves when the socket opens (true) or the upgrade is refused at the HTTP level (false). */
  opened: Promise<boolean>;
  closed: Promise<{ code: number; reason: string }>;
  json: Json[];
  batches: BatchEntry[][];
  /** The participant index the welcome frame gave us. */
  index(): number;
  send(data: string | Uint8Array): void;
}

export function roomClient(wsBase: string, experienceId: string, cred: { ticket?: string; token?: string; headers?: Record<string, string> }): RoomClient {
  const q = cred.ticket !== undefined ? `?ticket=${encodeURIComponent(cred.ticket)}` : cred.token !== undefined ? `?token=${encodeURIComponent(cred.token)}` : '';
  const ws = new WebSocket(`${wsBase}/vr/${experienceId}${q}`, { headers: cred.headers });
  const json: Json[] = [];
  const batches: BatchEntry[][] = [];
  ws.on('error', () => {});
  ws.on('message', (data: Buffer, isBinary) => {
    if (isBinary) batches.push(decodePoseBatch(new Uint8Array(data)));
    else json.push(JSON.parse(data.toString('utf8')));
  });
  const opened = new Promise<boolean>((resolve) => {
    ws.on('open', () => resolve(true));
    ws.on('unexpected-response', () => resolve(false));
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  return {
    ws,
    opened,
    closed,
    json,
    batches,
    index() {
      const w = json.find((m) => m.type === 'welcome');
      if (!w) throw new Error('no welcome yet');
      return w.you.participantIndex as number;
    },
    send(data) {
      ws.send(data);
    },
  };
}

export async function joined(c: RoomClient): Promise<RoomClient> {
  await waitFor(() => c.json.some((m) => m.type === 'welcome') || c.ws.readyState === WebSocket.CLOSED, 'welcome');
  if (!c.json.some((m) => m.type === 'welcome')) throw new Error(`closed before welcome: ${JSON.stringify(await c.closed)}`);
  return c;
}

/** The close code a connection attempt ends with (after its handshake, as the relay delivers refusals). */
export async function refusedWith(c: RoomClient): Promise<number> {
  const { code } = await c.closed;
  return code;
}
