import { describe, expect, it } from 'vitest';
import { VrCloseEvents, vrCloseName } from './close-codes';
import { createVrExperienceBodySchema } from './experience-schemas';
import { parseClientRoomMessage, serverRoomMessageSchema } from './room-messages';

describe('client room messages', () => {
  it('accepts chat, mute, remove and leave', () => {
    expect(parseClientRoomMessage('{"type":"chat","text":" hi "}')).toEqual({ ok: true, message: { type: 'chat', text: 'hi' } });
    expect(parseClientRoomMessage('{"type":"mute","participantIndex":3,"muted":true}').ok).toBe(true);
    expect(parseClientRoomMessage('{"type":"remove","participantIndex":3}').ok).toBe(true);
    expect(parseClientRoomMessage('{"type":"leave"}').ok).toBe(true);
  });

  it('refuses non-JSON, unknown types, extra fields, markup and empty chat with a reason', () => {
    for (const bad of ['nope', '[]', '{"type":"pose"}', '{"type":"chat","text":"x","admin":true}', '{"type":"chat","text":"<b>x</b>"}', '{"type":"chat","text":"   "}', '{"type":"remove","participantIndex":-1}']) {
      const r = parseClientRoomMessage(bad);
      expect(r.ok, bad).toBe(false);
      if (!r.ok) expect(r.reason.length).toBeGreaterThan(0);
    }
  });

  it('server frames parse with the server schema', () => {
    expect(serverRoomMessageSchema.safeParse({ type: 'leave', participantIndex: 2, reason: 'Normal' }).success).toBe(true);
    expect(serverRoomMessageSchema.safeParse({ type: 'leave' }).success).toBe(false);
  });
});

describe('close codes', () => {
  it('are unique and map back to their names', () => {
    const codes = Object.values(VrCloseEvents).map((e) => e.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(vrCloseName(4503)).toBe('RoomFull');
    expect(vrCloseName(4999)).toBeUndefined();
  });
});

describe('create experience body', () => {
  const body = {
    type: 'virtual_meetup',
    title: 'Friday lounge',
    environment: { theme: 'lounge', capacity: 24, interactive_elements: ['chat', 'emotes'] },
    scheduling: { start_time: '2030-01-02T20:00:00Z', duration_minutes: 60, timezone: 'Europe/Berlin' },
    access_control: { price: { amount: 1500, currency: 'USD' } },
  };

  it("accepts the seed's body", () => {
    expect(createVrExperienceBodySchema.safeParse(body).success).toBe(true);
  });

  it('refuses no price and no tier, a float price, an unknown zone and capacity past the cap', () => {
    const cases = [
      { ...body, access_control: {} },
      { ...body, access_control: { price: { amount: 15.5, currency: 'USD' } } },
      { ...body, scheduling: { ...body.scheduling, timezone: 'Mars/Olympus' } },
      { ...body, environment: { ...body.environment, capacity: 100000 } },
      { ...body, type: 'concert' },
    ];
    for (const c of cases) expect(createVrExperienceBodySchema.safeParse(c).success).toBe(false);
  });
});
