// A meetup scheduled while the server is unreachable: written into the creator's catalog document (map
// "vr", id -> Y.Map) with the field names the server's vr/catalog-entry.ts writes and vr/catalog-import.ts
// reads, status "published", so the server creates the experience when the document syncs. `savedOffline`
// marks it until the server's list shows it (markListed); meanwhile the studio lists it as pending.
// @fanz/core's putVrExperience is not used: its schema wants `cr_` creator ids, server accounts are `usr_`.
import { VR_THEMES, newId, positiveMoneySchema } from '@fanz/core';
import * as Y from 'yjs';
import { z } from 'zod';
import type { MeetupView } from '../../../shared/meetups-api.js';

export type CatalogDoc = Y.Doc;

/** The form after meetupCreateSchema (defaults applied). */
export interface OfflineMeetupInput {
  title: string;
  description: string;
  theme: MeetupView['environment']['theme'];
  capacity: number;
  startsAt: string;
  durationMinutes: number;
  timezone: string;
  price: z.infer<typeof positiveMoneySchema> | null;
  tierId: string | null;
}

/** What this file writes, read back (other entries in the map, e.g. the server's, are not pending). */
const pendingEntrySchema = z.object({
  id: z.string(),
  creatorId: z.string(),
  title: z.string(),
  description: z.string(),
  startsAt: z.iso.datetime({ offset: true }),
  durationMinutes: z.number(),
  timezone: z.string(),
  capacity: z.number(),
  theme: z.enum(VR_THEMES),
  price: positiveMoneySchema.nullable(),
  tierRequirement: z.string().nullable(),
  status: z.literal('published'),
  createdAt: z.string(),
  savedOffline: z.literal(true),
});

export function writeOfflineMeetup(doc: CatalogDoc, creatorId: string, m: OfflineMeetupInput, now = new Date()): MeetupView {
  const id = newId('vr');
  const at = now.toISOString();
  const fields: Record<string, unknown> = {
    id,
    creatorId,
    title: m.title,
    description: m.description,
    kind: 'meetup',
    startsAt: new Date(m.startsAt).toISOString(),
    durationMinutes: m.durationMinutes,
    timezone: m.timezone,
    capacity: m.capacity,
    theme: m.theme,
    interactiveElements: ['chat'],
    visibility: m.price ? 'pay_per_view' : 'subscribers',
    price: m.price,
    tierRequirement: m.tierId,
    media: [],
    status: 'published',
    publishedAt: at,
    createdAt: at,
    updatedAt: at,
    savedOffline: true,
  };
  doc.transact(() => {
    const entry = new Y.Map<unknown>();
    for (const [k, v] of Object.entries(fields)) entry.set(k, v);
    doc.getMap('vr').set(id, entry);
  });
  return toView(pendingEntrySchema.parse(fields));
}

/** The server lists these: they are no longer pending. */
export function markListed(doc: CatalogDoc, ids: string[]): void {
  const vr = doc.getMap('vr');
  const listed = ids.map((id) => vr.get(id)).filter((e): e is Y.Map<unknown> => e instanceof Y.Map && e.get('savedOffline') === true);
  if (listed.length) doc.transact(() => listed.forEach((e) => e.delete('savedOffline')));
}

/** Meetups scheduled offline that the server has not listed yet and that are not over at `now`. */
export function pendingMeetups(doc: CatalogDoc, creatorId: string, now: number): MeetupView[] {
  const out: MeetupView[] = [];
  doc.getMap('vr').forEach((raw) => {
    const e = pendingEntrySchema.safeParse(raw instanceof Y.Map ? raw.toJSON() : raw);
    if (!e.success || e.data.creatorId !== creatorId) return;
    const view = toView(e.data);
    if (Date.parse(view.scheduling.end_time) > now) out.push(view);
  });
  return out.sort((a, b) => a.scheduling.start_time.localeCompare(b.scheduling.start_time));
}

function toView(e: z.infer<typeof pendingEntrySchema>): MeetupView {
  const start = new Date(e.startsAt).toISOString();
  return {
    experience_id: e.id,
    creator_id: e.creatorId,
    type: 'virtual_meetup',
    title: e.title,
    description: e.description,
    status: 'scheduled',
    environment: { theme: e.theme, capacity: e.capacity, interactive_elements: ['chat'] },
    scheduling: { start_time: start, duration_minutes: e.durationMinutes, timezone: e.timezone, end_time: new Date(Date.parse(start) + e.durationMinutes * 60_000).toISOString() },
    access_control: { tier_requirement: e.tierRequirement, price: e.price },
    tickets_sold: 0,
    seats_left: e.capacity,
    access_url: '',
    qr_code_url: '',
    created_at: e.createdAt,
    cancelled_at: null,
    pending: true,
  };
}
