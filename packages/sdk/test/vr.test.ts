// The SDK's vr namespace against a real server: a creator's API key (write:vr) schedules a meetup, a fan
// buys a ticket with its access token, the ticket's roomUrl opens the relay, and cancelling refunds it;
// a key without write:vr is refused with a typed error.
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FanzError, FanzSDK } from '../src/index.js';
import { apiKey, party, startFanz, type Party } from './server.js';

describe('FanzSDK vr', () => {
  let fanz: Awaited<ReturnType<typeof startFanz>>;
  let url: string;
  let creator: Party;
  let creatorSdk: FanzSDK;
  let fanSdk: FanzSDK;
  beforeAll(async () => {
    fanz = await startFanz();
    url = fanz.s.url;
    creator = await party(url, 'creator');
    creatorSdk = new FanzSDK({ apiKey: await apiKey(url, creator, ['write:vr', 'read:catalog']), baseUrl: url });
    fanSdk = new FanzSDK({ accessToken: (await party(url, 'fan')).accessToken, baseUrl: url });
  });
  afterAll(async () => fanz?.close());

  it('schedules, sells, admits and cancels a meetup', async () => {
    const created = await creatorSdk.vr.createExperience({
      type: 'virtual_meetup',
      title: 'SDK lounge',
      environment: { theme: 'beach', capacity: 4, interactive_elements: ['chat'] },
      scheduling: { start_time: new Date().toISOString(), duration_minutes: 30, timezone: 'UTC' },
      access_control: { price: { amount: 800, currency: 'USD' } },
    });
    expect(created.access_url).toBe(`${url}/vr/${created.experience_id}`);
    expect((await creatorSdk.vr.listExperiences(creator.id)).map((e) => e.experience_id)).toEqual([created.experience_id]);
    const bought = await fanSdk.vr.buyTicket(created.experience_id, { type: 'test_card', cardToken: 'tok_visa_success' });
    expect(bought.ticket?.experienceId).toBe(created.experience_id);
    expect((await fanSdk.vr.myTicket(created.experience_id))?.ticketId).toBe(bought.ticket!.ticketId);
    expect((await creatorSdk.vr.getExperience(created.experience_id)).seats_left).toBe(3);
    const ws = new WebSocket(fanSdk.vr.roomUrl(bought.ticket!));
    const welcome = await new Promise<{ type: string }>((resolve, reject) => {
      ws.once('message', (d) => resolve(JSON.parse(String(d)) as { type: string }));
      ws.once('close', (code) => reject(new Error(`closed ${code}`)));
    });
    expect(welcome.type).toBe('welcome');
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    const cancelled = await creatorSdk.vr.cancelExperience(created.experience_id);
    expect(cancelled).toMatchObject({ refunded: 1, experience: { status: 'cancelled' } });
    expect(await closed).toBe(4411);
  });

  it('refuses a key without write:vr with a typed error', async () => {
    const readOnly = new FanzSDK({ apiKey: await apiKey(url, creator, ['read:catalog']), baseUrl: url });
    const err = await readOnly.vr.cancelExperience('vr_00000000000000000000000000').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FanzError);
    expect((err as FanzError).status).toBe(403);
  });
});
