// Webhook endpoints and the events sent to them. Payloads follow the Standard Webhooks shape
// ({type, timestamp, data}); the event id is sent as the `webhook-id` header.
import { z } from 'zod';
import { idSchema } from '../ids';
import { timestampSchema } from './common';

export const WEBHOOK_EVENT_TYPES = [
  'payment.completed',
  'payment.refunded',
  'subscription.created',
  'subscription.cancelled',
  'tip.received',
  'payout.requested',
  'payout.paid',
  'payout.failed',
  'post.published',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Standard Webhooks secret: "whsec_" + base64 of 24..64 random bytes. */
export const webhookSecretSchema = z
  .string()
  .regex(/^whsec_[A-Za-z0-9+/]{32,88}={0,2}$/, { message: 'secret must be "whsec_" followed by base64 (24-64 bytes)' });

const webhookUrlSchema = z.url({ protocol: /^https?$/, error: 'url must be an http(s) URL' }).max(2048);

/** POST /api/v1/webhooks body. */
export const createWebhookBodySchema = z.strictObject({
  url: webhookUrlSchema,
  events: z.array(z.enum(WEBHOOK_EVENT_TYPES)).min(1).max(WEBHOOK_EVENT_TYPES.length),
  secret: webhookSecretSchema,
});

export const webhookEndpointSchema = z.object({
  id: idSchema('whk'),
  creatorId: idSchema('cr'),
  url: webhookUrlSchema,
  events: z.array(z.enum(WEBHOOK_EVENT_TYPES)).min(1),
  active: z.boolean(),
  createdAt: timestampSchema,
});
export type WebhookEndpoint = z.infer<typeof webhookEndpointSchema>;

export const webhookEventSchema = z.object({
  id: idSchema('evt'),
  type: z.enum(WEBHOOK_EVENT_TYPES),
  timestamp: timestampSchema,
  data: z.record(z.string(), z.unknown()),
});
export type WebhookEvent = z.infer<typeof webhookEventSchema>;
