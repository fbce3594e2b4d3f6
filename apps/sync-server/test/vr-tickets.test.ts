// VR tickets through the money path on a real server: paid tickets (gateway, idempotency, 90/10 double
// entry, log entry, vr.ticket.purchased webhook), tier tickets, SOLD_OUT before any charge, capacity under
// 50 concurrent buyers (PGlite and PostgreSQL), refunds and cancellation that end tickets, the catalog
// document entry, the QR PNG and the revenue projection from the creator's own history.
import { VrCloseEvents } from '@fanz/core';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { TestGateway } from '../src/payments/payment-gateway.js';
import { api, BACKENDS, connect, makeStorage, pgSkipReason, register, synced, type Account, type Json, type Running, type Storage } from './helpers.js';
import { bearer, createTier, pay } from './money-helpers.js';
import { createExperience, experienceBody, joined, refusedWith, roomClient, startVrServer, tierGuest } from './vr-helpers.js';

const QRCode = createRequire(import.meta.url)('qrcode') as { toBuffer(text: string, o: object): Promise<Buffer> };

async function ledgerLegs(srv: Running, transactionId: string) {
  return srv.server.db.query<{ debit_account: string; credit_account: string; amount: string | number }>(
    'SELECT debit_account, credit_account, amount FROM ledger_transfers WHERE transaction_id = $1 ORDER BY amount DESC',
    [transactionId],
  );
}

/** The experience's entry in the creator's catalog document, as the studio's sync client receives it. */
async function catalogEntry(srv: Running, creator: Account, id: string): Promise<Json> {
  const client = connect(`${srv.wsUrl}/sync`, `creator:${creator.id}`, creator.accessToken);
  try {
    await synced(client);
    return (client.doc.getMap('vr').get(id) as Y.Map<unknown>).toJSON();
  } finally {
    client.destroy();
  }
}

async function seatsLeft(srv: Running, id: string): Promise<number> {
  return (await api(srv.url, 'GET', `/api/v1/vr/experiences/${id}`)).body.data.seats_left;
}

describe('paid and free tickets (PGlite)', () => {
  let storage: Storage;
  let srv: Running;
  let offsetMs = 0;
  let creator: Account;

  beforeAll(async () => {
    storage = makeStorage('pglite');
    srv = await startVrServer(storage, { clock: () => Date.now() + offsetMs, catalogPollMs: 100 }, { webhookAllowPrivate: true });
    creator = await register(srv.url, 'creator');
  });
  afterAll(async () => {
    await srv?.close();
    await storage?.cleanup();
  });

  it('sells a ticket like any payment: 201 with the ticket, 90/10 double entry, log entry, outbox event; it admits', async () => {
    const hook = await api(srv.url, 'POST', '/api/v1/webhooks', { url: 'http://127.0.0.1:9/hook', events: ['vr.ticket.purchased'], secret: 'whsec_' + Buffer.alloc(32, 7).toString('base64') }, bearer(creator));
    expect(hook.status).toBe(201);
    const e = await createExperience(srv.url, creator, experienceBody({ capacity: 3, price: 1500 }));
    const fan = await register(srv.url, 'fan');
    const res = await pay(srv.url, fan, { experienceId: e.experience_id }, 'ticket-key-1');
    expect(res.status).toBe(201);
    const { payment, ticket } = res.body.data;
    expect(payment).toMatchObject({ kind: 'vr_ticket', status: 'completed', amount: { amount: 1500, currency: 'USD' }, creatorNet: { amount: 1350 }, platformFee: { amount: 150 }, productId: e.experience_id });
    expect(ticket).toMatchObject({ experienceId: e.experience_id, expiresAt: e.experience.scheduling.end_time });
    expect(ticket.ticketId).toMatch(/^vrt_/);
    const legs = await ledgerLegs(srv, payment.transactionId);
    expect(legs.map((l) => Number(l.amount))).toEqual([1350, 150]);
    expect(legs[0]!.credit_account).toContain('creator_earnings');
    expect(legs[1]!.credit_account).toContain('platform_fees');
    const log = await api(srv.url, 'GET', `/api/v1/log/entries?start=${payment.logIndex}&end=${payment.logIndex}`, undefined, bearer(fan));
    expect(log.body.data.entries[0].entry).toMatchObject({ kind: 'payment.completed', paymentKind: 'vr_ticket', paymentId: payment.id });
    const events = await srv.server.db.query<{ payload: string }>(`SELECT payload FROM webhook_events WHERE owner_id = $1 AND type = 'vr.ticket.purchased'`, [creator.id]);
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0]!.payload).data).toMatchObject({ ticketId: ticket.ticketId, experienceId: e.experience_id, paymentId: payment.id });
    // Same Idempotency-Key: the same ticket, no second charge.
    const gateway = srv.server.money.gateway as TestGateway;
    const charges = gateway.chargeCount;
    const again = await pay(srv.url, fan, { experienceId: e.experience_id }, 'ticket-key-1');
    expect(again.status).toBe(201);
    expect(again.body.data.ticket.ticketId).toBe(ticket.ticketId);
    expect(gateway.chargeCount).toBe(charges);
    // A second ticket for the same fan (new key) is refused before charging.
    const second = await pay(srv.url, fan, { experienceId: e.experience_id }, 'ticket-key-2');
    expect(second.status).toBe(409);
    expect(gateway.chargeCount).toBe(charges);
    expect(await seatsLeft(srv, e.experience_id)).toBe(2);
    const c = await joined(roomClient(srv.wsUrl, e.experience_id, { ticket: ticket.token }));
    c.ws.close();
  });

  it('a declined card takes no seat; a sold-out room answers 409 SOLD_OUT without charging', async () => {
    const e = await createExperience(srv.url, creator, experienceBody({ capacity: 1, price: 900 }));
    const fan1 = await register(srv.url, 'fan');
    const declined = await pay(srv.url, fan1, { experienceId: e.experience_id }, undefined, 'tok_card_declined');
    expect(declined.status).toBe(402);
    expect(await seatsLeft(srv, e.experience_id)).toBe(1);
    expect((await pay(srv.url, fan1, { experienceId: e.experience_id })).status).toBe(201);
    const gateway = srv.server.money.gateway as TestGateway;
    const attempts = gateway.attempts;
    const fan2 = await register(srv.url, 'fan');
    const sold = await pay(srv.url, fan2, { experienceId: e.experience_id }, 'late');
    expect(sold.status).toBe(409);
    expect(sold.body.error.code).toBe('SOLD_OUT');
    expect(sold.body.error.message).toMatch(/nothing was charged/);
    expect(gateway.attempts).toBe(attempts);
    expect(await srv.server.db.query('SELECT 1 FROM payments WHERE fan_id = $1', [fan2.id])).toHaveLength(0);
  });

  it('tier holders get a free ticket (the same one again); others are told what they need', async () => {
    const tier = await createTier(srv.url, creator, 500);
    const e = await createExperience(srv.url, creator, experienceBody({ capacity: 2, price: null, tier: tier.id }));
    const outsider = await register(srv.url, 'fan');
    const refused = await api(srv.url, 'POST', `/api/v1/vr/experiences/${e.experience_id}/tickets`, undefined, bearer(outsider));
    expect(refused.status).toBe(403);
    expect(refused.body.error.details.tierRequirement).toBe(tier.id);
    expect((await pay(srv.url, outsider, { experienceId: e.experience_id })).status).toBe(409); // not sold for money
    const { fan, ticket } = await tierGuest(srv.url, tier.id, e.experience_id);
    const again = await api(srv.url, 'POST', `/api/v1/vr/experiences/${e.experience_id}/tickets`, undefined, bearer(fan));
    expect(again.body.data.ticket.ticketId).toBe(ticket.ticketId);
    const mine = await api(srv.url, 'GET', `/api/v1/vr/experiences/${e.experience_id}/tickets/mine`, undefined, bearer(fan));
    expect(mine.body.data.ticket.ticketId).toBe(ticket.ticketId);
    expect(await seatsLeft(srv, e.experience_id)).toBe(1);
  });

  it('a refunded ticket stops admitting', async () => {
    const e = await createExperience(srv.url, creator, experienceBody({ capacity: 2, price: 700 }));
    const fan = await register(srv.url, 'fan');
    const bought = (await pay(srv.url, fan, { experienceId: e.experience_id })).body.data;
    const refund = await api(srv.url, 'POST', `/api/v1/payments/${bought.payment.id}/refund`, {}, bearer(creator));
    expect(refund.status).toBe(200);
    expect(await refusedWith(roomClient(srv.wsUrl, e.experience_id, { ticket: bought.ticket.token }))).toBe(VrCloseEvents.TicketExpired.code);
    expect(await seatsLeft(srv, e.experience_id)).toBe(2);
  });

  it('cancelling refunds every paid ticket through payments, revokes free ones, closes the room and stops sales', async () => {
    const tier = await createTier(srv.url, creator, 500);
    const e = await createExperience(srv.url, creator, experienceBody({ capacity: 5, price: 1200, tier: tier.id }));
    const buyers = [await register(srv.url, 'fan'), await register(srv.url, 'fan')];
    const bought = [];
    for (const f of buyers) bought.push((await pay(srv.url, f, { experienceId: e.experience_id })).body.data);
    const free = await tierGuest(srv.url, tier.id, e.experience_id);
    const inRoom = await joined(roomClient(srv.wsUrl, e.experience_id, { ticket: bought[0].ticket.token }));
    const other = await register(srv.url, 'creator');
    expect((await api(srv.url, 'POST', `/api/v1/vr/experiences/${e.experience_id}/cancel`, undefined, bearer(other))).status).toBe(404);
    const res = await api(srv.url, 'POST', `/api/v1/vr/experiences/${e.experience_id}/cancel`, undefined, bearer(creator));
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ refunded: 2, refund_failures: [], experience: { status: 'cancelled' } });
    expect((await inRoom.closed).code).toBe(VrCloseEvents.RoomClosed.code);
    const statuses = await srv.server.db.query<{ status: string }>('SELECT status FROM payments WHERE id IN ($1, $2)', [bought[0].payment.id, bought[1].payment.id]);
    expect(statuses.map((s) => s.status)).toEqual(['refunded', 'refunded']);
    const reversals = await srv.server.db.query(`SELECT 1 FROM ledger_transactions WHERE kind = 'refund' AND reference_id IN ($1, $2)`, [bought[0].payment.id, bought[1].payment.id]);
    expect(reversals).toHaveLength(2);
    for (const t of [bought[0].ticket.token, free.ticket.token]) {
      expect(await refusedWith(roomClient(srv.wsUrl, e.experience_id, { ticket: t }))).toBe(VrCloseEvents.TicketExpired.code);
    }
    expect((await pay(srv.url, await register(srv.url, 'fan'), { experienceId: e.experience_id })).status).toBe(409);
    // Cancelling again changes nothing and refunds nothing twice.
    const again = await api(srv.url, 'POST', `/api/v1/vr/experiences/${e.experience_id}/cancel`, undefined, bearer(creator));
    expect(again.body.data.refunded).toBe(0);
    expect(await catalogEntry(srv, creator, e.experience_id)).toMatchObject({ id: e.experience_id, status: 'cancelled', capacity: 5, kind: 'meetup', tierRequirement: tier.id });
  });

  it("answers the seed's 201 shape, a real QR PNG of the room's link, and writes the catalog document", async () => {
    const c = await register(srv.url, 'creator');
    const e = await createExperience(srv.url, c, experienceBody({ capacity: 24, price: 2000 }));
    expect(e.access_url).toBe(`${srv.url}/vr/${e.experience_id}`);
    expect(e.technical_requirements).toMatchObject({ poses_per_second: 20, relay_url: expect.stringContaining(`ws://`) as unknown });
    expect(e.revenue_projection).toMatchObject({ basis: 'no_history', past_experiences: 0, expected_gross: null });
    const png = await fetch(e.qr_code_url);
    expect(png.headers.get('content-type')).toBe('image/png');
    const bytes = Buffer.from(await png.arrayBuffer());
    expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(bytes.readUInt32BE(16)).toBe(512); // IHDR width
    expect(bytes.equals(await QRCode.toBuffer(e.access_url, { type: 'png', errorCorrectionLevel: 'M', margin: 2, width: 512 }))).toBe(true);
    expect((await fetch(`${srv.url}/api/v1/vr/experiences/vr_00000000000000000000000000/qr.png`)).status).toBe(404);
    expect(await catalogEntry(srv, c, e.experience_id)).toMatchObject({ title: 'Friday lounge', status: 'published', price: { amount: 2000, currency: 'USD' } });
    const list = await api(srv.url, 'GET', `/api/v1/vr/experiences?creatorId=${c.id}`);
    expect(list.body.data.experiences.map((x: Json) => x.experience_id)).toEqual([e.experience_id]);
  });

  it('projects revenue from how full the creator’s finished meetups got', async () => {
    const c = await register(srv.url, 'creator');
    const first = await createExperience(srv.url, c, experienceBody({ capacity: 4, price: 1000, durationMinutes: 30 }));
    for (let i = 0; i < 2; i++) expect((await pay(srv.url, await register(srv.url, 'fan'), { experienceId: first.experience_id })).status).toBe(201);
    offsetMs = 2 * 60 * 60_000; // two hours later the first meetup has ended
    try {
      const next = await createExperience(srv.url, c, { ...experienceBody({ capacity: 10, price: 1000 }), scheduling: { start_time: new Date(Date.now() + offsetMs).toISOString(), duration_minutes: 60, timezone: 'UTC' } });
      expect(next.revenue_projection).toMatchObject({
        basis: 'past_experiences',
        past_experiences: 1,
        average_fill_rate: 0.5,
        expected_tickets: 5,
        expected_gross: { amount: 5000, currency: 'USD' },
        expected_creator_net: { amount: 4500, currency: 'USD' },
      });
      expect(next.revenue_projection.message).toMatch(/1 finished meetup.*50%/);
    } finally {
      offsetMs = 0;
    }
  });
});

describe('meetups scheduled offline in the studio (PGlite)', () => {
  let storage: Storage;
  let srv: Running;
  beforeAll(async () => {
    storage = makeStorage('pglite');
    srv = await startVrServer(storage, { catalogPollMs: 100 });
  });
  afterAll(async () => {
    await srv?.close();
    await storage?.cleanup();
  });

  it('an entry written into the catalog document becomes a sellable experience when it syncs; an invalid one never does', async () => {
    const creator = await register(srv.url, 'creator');
    const client = connect(`${srv.wsUrl}/sync`, `creator:${creator.id}`, creator.accessToken);
    await synced(client);
    const entry = (id: string, title: string) => ({
      id,
      creatorId: creator.id,
      title,
      description: '',
      kind: 'meetup',
      startsAt: new Date(Date.now() + 60_000).toISOString(),
      durationMinutes: 45,
      timezone: 'Europe/Paris',
      capacity: 6,
      theme: 'rooftop',
      interactiveElements: ['chat'],
      visibility: 'pay_per_view',
      price: { amount: 1100, currency: 'EUR' },
      tierRequirement: null,
      status: 'published',
    });
    const good = 'vr_01kbaaaaaaaaaaaaaaaaaaaaaa';
    const bad = 'vr_01kbbbbbbbbbbbbbbbbbbbbbbb';
    const draft = 'vr_01kbcccccccccccccccccccccc';
    client.doc.transact(() => {
      const vr = client.doc.getMap('vr');
      for (const [id, value] of [
        [good, entry(good, 'Offline rooftop')],
        [bad, { ...entry(bad, '<b>bold</b>'), capacity: 0 }],
        [draft, { ...entry(draft, 'Not yet'), status: 'draft' }],
      ] as const) {
        const m = new Y.Map<unknown>();
        vr.set(id, m);
        for (const [k, v] of Object.entries(value)) m.set(k, v);
      }
    });
    let res: Json;
    for (let i = 0; i < 200; i++) {
      res = await api(srv.url, 'GET', `/api/v1/vr/experiences/${good}`);
      if (res.status === 200) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    client.destroy();
    expect(res.body.data).toMatchObject({ experience_id: good, title: 'Offline rooftop', environment: { theme: 'rooftop', capacity: 6 }, access_control: { price: { amount: 1100, currency: 'EUR' } } });
    const bought = await pay(srv.url, await register(srv.url, 'fan'), { experienceId: good });
    expect(bought.status).toBe(201);
    expect(bought.body.data.ticket.experienceId).toBe(good);
    expect((await api(srv.url, 'GET', `/api/v1/vr/experiences/${bad}`)).status).toBe(404);
    expect((await api(srv.url, 'GET', `/api/v1/vr/experiences/${draft}`)).status).toBe(404);
    expect(srv.server.vr.catalogImport.imported).toBe(1);
  });
});

describe.each(BACKENDS)('capacity under concurrency on %s', (backend) => {
  const skip = backend === 'postgres' && pgSkipReason !== null;
  let storage: Storage;
  let srv: Running;
  beforeAll(async () => {
    if (skip) return;
    storage = makeStorage(backend);
    srv = await startVrServer(storage);
  });
  afterAll(async () => {
    await srv?.close();
    await storage?.cleanup();
  });

  it.skipIf(skip)('50 concurrent buyers for the last 10 seats: exactly 10 tickets, 40 SOLD_OUT, nobody charged without a seat', async () => {
    const creator = await register(srv.url, 'creator');
    const e = await createExperience(srv.url, creator, experienceBody({ capacity: 12, price: 1000 }));
    for (let i = 0; i < 2; i++) expect((await pay(srv.url, await register(srv.url, 'fan'), { experienceId: e.experience_id })).status).toBe(201);
    // Registration hashes passwords (scrypt, two at a time on the server): the slow part of this test.
    const fans: Account[] = [];
    while (fans.length < 50) fans.push(...(await Promise.all([0, 1, 2, 3, 4].map(() => register(srv.url, 'fan')))));
    const gateway = srv.server.money.gateway as TestGateway;
    const chargesBefore = gateway.chargeCount;
    const results = await Promise.all(fans.map((f, i) => pay(srv.url, f, { experienceId: e.experience_id }, `race-${i}`)));
    const ok = results.filter((r) => r.status === 201);
    const refused = results.filter((r) => r.status === 409);
    expect(ok).toHaveLength(10);
    expect(refused).toHaveLength(40);
    for (const r of refused) expect(r.body.error).toMatchObject({ code: 'SOLD_OUT', message: expect.stringMatching(/nothing was charged/) as unknown });
    expect(gateway.chargeCount - chargesBefore).toBe(10);
    const tickets = await srv.server.db.query<{ n: string | number }>(`SELECT count(*) AS n FROM vr_tickets WHERE experience_id = $1 AND status = 'active'`, [e.experience_id]);
    expect(Number(tickets[0]!.n)).toBe(12);
    const paid = await srv.server.db.query<{ n: string | number }>(`SELECT count(*) AS n FROM payments WHERE product_id = $1 AND status = 'completed'`, [e.experience_id]);
    expect(Number(paid[0]!.n)).toBe(12);
    expect(new Set(ok.map((r) => r.body.data.ticket.ticketId)).size).toBe(10);
    expect(await seatsLeft(srv, e.experience_id)).toBe(0);
  }, 240_000);
});
