// The Meetups screen's server calls (issue 19): schedule, list and cancel VR experiences over REST, and
// the host link into the fan web app's room. Online, experiences are created through REST (the server
// keeps them in its own table: seats, tickets, the relay's admission). When the server cannot be reached
// the meetup is written into the creator's catalog document instead (offline-meetups.ts); the server's
// vr/catalog-import.ts creates the experience when the document syncs, and until the server lists it the
// list shows it as pending. Every answer is checked with @fanz/core's schemas.
import {
  cancelVrExperienceResponseSchema,
  createVrExperienceBodySchema,
  createVrExperienceResponseSchema,
  vrExperienceViewSchema,
} from '@fanz/core';
import { z } from 'zod';
import { meetupCreateSchema, type MeetupCancelled, type MeetupCreateInput, type MeetupCreated, type MeetupHostLink, type MeetupView } from '../../../shared/meetups-api.js';
import { StudioApiError } from '../../../shared/studio-api.js';
import { callServer } from '../account/server-client.js';
import { markListed, pendingMeetups, writeOfflineMeetup, type CatalogDoc } from './offline-meetups.js';

export interface MeetupsDeps {
  /** The signed-in creator, or null when signed out. */
  account: () => { serverUrl: string; creatorId: string; role: string } | null;
  accessToken: () => Promise<string>;
  /** The signed-in creator's catalog document, where a meetup scheduled offline is written. */
  catalogDoc?: () => CatalogDoc | null;
}

/** The server could not be reached (or did not answer): the catalog document takes the meetup. */
const isOffline = (err: unknown) => err instanceof StudioApiError && (err.code === 'SERVER_UNREACHABLE' || err.code === 'SERVER_TIMEOUT');

function parse<T>(schema: z.ZodType<T>, data: unknown, what: string): T {
  const r = schema.safeParse(data);
  if (!r.success) throw new StudioApiError('BAD_SERVER_RESPONSE', `the server answered ${what} the studio does not understand`);
  return r.data;
}

function creator(d: MeetupsDeps) {
  const a = d.account();
  if (!a) throw new StudioApiError('NOT_SIGNED_IN', 'sign in to schedule meetups: they live on your server');
  if (a.role !== 'creator') throw new StudioApiError('NOT_A_CREATOR', 'meetups are for creator accounts');
  return a;
}

const EXPERIENCE_ID = /^vr_[0-9a-z]{26}$/;
function checkId(id: string): string {
  if (!EXPERIENCE_ID.test(id)) throw new StudioApiError('VALIDATION_ERROR', 'not a meetup id');
  return id;
}

export async function listMeetups(d: MeetupsDeps): Promise<MeetupView[]> {
  const a = creator(d);
  const doc = d.catalogDoc?.() ?? null;
  let listed: MeetupView[];
  try {
    const data = await callServer(a.serverUrl, 'GET', `/api/v1/vr/experiences?creatorId=${encodeURIComponent(a.creatorId)}`, { accessToken: await d.accessToken() });
    listed = parse(z.object({ experiences: z.array(vrExperienceViewSchema) }), data, 'a meetup list').experiences;
  } catch (err) {
    // Offline, the meetups scheduled here still show (pending); with none, the screen says the server is away.
    const pending = doc && isOffline(err) ? pendingMeetups(doc, a.creatorId, Date.now()) : [];
    if (pending.length) return pending;
    throw err;
  }
  if (!doc) return listed;
  markListed(doc, listed.map((m) => m.experience_id));
  return [...pendingMeetups(doc, a.creatorId, Date.now()), ...listed];
}

export async function createMeetup(d: MeetupsDeps, input: MeetupCreateInput): Promise<MeetupCreated> {
  const m = meetupCreateSchema.parse(input);
  const a = creator(d);
  // The server's body, built and checked with the server's own schema before it leaves.
  const body = createVrExperienceBodySchema.parse({
    type: 'virtual_meetup',
    title: m.title,
    description: m.description,
    environment: { theme: m.theme, capacity: m.capacity, interactive_elements: ['chat'] },
    scheduling: { start_time: m.startsAt, duration_minutes: m.durationMinutes, timezone: m.timezone },
    access_control: { ...(m.price ? { price: m.price } : {}), ...(m.tierId ? { tier_requirement: m.tierId } : {}) },
  });
  let data: unknown;
  try {
    data = await callServer(a.serverUrl, 'POST', '/api/v1/vr/experiences', { body, accessToken: await d.accessToken(), timeoutMs: 20_000 });
  } catch (err) {
    const doc = d.catalogDoc?.() ?? null;
    if (!doc || !isOffline(err)) throw err;
    const experience = writeOfflineMeetup(doc, a.creatorId, m);
    return {
      offline: true,
      experience_id: experience.experience_id,
      experience,
      message: `“${m.title}” is scheduled offline; fans can buy tickets once the studio syncs with your server.`,
    };
  }
  return parse(createVrExperienceResponseSchema, data, 'the new meetup');
}

export async function cancelMeetup(d: MeetupsDeps, id: string): Promise<MeetupCancelled> {
  const a = creator(d);
  // Cancelling refunds every paid ticket on the server, one payment at a time.
  const data = await callServer(a.serverUrl, 'POST', `/api/v1/vr/experiences/${checkId(id)}/cancel`, { accessToken: await d.accessToken(), timeoutMs: 60_000 });
  const r = parse(cancelVrExperienceResponseSchema, data, 'the cancellation');
  return { meetup: r.experience, refunded: r.refunded, refundFailures: r.refund_failures.length };
}

/** The fan web app's room for this meetup, opened as host with a fresh access token in the fragment. */
export async function meetupHostLink(d: MeetupsDeps, id: string): Promise<MeetupHostLink> {
  const a = creator(d);
  const token = await d.accessToken();
  return { url: `${a.serverUrl.replace(/\/+$/, '')}/vr/${checkId(id)}#host=${encodeURIComponent(token)}` };
}
