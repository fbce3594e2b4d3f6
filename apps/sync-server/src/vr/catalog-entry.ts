// Writes an experience into the creator's catalog Yjs document (map "vr", experience id -> Y.Map of its
// fields), the way subscriptions write tiers, so the studio sees server-created meetups on its next sync.
// Field names follow @fanz/core's catalog-doc vrExperienceSchema where they exist (kind, startsAt,
// durationMinutes, capacity, visibility, price, status); the seed's extra fields ride along. core's
// putVrExperience is not used for the same reason as for tiers: server accounts are `usr_` ids.
import * as Y from 'yjs';
import type { DocManager } from '../sync/doc-manager.js';
import type { Experience } from './experience-store.js';

export async function writeCatalogEntry(docs: DocManager, e: Experience): Promise<void> {
  const r = e.row;
  const now = new Date().toISOString();
  const fields: Record<string, unknown> = {
    id: e.id,
    creatorId: e.creatorId,
    title: r.title,
    description: r.description,
    kind: 'meetup',
    startsAt: new Date(e.startsAt).toISOString(),
    durationMinutes: Number(r.duration_minutes),
    timezone: r.timezone,
    capacity: e.capacity,
    theme: r.theme,
    interactiveElements: JSON.parse(r.interactive_elements) as unknown,
    visibility: e.price ? 'pay_per_view' : 'subscribers',
    price: e.price,
    tierRequirement: e.tierRequirement,
    media: [],
    status: e.status === 'cancelled' ? 'cancelled' : 'published',
    publishedAt: new Date(r.created_at).toISOString(),
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: now,
  };
  await docs.edit(`creator:${e.creatorId}`, (doc) => {
    const vr = doc.getMap('vr');
    let map = vr.get(e.id);
    if (!(map instanceof Y.Map)) {
      map = new Y.Map<unknown>();
      vr.set(e.id, map);
    }
    const ymap = map as Y.Map<unknown>;
    for (const [k, v] of Object.entries(fields)) if (JSON.stringify(ymap.get(k)) !== JSON.stringify(v)) ymap.set(k, v);
  });
}
