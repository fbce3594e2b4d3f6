// The VR relay against a real server and real `ws` clients: admission at the upgrade (forged, expired,
// other-room, reused tickets, capacity, window), the 20 Hz pose batches, chat, host controls, and every
// bad input ending in its documented close code while the other participants carry on.
import type { Socket } from 'node:net';
import { encodePose, packQuaternion, VR_LIMITS, VrCloseEvents } from '@fanz/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, makeStorage, register, waitFor, type Account, type Json, type Running, type Storage } from './helpers.js';
import { bearer } from './money-helpers.js';
import { createExperience, experienceBody, joined, refusedWith, roomClient, startVrServer, tierGuest, tierRoom, type RoomClient } from './vr-helpers.js';

const ROT = packQuaternion({ x: 0, y: 0.3826834, z: 0, w: 0.9238795 });
let seq = 0;
const pose = (x: number) => encodePose({ seq: ++seq & 0xffff, x, y: 1600, z: -250, rotation: ROT });

let storage: Storage;
let srv: Running;
let offsetMs = 0;
let room: { creator: Account; tierId: string; experienceId: string };
let a: { fan: Account; ticket: Json };
let b: { fan: Account; ticket: Json };
let ca: RoomClient;
let cb: RoomClient;

/** A pose sent by `from` arrives in a batch at `to`, with `from`'s participant index and the exact fields. */
async function poseArrives(from: RoomClient, to: RoomClient, x: number): Promise<void> {
  const idx = from.index();
  from.send(pose(x));
  await waitFor(() => to.batches.some((batch) => batch.some((e) => e.participantIndex === idx && e.pose.x === x && e.pose.rotation === ROT)), `pose x=${x} from ${idx}`);
}

let probe = 1;
/** The bystanders A and B still exchange poses both ways. */
async function othersUnaffected(): Promise<void> {
  expect(ca.ws.readyState).toBe(ca.ws.OPEN);
  expect(cb.ws.readyState).toBe(cb.ws.OPEN);
  await poseArrives(ca, cb, probe++);
  await poseArrives(cb, ca, -probe++);
}

beforeAll(async () => {
  storage = makeStorage('pglite');
  srv = await startVrServer(storage, { clock: () => Date.now() + offsetMs, relay: { maxGuestsPerRoom: 3, pingIntervalMs: 400 } });
  room = await tierRoom(srv.url, { capacity: 10 });
  a = await tierGuest(srv.url, room.tierId, room.experienceId);
  b = await tierGuest(srv.url, room.tierId, room.experienceId);
  ca = await joined(roomClient(srv.wsUrl, room.experienceId, { ticket: a.ticket.token }));
  cb = await joined(roomClient(srv.wsUrl, room.experienceId, { ticket: b.ticket.token }));
});

afterAll(async () => {
  ca?.ws.close();
  cb?.ws.close();
  await srv?.close();
  await storage?.cleanup();
});

describe('a room', () => {
  it('welcomes with the roster, announces joins and relays poses in 20 Hz batches of the exact wire bytes', async () => {
    const welcomeB = cb.json.find((m) => m.type === 'welcome');
    expect(welcomeB.participants.map((p: Json) => p.participantIndex).sort()).toEqual([ca.index(), cb.index()].sort());
    expect(welcomeB).toMatchObject({ batchHz: 20, maxMessageBytes: 4096, you: { role: 'guest', displayName: 'Test fan', muted: false } });
    expect(ca.json.some((m) => m.type === 'join' && m.participant.participantIndex === cb.index())).toBe(true);
    await poseArrives(ca, cb, 1234);
    const entry = cb.batches.flat().find((e) => e.pose.x === 1234)!;
    expect(entry.pose).toMatchObject({ y: 1600, z: -250, rotation: ROT });
  });

  it('sends only poses that changed: a quiet room sends no batches', async () => {
    await othersUnaffected();
    await new Promise((r) => setTimeout(r, 120));
    const before = ca.batches.length + cb.batches.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(ca.batches.length + cb.batches.length).toBe(before);
  });

  it('relays chat as JSON with the sender and a timestamp', async () => {
    ca.send(JSON.stringify({ type: 'chat', text: '  hello room  ' }));
    await waitFor(() => cb.json.some((m) => m.type === 'chat' && m.text === 'hello room'), 'chat');
    const msg = cb.json.find((m) => m.type === 'chat');
    expect(msg).toMatchObject({ participantIndex: ca.index(), displayName: 'Test fan' });
    expect(Date.parse(msg.at)).toBeGreaterThan(0);
  });

  it('the creator hosts with an access token (query or Bearer header); another creator cannot', async () => {
    const host = await joined(roomClient(srv.wsUrl, room.experienceId, { headers: bearer(room.creator) }));
    expect(host.json[0].you.role).toBe('host');
    const second = roomClient(srv.wsUrl, room.experienceId, { token: room.creator.accessToken });
    expect(await refusedWith(second)).toBe(VrCloseEvents.TicketInUse.code);
    const other = await register(srv.url, 'creator');
    expect(await refusedWith(roomClient(srv.wsUrl, room.experienceId, { token: other.accessToken }))).toBe(VrCloseEvents.Unauthorized.code);
    host.ws.close();
    await host.closed;
    await othersUnaffected();
  });
});

describe('admission', () => {
  it('refuses no ticket, garbage and a forged (re-signed) ticket with Unauthorized', async () => {
    expect(await refusedWith(roomClient(srv.wsUrl, room.experienceId, {}))).toBe(4401);
    expect(await refusedWith(roomClient(srv.wsUrl, room.experienceId, { ticket: 'not-a-ticket' }))).toBe(4401);
    const [payload, sig] = (a.ticket.token as string).split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, u: b.fan.id })).toString('base64url') + '.' + sig;
    expect(await refusedWith(roomClient(srv.wsUrl, room.experienceId, { ticket: forged }))).toBe(4401);
    const flipped = payload + '.' + (sig!.startsWith('A') ? 'B' : 'A') + sig!.slice(1);
    expect(await refusedWith(roomClient(srv.wsUrl, room.experienceId, { ticket: flipped }))).toBe(4401);
    await othersUnaffected();
  });

  it('refuses an expired ticket with TicketExpired', async () => {
    const expired = srv.server.vr.tickets.sign({ ticketId: a.ticket.ticketId, experienceId: room.experienceId, userId: a.fan.id, expiresAt: Date.now() - 1000 });
    expect(await refusedWith(roomClient(srv.wsUrl, room.experienceId, { ticket: expired }))).toBe(VrCloseEvents.TicketExpired.code);
    await othersUnaffected();
  });

  it("refuses another room's ticket with WrongRoom and an unknown room with ExperienceNotFound", async () => {
    const other = await tierRoom(srv.url, { capacity: 2 });
    const g = await tierGuest(srv.url, other.tierId, other.experienceId);
    expect(await refusedWith(roomClient(srv.wsUrl, room.experienceId, { ticket: g.ticket.token }))).toBe(VrCloseEvents.WrongRoom.code);
    expect(await refusedWith(roomClient(srv.wsUrl, 'vr_00000000000000000000000000', { ticket: g.ticket.token }))).toBe(VrCloseEvents.WrongRoom.code);
    expect(await refusedWith(roomClient(srv.wsUrl, 'nonsense', { ticket: g.ticket.token }))).toBe(VrCloseEvents.ExperienceNotFound.code);
    await othersUnaffected();
  });

  it('refuses a second socket on a ticket already in the room with TicketInUse; the first keeps working', async () => {
    expect(await refusedWith(roomClient(srv.wsUrl, room.experienceId, { ticket: a.ticket.token }))).toBe(VrCloseEvents.TicketInUse.code);
    await othersUnaffected();
  });

  it('refuses joins beyond the hard cap with RoomFull, even with valid tickets', async () => {
    const capped = await tierRoom(srv.url, { capacity: 5 });
    const guests = [];
    for (let i = 0; i < 4; i++) guests.push(await tierGuest(srv.url, capped.tierId, capped.experienceId));
    const inRoom = [];
    for (const g of guests.slice(0, 3)) inRoom.push(await joined(roomClient(srv.wsUrl, capped.experienceId, { ticket: g.ticket.token })));
    // Four at once for the last seat: exactly the free seat count is admitted.
    const late = roomClient(srv.wsUrl, capped.experienceId, { ticket: guests[3]!.ticket.token });
    expect(await refusedWith(late)).toBe(VrCloseEvents.RoomFull.code);
    inRoom[0]!.ws.close();
    await inRoom[0]!.closed;
    const again = await joined(roomClient(srv.wsUrl, capped.experienceId, { ticket: guests[3]!.ticket.token }));
    await poseArrives(again, inRoom[1]!, 77);
    for (const c of [again, ...inRoom]) c.ws.close();
    await othersUnaffected();
  });

  it('opens to guests at the start and to the creator 15 minutes early; closes the room at the end', async () => {
    const early = await tierRoom(srv.url, { capacity: 3, startInMs: 10 * 60_000, durationMinutes: 30 });
    const g = await tierGuest(srv.url, early.tierId, early.experienceId);
    expect(await refusedWith(roomClient(srv.wsUrl, early.experienceId, { ticket: g.ticket.token }))).toBe(VrCloseEvents.TooEarly.code);
    const host = await joined(roomClient(srv.wsUrl, early.experienceId, { token: early.creator.accessToken }));
    const later = await tierRoom(srv.url, { capacity: 3, startInMs: 20 * 60_000 });
    expect(await refusedWith(roomClient(srv.wsUrl, later.experienceId, { token: later.creator.accessToken }))).toBe(VrCloseEvents.TooEarly.code);
    // 11 minutes on: the guest is in; 41 minutes on: the window has ended and the room closes.
    offsetMs = 11 * 60_000;
    const guest = await joined(roomClient(srv.wsUrl, early.experienceId, { ticket: g.ticket.token }));
    offsetMs = 41 * 60_000;
    expect((await guest.closed).code).toBe(VrCloseEvents.RoomClosed.code);
    expect((await host.closed).code).toBe(VrCloseEvents.RoomClosed.code);
    expect(await refusedWith(roomClient(srv.wsUrl, early.experienceId, { ticket: g.ticket.token }))).toBe(VrCloseEvents.TicketExpired.code);
    offsetMs = 0;
    await othersUnaffected();
  });
});

describe('bad input from a participant closes only that socket', () => {
  let c: { fan: Account; ticket: Json };
  beforeAll(async () => {
    c = await tierGuest(srv.url, room.tierId, room.experienceId);
  });
  const join = () => joined(roomClient(srv.wsUrl, room.experienceId, { ticket: c.ticket.token }));

  it('a malformed binary frame (wrong length, type, impossible rotation) -> MalformedFrame', async () => {
    const bad = [new Uint8Array(12).fill(1), Uint8Array.of(9, ...new Array(12).fill(0)), (() => {
      const f = pose(1);
      new DataView(f.buffer).setUint32(9, 0x3fffffff, true);
      return f;
    })()];
    for (const frame of bad) {
      const cc = await join();
      const mark = ca.json.length;
      cc.send(frame);
      expect((await cc.closed).code).toBe(VrCloseEvents.MalformedFrame.code);
      await waitFor(() => ca.json.slice(mark).some((m) => m.type === 'leave' && m.participantIndex === cc.index() && m.reason === 'MalformedFrame'), 'leave notice');
    }
    await othersUnaffected();
  });

  it('a malformed text frame (not JSON, unknown type, markup in chat) -> MalformedFrame', async () => {
    for (const text of ['{oops', '{"type":"teleport"}', '{"type":"chat","text":"<script>x</script>"}']) {
      const cc = await join();
      cc.send(text);
      expect((await cc.closed).code).toBe(VrCloseEvents.MalformedFrame.code);
    }
    await othersUnaffected();
  });

  it('a frame over 4 KiB -> MessageTooBig (1009)', async () => {
    const cc = await join();
    cc.send(new Uint8Array(VR_LIMITS.maxMessageBytes + 1));
    expect((await cc.closed).code).toBe(1009);
    await othersUnaffected();
  });

  it('a flood past the token bucket (burst 60, 30/s) -> RateLimited, while 20 Hz is fine', async () => {
    const steady = await join();
    for (let i = 0; i < 30; i++) {
      steady.send(pose(i));
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(steady.ws.readyState).toBe(steady.ws.OPEN);
    steady.ws.close();
    await steady.closed;
    const flood = await join();
    for (let i = 0; i < 200; i++) flood.send(pose(i));
    expect((await flood.closed).code).toBe(VrCloseEvents.RateLimited.code);
    await othersUnaffected();
  });

  it('a client that stops reading is dropped as SlowConsumer; the others keep receiving', async () => {
    const slow = await join();
    const mark = ca.json.length;
    const leaveOf = () => ca.json.slice(mark).find((m) => m.type === 'leave' && m.participantIndex === slow.index());
    // Stop reading: the relay's pings go unanswered (and, given minutes, its send buffer would pass its bound).
    (slow.ws as unknown as { _socket: Socket })._socket.pause();
    const chat = JSON.stringify({ type: 'chat', text: 'x'.repeat(500) });
    const start = Date.now();
    let ended = false;
    void slow.closed.then(() => (ended = true));
    // A and B keep chatting within their rate limits while the relay gives up on the slow socket.
    while (!ended && Date.now() - start < 60_000) {
      for (let i = 0; i < 5; i++) {
        ca.send(chat);
        cb.send(chat);
      }
      await new Promise((r) => setTimeout(r, 200));
      if (leaveOf()) break;
    }
    expect(leaveOf()?.reason).toBe('SlowConsumer');
    console.log(`[vr relay test] slow consumer dropped after ${Date.now() - start} ms`);
    slow.ws.terminate();
    await othersUnaffected();
  });
});

describe('host controls', () => {
  it('the host mutes (chat refused with a notice) and removes a guest, who cannot come back on that ticket; guests cannot', async () => {
    const g = await tierGuest(srv.url, room.tierId, room.experienceId);
    const guest = await joined(roomClient(srv.wsUrl, room.experienceId, { ticket: g.ticket.token }));
    const host = await joined(roomClient(srv.wsUrl, room.experienceId, { token: room.creator.accessToken }));
    guest.send(JSON.stringify({ type: 'remove', participantIndex: ca.index() }));
    await waitFor(() => guest.json.some((m) => m.type === 'notice' && m.code === 'NOT_HOST'), 'NOT_HOST notice');
    host.send(JSON.stringify({ type: 'mute', participantIndex: guest.index(), muted: true }));
    await waitFor(() => ca.json.some((m) => m.type === 'mute' && m.participantIndex === guest.index() && m.muted), 'mute broadcast');
    guest.send(JSON.stringify({ type: 'chat', text: 'can you hear me' }));
    await waitFor(() => guest.json.some((m) => m.type === 'notice' && m.code === 'MUTED'), 'MUTED notice');
    await poseArrives(guest, ca, 4242); // muted guests still move
    expect(cb.json.some((m) => m.type === 'chat' && m.text === 'can you hear me')).toBe(false);
    host.send(JSON.stringify({ type: 'remove', participantIndex: guest.index() }));
    expect((await guest.closed).code).toBe(VrCloseEvents.RemovedByHost.code);
    expect(await refusedWith(roomClient(srv.wsUrl, room.experienceId, { ticket: g.ticket.token }))).toBe(VrCloseEvents.RemovedByHost.code);
    host.ws.close();
    await host.closed;
    await othersUnaffected();
  });
});

describe('attendance', () => {
  it('records every join with its minutes for the creator', async () => {
    const fresh = await tierRoom(srv.url, { capacity: 3 });
    const g = await tierGuest(srv.url, fresh.tierId, fresh.experienceId);
    const c1 = await joined(roomClient(srv.wsUrl, fresh.experienceId, { ticket: g.ticket.token }));
    await new Promise((r) => setTimeout(r, 300));
    c1.ws.close(1000);
    await c1.closed;
    const c2 = await joined(roomClient(srv.wsUrl, fresh.experienceId, { ticket: g.ticket.token }));
    const res = await api(srv.url, 'GET', `/api/v1/vr/experiences/${fresh.experienceId}/attendance`, undefined, bearer(fresh.creator));
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ joins: 2, uniqueAttendees: 1, inRoomNow: 1 });
    expect(res.body.data.minutes).toBeGreaterThan(0.004);
    const rows = await srv.server.db.query<{ close_code: number | null }>('SELECT close_code FROM vr_attendance WHERE experience_id = $1 ORDER BY joined_at', [fresh.experienceId]);
    expect(rows.map((r) => r.close_code)).toEqual([1000, null]);
    c2.ws.close();
    const other = await register(srv.url, 'creator');
    expect((await api(srv.url, 'GET', `/api/v1/vr/experiences/${fresh.experienceId}/attendance`, undefined, bearer(other))).status).toBe(404);
  });
});

describe('experiences over REST', () => {
  it('an experience needs a price or a tier, a real zone, a future start, and one of your own tiers', async () => {
    const creator = await register(srv.url, 'creator');
    const post = (body: Json) => api(srv.url, 'POST', '/api/v1/vr/experiences', body, bearer(creator));
    expect((await post(experienceBody({ price: null }))).status).toBe(400);
    expect((await post({ ...experienceBody(), scheduling: { ...experienceBody().scheduling, timezone: 'Nowhere/Land' } })).status).toBe(400);
    expect((await post(experienceBody({ startInMs: -3_600_000 }))).body.error.message).toMatch(/start_time: must not be in the past/);
    expect((await post(experienceBody({ tier: room.tierId }))).body.error.message).toMatch(/not one of your active tiers/);
    expect((await api(srv.url, 'POST', '/api/v1/vr/experiences', experienceBody(), bearer(a.fan))).status).toBe(403);
    const ok = await createExperience(srv.url, creator, experienceBody());
    expect(ok.revenue_projection).toMatchObject({ basis: 'no_history', expected_gross: null });
    void createExperience;
  });
});
