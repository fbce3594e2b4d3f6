// The studio's meetups service against the real sync server (in-process, PGlite): a meetup scheduled from
// the studio's form input is on the server (and in the list, with its seats), a fan's ticket bought through
// the real payment route shows as sold, cancelling refunds it; the host link points at the fan web app's
// room with the token in the fragment only. Bad form input, a fan account, a signed-out studio and a server
// answering something else each get a clear error and send nothing.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../sync-server/src/config.js';
import { buildServer, type FanzServer } from '../../sync-server/src/server.js';
import { fileSecretBox } from '../src/main/services/account/account-store.js';
import { CatalogService } from '../src/main/services/catalog/catalog-service.js';
import { openDb } from '../src/main/services/library/db.js';
import { cancelMeetup, createMeetup, listMeetups, meetupHostLink, type MeetupsDeps } from '../src/main/services/meetups/meetups-client.js';
import type { MeetupCreateInput } from '../src/shared/meetups-api.js';
import { StudioApiError } from '../src/shared/studio-api.js';
import { serverApi } from './helpers/server-api.js';

let dir: string;
let server: FanzServer;
let url: string;
let garbage: Server;
let garbageUrl: string;
let creator: { id: string; token: string };
let fan: { id: string; token: string };

const { post, registerAs } = serverApi(() => url);

const deps = (serverUrl: string, who = creator, role = 'creator'): MeetupsDeps => ({
  account: () => ({ serverUrl, creatorId: who.id, role }),
  accessToken: async () => who.token,
});

const form = (over: Partial<MeetupCreateInput> = {}): MeetupCreateInput => ({
  title: 'Studio tour',
  theme: 'lounge',
  capacity: 12,
  startsAt: new Date(Date.now() + 3600_000).toISOString(),
  durationMinutes: 45,
  timezone: 'Europe/Berlin',
  price: { amount: 800, currency: 'USD' },
  tierId: null,
  ...over,
});

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fanz-meetups-'));
  server = await buildServer({ ...loadConfig({}), port: 0, host: '127.0.0.1', dataDir: join(dir, 'server'), logLevel: 'silent' }, { logger: false });
  url = await server.listen();
  garbage = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ success: true, data: { experiences: [{ hello: 'not a meetup' }] } }));
  });
  garbageUrl = await new Promise<string>((r) => garbage.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${(garbage.address() as AddressInfo).port}`)));
  creator = await registerAs('creator');
  fan = await registerAs('fan');
}, 90_000);

afterAll(async () => {
  await server?.close();
  await new Promise((r) => garbage?.close(r));
  rmSync(dir, { recursive: true, force: true });
});

describe('studio meetups service', () => {
  it('schedules a meetup on the server, lists it with seats, shows a sold ticket, and cancels with the refund', async () => {
    expect(await listMeetups(deps(url))).toEqual([]);
    const created = await createMeetup(deps(url), form());
    if (created.offline) throw new Error('the server is up: created over REST');
    expect(created.experience).toMatchObject({ title: 'Studio tour', status: 'scheduled', tickets_sold: 0, seats_left: 12, creator_id: creator.id });
    expect(created.experience.access_control).toEqual({ tier_requirement: null, price: { amount: 800, currency: 'USD' } });
    expect(created.revenue_projection.basis).toBe('no_history');
    const id = created.experience_id;

    const paid = await post(
      '/api/v1/payments',
      { experienceId: id, paymentMethod: { type: 'test_card', cardToken: 'tok_visa_success' }, expectedAmount: { amount: 800, currency: 'USD' } },
      fan.token,
      { 'idempotency-key': randomBytes(8).toString('hex') },
    );
    expect(paid.status, JSON.stringify(paid.body)).toBe(201);
    const listed = await listMeetups(deps(url));
    expect(listed.map((m) => [m.experience_id, m.tickets_sold, m.seats_left])).toEqual([[id, 1, 11]]);

    const cancelled = await cancelMeetup(deps(url), id);
    expect(cancelled).toMatchObject({ refunded: 1, refundFailures: 0, meetup: { status: 'cancelled' } });
    expect((await listMeetups(deps(url)))[0]!.status).toBe('cancelled');
  });

  it('gives the host the fan web room with the access token in the fragment only', async () => {
    const { experience_id: id } = await createMeetup(deps(url), form({ title: 'Host me' }));
    const link = await meetupHostLink(deps(url), id);
    const u = new URL(link.url);
    expect(`${u.origin}${u.pathname}`).toBe(`${url}/vr/${id}`);
    expect(u.search).toBe('');
    expect(decodeURIComponent(u.hash)).toBe(`#host=${creator.token}`);
  });

  it('refuses bad input before calling the server, in words per field', async () => {
    await expect(createMeetup(deps(url), form({ price: null, tierId: null }))).rejects.toThrow(/set a ticket price, a tier, or both/);
    await expect(createMeetup(deps(url), form({ capacity: 0 }))).rejects.toThrow(/capacity: at least 1/);
    await expect(createMeetup(deps(url), form({ startsAt: 'tomorrow' }))).rejects.toThrow(/choose a start date and time/);
    await expect(createMeetup(deps(url), form({ title: '  ' }))).rejects.toThrow(/enter a title/);
    // The server refuses what only it can judge (a start in the past, a tier that is not the creator's).
    await expect(createMeetup(deps(url), form({ startsAt: new Date(Date.now() - 86_400_000).toISOString() }))).rejects.toThrow(/past/);
    await expect(createMeetup(deps(url), form({ tierId: 'tier_not_mine' }))).rejects.toThrow(/tier/);
    await expect(cancelMeetup(deps(url), '../../payments')).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
  });

  it('needs a signed-in creator and refuses a server answering something else', async () => {
    const signedOut: MeetupsDeps = { account: () => null, accessToken: async () => 'x' };
    await expect(listMeetups(signedOut)).rejects.toMatchObject({ code: 'NOT_SIGNED_IN' });
    await expect(listMeetups(deps(url, fan, 'fan'))).rejects.toMatchObject({ code: 'NOT_A_CREATOR' });
    const err = await listMeetups(deps(garbageUrl)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StudioApiError);
    expect(err).toMatchObject({ code: 'BAD_SERVER_RESPONSE' });
  });
});

describe('a meetup scheduled while the server is down', () => {
  it('goes into the catalog document, lists as pending, and is sold by the server once the studio syncs', async () => {
    const root = mkdtempSync(join(tmpdir(), 'fanz-meetups-offline-'));
    const config = { ...loadConfig({}), port: 0, host: '127.0.0.1', dataDir: join(root, 'server'), logLevel: 'silent' as const };
    let srv: FanzServer | null = await buildServer(config, { logger: false });
    const srvUrl = await srv.listen();
    const db = openDb(join(root, 'studio'));
    const catalog = new CatalogService({ db, box: fileSecretBox(join(root, 'studio')), defaultServerUrl: srvUrl, mode: 'browser', maxBackoffMs: 200, deviceName: 'meetups test' });
    try {
      const n = randomBytes(4).toString('hex');
      await catalog.register({ serverUrl: srvUrl, email: `m${n}@example.test`, password: 'correct horse battery', username: `creator_${n}`, displayName: 'M' });
      const me = catalog.session().user!;
      const studio: MeetupsDeps = {
        account: () => ({ serverUrl: srvUrl, creatorId: me.id, role: me.role }),
        accessToken: () => catalog.getAccessToken(),
        catalogDoc: () => catalog.doc,
      };
      await vi.waitFor(() => expect(catalog.syncStatus().state).toBe('synced'), { timeout: 20_000 });

      // The server goes down: REST is unreachable, the meetup lands in the local catalog document.
      await srv.close();
      srv = null;
      await vi.waitFor(() => expect(catalog.syncStatus().state).not.toBe('synced'), { timeout: 10_000 });
      const created = await createMeetup(studio, form({ title: 'Offline tour', price: { amount: 500, currency: 'USD' } }));
      if (!created.offline) throw new Error('expected the offline path');
      expect(created.message).toMatch(/scheduled offline; fans can buy tickets once the studio syncs/);
      const id = created.experience_id;
      expect(id).toMatch(/^vr_[0-9a-z]{26}$/);
      const entry = (catalog.doc!.getMap('vr').get(id) as { toJSON(): Record<string, unknown> }).toJSON();
      expect(entry).toMatchObject({ id, creatorId: me.id, title: 'Offline tour', status: 'published', capacity: 12, price: { amount: 500, currency: 'USD' }, savedOffline: true });
      expect(catalog.syncStatus().pendingChanges).toBeGreaterThan(0);
      const offlineList = await listMeetups(studio);
      expect(offlineList.map((m) => [m.experience_id, m.pending])).toEqual([[id, true]]);
      // Anything but "unreachable" is still an error, never a silent offline write.
      const bad = await createMeetup({ ...studio, account: () => ({ serverUrl: garbageUrl, creatorId: me.id, role: 'creator' }) }, form()).catch((e: unknown) => e);
      expect(bad).toBeInstanceOf(StudioApiError);

      // The server comes back on the same address and data; the studio's catalog sync carries the entry over.
      srv = await buildServer({ ...config, port: Number(new URL(srvUrl).port) }, { logger: false });
      await srv.listen();
      await vi.waitFor(() => expect(catalog.syncStatus().state).toBe('synced'), { timeout: 30_000 });
      const res = await vi.waitFor(
        async () => {
          const r = await fetch(`${srvUrl}/api/v1/vr/experiences?creatorId=${encodeURIComponent(me.id)}`);
          const body = (await r.json()) as { data: { experiences: Array<{ experience_id: string; title: string; status: string; access_control: unknown }> } };
          expect(body.data.experiences.map((e) => e.experience_id)).toEqual([id]);
          return body.data.experiences[0]!;
        },
        { timeout: 30_000, interval: 500 },
      );
      expect(res).toMatchObject({ title: 'Offline tour', status: 'scheduled', access_control: { price: { amount: 500, currency: 'USD' }, tier_requirement: null } });
      // Listed by the server now: no longer pending, and the marker is gone from the document.
      const online = await listMeetups(studio);
      expect(online.map((m) => [m.experience_id, m.pending ?? false])).toEqual([[id, false]]);
      expect((catalog.doc!.getMap('vr').get(id) as { get(k: string): unknown }).get('savedOffline')).toBeUndefined();
    } finally {
      catalog.close();
      db.close();
      await srv?.close();
      rmSync(root, { recursive: true, force: true });
    }
  }, 120_000);
});
