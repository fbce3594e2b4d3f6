// /api/v1/webhooks: creators (or integrators acting for them) register endpoints; deliveries follow the
// Standard Webhooks scheme. The secret is returned once, at registration, and never again or in logs.
import { newId } from '@fanz/core';
import { z } from 'zod';
import type { Database } from '../db/database.js';
import { ApiError } from '../errors.js';
import type { IdParam, RouteTable } from '../http/routes.js';
import { refusedWebhookUrl, type AddressPolicy } from './address-policy.js';
import { generateWebhookSecret } from './standard-webhooks.js';
import { WEBHOOK_EVENTS } from './webhook-events.js';

const webhookBody = z.strictObject({
  url: z
    .url({ protocol: /^https?$/, error: 'url must be an http(s) URL' })
    .max(2048),
  events: z.array(z.enum(WEBHOOK_EVENTS)).min(1).max(WEBHOOK_EVENTS.length),
  /** Standard Webhooks secret ("whsec_" + base64); generated when absent. */
  secret: z.string().min(16, { message: 'secret must be at least 16 characters' }).max(256).regex(/^[\x21-\x7e]+$/, { message: 'secret must be printable ASCII' }).optional(),
});
const endpointView = z.object({ id: z.string(), url: z.string(), events: z.array(z.string()), active: z.boolean(), createdAt: z.string() });
const webhookId: IdParam = { pattern: /^whk_[0-9a-z]{26}$/, noun: 'webhook id' };

interface EndpointRow {
  id: string;
  url: string;
  events: string;
  active: boolean;
  created_at: Date | string;
}
const view = (r: EndpointRow) => ({ id: r.id, url: r.url, events: JSON.parse(r.events) as string[], active: r.active, createdAt: new Date(r.created_at).toISOString() });

export function webhookRoutes(routes: RouteTable, db: Database, policy: AddressPolicy = { allowLoopback: false }): void {
  routes.add({
    method: 'POST',
    url: '/api/v1/webhooks',
    summary: 'Register a webhook endpoint for events (Standard Webhooks signatures)',
    tag: 'webhooks',
    access: 'creator',
    body: webhookBody,
    response: endpointView.extend({ secret: z.string() }),
    status: 201,
    handler: async ({ body, user }) => {
      const refused = await refusedWebhookUrl(body.url, policy);
      if (refused) {
        throw new ApiError('VALIDATION_ERROR', `Webhook URLs must reach a public address: ${refused}.`, {
          issues: [{ path: ['url'], code: 'forbidden_address', message: refused }],
        });
      }
      const id = newId('whk');
      const secret = body.secret ?? generateWebhookSecret();
      const events = [...new Set(body.events)];
      const rows = await db.query<EndpointRow>(
        'INSERT INTO webhook_endpoints (id, owner_id, url, events, secret) VALUES ($1, $2, $3, $4, $5) RETURNING id, url, events, active, created_at',
        [id, user.id, body.url, JSON.stringify(events), secret],
      );
      return { ...view(rows[0]!), secret };
    },
  });
  routes.add({
    method: 'GET',
    url: '/api/v1/webhooks',
    summary: "The caller's webhook endpoints (without secrets)",
    tag: 'webhooks',
    access: 'creator',
    response: z.object({ endpoints: z.array(endpointView) }),
    handler: async ({ user }) => {
      const rows = await db.query<EndpointRow>('SELECT id, url, events, active, created_at FROM webhook_endpoints WHERE owner_id = $1 ORDER BY created_at', [user.id]);
      return { endpoints: rows.map(view) };
    },
  });
  routes.add({
    method: 'GET',
    url: '/api/v1/webhooks/:id/deliveries',
    summary: 'Delivery log of an endpoint: each event, its status and every attempt',
    tag: 'webhooks',
    access: 'creator',
    response: z.object({
      deliveries: z.array(
        z.object({
          id: z.string(),
          eventId: z.string(),
          type: z.string(),
          status: z.string(),
          attempts: z.array(z.object({ attempt: z.int(), statusCode: z.int().nullable(), error: z.string().nullable(), durationMs: z.int(), at: z.string() })),
        }),
      ),
    }),
    idParam: webhookId,
    handler: async ({ user, id }) => {
      const own = await db.query('SELECT 1 FROM webhook_endpoints WHERE id = $1 AND owner_id = $2', [id, user.id]);
      if (own.length === 0) throw new ApiError('NOT_FOUND', `No webhook endpoint ${id}.`);
      const rows = await db.query<{ id: string; event_id: string; type: string; status: string; attempt: number | null; status_code: number | null; error: string | null; duration_ms: number | null; attempted_at: Date | string | null }>(
        `SELECT d.id, d.event_id, e.type, d.status, a.attempt, a.status_code, a.error, a.duration_ms, a.attempted_at
           FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
           LEFT JOIN webhook_delivery_attempts a ON a.delivery_id = d.id
          WHERE d.endpoint_id = $1 ORDER BY e.created_at DESC, d.id, a.attempt LIMIT 1000`,
        [id],
      );
      const byId = new Map<string, { id: string; eventId: string; type: string; status: string; attempts: { attempt: number; statusCode: number | null; error: string | null; durationMs: number; at: string }[] }>();
      for (const r of rows) {
        let d = byId.get(r.id);
        if (!d) byId.set(r.id, (d = { id: r.id, eventId: r.event_id, type: r.type, status: r.status, attempts: [] }));
        if (r.attempt !== null) d.attempts.push({ attempt: r.attempt, statusCode: r.status_code, error: r.error, durationMs: r.duration_ms ?? 0, at: new Date(r.attempted_at!).toISOString() });
      }
      return { deliveries: [...byId.values()] };
    },
  });
  routes.add({
    method: 'DELETE',
    url: '/api/v1/webhooks/:id',
    summary: 'Deactivate a webhook endpoint (its delivery log is kept)',
    tag: 'webhooks',
    access: 'creator',
    idParam: webhookId,
    response: z.object({ id: z.string(), active: z.literal(false) }),
    handler: async ({ user, id }) => {
      const rows = await db.query('UPDATE webhook_endpoints SET active = false WHERE id = $1 AND owner_id = $2 RETURNING id', [id, user.id]);
      if (rows.length === 0) throw new ApiError('NOT_FOUND', `No webhook endpoint ${id}.`);
      return { id, active: false as const };
    },
  });
}
