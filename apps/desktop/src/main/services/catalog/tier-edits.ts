// Subscription tiers edited in the studio, offline: they live in the creator's catalog document (Yjs) like
// posts, so they sync to the server when it is reachable, where fans subscribe to them.
import type * as Y from 'yjs';
import { isCoreError, listTiers, newId, putTier, updateTier, type Tier } from '@fanz/core';
import { StudioApiError, type TierDraft } from '../../../shared/studio-api.js';

/** Active tiers first, then cheapest first. */
export function tiersOf(doc: Y.Doc | null): Tier[] {
  if (!doc) return [];
  return listTiers(doc).sort((a, b) => Number(b.active) - Number(a.active) || a.price.amount - b.price.amount);
}

export function saveTier(doc: Y.Doc, creatorId: string, d: TierDraft, now = new Date()): Tier {
  const fields = { name: d.name, price: d.price, interval: d.interval, benefits: d.benefits ?? [], active: d.active ?? true };
  try {
    if (d.id) {
      if (!listTiers(doc).some((t) => t.id === d.id)) throw new StudioApiError('NOT_FOUND', 'that tier no longer exists');
      return updateTier(doc, d.id, fields);
    }
    return putTier(doc, { id: newId('tier'), creatorId, ...fields, createdAt: now.toISOString() });
  } catch (err) {
    if (isCoreError(err)) throw new StudioApiError('VALIDATION_ERROR', err.message, { fields: {} });
    throw err;
  }
}
