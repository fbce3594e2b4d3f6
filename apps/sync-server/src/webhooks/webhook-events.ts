// Event types a webhook endpoint can subscribe to, and the outbox write: an event row plus one pending
// delivery per subscribed endpoint, inside the caller's transaction, so an event is sent if and only if
// what it reports was committed.
import { newId } from '@fanz/core';
import type { Queryable } from '../db/database.js';

export const WEBHOOK_EVENTS = [
  'payment.completed',
  'payment.refunded',
  'fan.subscribed',
  'subscription.renewed',
  'subscription.past_due',
  'subscription.canceled',
  'tip.received',
  'creator.payout.requested',
  'creator.payout.processed',
  'creator.payout.failed',
  'content.uploaded',
  'content.ai_optimized',
  'post.published',
  'analytics.weekly_summary',
  'vr.ticket.purchased',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

/** Writes the event to the outbox for every active endpoint of `ownerId` subscribed to `type`; returns the event id and how many deliveries were queued. */
export async function enqueueWebhookEvent(
  tx: Queryable,
  ownerId: string,
  type: WebhookEventType,
  data: Record<string, unknown>,
): Promise<{ id: string; deliveries: number }> {
  const id = newId('evt');
  const payload = JSON.stringify({ type, timestamp: new Date().toISOString(), data });
  const rows = await tx.query(
    `WITH ev AS (INSERT INTO webhook_events (id, owner_id, type, payload) VALUES ($1, $2, $3, $4) RETURNING id)
     INSERT INTO webhook_deliveries (id, event_id, endpoint_id, status)
     SELECT ev.id || ':' || e.id, ev.id, e.id, 'pending' FROM ev, webhook_endpoints e
      WHERE e.owner_id = $2 AND e.active AND e.events LIKE $5 RETURNING id`,
    [id, ownerId, type, payload, `%"${type}"%`],
  );
  return { id, deliveries: rows.length };
}
